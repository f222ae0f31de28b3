"""The contribution rules of the dataset (PP 44/2015 and its amendments, PP 50/2025):
the programmes, a rate or flat amount per programme and path for a span of months, the
JKK risk groups of wage earners, the BPU declared-income bands and the discounts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from outreach_tui.domain.reference.sectors import SECTOR_GROUPS

PATHS = ("bpu", "pu_micro")
KINDS = ("percent_of_income", "flat")
DISCOUNT_GROUPS = (*SECTOR_GROUPS, "all")  # a sector group, or every sector
CONFIDENCE = ("A", "B", "C")  # how sure a figure is; C figures are shown as estimates


class NoRuleError(ValueError):
    """No contribution rule covers that month (e.g. one before the programme began)."""


@dataclass(frozen=True)
class Program:
    code: str
    mandatory: bool
    name_id: str
    name_en: str


@dataclass(frozen=True)
class Rule:
    id: str
    program: str
    path: str  # "bpu" | "pu_micro"
    kind: str  # "percent_of_income" | "flat"
    effective_from: date
    legal_basis: str
    source: str
    confidence: str  # "A" | "B" | "C"; C figures are shown as estimates
    rate_bp: int | None = None  # basis points of income (percent_of_income)
    min: int | None = None  # rupiah floor of the amount (percent_of_income)
    max: int | None = None  # rupiah ceiling of the amount (percent_of_income)
    amount: int | None = None  # rupiah (flat)
    verified_incomes: tuple[int, ...] = ()  # if set, any other income is an estimate
    effective_to: date | None = None  # inclusive; None = still in force
    on_band: bool = False  # BPU: the percentage applies to the declared-income band's basis
    by_risk_group: bool = False  # PU: the rate is the sector's risk group's (Lampiran I)

    def applies_on(self, day: date) -> bool:
        return self.effective_from <= day and (
            self.effective_to is None or day <= self.effective_to
        )


@dataclass(frozen=True)
class RiskGroup:
    """A JKK risk group for wage earners (PP 44/2015 Lampiran I)."""

    number: int  # 1..5 (I..V)
    rate_bp: int  # basis points of the wage
    label_id: str
    label_en: str
    legal_basis: str
    source: str


@dataclass(frozen=True)
class IncomeBand:
    """A row of the BPU declared-income band table (PP 44/2015 Lampiran II): an income
    from ``from_income`` to ``to_income`` (inclusive; None = no upper end) is priced at
    ``basis`` (None: the declared income itself). JKK and JHT both apply to it."""

    id: str
    from_income: int
    legal_basis: str
    source: str
    confidence: str  # "A" | "B" | "C"; C rows are shown as estimates
    to_income: int | None = None
    basis: int | None = None

    def covers(self, income: int) -> bool:
        return self.from_income <= income and (self.to_income is None or income <= self.to_income)

    def basis_for(self, income: int) -> int:
        return income if self.basis is None else self.basis


@dataclass(frozen=True)
class Discount:
    id: str
    path: str
    programs: tuple[str, ...]
    percent_off: int
    sector_group: str  # "transport" | "general" | "all"
    from_month: date  # first day of the first month
    to_month: date  # first day of the last month (inclusive)
    legal_basis: str
    source: str
    confidence: str = "A"

    def covers(self, month: date, group: str, path: str) -> bool:
        return (
            self.path == path
            and self.sector_group in ("all", group)
            and self.from_month <= month <= self.to_month
        )
