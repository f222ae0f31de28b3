"""What the supervisor dashboard shows, computed without any UI (the TUI renders it).

``dashboard_data(source, day)`` answers from a handful of grouped queries (rollups on
the hub), so it stays fast on millions of records. Call it from a thread worker.

- ``today``: the day's owners, workers, leads… over every event; ``pending_sync`` for an
  officer's file (None on a hub)
- ``event``: the event shown — the one asked for, else the booth's current event, else
  the latest one running on ``day``, else the latest one started before it
- ``daily``: one point per day of the event (zeros included; without an event, the 14
  days up to ``day``)
- ``targets``: progress of that event's targets and of every branch target
- ``officers``: per officer, the day's and the event's metrics
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from outreach_tui.reports.sources import ReportSource, Row
from outreach_tui.reports.tally import Metrics
from outreach_tui.reports.targets import TargetProgress, progress

SERIES_DAYS = 14  # without an event
MAX_SERIES_DAYS = 120  # an event window longer than this shows its last 120 days


@dataclass(frozen=True)
class DayPoint:
    day: date
    metrics: Metrics


@dataclass(frozen=True)
class OfficerRow:
    code: str
    name: str | None
    today: Metrics
    event: Metrics


@dataclass(frozen=True)
class DashboardData:
    source: str
    day: date
    event: Row | None
    today: Metrics
    pending_sync: int | None
    daily: tuple[DayPoint, ...]
    targets: tuple[TargetProgress, ...]
    officers: tuple[OfficerRow, ...]
    # Issue 18, a hub only: leads → registered → handed off → enrolled → first payment →
    # still paying, over every day (None where the source has no funnel: a laptop's file).
    funnel: Row | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "day": self.day.isoformat(),
            "event": self.event,
            "today": self.today.as_dict(),
            "pending_sync": self.pending_sync,
            "daily": [{"day": p.day.isoformat(), **p.metrics.as_dict()} for p in self.daily],
            "targets": [t.as_dict() for t in self.targets],
            "officers": [
                {
                    "code": o.code,
                    "name": o.name,
                    "today": o.today.as_dict(),
                    "event": o.event.as_dict(),
                }
                for o in self.officers
            ],
            "funnel": self.funnel,
        }


def _metrics(row: Row) -> Metrics:
    return Metrics(row["owners"], row["workers"], row["leads"], row["converted"],
                   row["voided"], row["monthly_due"])  # fmt: skip


def _day(value: Any) -> date | None:
    try:
        return date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


def choose_event(events: list[Row], day: date, wanted: str | None) -> Row | None:
    if wanted:
        return next((e for e in events if e["code"] == wanted), None)
    dated = [(e, _day(e.get("starts_on")), _day(e.get("ends_on"))) for e in events]
    running = [e for e, first, last in dated if first and last and first <= day <= last]
    if running:
        return max(running, key=lambda e: (str(e.get("starts_on")), e["code"]))
    started = [(first, e) for e, first, _ in dated if first and first <= day]
    return max(started, key=lambda p: (p[0], p[1]["code"]))[1] if started else None


def _window(event: Row | None, day: date) -> tuple[date, date]:
    first = _day(event.get("starts_on")) if event else None
    last = _day(event.get("ends_on")) if event else None
    if first is None or last is None:
        return day - timedelta(days=SERIES_DAYS - 1), day
    return max(first, last - timedelta(days=MAX_SERIES_DAYS - 1)), last


def dashboard_data(
    source: ReportSource, day: date, *, event_code: str | None = None
) -> DashboardData:
    context = source.context()  # read once: the targets below need it too
    event = choose_event(context["events"], day, event_code or source.current_event())
    code = event["code"] if event else None

    today_rows = source.facts(["officer_code", "event_code"], day, day)
    today = sum((_metrics(r) for r in today_rows), Metrics())

    first, last = _window(event, day)
    per_day: dict[str, Metrics] = {}
    for row in source.facts(["day", "event_code"], first, last):
        if code is None or row["event_code"] == code:
            per_day[row["day"]] = per_day.get(row["day"], Metrics()) + _metrics(row)
    daily = tuple(
        DayPoint(d, per_day.get(d.isoformat(), Metrics()))
        for d in (first + timedelta(days=i) for i in range((last - first).days + 1))
    )

    names = {o["code"]: o.get("name") for o in context["officers"]}
    officer_today: dict[str, Metrics] = {}
    for row in today_rows:
        if code is None or row["event_code"] == code:
            officer = row["officer_code"]
            officer_today[officer] = officer_today.get(officer, Metrics()) + _metrics(row)
    officer_event: dict[str, Metrics] = {}
    if code is not None:
        for row in source.facts(["officer_code", "event_code"], event=code):
            officer_event[row["officer_code"]] = _metrics(row)
    officers = tuple(
        OfficerRow(c, names.get(c), officer_today.get(c, Metrics()),
                   officer_event.get(c, Metrics()))
        for c in sorted(set(officer_today) | set(officer_event))
    )  # fmt: skip

    targets = tuple(
        p for p in progress(source, day, context)
        if p.kind == "branch" or (code and p.code == code)
    )  # fmt: skip
    funnel_of = getattr(source, "funnel", None)  # only a hub database keeps the funnel
    return DashboardData(
        funnel=funnel_of(day) if callable(funnel_of) else None,
        source=source.kind,
        day=day,
        event=event,
        today=today,
        pending_sync=source.pending_sync(),
        daily=daily,
        targets=targets,
        officers=officers,
    )
