"""`outreach hub handoff`: registrations not yet handed to the Perisai channel, as a file.

One write transaction per hand-off: the candidates (the current version of every live
registration whose version was never handed, not withdrawn) are streamed from the
database straight into the file (csv module; ``reports/xlsx.py``: one row in memory),
each version is recorded in ``handoff_items`` as it is written (flushed every ``FLUSH``
rows), the file is committed through ``files`` (0600, temp + rename), then the hand-off
row (its digest) and the audit entry, and only then the transaction. A failure before the
commit leaves neither file nor record; a failed commit takes the file back. The primary
key of ``handoff_items`` makes a version go once, also against a concurrent hand-off on
PostgreSQL (which then stops with ``handoff.concurrent`` and leaves nothing).

A later version of a handed record goes again as a ``correction`` (a ``cancel`` when it
was voided) unless nothing the mapping shows changed (``unchanged``: recorded, not
written). A voided record that was never handed is not written at all.

On SQLite the hand-off holds the hub's writer lock while the file is written: batches
arriving meanwhile wait (up to 15 s, then 503 and the laptop retries). A daily hand-off
of a few thousand rows takes about a second (docs/HANDOFF.md).
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import IO, Any

from outreach_tui import files
from outreach_tui.domain.handoff_mapping import HandoffMapping, row_digest
from outreach_tui.domain.ids import new_uuid
from outreach_tui.hub import audit, funnel, units
from outreach_tui.hub.errors import HubError
from outreach_tui.hub.storage import Storage, Tx, utc_now

FLUSH = 1000
_INSERT_ITEM = (
    "INSERT INTO handoff_items (uuid, version, handoff_id, kind, row_digest, reference_no, "
    "nik_digest) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (uuid, version) DO NOTHING"
)
# Left out of a row's fingerprint: they change with every hand-off, not with the person.
_UNSTABLE = ("kind", "version", "handoff_id")


@dataclass(frozen=True)
class HandoffResult:
    id: str
    out: str
    format: str
    rows: int
    new: int
    corrections: int
    cancels: int
    unchanged: int
    file_digest: str
    file_bytes: int
    since: str
    unit: str | None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


class NothingToHandOff(Exception):
    """No registration waits for a hand-off (with these filters): no file, no record."""


def _json(dialect: str, column: str, key: str) -> str:
    if dialect == "postgres":
        return f"({column}::jsonb ->> '{key}')"
    return f"json_extract({column}, '$.{key}')"


def branch_expression(dialect: str) -> str:
    """A record's branch: its own ``branch_code`` (issue 20), else its event's, else its
    officer's ('' when none says)."""
    own = _json(dialect, "r.data", "branch_code")
    return f"COALESCE({own}, e.branch_code, o.branch_code, '')"


def _candidates_sql(
    dialect: str, *, since: str | None, unit: str | None, scope: frozenset[str] | None = None
) -> tuple[str, list[Any]]:
    branch = branch_expression(dialect)
    owner = _json(dialect, "r.data", "owner_uuid")
    owner_ref = _json(dialect, "w.data", "reference_no")
    where = [
        "r.entity = 'registration'",
        "NOT EXISTS (SELECT 1 FROM handoff_items h WHERE h.uuid = r.uuid "
        "AND h.version = r.version)",
        "r.uuid NOT IN (SELECT uuid FROM withdrawals)",
    ]
    params: list[Any] = []
    if since:
        where.append("r.day >= ?")
        params.append(since)
    if scope is not None:  # a unit of this hub (issue 17): its subtree, by the pushing token
        in_scope, codes = units.scope_sql(scope, "r.unit_code")
        where.append(in_scope)
        params += codes
    elif unit:  # a hub without units: the branch code the record names
        where.append(f"{branch} = ?")
        params.append(unit)
    sql = (
        f"SELECT r.uuid, r.version, r.data, r.day, r.officer_code, r.event_code, r.voided, "
        f"r.nik_digest, r.unit_code, {branch} AS branch, "
        f"(SELECT {owner_ref} FROM records w WHERE w.uuid = {owner}) AS owner_reference, "
        "(SELECT h.row_digest FROM handoff_items h WHERE h.uuid = r.uuid "
        " ORDER BY h.version DESC LIMIT 1) AS last_digest, "
        "(SELECT h.kind FROM handoff_items h WHERE h.uuid = r.uuid "
        " ORDER BY h.version DESC LIMIT 1) AS last_kind "
        "FROM records r LEFT JOIN events e ON e.code = r.event_code "
        "LEFT JOIN officers o ON o.code = r.officer_code "
        f"WHERE {' AND '.join(where)} ORDER BY r.day, r.created_at, r.uuid"
    )
    return sql, params


