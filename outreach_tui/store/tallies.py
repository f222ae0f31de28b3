"""Supervisor reads of the officer's file: grouped tallies, targets context, export rows.

Tallies are one ``GROUP BY`` per table over the ``created_at`` range (index
``registrations_created`` / ``leads_created``, covering since migration 0003), never a
Python loop over records. Group columns and the metric names are the hub's
(``domain/tally_columns.py``), so ``reports`` reads both the same way:

    group columns  day · event_code · officer_code · sector · path · role
    metrics        owners · workers · leads · converted · voided · monthly_due ·
                   jht_owners · jht_workers · jht_monthly_due

``day`` is the booth day of ``created_at``: its date in the zone of the record's event (or
the branch's), as ``store.time_zones`` resolves it — the day the hub files it under too
(docs/SYNC_PROTOCOL.md, "Which day"); voided records count only in
``voided``; ``monthly_due`` sums live registrations; ``converted`` counts live leads with
a ``converted_uuid``; ``jht_*`` are the live registrations that include JHT.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from outreach_tui.domain.localtime import iso_utc
from outreach_tui.domain.tally_columns import (
    CONTEXT_PARTS,
    EXPORT_COLUMNS,
    METRICS,
    check_event_group,
    check_group,
    fact_rows,
)
from outreach_tui.store.database import Database
from outreach_tui.store.time_zones import Zones, read_zones

_JHT = "(',' || programs || ',') LIKE '%,JHT,%'"
_REGISTRATION_METRICS = (
    "SUM(voided_at IS NULL AND role = 'owner')",
    "SUM(voided_at IS NULL AND role = 'worker')",
    "0",
    "0",
    "SUM(voided_at IS NOT NULL)",
    "SUM(CASE WHEN voided_at IS NULL THEN monthly_due ELSE 0 END)",
    f"SUM(voided_at IS NULL AND role = 'owner' AND {_JHT})",
    f"SUM(voided_at IS NULL AND role = 'worker' AND {_JHT})",
    f"SUM(CASE WHEN voided_at IS NULL AND {_JHT} THEN monthly_due ELSE 0 END)",
)
_LEAD_METRICS = (
    "0",
    "0",
    "SUM(voided_at IS NULL)",
    "SUM(voided_at IS NULL AND converted_uuid IS NOT NULL)",
    "SUM(voided_at IS NOT NULL)",
    "0",
    "0",
    "0",
    "0",
)


def utc_bounds(first: date | None, last: date | None, zones: Zones) -> tuple[str, str]:
    """``created_at`` bounds (inclusive, exclusive) wide enough for local days
    ``first``…``last`` in every zone in use (the index range; ``_day_filter`` is exact)."""
    east, west = zones.widest_offsets[1], zones.widest_offsets[0]

    def instant(day: date, offset: int) -> str:
        moment = datetime.combine(day, time(), tzinfo=UTC) - timedelta(minutes=offset)
        return iso_utc(moment)

    low = instant(first, east) if first else ""
    high = instant(last + timedelta(days=1), west) if last else "9999"
    return low, high


def _day_filter(first: date | None, last: date | None, zones: Zones) -> tuple[str, list[str]]:
    """The exact condition on each row's own booth day (after the wide UTC range)."""
    day = zones.day_sql()
    clauses, params = [], []
    if first:
        clauses.append(f" AND {day} >= ?")
        params.append(first.isoformat())
    if last:
        clauses.append(f" AND {day} <= ?")
        params.append(last.isoformat())
    return "".join(clauses), params


def _expressions(entity: str, zones: Zones) -> dict[str, str]:
    lead = entity == "lead"
    return {
        "day": zones.day_sql(),
        "event_code": "COALESCE(e.code, '')",
        "officer_code": "t.officer_code",
        "sector": "COALESCE(t.sector, '')",
        "path": "''" if lead else "t.path",
        "role": "'lead'" if lead else "t.role",
    }


