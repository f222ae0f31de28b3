"""Supervisor reads of the hub database: grouped tallies from the daily rollups (and the
rollup rows themselves, which ``GET /api/v1/tallies`` serves), the context tallies need
(events, branches, officers) and streamed export rows. The rollups are written at ingest
(``rollup.py``).

Tallies never touch ``records``: ``daily_rollup`` holds one row per day x event x officer x
sector x path x role, maintained at ingest, so a tally over millions of records sums a few
thousand rows. Group columns and metric names are the officer file's
(``store/tallies.py``), so ``reports`` reads both the same way.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date
from typing import Any

from outreach_tui.hub import audit
from outreach_tui.hub.errors import HubError
from outreach_tui.hub.rollup import COUNTS, KEY
from outreach_tui.hub.storage import Storage, Tx, utc_now
from outreach_tui.hub.withdrawals import NOT_WITHDRAWN

GROUP_COLUMNS = KEY
METRICS = (
    "owners", "workers", "leads", "converted", "voided", "monthly_due",
    "jht_owners", "jht_workers", "jht_monthly_due",
)  # fmt: skip
_SUMS = (
    "SUM(registrations)",
    "SUM(workers)",
    "SUM(leads)",
    "SUM(converted)",
    "SUM(voided)",
    "SUM(monthly_due)",
    "SUM(CASE WHEN role = 'owner' THEN jht ELSE 0 END)",
    "SUM(CASE WHEN role = 'worker' THEN jht ELSE 0 END)",
    "SUM(jht_monthly_due)",
)
EXPORT_COLUMNS = (
    "entity", "uuid", "version", "reference_no", "day", "created_at", "event_code",
    "officer_code", "device_id", "role", "path", "sector", "programs", "monthly_due",
    "voided", "converted", "owner_uuid",
    "occupation", "working_hours", "postal_code", "branch_code", "income_band",
    "reminders",  # 1: the participant gave the separate reminder consent (UU 27/2022 22(4))
)  # fmt: skip
# The registration details (issue 20), read from each record's data (NULL when absent).
DETAIL_COLUMNS = ("occupation", "working_hours", "postal_code", "branch_code", "income_band")
BRANCH_TARGETS = ("name", "city", "target_year", "target_new_employers", "target_informal")


def _range(first: date | str | None, last: date | str | None) -> tuple[str, list[Any]]:
    """The day range as SQL (days are ``YYYY-MM-DD``, as ``str(date)`` writes them)."""
    where = "1 = 1"
    params: list[Any] = []
    if first:
        where, params = where + " AND day >= ?", [*params, str(first)]
    if last:
        where, params = where + " AND day <= ?", [*params, str(last)]
    return where, params


def rollup_rows(storage: Storage, first: str | None, last: str | None) -> list[dict[str, Any]]:
    """The rollup rows of the day range, in key order (what ``RollupSource`` sums)."""
    where, params = _range(first, last)
    sql = f"SELECT {', '.join(KEY + COUNTS)} FROM daily_rollup WHERE {where}"
    with storage.read() as tx:
        rows = tx.all(sql + f" ORDER BY {', '.join(KEY)}", params)
    return [{k: (int(v) if k in COUNTS else v) for k, v in row.items()} for row in rows]


def facts(
    storage: Storage, group: Sequence[str], first: date | None = None, last: date | None = None
) -> list[dict[str, Any]]:
    """One row per distinct value of the ``group`` columns, every metric summed."""
    unknown = set(group) - set(GROUP_COLUMNS)
    if unknown:
        raise ValueError(f"unknown group columns: {sorted(unknown)}")
    where, params = _range(first, last)
    sums = [f"{expr} AS {name}" for expr, name in zip(_SUMS, METRICS, strict=True)]
    sql = f"SELECT {', '.join([*group, *sums])} FROM daily_rollup WHERE {where}"
    if group:
        sql += f" GROUP BY {', '.join(group)} ORDER BY {', '.join(group)}"
    with storage.read() as tx:
        rows = tx.all(sql, params)
    return [
        {k: (int(v or 0) if k in METRICS else v) for k, v in row.items()}
        for row in rows
        if any(row[m] for m in METRICS)
    ]


def context(storage: Storage) -> dict[str, list[dict[str, Any]]]:
    """Events (with targets), branches (with targets) and officers the hub knows."""
    with storage.read() as tx:
        return _context(tx)


def _context(tx: Tx) -> dict[str, list[dict[str, Any]]]:
    return {
        "events": tx.all(
            "SELECT code, name, venue, city, branch_code, starts_on, ends_on, "
            "target_registrations, target_workers, target_leads FROM events "
            "ORDER BY starts_on, code"
        ),
        "branches": tx.all(
            "SELECT code, name, city, target_year, target_new_employers, target_informal "
            "FROM branches ORDER BY code"
        ),
        "officers": tx.all("SELECT code, name, branch_code FROM officers ORDER BY code"),
    }


def set_branch_targets(
    storage: Storage, code: str, values: dict[str, Any], *, actor: str
) -> dict[str, Any]:
    """Create or update a branch; ``None`` values leave the stored ones as they are."""
    if not code or len(code) > 40 or not all(c.isalnum() or c in "-_" for c in code):
        raise HubError("report.bad_branch", 422, field="code", value=code[:40])
    unknown = set(values) - set(BRANCH_TARGETS)
    if unknown:
        raise ValueError(f"unknown branch fields: {sorted(unknown)}")
    columns = list(BRANCH_TARGETS)
    updates = ", ".join(f"{c} = COALESCE(excluded.{c}, branches.{c})" for c in columns)

    def work(tx: Tx) -> dict[str, Any]:
        tx.execute(
            f"INSERT INTO branches (code, {', '.join(columns)}, updated_at) "
            f"VALUES (?, {', '.join('?' * len(columns))}, ?) "
            f"ON CONFLICT (code) DO UPDATE SET {updates}, updated_at = excluded.updated_at",
            (code, *(values.get(c) for c in columns), utc_now()),
        )
        audit.append(tx, "branch.targets", actor=actor, branch=code,
                     **{k: v for k, v in values.items() if v is not None})  # fmt: skip
        row = tx.one(
            "SELECT code, name, city, target_year, target_new_employers, target_informal "
            "FROM branches WHERE code = ?",
            (code,),
        )
        assert row is not None
        return row

    return storage.write(work)


def count_records(storage: Storage, first: date | None = None, last: date | None = None) -> int:
    where, params = _range(first, last)
    with storage.read() as tx:
        return int(
            tx.scalar(
                f"SELECT COUNT(*) AS n FROM records WHERE {where} AND {NOT_WITHDRAWN}", params
            )
            or 0
        )


def export_rows(
    storage: Storage, first: date | None = None, last: date | None = None, *, chunk: int = 5000
) -> Iterator[dict[str, Any]]:
    """Registrations, then leads, in the day range, each oldest first: streamed from one
    read snapshot (a server-side cursor on PostgreSQL), ``chunk`` rows at a time."""
    where, params = _range(first, last)
    with storage.read() as tx:
        if tx.dialect == "postgres":
            ref, owner = "data::jsonb ->> 'reference_no'", "data::jsonb ->> 'owner_uuid'"
            details = ", ".join(f"data::jsonb ->> '{c}' AS {c}" for c in DETAIL_COLUMNS)
            reminders = "data::jsonb ->> 'reminder_consent_version'"
        else:
            ref = "json_extract(data, '$.reference_no')"
            owner = "json_extract(data, '$.owner_uuid')"
            details = ", ".join(f"json_extract(data, '$.{c}') AS {c}" for c in DETAIL_COLUMNS)
            reminders = "json_extract(data, '$.reminder_consent_version')"
        for entity in ("registration", "lead"):
            sql = (
                f"SELECT entity, uuid, version, {ref} AS reference_no, day, created_at, "
                "event_code, officer_code, device_id, role, path, sector, programs, "
                f"monthly_due, voided, converted, {owner} AS owner_uuid, {details}, "
                f"CASE WHEN {reminders} IS NULL THEN 0 ELSE 1 END AS reminders FROM records "
                f"WHERE entity = ? AND {where} AND {NOT_WITHDRAWN} ORDER BY day, created_at, uuid"
            )
            for row in tx.stream(sql, (entity, *params), size=chunk):
                yield {c: row[c] for c in EXPORT_COLUMNS}


class HubTallies:
    """``reports.sources.ExportSource`` over a hub database (any engine)."""

    kind = "hub-db"

    def __init__(self, storage: Storage) -> None:
        self.storage = storage

    def facts(
        self, group: Sequence[str], first: date | None = None, last: date | None = None
    ) -> list[dict[str, Any]]:
        return facts(self.storage, group, first, last)

    def context(self) -> dict[str, list[dict[str, Any]]]:
        return context(self.storage)

    def pending_sync(self) -> int | None:
        return None

    def funnel(self, day: date) -> dict[str, Any]:
        """The whole funnel (every day, every branch), "still paying" as of ``day``."""
        from outreach_tui.hub import funnel  # funnel reads these tallies: imported late

        rows = funnel.table(self.storage, [], today=day)
        return rows[0] if rows else dict.fromkeys((*funnel.STEPS, "refused", "converted"), 0)

    def current_event(self) -> str | None:
        return None

    def count_records(self, first: date | None = None, last: date | None = None) -> int:
        return count_records(self.storage, first, last)

    def export_rows(
        self, first: date | None = None, last: date | None = None
    ) -> Iterator[dict[str, Any]]:
        return export_rows(self.storage, first, last)
