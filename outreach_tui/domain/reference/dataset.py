"""One whole reference dataset and the questions the rules ask of it: which rule is in
force in a month, which discount applies, a sector, a risk group, an income band, a
regional minimum wage."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

from outreach_tui.domain.reference import wages
from outreach_tui.domain.reference.benefit_amounts import BenefitsCatalogue
from outreach_tui.domain.reference.rates import (
    Discount,
    IncomeBand,
    NoRuleError,
    Program,
    RiskGroup,
    Rule,
)
from outreach_tui.domain.reference.sectors import Sector
from outreach_tui.domain.reference.wages import MinimumWage, WageFound

_T = TypeVar("_T")


@dataclass(frozen=True)
class Reference:
    version: str
    published: date
    min_declared_income: int  # BPU: the lowest income band; nobody declares less
    due_day: int
    max_unpaid_months: int
    advance_months: tuple[int, ...]
    programs: tuple[Program, ...]
    rules: tuple[Rule, ...]
    minimum_wages: tuple[MinimumWage, ...]
    discounts: tuple[Discount, ...]
    sectors: tuple[Sector, ...]
    benefits: BenefitsCatalogue
    risk_groups: tuple[RiskGroup, ...] = ()
    income_bands: tuple[IncomeBand, ...] = ()
    # PU (employers, micro businesses included) pay by the due day of the month AFTER the
    # contribution month; BPU by the due day of the contribution month itself.
    pu_due_months_after: int = 1

    def program(self, code: str) -> Program:
        return _find(self.programs, "code", code, "program")

    def rule(self, program: str, path: str, month: date) -> Rule:
        for rule in self.rules:
            if rule.program == program and rule.path == path and rule.applies_on(month):
                return rule
        raise NoRuleError(f"no {program} rule on the {path} path for {month:%Y-%m}")

    def discount(self, month: date, group: str, path: str) -> Discount | None:
        # Windows never overlap (checked on load), so at most one discount applies.
        return next((d for d in self.discounts if d.covers(month, group, path)), None)

    def sector(self, code: str) -> Sector:
        return _find(self.sectors, "code", code, "sector")

    def risk_group(self, group: int) -> RiskGroup:
        return _find(self.risk_groups, "number", group, "risk group")

    def income_band(self, income: int) -> IncomeBand | None:
        """The BPU band ``income`` falls in (None when the dataset has no band table)."""
        return next((band for band in self.income_bands if band.covers(income)), None)

    def wage_for(self, region: str, year: int) -> WageFound:
        """The minimum wage of ``region`` (name or Kemendagri code) for ``year``; when the
        dataset has no figure for that year, the latest earlier one (an estimate)."""
        return wages.wage_for(self.minimum_wages, region, year)

    def minimum_wage(self, region: str, year: int) -> MinimumWage:
        return wages.minimum_wage(self.minimum_wages, region, year)


def _find(items: tuple[_T, ...], attr: str, key: Any, what: str) -> _T:
    for item in items:
        if getattr(item, attr) == key:
            return item
    raise ValueError(f"unknown {what} {key!r}")
