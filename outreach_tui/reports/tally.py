"""Tallies: counts grouped by any of day, officer, event, sector, program and path.

Metrics per group: owners, workers, registrations (owners + workers), leads, converted
leads and the lead→registration conversion (converted / leads), voided records and the
sum of monthly contributions (``monthly_due``, integer rupiah, live registrations only).

Dimensions and their values:

    day       Asia/Jakarta date of created_at (ISO)
    officer   officer code
    event     event code ('' when a record names no event)
    sector    sector code ('' for a lead without one)
    program   "JKK+JKM" or "JKK+JKM+JHT" for registrations; '' for leads and voided
    path      "bpu_owner", "bpu_worker", "pu_micro_worker" (registrations); "lead"
    branch    the branch of the record's unit (a sub-branch counts in its branch)  ┐ a hub
    region    the regional office above it                                       │ with
    area      each target area its branch is in (a branch in two areas counts    │ units
              in both rows; the totals count it once)                            ┘ only
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from outreach_tui.reports.sources import ReportSource, Row
from outreach_tui.reports.units import UnitTree

DIMENSIONS = ("day", "officer", "event", "sector", "program", "path", "branch", "region", "area")
UNIT_DIMENSIONS = ("branch", "region", "area")  # issue 17: from a hub's units
COLUMNS = {  # the source's group columns behind each dimension
    "day": ("day",),
    "officer": ("officer_code",),
    "event": ("event_code",),
    "sector": ("sector",),
    "program": (),  # split from the JHT metrics, no column needed
    "path": ("path", "role"),
    "branch": ("unit_code",),
    "region": ("unit_code",),
    "area": ("unit_code",),
}


class NeedsUnits(ValueError):
    """A branch, region or area tally asked of a source without units (an officer's
    file): only a hub knows its units."""


PROGRAM_BASE, PROGRAM_JHT = "JKK+JKM", "JKK+JKM+JHT"
PATHS = ("bpu_owner", "bpu_worker", "pu_micro_owner", "pu_micro_worker", "lead")


@dataclass(frozen=True)
class Metrics:
    owners: int = 0
    workers: int = 0
    leads: int = 0
    converted: int = 0
    voided: int = 0
    monthly_due: int = 0

    @property
    def registrations(self) -> int:
        return self.owners + self.workers

    @property
    def conversion(self) -> float | None:
        """Converted leads / leads, 0–1 (None without leads)."""
        return round(self.converted / self.leads, 4) if self.leads else None

    def __add__(self, other: Metrics) -> Metrics:
        # Field by field, spelt out: a national day x branch tally adds tens of thousands
        # of these, and dataclasses.fields() per addition was half of its time (issue 17).
        return Metrics(
            self.owners + other.owners, self.workers + other.workers, self.leads + other.leads,
            self.converted + other.converted, self.voided + other.voided,
            self.monthly_due + other.monthly_due,
        )  # fmt: skip

    def as_dict(self) -> dict[str, Any]:
        return {
            "owners": self.owners,
            "workers": self.workers,
            "registrations": self.registrations,
            "leads": self.leads,
            "converted": self.converted,
            "conversion": self.conversion,
            "voided": self.voided,
            "monthly_due": self.monthly_due,
        }


METRIC_NAMES = (
    "owners", "workers", "registrations", "leads", "converted", "conversion", "voided",
    "monthly_due",
)  # fmt: skip


@dataclass(frozen=True)
class TallyRow:
    key: tuple[str, ...]  # one value per dimension in Tally.by
    metrics: Metrics


@dataclass(frozen=True)
class Tally:
    source: str
    by: tuple[str, ...]
    first: date | None
    last: date | None
    rows: tuple[TallyRow, ...]
    totals: Metrics

    def as_dict(self) -> dict[str, Any]:
        """The JSON shape of ``outreach tally --format json``."""
        return {
            "source": self.source,
            "by": list(self.by),
            "from": self.first.isoformat() if self.first else None,
            "to": self.last.isoformat() if self.last else None,
            "rows": [
                {**dict(zip(self.by, row.key, strict=True)), **row.metrics.as_dict()}
                for row in self.rows
            ],
            "totals": self.totals.as_dict(),
        }

    def records(self) -> Iterable[dict[str, Any]]:
        """Flat rows (dimensions then metrics), for CSV and XLSX."""
        for row in self.rows:
            yield {**dict(zip(self.by, row.key, strict=True)), **row.metrics.as_dict()}


def check_dimensions(by: Sequence[str]) -> tuple[str, ...]:
    """The requested dimensions in the order given, without repeats; ValueError if unknown."""
    unknown = [d for d in by if d not in DIMENSIONS]
    if unknown:
        raise ValueError(unknown[0])
    return tuple(dict.fromkeys(by))


def group_columns(by: Sequence[str]) -> list[str]:
    columns: list[str] = []
    for dimension in by:
        columns += [c for c in COLUMNS[dimension] if c not in columns]
    return columns


def path_label(path: str | None, role: str | None) -> str:
    if role == "lead" or not path:
        return "lead"
    return f"{path}_{role}"


def _split(fact: Row) -> list[tuple[str, Metrics]]:
    """A fact row as (program, metrics) parts: JHT registrations, the rest, leads + voided."""
    jht_owners, jht_workers = fact["jht_owners"], fact["jht_workers"]
    parts = [
        (PROGRAM_JHT, Metrics(jht_owners, jht_workers, monthly_due=fact["jht_monthly_due"])),
        (
            PROGRAM_BASE,
            Metrics(
                fact["owners"] - jht_owners,
                fact["workers"] - jht_workers,
                monthly_due=fact["monthly_due"] - fact["jht_monthly_due"],
            ),
        ),
        ("", Metrics(leads=fact["leads"], converted=fact["converted"], voided=fact["voided"])),
    ]
    return [(program, m) for program, m in parts if m != Metrics()]


def _getter(dimension: str, tree: UnitTree | None) -> Callable[[Row], str]:
    """How a fact row's value of ``dimension`` is read (program and area: see build)."""
    if dimension == "path":
        return lambda fact: path_label(fact.get("path"), fact.get("role"))
    if dimension in ("branch", "region"):
        assert tree is not None
        return lambda fact: tree.up_to(str(fact.get("unit_code") or ""), dimension)
    if dimension in ("program", "area"):
        return lambda fact: ""
    column = COLUMNS[dimension][0]
    return lambda fact: "" if fact.get(column) is None else str(fact[column])


