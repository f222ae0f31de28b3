"""The versioned reference dataset: contribution rules, discounts, sectors and benefits.

Rules are data (outreach_tui/data/*.toml), not code, so a newer dataset from the branch
hub can replace the shipped one without a release. Everything is validated on load into
frozen dataclasses; malformed data raises ReferenceDataError naming the offending field.
This module loads a dataset (``load_reference``) and answers for the sectors; its
modules hold the dataset by subject:

    rates.py            programmes, rules, risk groups, income bands, discounts
    wages.py            regional minimum wages
    sectors.py          the lines of business an officer picks
    benefit_amounts.py  what JKM and JKK pay
    dataset.py          ``Reference``: the whole dataset and its lookups
    tables.py           TOML tables into those dataclasses
    checks.py           what the rows must hold together
"""

from __future__ import annotations

import tomllib
from functools import cache
from importlib import resources
from os import PathLike
from typing import Any

from outreach_tui.domain.reference.benefit_amounts import (
    BenefitsCatalogue,
    JkkBenefits,
    JkmBenefits,
    Scholarship,
    ScholarshipLevel,
)
from outreach_tui.domain.reference.checks import (
    check_bands,
    check_discounts,
    check_risk_groups,
    check_rules,
    check_rules_have_tables,
)
from outreach_tui.domain.reference.dataset import Reference
from outreach_tui.domain.reference.rates import Discount, IncomeBand, Program, RiskGroup, Rule
from outreach_tui.domain.reference.sectors import Sector
from outreach_tui.domain.reference.tables import ReferenceDataError, build, rows
from outreach_tui.domain.reference.wages import MinimumWage

__all__ = ["Reference", "ReferenceDataError", "find_sector", "load_reference", "sector", "sectors"]


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
    sector_rows = rows(Sector, doc if "sectors" in doc else _shipped("sectors.toml"), "sectors")
    if not sector_rows:
        raise ReferenceDataError("sectors: at least one sector is required")
    programs = rows(Program, doc, "programs")
    codes = {p.code for p in programs}
    if missing := {"JKK", "JKM"} - codes:
        raise ReferenceDataError(f"programs: missing {sorted(missing)}")
    rules = rows(Rule, doc, "rules")
    check_rules(rules, codes)
    discounts = rows(Discount, doc, "discounts")
    check_discounts(discounts, codes)
    risk_groups = rows(RiskGroup, doc, "risk_groups")
    check_risk_groups(risk_groups, sector_rows)
    income_bands = rows(IncomeBand, doc, "income_bands")
    check_bands(income_bands)
    check_rules_have_tables(rules, risk_groups, income_bands)
    reference = build(
        Reference,
        doc,
        "",
        programs=programs,
        rules=rules,
        minimum_wages=rows(MinimumWage, doc, "minimum_wages"),
        discounts=discounts,
        sectors=sector_rows,
        risk_groups=risk_groups,
        income_bands=income_bands,
        benefits=_benefits(doc["benefits"] if "benefits" in doc else _shipped("benefits.toml")),
    )
    if not 1 <= reference.due_day <= 28:
        raise ReferenceDataError("due_day: must be 1..28 (a day every month has)")
    return reference


def _benefits(doc: Any) -> BenefitsCatalogue:
    if not isinstance(doc, dict):
        raise ReferenceDataError("benefits: expected a table")
    sch = doc.get("scholarship")
    levels = rows(
        ScholarshipLevel, sch if isinstance(sch, dict) else {}, "levels", "benefits.scholarship."
    )
    if not levels:
        raise ReferenceDataError("benefits.scholarship.levels: at least one level is required")
    return build(
        BenefitsCatalogue,
        doc,
        "benefits",
        jkm=build(JkmBenefits, doc.get("jkm"), "benefits.jkm"),
        jkk=build(JkkBenefits, doc.get("jkk"), "benefits.jkk"),
        scholarship=build(Scholarship, sch, "benefits.scholarship", levels=levels),
    )
