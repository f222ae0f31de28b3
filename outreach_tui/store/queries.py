"""Read-only queries behind the booth screens: status line, paged record lists, search.

Everything pages with SQL (LIMIT/OFFSET over indexed orderings); nothing here loads a
whole table into memory.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Literal

from outreach_tui.store import name_index
from outreach_tui.store.database import Database

# nik_keys and crypto (hmac, the wire format, the models) are imported by the record
# lists, not at module level: the booth's start-up reads only its status line from here.

Kind = Literal["registrations", "leads"]


@dataclass(frozen=True)
class BoothStatus:
    officer_code: str | None
    officer_name: str | None
    event_id: str | None
    event_name: str | None
    today_owners: int
    today_workers: int
    today_leads: int
    pending_sync: int


@dataclass(frozen=True)
class RecordsPage:
    rows: list[dict[str, Any]]
    total: int
    offset: int
    limit: int


def _search_clause(
    kind: Kind, search: str, digests: list[str] | None = None
) -> tuple[str, list[Any], str | None, list[Any]]:
    """NIK or phone digits use index range scans; names go through the trigram index
    (store/name_index.py). A whole NIK also matches its keyed hash (``digests``: purged or
    encrypted rows). Returns the WHERE fragment and, for names, a rank to order by first."""
    text = search.strip()
    digits = re.sub(r"[\s\-.+()]", "", text)
    if digits.isdigit() and len(digits) >= 4:
        national = digits[1:] if digits.startswith("0") else digits.removeprefix("62")
        phone_prefix = "+62" + national
        clauses = ["(phone >= ? AND phone < ?)"]
        digit_params = [phone_prefix, phone_prefix + "~"]
        if kind == "registrations":
            clauses.append("(nik >= ? AND nik < ?)")
            digit_params += [digits, digits + "~"]
            if digests:
                clauses.append(f"nik_digest IN ({','.join('?' * len(digests))})")
                digit_params += digests
        return "(" + " OR ".join(clauses) + ")", list(digit_params), None, []
    words = name_index.clean(text)
    clause, params = name_index.clause(kind, words)
    rank, rank_params = name_index.rank(words)
    return clause, params, rank, rank_params


def _ranked_page(
    db: Any,
    table: str,
    sql_where: str,
    params: list[Any],
    rank: str,
    rank_params: list[Any],
    live_workers: str,
    limit: int,
    offset: int,
) -> tuple[list[dict[str, Any]], int]:
    """A name search's page and total from one pass over the index: the matches (uuid,
    rank, created_at) are materialised once, counted, and only the page's rows read."""
    sql = (
        f"WITH hits AS MATERIALIZED (SELECT uuid AS hit, {rank} AS hit_rank,"
        f" created_at AS hit_at FROM {table}{sql_where}),"
        " paged AS (SELECT hit, hit_rank, hit_at FROM hits"
        " ORDER BY hit_rank, hit_at DESC, hit DESC LIMIT ? OFFSET ?)"
        f" SELECT {table}.*{live_workers}, (SELECT count(*) FROM hits) AS hits_total"
        f" FROM paged JOIN {table} ON {table}.uuid = paged.hit"
        " ORDER BY hit_rank, hit_at DESC, hit DESC"
    )
    rows = list(db.query(sql, [*rank_params, *params, limit, offset]))
    if rows:
        total = rows[0]["hits_total"]
        for row in rows:
            del row["hits_total"]
        return rows, total
    (total,) = db.execute(f"SELECT count(*) FROM {table}{sql_where}", params).fetchone()
    return rows, total


