"""The versioned reference dataset: contribution rules, discounts, sectors and benefits.

Rules are data (outreach_tui/data/*.toml), not code, so a newer dataset from the branch
hub can replace the shipped one without a release. Everything is validated on load into
frozen dataclasses; malformed data raises ReferenceDataError naming the offending field.
Unknown keys are ignored so an older app can still read a newer dataset.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import MISSING, dataclass, fields
from datetime import date
from functools import cache
from importlib import resources
from os import PathLike
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

PATHS = ("bpu", "pu_micro")
KINDS = ("percent_of_income", "flat")
SECTOR_GROUPS = ("transport", "general")
DISCOUNT_GROUPS = (*SECTOR_GROUPS, "all")
CONFIDENCE = ("A", "B", "C")
_CHOICES = {
    "path": PATHS,
    "kind": KINDS,
    "confidence": CONFIDENCE,
    "group": SECTOR_GROUPS,
    "sector_group": DISCOUNT_GROUPS,
}
_MONTH = re.compile(r"(\d{4})-(\d{2})")


class NoRuleError(ValueError):
    """No contribution rule covers that month (e.g. one before the programme began)."""


class ReferenceDataError(ValueError):
    """The reference dataset is malformed; ``message`` names the offending field."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def parse_month(text: str) -> date:
    """``"2026-05"`` -> ``date(2026, 5, 1)``; ValueError with a clear message otherwise."""
    match = _MONTH.fullmatch(text.strip()) if isinstance(text, str) else None
    if not match or not 1 <= int(match[2]) <= 12:
        raise ValueError(f"month must look like YYYY-MM (e.g. 2026-05), got {text!r}")
    return date(int(match[1]), int(match[2]), 1)


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
class MinimumWage:
    region: str
    year: int
    amount: int
    source: str
    region_code: str = ""


@dataclass(frozen=True)
class WageFound:
    """A regional minimum wage looked up for ``year``: ``wage.year`` is the source year;
    an older year than asked (the dataset has none for ``year``) makes it an estimate."""

    wage: MinimumWage
    year: int  # the year asked for

    @property
    def estimate(self) -> bool:
        return self.wage.year != self.year


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


@dataclass(frozen=True)
class Sector:
    code: str
    label_id: str
    label_en: str
    group: str  # "transport" | "general"
    # PU path: the JKK risk group of this line of business (PP 44/2015 Lampiran I), the
    # reason for it and how sure it is (C: not verified, shown as an estimate).
    risk_group: int = 1
    risk_group_basis: str = ""
    risk_group_confidence: str = "C"


@dataclass(frozen=True)
class ScholarshipLevel:
    code: str
    per_year: int
    max_years: int

    @property
    def max_per_child(self) -> int:
        return self.per_year * self.max_years


@dataclass(frozen=True)
class Scholarship:
    max_children: int
    end_age: int
    levels: tuple[ScholarshipLevel, ...]

    @property
    def per_child(self) -> int:
        return sum(level.max_per_child for level in self.levels)


@dataclass(frozen=True)
class JkmBenefits:
    lump_sum: int
    periodic_count: int
    periodic_amount: int
    funeral: int
    scholarship_min_years: int


@dataclass(frozen=True)
class JkkBenefits:
    transport_land_river: int
    transport_sea: int
    transport_air: int
    stmb_full_months: int
    stmb_full_percent: int
    stmb_after_percent: int
    permanent_disability_multiplier: int
    death_multiplier: int
    death_periodic: int
    funeral: int
    home_care_max: int
    claim_lapse_years: int
    scholarship_min_years: int


