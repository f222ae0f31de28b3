"""Supervisor reads of the hub database: grouped tallies from the daily rollups (and the
rollup rows themselves, which ``GET /api/v1/tallies`` serves), the context tallies need
(events, branches, officers) and streamed export rows. The rollups are written at ingest
(``rollup.py``).

Tallies never touch ``records``: ``daily_rollup`` holds one row per day x event x officer x
sector x path x role, maintained at ingest, so a tally over millions of records sums a few
thousand rows; coarser ones (``unit_day_rollup``, ``officer_event_rollup``) answer the
groupings they can from a fraction of those rows. Group columns and metric names are the
officer file's (``domain/tally_columns.py``), so ``reports`` reads both the same way.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from datetime import date, timedelta
from typing import Any

from outreach_tui.domain.tally_columns import (
    CONTEXT_PARTS,
    EXPORT_COLUMNS,
    HUB_GROUP_COLUMNS,
    METRICS,
    check_event_group,
    check_group,
    fact_rows,
)
from outreach_tui.hub import audit, units
from outreach_tui.hub.errors import HubError
from outreach_tui.hub.rollup import COUNTS, KEY
from outreach_tui.hub.storage import Storage, Tx, utc_now
from outreach_tui.hub.withdrawals import NOT_WITHDRAWN

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
# schema v10's unit x day x path rollup, summed in METRICS order.
_UNIT_DAY_SUMS = (
    "SUM(registrations)", "SUM(workers)", "SUM(leads)", "SUM(converted)", "SUM(voided)",
    "SUM(monthly_due)", "SUM(jht_owners)", "SUM(jht_workers)", "SUM(jht_monthly_due)",
)  # fmt: skip
_UNIT_DAY_GROUPS = frozenset({"unit_code", "day", "path"})
# schema v14's unit x event x officer x path x month rollup (same sums): whole months only.
_OFFICER_EVENT_GROUPS = frozenset({"unit_code", "event_code", "officer_code", "path"})
# The registration details (issue 20), read from each record's data (NULL when absent).
DETAIL_COLUMNS = ("occupation", "working_hours", "postal_code", "branch_code", "income_band")
BRANCH_TARGETS = ("name", "city", "target_year", "target_new_employers", "target_informal")


Scope = frozenset[str] | None  # the unit codes a reader sees; None: the whole hub


def day_range(
    first: date | str | None, last: date | str | None, scope: Scope = None
) -> tuple[str, list[Any]]:
    """The day range (and the reader's units) as SQL (days are ``YYYY-MM-DD``, as
    ``str(date)`` writes them)."""
    where, params = units.scope_sql(scope)
    if first:
        where, params = where + " AND day >= ?", [*params, str(first)]
    if last:
        where, params = where + " AND day <= ?", [*params, str(last)]
    return where, params


def rollup_rows(
    storage: Storage, first: str | None, last: str | None, scope: Scope = None
) -> list[dict[str, Any]]:
    """The rollup rows of the day range in the reader's units, in key order (what
    ``RollupSource`` sums)."""
    where, params = day_range(first, last, scope)
    sql = f"SELECT {', '.join(KEY + COUNTS)} FROM daily_rollup WHERE {where}"
    with storage.read() as tx:
        rows = tx.all(sql + f" ORDER BY {', '.join(KEY)}", params)
    return [{k: (int(v) if k in COUNTS else v) for k, v in row.items()} for row in rows]


def facts(
    storage: Storage,
    group: Sequence[str],
    first: date | None = None,
    last: date | None = None,
    scope: Scope = None,
    event: str | None = None,
) -> list[dict[str, Any]]:
    """One row per distinct value of the ``group`` columns, every metric summed; ``event``:
    that event's rows only."""
    check_group(group, HUB_GROUP_COLUMNS)
    check_event_group(group, event)
    where, params = day_range(first, last, scope)
    # A unit's or the nation's tally by branch, region, area or day: the coarse rollup
    # (a few rows per branch-day instead of one per officer x sector x role).
    table, exprs = "daily_rollup", _SUMS
    if set(group) <= _UNIT_DAY_GROUPS:
        table, exprs = "unit_day_rollup", _UNIT_DAY_SUMS
    elif set(group) <= _OFFICER_EVENT_GROUPS and _whole_months(first, last):
        # Per officer or event over the whole period or whole months (a dashboard's
        # officer table and targets): a few rows per officer-event instead of per day.
        table, exprs = "officer_event_rollup", _UNIT_DAY_SUMS
        where, params = _month_range(first, last, scope)
    if event is not None:  # event_code is in the group: never the unit x day rollup
        where, params = where + " AND event_code = ?", [*params, event]
    # BIGINT, not PostgreSQL's NUMERIC sum of BIGINTs: whole numbers either way, and the
    # driver makes ints instead of Decimals (a third of a region's day x branch fetch).
    sums = [f"CAST({expr} AS BIGINT) AS {name}" for expr, name in zip(exprs, METRICS, strict=True)]
    sql = f"SELECT {', '.join([*group, *sums])} FROM {table} WHERE {where}"
    if group:
        sql += f" GROUP BY {', '.join(group)} ORDER BY {', '.join(group)}"
    with storage.read() as tx:
        rows = tx.all(sql, params)
    return fact_rows(rows)


