"""The kiosk's figures, from the same reference data and calculator as the booth.

Nothing here knows a rupiah amount: contributions come from
``domain.contributions.quote`` (the rule and PP 50/2025 window in force in the month),
benefits from ``domain.benefits.explain_benefits`` (what the benefits screen shows), and
``estimate`` is the calculator's own flag for figures that are not from a verified table
row. Pure Python: no Textual, no store.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from outreach_tui.domain import benefits, contributions, reference
from outreach_tui.domain.contributions import DiscountApplied


@dataclass(frozen=True)
class IncomeRow:
    income: int
    due: int  # this month, with the discount in force
    normal: int  # without any discount (what it becomes when the window closes)
    estimate: bool


@dataclass(frozen=True)
class MonthFigures:
    month: date  # first day of the contribution month
    rows: tuple[IncomeRow, ...]
    discount: DiscountApplied | None  # the general sector's window, if one is in force
    transport_discount: DiscountApplied | None  # only when it differs from ``discount``
    due_by: date  # this month's due date (the due day, moved past holidays)
    due_day: int
    minimum_due: int  # the lowest contribution this month (lowest income band)
    advance_months: tuple[int, ...]  # periods that can be paid in advance (more than 1)


@dataclass(frozen=True)
class FamilyFigures:
    basis: int  # the income benefits are computed on
    children: int
    jkk_death: int  # death from a work accident (multiple of income + periodic + funeral)
    jkm_death: int  # death not from work
    scholarship: int  # for ``children`` children, every level up to university
    scholarship_min_years: int  # JKM route only
    estimate: bool


def month_figures(
    month: date, incomes: list[int], *, sector: str, transport_sector: str | None = None
) -> MonthFigures:
    """What a BPU participant pays for ``month`` at each income (JKK + JKM)."""
    ref = reference.load_reference()
    first = month.replace(day=1)
    quotes = [contributions.quote(income, sector=sector, month=first) for income in incomes]
    discount = quotes[0].discount if quotes else None
    transport = None
    if transport_sector:
        other = contributions.quote(ref.min_declared_income, sector=transport_sector, month=first)
        if other.discount is not None and (
            discount is None or other.discount.ends_on != discount.ends_on
        ):
            transport = other.discount
    lowest = contributions.quote(ref.min_declared_income, sector=sector, month=first)
    return MonthFigures(
        month=first,
        rows=tuple(IncomeRow(q.income, q.due_total, q.normal_total, q.estimate) for q in quotes),
        discount=discount,
        transport_discount=transport,
        due_by=lowest.due_by,
        due_day=ref.due_day,
        minimum_due=lowest.due_total,
        advance_months=tuple(n for n in ref.advance_months if n > 1),
    )


def family_figures(income: int, *, children: int) -> FamilyFigures:
    """The three figures a family remembers: both deaths and the scholarships."""
    explained = benefits.explain_benefits(income, children=children)
    scholarship = explained.line("jkk_scholarship").amount or 0
    return FamilyFigures(
        basis=explained.basis,
        children=explained.children,
        jkk_death=explained.line("jkk_death").amount or 0,
        jkm_death=explained.line("jkm_death").amount or 0,
        scholarship=scholarship,
        scholarship_min_years=int(explained.params["scholarship_min_years"]),
        estimate=explained.estimate,
    )


def check_sectors(*codes: str | None) -> None:
    """ValueError naming a sector the slide file gives that the reference data lacks."""
    ref = reference.load_reference()
    for code in codes:
        if code is not None:
            ref.sector(code)
