"""Progress against targets: value, %, remaining, and the pace needed per remaining day.

Targets and what each one counts (live records only, never voided ones):

    event   target_registrations   owners registered at the event (any day)
            target_workers         workers registered at the event
            target_leads           leads captured at the event
    branch  target_new_employers   owners (UMKM = new employers) in the target year
            target_informal        BPU participants (owners + workers on the BPU path)
                                   in the target year

    unit    registrations, owners, workers, leads, new_employers, informal in a year,
            for a hub's organisational unit (issue 17) and everything under it: its own
            target (``outreach hub unit target``), else the sum of its children's
            (``basis`` says which); values come from the rollups' unit, never the records

A record belongs to a branch through its event's branch, else its officer's branch.
The window of an event is its first to last day; a branch's is its target year
(1 January – 31 December). ``days_left`` counts today when today is inside the window;
``pace_per_day`` is the remaining count spread over those days, rounded up.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

from outreach_tui.reports.sources import Context, ReportSource, Row
from outreach_tui.reports.units import UnitTree

EVENT_TARGETS = (
    ("target_registrations", "owners"),
    ("target_workers", "workers"),
    ("target_leads", "leads"),
)
BRANCH_TARGETS = (
    ("target_new_employers", "new_employers"),
    ("target_informal", "informal"),
)
STATUSES = ("reached", "upcoming", "on_track", "behind", "ended")


@dataclass(frozen=True)
class TargetProgress:
    kind: str  # "event" | "branch"
    code: str
    name: str | None
    measure: str  # owners | workers | leads | new_employers | informal
    target: int
    value: int
    first: date | None
    last: date | None
    today: date
    basis: str | None = None  # a unit's target: "own" or "children" (the sum of theirs)

    @property
    def percent(self) -> float | None:
        return round(100 * self.value / self.target, 1) if self.target else None

    @property
    def remaining(self) -> int:
        return max(0, self.target - self.value)

    @property
    def days_left(self) -> int | None:
        if self.first is None or self.last is None:
            return None
        if self.today > self.last:
            return 0
        return (self.last - max(self.today, self.first)).days + 1

    @property
    def pace_per_day(self) -> int | None:
        days = self.days_left
        if not days or not self.remaining:
            return 0 if self.remaining == 0 else None
        return math.ceil(self.remaining / days)

    @property
    def status(self) -> str:
        if self.value >= self.target:
            return "reached"
        if self.first is None or self.last is None:
            return "behind"
        if self.today < self.first:
            return "upcoming"
        if self.today > self.last:
            return "ended"
        elapsed = (self.today - self.first).days + 1
        total = (self.last - self.first).days + 1
        return "on_track" if self.value * total >= self.target * elapsed else "behind"

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "code": self.code,
            "name": self.name,
            "measure": self.measure,
            "target": self.target,
            "value": self.value,
            "percent": self.percent,
            "remaining": self.remaining,
            "from": self.first.isoformat() if self.first else None,
            "to": self.last.isoformat() if self.last else None,
            "days_left": self.days_left,
            "pace_per_day": self.pace_per_day,
            "status": self.status,
        } | ({"basis": self.basis} if self.kind == "unit" else {})


def _day(value: Any) -> date | None:
    try:
        return date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


def event_progress(
    events: list[Row], by_event: dict[str, Row], today: date
) -> list[TargetProgress]:
    out = []
    for event in events:
        facts = by_event.get(event["code"], {})
        first, last = _day(event.get("starts_on")), _day(event.get("ends_on"))
        out += _targets_set("event", event, EVENT_TARGETS, facts, first, last, today)
    return out


def _targets_set(
    kind: str,
    owner: Row,
    targets: tuple[tuple[str, str], ...],
    values: Row,
    first: date | None,
    last: date | None,
    today: date,
) -> list[TargetProgress]:
    """The progress of each target ``owner`` (an event or a branch) sets: a target column
    left empty sets none."""
    return [
        TargetProgress(
            kind=kind,
            code=owner["code"],
            name=owner.get("name"),
            measure=measure,
            target=int(owner[column]),
            value=int(values.get(measure, 0)),
            first=first,
            last=last,
            today=today,
        )
        for column, measure in targets
        if owner.get(column) is not None
    ]


def branch_values(facts: list[Row], events: list[Row], officers: list[Row]) -> dict[str, Row]:
    """new_employers and informal per branch, from facts grouped by event, officer, path."""
    event_branch = {e["code"]: e.get("branch_code") for e in events}
    officer_branch = {o["code"]: o.get("branch_code") for o in officers}
    values: dict[str, Row] = defaultdict(lambda: {"new_employers": 0, "informal": 0})
    for fact in facts:
        branch = event_branch.get(fact["event_code"]) or officer_branch.get(fact["officer_code"])
        if not branch:
            continue
        values[branch]["new_employers"] += fact["owners"]
        if fact.get("path") == "bpu":
            values[branch]["informal"] += fact["owners"] + fact["workers"]
    return values


def _unit_values(facts: list[Row]) -> dict[str, dict[str, int]]:
    """Each unit's own counts (not its subtree's) per unit measure."""
    values: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for fact in facts:
        mine = values[str(fact.get("unit_code") or "")]
        mine["owners"] += fact["owners"]
        mine["new_employers"] += fact["owners"]
        mine["workers"] += fact["workers"]
        mine["registrations"] += fact["owners"] + fact["workers"]
        mine["leads"] += fact["leads"]
        if fact.get("path") == "bpu":
            mine["informal"] += fact["owners"] + fact["workers"]
    return values


def unit_progress(
    source: ReportSource, today: date, units: list[Row] | None = None
) -> list[TargetProgress]:
    """Targets of a hub's units, parents first; a unit without its own target shows the
    sum of its children's (an area: of its branches'). ``units``: the source's, when the
    caller has read them already."""
    if not source.has_units:
        return []
    if units is None:
        units = source.context(("units",)).get("units") or []
    tree = UnitTree(units)
    own = {(str(u["code"]), int(x["year"]), str(x["measure"])): int(x["target"])
           for u in units for x in u.get("targets") or []}  # fmt: skip
    if not own:
        return []

    def target(code: str, year: int, measure: str) -> tuple[int, str] | None:
        if (code, year, measure) in own:
            return own[(code, year, measure)], "own"
        unit = tree.units.get(code) or {}
        below = unit.get("branches") if unit.get("kind") == "area" else tree.children.get(code)
        found = [t for c in below or [] if (t := target(c, year, measure)) is not None]
        return (sum(v for v, _ in found), "children") if found else None

    out: list[TargetProgress] = []
    for year in sorted({year for _, year, _ in own}):
        first, last = date(year, 1, 1), date(year, 12, 31)
        values = _unit_values(source.facts(["unit_code", "path"], first, last))
        measures = sorted({m for _, y, m in own if y == year})
        for unit in units:
            code = str(unit["code"])
            subtree = tree.subtree(code)
            for measure in measures:
                found = target(code, year, measure)
                if found is None:
                    continue
                out.append(
                    TargetProgress(
                        kind="unit", code=code, name=unit.get("name"), measure=measure,
                        target=found[0], value=sum(values[c][measure] for c in subtree),
                        first=first, last=last, today=today, basis=found[1],
                    )
                )  # fmt: skip
    return out


def _year_facts(source: ReportSource, context: Context, first: date, last: date) -> list[Row]:
    """What ``branch_values`` needs: by event and path when every counted event names its
    branch (a record then counts where its event is, whoever registered it: a region's
    year is 700 rows instead of 16,000 at 10M records), else by officer too."""
    event_branch = {e["code"]: e.get("branch_code") for e in context["events"]}
    coarse = source.facts(["event_code", "path"], first, last)
    if all(event_branch.get(row["event_code"]) for row in coarse):
        return [{**row, "officer_code": ""} for row in coarse]
    return source.facts(["event_code", "officer_code", "path"], first, last)


def progress(
    source: ReportSource, today: date, context: Context | None = None
) -> list[TargetProgress]:
    """Every target the source knows, events first (by start date), then branches, then
    a hub's units. ``context``: the source's whole context, when the caller has it."""
    context = source.context() if context is None else context
    events = [e for e in context["events"] if any(e.get(c) is not None for c, _ in EVENT_TARGETS)]
    out: list[TargetProgress] = []
    if events:
        by_event = {row["event_code"]: row for row in source.facts(["event_code"])}
        out += event_progress(events, by_event, today)
    branches = [
        b for b in context["branches"]
        if b.get("target_year") and any(b.get(c) is not None for c, _ in BRANCH_TARGETS)
    ]  # fmt: skip
    per_year: dict[int, dict[str, Row]] = {}
    for branch in branches:
        year = int(branch["target_year"])
        first, last = date(year, 1, 1), date(year, 12, 31)
        if year not in per_year:
            per_year[year] = branch_values(
                _year_facts(source, context, first, last), context["events"], context["officers"]
            )
        values = per_year[year].get(branch["code"], {})
        out += _targets_set("branch", branch, BRANCH_TARGETS, values, first, last, today)
    return out + unit_progress(source, today, context.get("units"))