class _Run:
    """One hand-off's rows, items and counts, as they stream."""

    def __init__(self, tx: Tx, mapping: HandoffMapping, handoff_id: str) -> None:
        self.tx, self.mapping, self.id = tx, mapping, handoff_id
        self.items: list[tuple[Any, ...]] = []
        self.counts = {"new": 0, "correction": 0, "cancel": 0, "unchanged": 0}
        self.written = 0

    def rows(self, sql: str, params: list[Any]) -> Iterator[list[Any]]:
        for row in self.tx.stream(sql, params):
            mapped = self._one(row)
            if mapped is not None:
                self.written += 1
                yield mapped
            if len(self.items) >= FLUSH:
                self.flush()
        self.flush()

    def _one(self, row: dict[str, Any]) -> list[Any] | None:
        handed = row["last_digest"] is not None and row["last_kind"] != "cancel"
        if row["voided"] and not handed:
            return None  # never handed, now void: nothing to tell
        data = json.loads(row["data"])
        kind = "cancel" if row["voided"] else "correction" if handed else "new"
        values = {
            **{k: v for k, v in data.items()},
            "day": row["day"],
            "owner_reference": row["owner_reference"],
            "reminders": "yes" if data.get("reminder_consent_version") else "no",
            "branch_code": data.get("branch_code") or row["branch"] or None,
            "uuid": row["uuid"],
        }
        digest = row_digest(self.mapping.row({k: v for k, v in values.items()
                                              if k not in _UNSTABLE}))  # fmt: skip
        if kind == "correction" and digest == row["last_digest"]:
            kind = "unchanged"
        self.counts[kind] += 1
        self.items.append((row["uuid"], row["version"], self.id, kind, digest,
                           data.get("reference_no") or "", row["nik_digest"]))  # fmt: skip
        old = funnel.member(self.tx, row["uuid"])
        if kind == "cancel":
            funnel.move(self.tx, row["uuid"], old, None)
        elif old is None:
            activation = self.tx.one("SELECT * FROM activations WHERE uuid = ?", (row["uuid"],))
            fresh = funnel.Member(row["day"], row["event_code"], row["officer_code"],
                                  row["branch"] or "",
                                  unit_code=row["unit_code"] or "")  # fmt: skip
            funnel.move(self.tx, row["uuid"], None, fresh.with_outcome(activation))
        if kind == "unchanged":
            return None
        values.update(kind=kind, version=row["version"], handoff_id=self.id)
        return self.mapping.row(values)

    def flush(self) -> None:
        if not self.items:
            return
        added = self.tx.executemany(_INSERT_ITEM, self.items)
        if added != len(self.items):
            raise HubError("handoff.concurrent", 409)
        self.items = []