class BoothQueries:
    def __init__(self, database: Database) -> None:
        self._database = database

    def status(self, *, day_start_utc: str, day_end_utc: str) -> BoothStatus:
        with self._database.read() as db:
            settings = dict(
                db.execute(
                    "SELECT key, value FROM settings WHERE key IN ('officer_code', 'event_id')"
                ).fetchall()
            )
            officer = settings.get("officer_code")
            event_id = settings.get("event_id")
            officer_name = db.execute(
                "SELECT name FROM officers WHERE code = ?", [officer]
            ).fetchone()
            event_name = db.execute("SELECT name FROM events WHERE id = ?", [event_id]).fetchone()
            owners, workers = db.execute(
                "SELECT count(*) FILTER (WHERE role = 'owner'),"
                " count(*) FILTER (WHERE role = 'worker') FROM registrations"
                " WHERE created_at >= ? AND created_at < ? AND voided_at IS NULL",
                [day_start_utc, day_end_utc],
            ).fetchone()
            (leads,) = db.execute(
                "SELECT count(*) FROM leads"
                " WHERE created_at >= ? AND created_at < ? AND voided_at IS NULL",
                [day_start_utc, day_end_utc],
            ).fetchone()
            (pending,) = db.execute(
                "SELECT (SELECT count(*) FROM registrations"
                "        WHERE sync_state IN ('pending', 'uploading'))"
                " + (SELECT count(*) FROM leads WHERE sync_state IN ('pending', 'uploading'))"
            ).fetchone()
        return BoothStatus(
            officer_code=officer,
            officer_name=officer_name[0] if officer_name else None,
            event_id=event_id,
            event_name=event_name[0] if event_name else None,
            today_owners=owners,
            today_workers=workers,
            today_leads=leads,
            pending_sync=pending,
        )

    def page(
        self,
        kind: Kind,
        *,
        search: str = "",
        since_utc: str | None = None,
        until_utc: str | None = None,
        limit: int = 50,
        offset: int = 0,
        states: tuple[str, ...] = (),
    ) -> RecordsPage:
        """Newest first; `search` matches name, NIK, phone or receipt number; `states`
        keeps only those sync states (e.g. rejected and conflict: what needs fixing)."""
        table = "registrations" if kind == "registrations" else "leads"
        where: list[str] = []
        params: list[str | int] = []
        if states:
            where.append(f"sync_state IN ({', '.join('?' * len(states))})")
            params.extend(states)
        if since_utc:
            where.append("created_at >= ?")
            params.append(since_utc)
        if until_utc:
            where.append("created_at < ?")
            params.append(until_utc)
        limit = max(1, min(limit, 500))
        offset = max(0, offset)
        from outreach_tui.store import nik_keys
        from outreach_tui.store.crypto import open_row

        rank: str | None = None
        rank_params: list[Any] = []
        with self._database.read() as db:
            if search.strip():
                digits = re.sub(r"[\s\-.+()]", "", search.strip())
                digests = (
                    nik_keys.candidates(db, self._database.cipher, digits)
                    if kind == "registrations" and len(digits) == 16 and digits.isdigit()
                    else None
                )
                clause, extra, rank, rank_params = _search_clause(kind, search, digests)
                where.append(clause)
                params += extra
            sql_where = (" WHERE " + " AND ".join(where)) if where else ""
            # An owner's worker count is its live worker rows (indexed by owner_uuid).
            live_workers = (
                ", (SELECT count(*) FROM registrations AS w WHERE w.owner_uuid ="
                " registrations.uuid AND w.voided_at IS NULL) AS live_workers"
                if kind == "registrations" else ""
            )  # fmt: skip
            if rank is not None:
                rows, total = _ranked_page(
                    db, table, sql_where, params, rank, rank_params, live_workers, limit, offset
                )
            else:
                (total,) = db.execute(f"SELECT count(*) FROM {table}{sql_where}", params).fetchone()
                rows = list(
                    db.query(
                        f"SELECT *{live_workers} FROM {table}{sql_where}"
                        " ORDER BY created_at DESC, uuid DESC LIMIT ? OFFSET ?",
                        [*params, limit, offset],
                    )
                )
        cipher = self._database.cipher
        rows = [open_row(cipher, table, row) for row in rows]
        return RecordsPage(rows=rows, total=total, offset=offset, limit=limit)

    def known_digest(self, nik_digest: str) -> dict[str, Any] | None:
        """A participant the branch already knows (from the sync downlink), by NIK digest."""
        with self._database.read() as db:
            rows = list(
                db.query("SELECT * FROM known_participants WHERE nik_digest = ?", [nik_digest])
            )
        return rows[0] if rows else None
