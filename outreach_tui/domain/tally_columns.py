"""The shape of a tally, the same wherever it is summed: on an officer's file
(``store/tallies.py``), in a hub database (``hub/tallies.py``) and over the hub's rollup
rows (``reports/sources.py``), so ``reports`` reads every source the same way."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

# What a tally can be grouped by: the booth day, then who, where and what.
GROUP_COLUMNS = ("day", "event_code", "officer_code", "sector", "path", "role")
# A hub also knows the unit a record was pushed into (issue 17): its daily rollup rows
# are kept at exactly this grain.
HUB_GROUP_COLUMNS = ("unit_code", *GROUP_COLUMNS)
# What a source's context holds (a hub's units only on a hub); a reader asks for the
# parts it needs.
CONTEXT_PARTS = ("events", "branches", "officers", "units")
# What every grouped fact row sums.
METRICS = (
    "owners", "workers", "leads", "converted", "voided", "monthly_due",
    "jht_owners", "jht_workers", "jht_monthly_due",
)  # fmt: skip
# One exported record (no personal data), laptop and hub alike.
EXPORT_COLUMNS = (
    "entity", "uuid", "version", "reference_no", "day", "created_at", "event_code",
    "officer_code", "device_id", "role", "path", "sector", "programs", "monthly_due",
    "voided", "converted", "owner_uuid",
    "occupation", "working_hours", "postal_code", "branch_code", "income_band",
    "reminders",  # 1: the participant gave the separate reminder consent (UU 27/2022 22(4))
)  # fmt: skip


def check_group(group: Sequence[str], columns: Sequence[str] = GROUP_COLUMNS) -> None:
    """A ValueError naming what in ``group`` is not one of ``columns`` (an officer's file's
    by default; a hub's are ``HUB_GROUP_COLUMNS``)."""
    unknown = set(group) - set(columns)
    if unknown:
        raise ValueError(f"unknown group columns: {sorted(unknown)}")


def check_event_group(group: Sequence[str], event: str | None) -> None:
    """``facts(event=…)`` keeps the event's rows: they must say which event they are."""
    if event is not None and "event_code" not in group:
        raise ValueError("facts(event=...) needs event_code in the group")


def fact_rows(rows: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Grouped sums as a source hands them to ``reports``: every metric a whole number (a
    sum over no rows, NULL in SQL, is 0), and a group where nothing was counted left out."""
    out = []
    for row in rows:
        values = [int(row[m] or 0) for m in METRICS]
        if any(values):
            out.append({**row, **dict(zip(METRICS, values, strict=True))})
    return out