@dataclass(frozen=True)
class BenefitsCatalogue:
    version: str
    published: date
    effective_from: date
    legal_basis: str
    source: str
    confidence: str
    jkm: JkmBenefits
    jkk: JkkBenefits
    scholarship: Scholarship


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
        key = region.strip().casefold()
        rows = [w for w in self.minimum_wages
                if key in (w.region.casefold(), w.region_code) and w.year <= year]  # fmt: skip
        if not rows:
            raise ValueError(f"no minimum wage for {region!r} in or before {year}")
        return WageFound(max(rows, key=lambda w: w.year), year)

    def minimum_wage(self, region: str, year: int) -> MinimumWage:
        for wage in self.minimum_wages:
            if wage.year == year and region.casefold() in (
                wage.region.casefold(),
                wage.region_code,
            ):
                return wage
        raise ValueError(f"no minimum wage for {region!r} in {year}")


_T = TypeVar("_T")
_D = TypeVar("_D", bound="DataclassInstance")  # a dataset row: one of the dataclasses here


def _find(items: tuple[_T, ...], attr: str, key: Any, what: str) -> _T:
    for item in items:
        if getattr(item, attr) == key:
            return item
    raise ValueError(f"unknown {what} {key!r}")


# --- parsing: each dataclass is built from its TOML table, driven by its annotations ---


def _value(kind: str, value: Any, at: str) -> Any:
    ok: Any = None
    if kind in ("date", "month"):
        try:
            if kind == "month":
                ok = parse_month(value)
            elif isinstance(value, str):
                ok = date.fromisoformat(value)
            elif isinstance(value, date):
                ok = value
        except ValueError as exc:
            raise ReferenceDataError(f"{at}: {exc}") from None
    elif kind == "int":  # money and counts: whole, never negative, never a bool
        ok = (
            value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None
        )
    elif kind == "bool":
        ok = value if isinstance(value, bool) else None
    elif kind == "str":
        ok = value if isinstance(value, str) and value.strip() else None
    elif kind.startswith("tuple[") and isinstance(value, list):
        items = [_value(kind[6:-6], item, f"{at}[{i}]") for i, item in enumerate(value)]
        ok = tuple(items)
    if ok is None:
        raise ReferenceDataError(f"{at}: invalid value {value!r} (expected {kind})")
    return ok


def _build(cls: type[_D], data: Any, where: str, **parsed: Any) -> _D:
    if not isinstance(data, dict):
        raise ReferenceDataError(f"{where}: expected a table")
    values = dict(parsed)
    for f in fields(cls):
        at = f"{where}.{f.name}" if where else f.name
        if f.name in values:
            continue
        if f.name not in data:
            if f.default is MISSING:
                raise ReferenceDataError(f"{at}: missing")
            continue
        kind = "month" if f.name.endswith("_month") else str(f.type).removesuffix(" | None")
        values[f.name] = value = _value(kind, data[f.name], at)
        if f.name in _CHOICES and value not in _CHOICES[f.name]:
            raise ReferenceDataError(f"{at}: {value!r} is not one of {_CHOICES[f.name]}")
    return cls(**values)


def _rows(cls: type[_D], data: dict[str, Any], key: str, prefix: str = "") -> tuple[_D, ...]:
    rows = data.get(key, [])
    if not isinstance(rows, list):
        raise ReferenceDataError(f"{prefix}{key}: expected an array of tables")
    built = tuple(_build(cls, row, f"{prefix}{key}[{i}]") for i, row in enumerate(rows))
    ident = next((a for a in ("id", "code") if a in cls.__dataclass_fields__), None)
    if ident:
        keys = [getattr(item, ident) for item in built]
        if dupes := sorted({k for k in keys if keys.count(k) > 1}):
            raise ReferenceDataError(f"{prefix}{key}: duplicate {ident} {dupes}")
    return built


def _check_rules(rules: tuple[Rule, ...], programs: set[str]) -> None:
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


def _check_risk_groups(groups: tuple[RiskGroup, ...], sectors: tuple[Sector, ...]) -> None:
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


def _check_bands(bands: tuple[IncomeBand, ...]) -> None:
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


def _check_discounts(discounts: tuple[Discount, ...], programs: set[str]) -> None:
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


