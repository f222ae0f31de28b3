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
from outreach_tui.domain.reference import Reference, load_reference
from outreach_tui.domain.reference.rates import Discount, IncomeBand, Rule
from outreach_tui.domain.reference.sectors import Sector
from outreach_tui.domain.reference.tables import parse_month
from outreach_tui.domain.workdays import next_working_day

__all__ = [
    "BandUsed",
    "ContributionQuote",
    "DiscountApplied",
    "PrepaidMonth",
    "Prepayment",
    "ProgramAmount",
    "RiskGroupUsed",
    "WageUsed",
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
class BandUsed:
    """The BPU declared-income band the JKK and JHT percentages were applied to."""

    id: str
    from_income: int
    to_income: int | None
    basis: int  # the rupiah the percentages apply to
    estimate: bool  # the band row is not verified
    legal_basis: str
    source: str


@dataclass(frozen=True)
class RiskGroupUsed:
    """PU path: the JKK risk group of the sector (PP 44/2015 Lampiran I)."""

    number: int  # 1..5
    roman: str  # "I".."V", as the regulation writes it
    rate_bp: int
    sector_basis: str  # why this sector is in this group
    estimate: bool  # the sector's group is not verified
    legal_basis: str


@dataclass(frozen=True)
class WageUsed:
    """PU path: the regional minimum wage (UMK) the wage base came from."""

    region: str
    region_code: str
    amount: int
    year: int  # the contribution year asked for
    source_year: int  # the year of the figure in the dataset
    source: str
    estimate: bool  # an older year's figure: no UMK in the dataset for ``year``


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
    band: BandUsed | None = None  # BPU: the income band JKK and JHT were computed on
    risk_group: RiskGroupUsed | None = None  # PU micro: the sector's JKK risk group
    minimum_wage: WageUsed | None = None  # PU micro with a region: the UMK used

    def program(self, code: str) -> ProgramAmount | None:
        return next((p for p in self.programs if p.program == code), None)

    def as_dict(self) -> dict[str, Any]:
        """JSON-friendly, stable keys; dates as ISO strings."""
        data: dict[str, Any] = _jsonable(asdict(self))
        return data


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


def _amount(rule: Rule, basis: int, rate_bp: int | None = None) -> int:
    if rule.kind == "flat":
        assert rule.amount is not None
        return rule.amount
    assert rule.rate_bp is not None
    amount = percent_of(basis, rate_bp if rate_bp is not None else rule.rate_bp)
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
    region: str | None = None,
) -> ContributionQuote:
    """The monthly contribution for ``income`` declared in ``sector`` for ``month``.

    ``path`` is "bpu" (the participant is the informal worker or UMKM owner) or
    "pu_micro" (a micro business's worker at the minimum wage-earner package; ``income``
    is then the wage base, normally the regional minimum wage). ``state_funded``: the
    participant's JKK/JKM is paid from APBN/APBD, which PP 50/2025 art. 3 excludes from
    its discount (so no discount window applies). ``region`` (PU micro: a regency name or
    Kemendagri code) records which minimum wage (UMK) and source year the wage base is.
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
        return _shipped_quote(income, sector, first, wanted, path, bool(state_funded), region)
    return _quote(income, sector, month, programs, path, reference, bool(state_funded), region)


@lru_cache(maxsize=4096)
def _shipped_quote(
    income: int, sector: str, month: date, programs: tuple[str, ...], path: str,
    state_funded: bool, region: str | None = None,
) -> ContributionQuote:  # fmt: skip
    return _quote(income, sector, month, programs, path, load_reference(), state_funded, region)


def due_date(month: date, reference: Reference | None = None, *, path: str = "bpu") -> date:
    """When ``month``'s contribution is due: the dataset's due day (the 15th) of the
    contribution month for BPU, of the following month for PU (micro employers pay
    after the month worked), moved to the next working day when it is a weekend or an
    Indonesian public holiday."""
    ref = reference or load_reference()
    first = month.replace(day=1)
    if path == "pu_micro":
        first = add_months(first, ref.pu_due_months_after)
    return next_working_day(first.replace(day=ref.due_day))


def minimum_wage(region: str, year: int, reference: Reference | None = None) -> WageUsed:
    """The UMK of ``region`` (name or Kemendagri regency code) for ``year``: that year's
    figure, else the latest earlier one marked as an estimate; ValueError when none."""
    found = (reference or load_reference()).wage_for(region, year)
    wage = found.wage
    return WageUsed(region=wage.region, region_code=wage.region_code, amount=wage.amount,
                    year=year, source_year=wage.year, source=wage.source,
                    estimate=found.estimate)  # fmt: skip


_ROMAN = ("", "I", "II", "III", "IV", "V")


def _risk_group(ref: Reference, sector: Sector) -> RiskGroupUsed | None:
    if not ref.risk_groups:
        return None  # an older dataset: the PU rule's own rate
    group = ref.risk_group(sector.risk_group)
    return RiskGroupUsed(number=group.number, roman=_ROMAN[group.number], rate_bp=group.rate_bp,
                         sector_basis=sector.risk_group_basis,
                         estimate=sector.risk_group_confidence == "C",
                         legal_basis=group.legal_basis)  # fmt: skip


def _band(ref: Reference, income: int) -> BandUsed | None:
    band: IncomeBand | None = ref.income_band(income)
    if band is None:
        return None  # an older dataset without the band table: the rules' own min/max
    return BandUsed(id=band.id, from_income=band.from_income, to_income=band.to_income,
                    basis=band.basis_for(income), estimate=band.confidence == "C",
                    legal_basis=band.legal_basis, source=band.source)  # fmt: skip


def _quote(
    income: int,
    sector: str,
    month: date,
    programs: Iterable[str],
    path: str,
    ref: Reference,
    state_funded: bool = False,
    region: str | None = None,
) -> ContributionQuote:
    if income <= 0:
        raise ValueError("income must be more than Rp0")
    if path not in ("bpu", "pu_micro"):
        raise ValueError(f"unknown path {path!r}: expected 'bpu' or 'pu_micro'")
    month = month.replace(day=1)
    the_sector = ref.sector(sector)
    group = the_sector.group
    codes = _programs(programs, path)

    # BPU: nobody declares below the lowest band (Rp1,000,000, PP 44/2015 Lampiran II), so
    # a lower income is quoted at that band: JKK Rp10,000 and JHT 2% × Rp1,000,000 =
    # Rp20,000 (the documented Rp36,800 minimum). The band figure is then the verified one.
    basis = max(income, ref.min_declared_income) if path == "bpu" else income
    band_used = _band(ref, basis) if path == "bpu" else None
    risk = _risk_group(ref, the_sector) if path == "pu_micro" else None
    wage = minimum_wage(region, month.year, ref) if region and path == "pu_micro" else None
    discount = None if state_funded else ref.discount(month, group, path)
    lines = []
    for code in codes:
        rule = ref.rule(code, path, month)
        on_band = rule.on_band and band_used is not None
        rule_basis = band_used.basis if on_band and band_used else basis
        by_group = rule.by_risk_group and risk is not None
        normal = _amount(rule, rule_basis, risk.rate_bp if by_group and risk else None)
        applied = discount if discount is not None and code in discount.programs else None
        estimate = (
            rule.confidence == "C"
            or (on_band and bool(band_used and band_used.estimate))
            or (not on_band and bool(rule.verified_incomes)
                and basis not in rule.verified_incomes)
            or (by_group and bool(risk and risk.estimate))
            or bool(wage and wage.estimate)
        )  # fmt: skip
        lines.append(
            ProgramAmount(
                program=code,
                normal=normal,
                due=discounted(normal, applied.percent_off) if applied is not None else normal,
                rule_id=rule.id,
                legal_basis=rule.legal_basis,
                source=rule.source,
                discount_id=applied.id if applied is not None else None,
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
        due_by=due_date(month, ref, path=path),
        state_funded=state_funded,
        band=band_used,
        risk_group=risk,
        minimum_wage=wage,
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
        data: dict[str, Any] = _jsonable(asdict(self))
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