def _write_csv(rows: Iterator[list[Any]], mapping: HandoffMapping, handle: IO[str]) -> None:
    delimiter = "," if mapping.delimiter == "auto" else mapping.delimiter
    writer = csv.writer(handle, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(mapping.titles)
    for row in rows:
        writer.writerow(["" if v is None else v for v in row])


def _write_xlsx(rows: Iterator[list[Any]], mapping: HandoffMapping, path: Path) -> None:
    from outreach_tui.reports import xlsx  # the product's one XLSX writer, loaded on demand

    xlsx.write_rows(path, rows, mapping.titles, sheet=mapping.sheet)


def hand_off(
    storage: Storage,
    mapping: HandoffMapping,
    out: Path,
    *,
    fmt: str,
    since: str | None = None,
    unit: str | None = None,
    actor: str | None = None,
    force: bool = False,
) -> HandoffResult:
    """Write the next hand-off to ``out`` and record it; ``NothingToHandOff`` when empty.

    ``since``: only registrations of that day or later (None: every one not yet handed,
    `--since LAST`); ``unit``: a unit of this hub and everything under it (issue 17), or
    on a hub without that unit, the records naming that branch code.
    """
    if fmt not in ("csv", "xlsx"):
        raise ValueError(fmt)
    files.check_target(out, force=force, protect=_protected(storage))
    handoff_id = new_uuid()

    def work(tx: Tx) -> HandoffResult:
        now = utc_now()
        tx.execute(
            "INSERT INTO handoffs (id, created_at, actor, since, unit, format, mapping_name, "
            "mapping_digest, file_name, file_digest, file_bytes, row_count, new_count, "
            "correction_count, cancel_count, unchanged_count) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, '', 0, 0, 0, 0, 0, 0)",
            (handoff_id, now, actor, since or "LAST", unit, fmt, mapping.name, mapping.digest,
             str(out)),
        )  # fmt: skip
        run = _Run(tx, mapping, handoff_id)
        code = unit.upper() if unit else None
        known = code is not None and tx.one("SELECT code FROM units WHERE code = ?", (code,))
        scope = units.scope_of(tx, code) if known else None
        sql, params = _candidates_sql(tx.dialect, since=since, unit=unit, scope=scope)

        def fill(temp: Path) -> None:
            rows = run.rows(sql, params)
            if fmt == "csv":
                with open(temp, "w", newline="", encoding="utf-8") as handle:
                    _write_csv(rows, mapping, handle)
            else:
                _write_xlsx(rows, mapping, temp)
            if run.written == 0:
                raise NothingToHandOff

        written = files.write_with(out, fill, force=force, protect=_protected(storage))
        committed.append(written)
        digest = files.sha256_of(written.path)
        c = run.counts
        tx.execute(
            "UPDATE handoffs SET file_name = ?, file_digest = ?, file_bytes = ?, "
            "row_count = ?, new_count = ?, correction_count = ?, cancel_count = ?, "
            "unchanged_count = ? WHERE id = ?",
            (str(written.path), digest, written.size, run.written, c["new"],
             c["correction"], c["cancel"], c["unchanged"], handoff_id),
        )  # fmt: skip
        audit.append(tx, "handoff.export", actor=actor, handoff=handoff_id,
                     file=str(written.path), digest=digest, rows=run.written,
                     new=c["new"], corrections=c["correction"], cancels=c["cancel"],
                     unchanged=c["unchanged"], since=since or "LAST", unit=unit,
                     format=fmt, mapping=mapping.name)  # fmt: skip
        return HandoffResult(
            handoff_id, str(written.path), fmt, run.written, c["new"], c["correction"],
            c["cancel"], c["unchanged"], digest, written.size, since or "LAST", unit,
        )  # fmt: skip

    def attempt(tx: Tx) -> HandoffResult:
        take_back_all()  # a rerun (deadlock, PostgreSQL): the last try's file goes first
        return work(tx)

    committed: list[files.Written] = []

    def take_back_all() -> None:
        while committed:
            files.take_back(committed.pop())

    try:
        return storage.write(attempt)
    except BaseException:
        take_back_all()  # anything after the file's commit failed, the commit included
        raise


def _protected(storage: Storage) -> list[str]:
    path = getattr(storage, "path", None)
    return [str(path)] if path is not None else []


def listing(storage: Storage, limit: int = 50) -> list[dict[str, Any]]:
    """The latest hand-offs, newest first."""
    with storage.read() as tx:
        return tx.all(
            "SELECT id, created_at, actor, since, unit, format, mapping_name, file_name, "
            "file_digest, file_bytes, row_count, new_count, correction_count, cancel_count, "
            "unchanged_count FROM handoffs ORDER BY created_at DESC, id DESC LIMIT ?",
            (limit,),
        )
