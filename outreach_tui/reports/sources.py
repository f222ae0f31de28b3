"""Where reports read from: one small interface over three kinds of source.

``reports`` never opens a database itself (layering: it imports only domain, i18n and
data). The CLI (or the TUI) hands it an object with these methods:

- an officer's file: ``outreach_tui.store.tallies.LaptopTallies``
- a hub database (SQLite or PostgreSQL): ``outreach_tui.hub.tallies.HubTallies``
- a hub over HTTP: :class:`RollupSource` over ``GET /api/v1/tallies`` (a fetch function
  the caller provides), which groups the hub's rollup rows here.

Group columns are ``day, event_code, officer_code, sector, path, role``; every fact row
carries the METRICS, summed over the group (both in ``domain/tally_columns.py``).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from datetime import date
from typing import Any, Protocol, runtime_checkable

from outreach_tui.domain.tally_columns import (
    CONTEXT_PARTS,
    HUB_GROUP_COLUMNS,
    METRICS,
    check_event_group,
    check_group,
)

Row = dict[str, Any]
Context = dict[str, list[Row]]  # events, branches, officers (and a hub's units)


@runtime_checkable
class ReportSource(Protocol):
    kind: str  # "laptop" | "hub-db" | "hub"
    has_units: bool  # a hub's units (issue 17): tallies by branch, region or area

    def facts(
        self,
        group: Sequence[str],
        first: date | None = None,
        last: date | None = None,
        *,
        event: str | None = None,
    ) -> list[Row]:
        """One row per distinct value of ``group`` (columns above), METRICS summed;
        ``event``: only that event's rows (``group`` must then hold ``event_code``)."""
        ...

    def context(self, parts: Collection[str] = CONTEXT_PARTS) -> Context:
        """``{"events": [...], "branches": [...], "officers": [...]}`` with targets (and a
        hub's ``units``): the ``parts`` asked for, perhaps more."""
        ...

    def pending_sync(self) -> int | None:
        """Records waiting for sync (an officer's file), None where it means nothing."""
        ...

    def current_event(self) -> str | None:
        """The event the booth is working on (an officer's file), else None."""
        ...


@runtime_checkable
class ExportSource(ReportSource, Protocol):
    def count_records(self, first: date | None = None, last: date | None = None) -> int: ...

    def export_rows(self, first: date | None = None, last: date | None = None) -> Iterator[Row]: ...


def aggregate(rows: Sequence[Mapping[str, Any]], group: Sequence[str]) -> list[Row]:
    """Sum rollup rows (the hub API's, with ``registrations`` for owners) by ``group``."""
    totals: dict[tuple[Any, ...], list[int]] = {}
    for row in rows:
        key = tuple(row.get(c, "") for c in group)  # a hub before units: no unit_code
        values = _metrics_of(row)
        acc = totals.setdefault(key, [0] * len(METRICS))
        for i, value in enumerate(values):
            acc[i] += value
    return [
        {**dict(zip(group, key, strict=True)), **dict(zip(METRICS, values, strict=True))}
        for key, values in sorted(totals.items(), key=lambda kv: tuple(map(str, kv[0])))
        if any(values)
    ]


def _metrics_of(row: Mapping[str, Any]) -> list[int]:
    role = row.get("role")
    jht = int(row.get("jht") or 0)
    return [
        int(row.get("registrations") or 0),
        int(row.get("workers") or 0),
        int(row.get("leads") or 0),
        int(row.get("converted") or 0),
        int(row.get("voided") or 0),
        int(row.get("monthly_due") or 0),
        jht if role == "owner" else 0,
        jht if role == "worker" else 0,
        int(row.get("jht_monthly_due") or 0),
    ]


class RollupSource:
    """A hub over HTTP: ``fetch(first, last, group)`` returns the ``/api/v1/tallies`` body,
    the hub's sums per group (``facts``), or from a hub before that, its rollup rows,
    summed here."""

    kind = "hub"
    has_units = True

    def __init__(
        self,
        fetch: Callable[[date | None, date | None, Sequence[str] | None], Mapping[str, Any]],
    ) -> None:
        self._fetch = fetch
        self._cache: dict[tuple[Any, ...], Mapping[str, Any]] = {}

    def _body(
        self, first: date | None, last: date | None, group: Sequence[str]
    ) -> Mapping[str, Any]:
        key = (first, last, tuple(group))
        if key not in self._cache:
            self._cache[key] = self._fetch(first, last, group)
        return self._cache[key]

    def facts(
        self,
        group: Sequence[str],
        first: date | None = None,
        last: date | None = None,
        *,
        event: str | None = None,
    ) -> list[Row]:
        check_group(group, HUB_GROUP_COLUMNS)
        check_event_group(group, event)
        body = self._body(first, last, group)
        if body.get("facts") is not None:
            rows = [dict(row) for row in body["facts"]]
        else:
            rows = aggregate(body.get("rows") or [], group)
        # The HTTP route takes no event: the rows of the others are left out here.
        return rows if event is None else [r for r in rows if r["event_code"] == event]

    def context(self, parts: Collection[str] = CONTEXT_PARTS) -> Context:
        # Any answer carries the context; with none yet, ask for a day with no rows.
        far = date(9999, 12, 31)
        body = self._cache[next(iter(self._cache))] if self._cache else self._body(far, far, [])
        return {k: list(body.get(k) or []) for k in ("events", "branches", "officers", "units")}

    def pending_sync(self) -> int | None:
        return None

    def current_event(self) -> str | None:
        return None
