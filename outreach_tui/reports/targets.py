"""Progress against targets: value, %, remaining, and the pace needed per remaining day.

Targets and what each one counts (live records only, never voided ones):

    event   target_registrations   owners registered at the event (any day)
            target_workers         workers registered at the event
            target_leads           leads captured at the event
    branch  target_new_employers   owners (UMKM = new employers) in the target year
            target_informal        BPU participants (owners + workers on the BPU path)
                                   in the target year

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

from outreach_tui.reports.sources import ReportSource, Row

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
        }


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


def progress(source: ReportSource, today: date) -> list[TargetProgress]:
    """Every target the source knows, events first (by start date), then branches."""
    context = source.context()
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
            facts = source.facts(["event_code", "officer_code", "path"], first, last)
            per_year[year] = branch_values(facts, context["events"], context["officers"])
        values = per_year[year].get(branch["code"], {})
        out += _targets_set("branch", branch, BRANCH_TARGETS, values, first, last, today)
    return out
