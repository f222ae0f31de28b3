"""Monthly contribution (iuran) quotes from the reference dataset.

The rule applied depends on the contribution month (rule effective dates) and on the
participant's sector group (which PP 50/2025 discount window applies). All money is
integer rupiah; rounding is per program, half up (outreach_tui.domain.money).
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import date
from functools import lru_cache
from typing import Any

from outreach_tui.domain.money import discounted, percent_of
from outreach_tui.domain.reference import Discount, Reference, Rule, load_reference, parse_month
from outreach_tui.domain.workdays import next_working_day

__all__ = [
    "ContributionQuote",
    "DiscountApplied",
    "PrepaidMonth",
    "Prepayment",
    "ProgramAmount",
    "due_date",
    "parse_month",
    "prepay",
    "quote",
]

MANDATORY = ("JKK", "JKM")
CLOSING_SOON_MONTHS = 2  # warn the officer when this many months (or fewer) are left


@dataclass(frozen=True)
class ProgramAmount:
    program: str
    normal: int  # without any discount
    due: int  # what is paid for this month
    rule_id: str
    legal_basis: str
    source: str
    discount_id: str | None
    estimate: bool  # show as "perkiraan": the figure is not from a verified table row


@dataclass(frozen=True)
class DiscountApplied:
    id: str
    percent_off: int
    programs: tuple[str, ...]
    from_month: date
    to_month: date  # first day of the last discounted month
    ends_on: date  # last day of the window
    months_left: int  # including the quoted month
    closing_soon: bool
    legal_basis: str
    source: str


@dataclass(frozen=True)
class ContributionQuote:
    income: int
    sector: str
    month: date  # first day of the contribution month
    path: str
    programs: tuple[ProgramAmount, ...]
    normal_total: int
    due_total: int
    discount: DiscountApplied | None
    estimate: bool
    dataset_version: str
    after_discount_total: int  # what they pay once the discount window ends
    due_by: date  # the due day of the month, moved to the next working day
    state_funded: bool = False  # JKK/JKM paid from APBN/APBD: no PP 50/2025 discount

    def program(self, code: str) -> ProgramAmount | None:
        return next((p for p in self.programs if p.program == code), None)

    def as_dict(self) -> dict[str, Any]:
        """JSON-friendly, stable keys; dates as ISO strings."""
        return _jsonable(asdict(self))


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(item) for item in value]
    if isinstance(value, date):
        return value.isoformat()
    return value


def _months_between(start: date, end: date) -> int:
    return (end.year - start.year) * 12 + end.month - start.month


def _amount(rule: Rule, basis: int) -> int:
    if rule.kind == "flat":
        assert rule.amount is not None
        return rule.amount
    assert rule.rate_bp is not None
    amount = percent_of(basis, rule.rate_bp)
    if rule.min is not None:
        amount = max(amount, rule.min)
    if rule.max is not None:
        amount = min(amount, rule.max)
    return amount


def _applied(discount: Discount, month: date) -> DiscountApplied:
    last_day = calendar.monthrange(discount.to_month.year, discount.to_month.month)[1]
    months_left = _months_between(month, discount.to_month) + 1
    return DiscountApplied(
        id=discount.id,
        percent_off=discount.percent_off,
        programs=discount.programs,
        from_month=discount.from_month,
        to_month=discount.to_month,
        ends_on=discount.to_month.replace(day=last_day),
        months_left=months_left,
        closing_soon=months_left <= CLOSING_SOON_MONTHS,
        legal_basis=discount.legal_basis,
        source=discount.source,
    )


def _programs(requested: Iterable[str], path: str) -> tuple[str, ...]:
    wanted = {
        code.strip().upper() for code in ([requested] if isinstance(requested, str) else requested)
    }
    if unknown := wanted - {"JKK", "JKM", "JHT"}:
        raise ValueError(f"unknown program(s): {', '.join(sorted(unknown))}")
    if "JHT" in wanted and path != "bpu":
        raise ValueError("JHT is only quoted on the BPU path")
    # JKK and JKM are mandatory: always quoted, whatever was asked; fixed display order.
    return (*MANDATORY, *(["JHT"] if "JHT" in wanted else []))


def quote(
    income: int,
    *,
    sector: str,
    month: date,
    programs: Iterable[str] = MANDATORY,
    path: str = "bpu",
    state_funded: bool = False,
    reference: Reference | None = None,
) -> ContributionQuote:
    """The monthly contribution for ``income`` declared in ``sector`` for ``month``.

    ``path`` is "bpu" (the participant is the informal worker or UMKM owner) or
    "pu_micro" (a micro business's worker at the minimum wage-earner package; ``income``
    is then the wage base, normally the regional minimum wage). ``state_funded``: the
    participant's JKK/JKM is paid from APBN/APBD, which PP 50/2025 art. 3 excludes from
    its discount (so no discount window applies).
    """
    if isinstance(income, bool) or not isinstance(income, int):
        raise ValueError(f"income must be whole rupiah (int), got {income!r}")
    if reference is None:
        # The shipped dataset never changes in a process, and a quote is immutable: the
        # hub validates thousands of records a second over a few hundred distinct
        # (income, sector, month, programs, path), so those are quoted once.
        wanted = (programs,) if isinstance(programs, str) else tuple(programs)
        # replace() costs ~0.2 µs, and the hub's months are firsts already (an equal key)
        first = month if type(month) is date and month.day == 1 else month.replace(day=1)
        return _shipped_quote(income, sector, first, wanted, path, bool(state_funded))
    return _quote(income, sector, month, programs, path, reference, bool(state_funded))


@lru_cache(maxsize=4096)
def _shipped_quote(
    income: int, sector: str, month: date, programs: tuple[str, ...], path: str,
    state_funded: bool,
) -> ContributionQuote:  # fmt: skip
    return _quote(income, sector, month, programs, path, load_reference(), state_funded)


def due_date(month: date, reference: Reference | None = None) -> date:
    """When ``month``'s contribution is due: the dataset's due day (the 15th), moved to the
    next working day when it is a weekend or an Indonesian public holiday."""
    ref = reference or load_reference()
    return next_working_day(month.replace(day=ref.due_day))


def _quote(
    income: int,
    sector: str,
    month: date,
    programs: Iterable[str],
    path: str,
    ref: Reference,
    state_funded: bool = False,
) -> ContributionQuote:
    if income <= 0:
        raise ValueError("income must be more than Rp0")
    if path not in ("bpu", "pu_micro"):
        raise ValueError(f"unknown path {path!r}: expected 'bpu' or 'pu_micro'")
    month = month.replace(day=1)
    group = ref.sector(sector).group
    codes = _programs(programs, path)

    # BPU: nobody declares below the lowest band (Rp1,000,000, PP 44/2015 Lampiran II), so
    # a lower income is quoted at that band: JKK Rp10,000 and JHT 2% × Rp1,000,000 =
    # Rp20,000 (the documented Rp36,800 minimum). The band figure is then the verified one.
    basis = max(income, ref.min_declared_income) if path == "bpu" else income
    discount = None if state_funded else ref.discount(month, group, path)
    lines = []
    for code in codes:
        rule = ref.rule(code, path, month)
        normal = _amount(rule, basis)
        hit = discount is not None and code in discount.programs
        estimate = rule.confidence == "C" or (
            bool(rule.verified_incomes) and basis not in rule.verified_incomes
        )
        lines.append(
            ProgramAmount(
                program=code,
                normal=normal,
                due=discounted(normal, discount.percent_off) if hit else normal,
                rule_id=rule.id,
                legal_basis=rule.legal_basis,
                source=rule.source,
                discount_id=discount.id if hit else None,
                estimate=estimate,
            )
        )
    normal_total = sum(line.normal for line in lines)
    return ContributionQuote(
        income=income,
        sector=sector,
        month=month,
        path=path,
        programs=tuple(lines),
        normal_total=normal_total,
        due_total=sum(line.due for line in lines),
        discount=_applied(discount, month) if discount else None,
        estimate=any(line.estimate for line in lines),
        dataset_version=ref.version,
        after_discount_total=normal_total,
        due_by=due_date(month, ref),
        state_funded=state_funded,
    )


@dataclass(frozen=True)
class PrepaidMonth:
    month: date  # first day of the contribution month
    due: int  # what this month costs, at the rule in force in it
    normal: int  # without any discount
    discount_id: str | None


@dataclass(frozen=True)
class Prepayment:
    """An advance payment for several months, summed month by month: a discount window
    that closes inside the period charges the months after it at the normal amount."""

    first_month: date
    months: tuple[PrepaidMonth, ...]
    total: int
    normal_total: int
    discounted_months: int  # how many of the months carry a discount
    estimate: bool
    dataset_version: str

    @property
    def count(self) -> int:
        return len(self.months)

    @property
    def last_month(self) -> date:
        return self.months[-1].month

    def as_dict(self) -> dict[str, Any]:
        data = _jsonable(asdict(self))
        data["count"] = self.count
        data["last_month"] = self.last_month.isoformat()
        return data


def add_months(month: date, n: int) -> date:
    """The first day of the month ``n`` months after ``month``."""
    index = month.year * 12 + month.month - 1 + n
    return date(index // 12, index % 12 + 1, 1)


def prepay(
    income: int,
    *,
    sector: str,
    first_month: date,
    months: int,
    programs: Iterable[str] = MANDATORY,
    path: str = "bpu",
    state_funded: bool = False,
    reference: Reference | None = None,
) -> Prepayment:
    """What paying ``months`` contribution months in advance, from ``first_month``, costs.

    Each month is quoted on its own (the rule and discount in force in that month), never
    "``months`` × this month". ``months`` must be one of the dataset's advance periods.
    """
    ref = reference or load_reference()
    if isinstance(months, bool) or months not in ref.advance_months:
        allowed = ", ".join(map(str, ref.advance_months))
        raise ValueError(f"months must be one of {allowed}, got {months!r}")
    wanted = (programs,) if isinstance(programs, str) else tuple(programs)
    quotes = [
        quote(income, sector=sector, month=add_months(first_month.replace(day=1), n),
              programs=wanted, path=path, state_funded=state_funded, reference=reference)
        for n in range(months)
    ]  # fmt: skip
    lines = tuple(
        PrepaidMonth(
            month=q.month,
            due=q.due_total,
            normal=q.normal_total,
            discount_id=q.discount.id if q.discount else None,
        )
        for q in quotes
    )
    return Prepayment(
        first_month=lines[0].month,
        months=lines,
        total=sum(line.due for line in lines),
        normal_total=sum(line.normal for line in lines),
        discounted_months=sum(line.discount_id is not None for line in lines),
        estimate=any(q.estimate for q in quotes),
        dataset_version=ref.version,
    )