_FIELDS = ("owners", "workers", "leads", "converted", "voided", "monthly_due")


def build(
    facts: Iterable[Row],
    by: Sequence[str],
    *,
    source: str = "",
    first: date | None = None,
    last: date | None = None,
    units: UnitTree | None = None,
) -> Tally:
    """Group fact rows (from any source) into a tally by the dimensions ``by``; a branch,
    region or area dimension reads ``units``."""
    by = check_dimensions(by)
    getters = [_getter(d, units) for d in by]
    programs = [i for i, d in enumerate(by) if d == "program"]
    areas_at = [i for i, d in enumerate(by) if d == "area"] if units else []
    # Sums as plain lists, made Metrics once per group at the end: a region's day x branch
    # tally adds thousands of fact rows (issue 17).
    groups: dict[tuple[str, ...], list[int]] = {}
    totals = [0] * len(_FIELDS)
    for fact in facts:
        values = [getter(fact) for getter in getters]
        if programs:
            parts = [(program, [getattr(m, f) for f in _FIELDS]) for program, m in _split(fact)]
        else:
            parts = [("", [fact[f] for f in _FIELDS])]
        areas = units.areas_of(str(fact.get("unit_code") or "")) if areas_at and units else [""]
        for program, metrics in parts:
            for i in programs:
                values[i] = program
            for area in areas:
                for i in areas_at:
                    values[i] = area
                key = tuple(values)
                sums = groups.get(key)
                if sums is None:
                    groups[key] = list(metrics)
                else:
                    for i, value in enumerate(metrics):
                        sums[i] += value
            for i, value in enumerate(metrics):
                totals[i] += value
    rows = tuple(TallyRow(key, Metrics(*groups[key])) for key in sorted(groups))
    return Tally(source, by, first, last, rows, Metrics(*totals))


def tally(
    source: ReportSource,
    by: Sequence[str],
    first: date | None = None,
    last: date | None = None,
) -> Tally:
    """``outreach tally``: ask the source for its groups, then shape them."""
    by = check_dimensions(by)
    tree = None
    if any(d in UNIT_DIMENSIONS for d in by):
        if not source.has_units:
            raise NeedsUnits(next(d for d in by if d in UNIT_DIMENSIONS))
        tree = UnitTree(source.context(("units",)).get("units") or [])
    facts = source.facts(group_columns(by), first, last)
    return build(facts, by, source=source.kind, first=first, last=last, units=tree)