def _whole_months(first: date | None, last: date | None) -> bool:
    return (first is None or first.day == 1) and (
        last is None or (last + timedelta(days=1)).day == 1
    )


def _month_range(first: date | None, last: date | None, scope: Scope) -> tuple[str, list[Any]]:
    """Whole months ``first``..``last`` (and the reader's units) as SQL over ``month``."""
    where, params = units.scope_sql(scope)
    if first:
        where, params = where + " AND month >= ?", [*params, first.isoformat()[:7]]
    if last:
        where, params = where + " AND month <= ?", [*params, last.isoformat()[:7]]
    return where, params


def context(
    storage: Storage, scope: Scope = None, parts: Collection[str] = CONTEXT_PARTS
) -> dict[str, list[dict[str, Any]]]:
    """Events (with targets), branches (with targets), officers and units the reader
    sees (only the ``parts`` asked for): with a scope, the events and officers of its
    branches (an event by its branch, an officer by a branch or by a device in the scope),
    never another unit's."""
    with storage.read() as tx:
        return _context(tx, scope, parts)


def _context(
    tx: Tx, scope: Scope, parts: Collection[str] = CONTEXT_PARTS
) -> dict[str, list[dict[str, Any]]]:
    in_scope, codes = units.scope_sql(scope, "branch_code")
    devices, _ = units.scope_sql(scope, "d.unit_code")
    out: dict[str, list[dict[str, Any]]] = {}
    if "events" in parts:
        out["events"] = tx.all(
            "SELECT code, name, venue, city, branch_code, starts_on, ends_on, "
            f"target_registrations, target_workers, target_leads FROM events WHERE {in_scope} "
            "ORDER BY starts_on, code",
            codes,
        )
    if "branches" in parts:
        out["branches"] = tx.all(
            "SELECT code, name, city, target_year, target_new_employers, target_informal "
            f"FROM branches WHERE {units.scope_sql(scope, 'code')[0]} ORDER BY code",
            codes,
        )
    if "officers" in parts:
        # A UNION, not an OR over a subquery: PostgreSQL then filters each side by its
        # own column instead of walking every officer through the primary key.
        out["officers"] = tx.all(
            f"SELECT code, name, branch_code FROM officers WHERE {in_scope} UNION "
            "SELECT o.code, o.name, o.branch_code FROM officers o "
            f"JOIN devices d ON d.officer_code = o.code WHERE {devices} ORDER BY code",
            [*codes, *codes],
        )
    if "units" in parts:
        out["units"] = units.units_in(tx, scope)
    return out


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


def count_records(
    storage: Storage, first: date | None = None, last: date | None = None, scope: Scope = None
) -> int:
    where, params = day_range(first, last, scope)
    with storage.read() as tx:
        return int(
            tx.scalar(
                f"SELECT COUNT(*) AS n FROM records WHERE {where} AND {NOT_WITHDRAWN}", params
            )
            or 0
        )


def export_rows(
    storage: Storage,
    first: date | None = None,
    last: date | None = None,
    *,
    chunk: int = 5000,
    scope: Scope = None,
) -> Iterator[dict[str, Any]]:
    """Registrations, then leads, in the day range and the reader's units, each oldest
    first: streamed from one read snapshot (a server-side cursor on PostgreSQL), ``chunk``
    rows at a time."""
    where, params = day_range(first, last, scope)
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
    has_units = True

    def __init__(self, storage: Storage, scope: Scope = None) -> None:
        self.storage = storage
        self.scope = scope

    def facts(
        self,
        group: Sequence[str],
        first: date | None = None,
        last: date | None = None,
        *,
        event: str | None = None,
    ) -> list[dict[str, Any]]:
        return facts(self.storage, group, first, last, self.scope, event)

    def context(self, parts: Collection[str] = CONTEXT_PARTS) -> dict[str, list[dict[str, Any]]]:
        return context(self.storage, self.scope, parts)

    def pending_sync(self) -> int | None:
        return None

    def funnel(self, day: date) -> dict[str, Any]:
        """The whole funnel of the reader's units (every day), "still paying" as of ``day``."""
        from outreach_tui.hub import funnel  # funnel reads these tallies: imported late

        rows = funnel.table(self.storage, [], today=day, scope=self.scope)
        return rows[0] if rows else dict.fromkeys((*funnel.STEPS, "refused", "converted"), 0)

    def current_event(self) -> str | None:
        return None

    def count_records(self, first: date | None = None, last: date | None = None) -> int:
        return count_records(self.storage, first, last, self.scope)

    def export_rows(
        self, first: date | None = None, last: date | None = None
    ) -> Iterator[dict[str, Any]]:
        return export_rows(self.storage, first, last, scope=self.scope)

    def record_export(
        self,
        *,
        actor: str,
        unit: str | None,
        by: list[str],
        first: date | None,
        last: date | None,
        fmt: str,
        out: str,
        rows: int,
    ) -> None:
        """Audit rows leaving the hub (``report.export``), as every export of it is."""
        detail = {
            "unit": unit,
            "by": by,
            "format": fmt,
            "file": out,
            "rows": rows,
            "since": str(first) if first else None,
            "until": str(last) if last else None,
        }
        self.storage.write(lambda tx: audit.append(tx, "report.export", actor=actor, **detail))
