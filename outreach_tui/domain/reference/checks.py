"""What a dataset must hold together, beyond each row's own fields: every month resolves
to exactly one rule per programme and path, at most one discount applies, risk groups
and income bands are complete. A breach raises ReferenceDataError naming the rows."""

from __future__ import annotations

from outreach_tui.domain.reference.rates import (
    CONFIDENCE,
    Discount,
    IncomeBand,
    RiskGroup,
    Rule,
)
from outreach_tui.domain.reference.sectors import Sector
from outreach_tui.domain.reference.tables import ReferenceDataError


def check_rules(rules: tuple[Rule, ...], programs: set[str]) -> None:
    for i, rule in enumerate(rules):
        at = f"rules[{i}] ({rule.id})"
        if rule.program not in programs:
            raise ReferenceDataError(f"{at}.program: unknown program {rule.program!r}")
        if rule.kind == "flat" and rule.amount is None:
            raise ReferenceDataError(f"{at}.amount: missing (flat rule)")
        if rule.kind == "percent_of_income" and not 0 < (rule.rate_bp or 0) <= 10_000:
            raise ReferenceDataError(f"{at}.rate_bp: must be 1..10000 basis points")
        if rule.min is not None and rule.max is not None and rule.min > rule.max:
            raise ReferenceDataError(f"{at}: min is greater than max")
        if rule.effective_to is not None and rule.effective_to < rule.effective_from:
            raise ReferenceDataError(f"{at}: effective_to is before effective_from")
        for other in rules[i + 1 :]:  # one month must resolve to exactly one rule
            if (rule.program, rule.path) == (other.program, other.path) and (
                (rule.effective_to is None or other.effective_from <= rule.effective_to)
                and (other.effective_to is None or rule.effective_from <= other.effective_to)
            ):
                raise ReferenceDataError(f"rules {rule.id!r} and {other.id!r} overlap")
    for code in ("JKK", "JKM"):  # mandatory programs must always be quotable for BPU
        if not any(r.program == code and r.path == "bpu" for r in rules):
            raise ReferenceDataError(f"rules: no {code} rule on the bpu path")


def check_risk_groups(groups: tuple[RiskGroup, ...], sectors: tuple[Sector, ...]) -> None:
    if not groups:
        return  # an older dataset without the table: every PU rule uses its own rate
    numbers = {g.number for g in groups}
    if len(numbers) != len(groups):
        raise ReferenceDataError("risk_groups: duplicate group")
    for i, g in enumerate(groups):
        if not 1 <= g.number <= 5 or not 0 < g.rate_bp <= 10_000:
            raise ReferenceDataError(f"risk_groups[{i}]: group 1..5 and rate_bp 1..10000")
    for i, s in enumerate(sectors):
        if s.risk_group not in numbers:
            raise ReferenceDataError(f"sectors[{i}].risk_group: unknown group {s.risk_group}")
        if s.risk_group_confidence not in CONFIDENCE:
            raise ReferenceDataError(f"sectors[{i}].risk_group_confidence: not one of {CONFIDENCE}")


def check_bands(bands: tuple[IncomeBand, ...]) -> None:
    """Bands must tile the incomes from the first one up without a gap or an overlap."""
    for i, band in enumerate(bands):
        at = f"income_bands[{i}] ({band.id})"
        if band.confidence not in CONFIDENCE:
            raise ReferenceDataError(f"{at}.confidence: not one of {CONFIDENCE}")
        if band.to_income is not None and band.to_income < band.from_income:
            raise ReferenceDataError(f"{at}: to_income is below from_income")
        before = bands[i - 1].to_income if i else None
        if i and (before is None or band.from_income != before + 1):
            raise ReferenceDataError(f"{at}: must start right after the band before it")


def check_discounts(discounts: tuple[Discount, ...], programs: set[str]) -> None:
    for i, d in enumerate(discounts):
        at = f"discounts[{i}] ({d.id})"
        if unknown := set(d.programs) - programs:
            raise ReferenceDataError(f"{at}.programs: unknown {sorted(unknown)}")
        if not 0 < d.percent_off <= 100:
            raise ReferenceDataError(f"{at}.percent_off: must be 1..100")
        if d.to_month < d.from_month:
            raise ReferenceDataError(f"{at}: to_month is before from_month")
        for o in discounts[i + 1 :]:  # at most one discount per month and sector group
            groups = "all" in (d.sector_group, o.sector_group) or d.sector_group == o.sector_group
            overlap = d.from_month <= o.to_month and o.from_month <= d.to_month
            if d.path == o.path and groups and overlap:
                raise ReferenceDataError(f"discounts {d.id!r} and {o.id!r} overlap")


def check_rules_have_tables(
    rules: tuple[Rule, ...], risk_groups: tuple[RiskGroup, ...], bands: tuple[IncomeBand, ...]
) -> None:
    """A rule that needs a table the dataset lacks could never be quoted."""
    for rule in rules:
        if rule.by_risk_group and not risk_groups:
            raise ReferenceDataError(f"rules ({rule.id}): by_risk_group needs risk_groups")
        if rule.on_band and not bands:
            raise ReferenceDataError(f"rules ({rule.id}): on_band needs income_bands")