class LaptopTallies:
    """Read-only reports over one officer file (any thread: a fresh connection per call).

    Implements ``outreach_tui.reports.sources.ExportSource``.
    """

    kind = "laptop"
    has_units = False

    def __init__(self, database: Database) -> None:
        self._database = database

    def context(self, parts: Collection[str] = CONTEXT_PARTS) -> dict[str, list[dict[str, Any]]]:
        readers = {"events": self.events, "branches": self.branches, "officers": self.officers}
        return {part: read() for part, read in readers.items() if part in parts}

    def facts(
        self,
        group: Sequence[str],
        first: date | None = None,
        last: date | None = None,
        *,
        event: str | None = None,
    ) -> list[dict[str, Any]]:
        """One row per distinct value of ``group`` columns (all metrics summed); ``event``:
        that event's rows only."""
        check_group(group)
        check_event_group(group, event)
        with self._database.read() as conn:
            zones = read_zones(conn)
        low, high = utc_bounds(first, last, zones)
        exact, exact_params = _day_filter(first, last, zones)
        parts = []
        for table, entity, metrics in (
            ("registrations", "registration", _REGISTRATION_METRICS),
            ("leads", "lead", _LEAD_METRICS),
        ):
            exprs = _expressions(entity, zones)
            only = "" if event is None else f" AND {exprs['event_code']} = ?"
            keys = [f"{exprs[c]} AS {c}" for c in group]
            sums = [f"{m} AS {name}" for m, name in zip(metrics, METRICS, strict=True)]
            by = f" GROUP BY {', '.join(group)}" if group else ""
            parts.append(
                f"SELECT {', '.join(keys + sums)} FROM {table} t"
                " LEFT JOIN events e ON e.id = t.event_id"
                f" WHERE t.created_at >= ? AND t.created_at < ?{exact}{only}{by}"
            )
        outer_keys = list(group)
        outer = ", ".join(outer_keys + [f"SUM({m}) AS {m}" for m in METRICS])
        sql = f"SELECT {outer} FROM ({' UNION ALL '.join(parts)})"
        if group:
            sql += f" GROUP BY {', '.join(group)} ORDER BY {', '.join(group)}"
        with self._database.read() as db:
            one = [low, high, *exact_params] + ([] if event is None else [event])
            cursor = db.execute(sql, one * 2)
            names = [d[0] for d in cursor.description]
            rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
        return fact_rows(rows)

    def events(self) -> list[dict[str, Any]]:
        with self._database.read() as db:
            return list(
                db.query(
                    "SELECT code, name, venue, city, branch_code, starts_on, ends_on,"
                    " target_registrations, target_workers, target_leads FROM events"
                    " ORDER BY starts_on, code"
                )
            )

    def branches(self) -> list[dict[str, Any]]:
        with self._database.read() as db:
            return list(
                db.query(
                    "SELECT code, name, city, target_year, target_new_employers, target_informal"
                    " FROM branches ORDER BY code"
                )
            )

    def officers(self) -> list[dict[str, Any]]:
        with self._database.read() as db:
            return list(db.query("SELECT code, name, branch_code FROM officers ORDER BY code"))

    def current_event(self) -> str | None:
        """The event chosen at the start of the booth day (settings), as its code."""
        with self._database.read() as db:
            row = db.execute(
                "SELECT e.code FROM settings s JOIN events e ON e.id = s.value"
                " WHERE s.key = 'event_id'"
            ).fetchone()
        return row[0] if row else None

    def pending_sync(self) -> int:
        with self._database.read() as db:
            (n,) = db.execute(
                "SELECT (SELECT count(*) FROM registrations"
                "        WHERE sync_state IN ('pending', 'uploading'))"
                " + (SELECT count(*) FROM leads WHERE sync_state IN ('pending', 'uploading'))"
            ).fetchone()
        return int(n)

    def count_records(self, first: date | None = None, last: date | None = None) -> int:
        with self._database.read() as db:
            zones = read_zones(db)
            low, high = utc_bounds(first, last, zones)
            exact, params = _day_filter(first, last, zones)
            (n,) = db.execute(
                "SELECT (SELECT count(*) FROM registrations t WHERE t.created_at >= ?"
                f" AND t.created_at < ?{exact} AND t.withdrawn_at IS NULL)"
                " + (SELECT count(*) FROM leads t"
                f" WHERE t.created_at >= ? AND t.created_at < ?{exact})",
                [low, high, *params] * 2,
            ).fetchone()
        return int(n)

    def export_rows(
        self, first: date | None = None, last: date | None = None, *, chunk: int = 5000
    ) -> Iterator[dict[str, Any]]:
        """Registrations, then leads, created in the range, each oldest first, streamed.

        One read snapshot; only ``chunk`` rows are in memory at a time.
        """
        with self._database.read() as conn:
            zones = read_zones(conn)
        low, high = utc_bounds(first, last, zones)
        exact, exact_params = _day_filter(first, last, zones)
        day = zones.day_sql()
        queries = (
            f"SELECT 'registration' AS entity, t.uuid, t.version, t.reference_no, {day} AS day,"
            " t.created_at, COALESCE(e.code, '') AS event_code, t.officer_code, t.device_id,"
            " t.role, t.path, t.sector, t.programs, t.monthly_due,"
            " (t.voided_at IS NOT NULL) AS voided, 0 AS converted, t.owner_uuid,"
            " t.occupation, t.working_hours, t.postal_code, t.branch_code, t.income_band,"
            " (t.reminder_consent_version IS NOT NULL) AS reminders"
            " FROM registrations t LEFT JOIN events e ON e.id = t.event_id"
            f" WHERE t.created_at >= ? AND t.created_at < ?{exact}"
            " AND t.withdrawn_at IS NULL"  # consent withdrawn: processing stops (UU 27/2022)
            " ORDER BY t.created_at, t.uuid",
            f"SELECT 'lead', t.uuid, t.version, NULL, {day}, t.created_at,"
            " COALESCE(e.code, ''), t.officer_code, t.device_id, 'lead', '',"
            " COALESCE(t.sector, ''), '', 0, (t.voided_at IS NOT NULL),"
            " (t.voided_at IS NULL AND t.converted_uuid IS NOT NULL), NULL,"
            " NULL, NULL, NULL, NULL, NULL, 0"
            " FROM leads t LEFT JOIN events e ON e.id = t.event_id"
            f" WHERE t.created_at >= ? AND t.created_at < ?{exact} ORDER BY t.created_at, t.uuid",
        )
        with self._database.read() as db:
            db.execute("BEGIN")  # one snapshot for both tables
            for sql in queries:
                cursor = db.execute(sql, [low, high, *exact_params])
                while rows := cursor.fetchmany(chunk):
                    for row in rows:
                        yield dict(zip(EXPORT_COLUMNS, row, strict=True))