def _benefits(doc: Any) -> BenefitsCatalogue:
    if not isinstance(doc, dict):
        raise ReferenceDataError("benefits: expected a table")
    sch = doc.get("scholarship")
    levels = _rows(
        ScholarshipLevel, sch if isinstance(sch, dict) else {}, "levels", "benefits.scholarship."
    )
    if not levels:
        raise ReferenceDataError("benefits.scholarship.levels: at least one level is required")
    return _build(
        BenefitsCatalogue,
        doc,
        "benefits",
        jkm=_build(JkmBenefits, doc.get("jkm"), "benefits.jkm"),
        jkk=_build(JkkBenefits, doc.get("jkk"), "benefits.jkk"),
        scholarship=_build(Scholarship, sch, "benefits.scholarship", levels=levels),
    )


def _shipped(name: str) -> dict[str, Any]:
    text = resources.files("outreach_tui.data").joinpath(name).read_text(encoding="utf-8")
    return tomllib.loads(text)


@cache
def _parse(text: str | None) -> Reference:
    try:
        doc = _shipped("contributions.toml") if text is None else tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ReferenceDataError(f"not valid TOML: {exc}") from None
    # A replacement dataset may carry its own sectors and benefits; otherwise keep ours.
    sectors = _rows(Sector, doc if "sectors" in doc else _shipped("sectors.toml"), "sectors")
    if not sectors:
        raise ReferenceDataError("sectors: at least one sector is required")
    programs = _rows(Program, doc, "programs")
    codes = {p.code for p in programs}
    if missing := {"JKK", "JKM"} - codes:
        raise ReferenceDataError(f"programs: missing {sorted(missing)}")
    rules = _rows(Rule, doc, "rules")
    _check_rules(rules, codes)
    discounts = _rows(Discount, doc, "discounts")
    _check_discounts(discounts, codes)
    risk_groups = _rows(RiskGroup, doc, "risk_groups")
    _check_risk_groups(risk_groups, sectors)
    income_bands = _rows(IncomeBand, doc, "income_bands")
    _check_bands(income_bands)
    for rule in rules:  # a rule that needs a table the dataset lacks could never be quoted
        if rule.by_risk_group and not risk_groups:
            raise ReferenceDataError(f"rules ({rule.id}): by_risk_group needs risk_groups")
        if rule.on_band and not income_bands:
            raise ReferenceDataError(f"rules ({rule.id}): on_band needs income_bands")
    reference = _build(
        Reference,
        doc,
        "",
        programs=programs,
        rules=rules,
        minimum_wages=_rows(MinimumWage, doc, "minimum_wages"),
        discounts=discounts,
        sectors=sectors,
        risk_groups=risk_groups,
        income_bands=income_bands,
        benefits=_benefits(doc["benefits"] if "benefits" in doc else _shipped("benefits.toml")),
    )
    if not 1 <= reference.due_day <= 28:
        raise ReferenceDataError("due_day: must be 1..28 (a day every month has)")
    return reference


def load_reference(text_or_path: str | PathLike[str] | None = None) -> Reference:
    """The shipped dataset (None), or a replacement: TOML text (str) or a file path.

    Parsed datasets are cached (keyed by their text), so repeated calls are free.
    """
    if text_or_path is None or isinstance(text_or_path, str):
        return _parse(text_or_path)
    try:
        with open(text_or_path, encoding="utf-8") as handle:
            text = handle.read()
    except OSError as exc:
        raise ReferenceDataError(f"cannot read reference data: {exc}") from None
    return _parse(text)


def sectors(reference: Reference | None = None) -> tuple[Sector, ...]:
    """The sectors an officer can pick, in display order."""
    return (reference or load_reference()).sectors


def sector(code: str, reference: Reference | None = None) -> Sector:
    """The sector with ``code``; ValueError if there is none."""
    return (reference or load_reference()).sector(code)


def find_sector(code: str, reference: Reference | None = None) -> Sector | None:
    """The sector with ``code``, or None (for validation, where unknown is a user error)."""
    try:
        return sector(code, reference)
    except ValueError:
        return None
