"""What the family receives, in real rupiah, for a declared income (PP 82/2019).

No human text here: each line and item carries a message-catalogue code
(``benefit.*`` in data/locale/<lang>/benefits.toml); templates are filled from the
item's numbers and the explanation's ``params``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from outreach_tui.domain.money import percent_of
from outreach_tui.domain.reference import Reference, load_reference


@dataclass(frozen=True)
class BenefitItem:
    code: str  # e.g. "benefit.item.death_income_multiple"
    amount: int | None  # None: "as needed", no ceiling or open-ended
    quantity: int | None = None  # e.g. 48 (× income), 24 (× Rp500,000), 8 (years)
    unit: int | None = None  # the amount one quantity is worth


@dataclass(frozen=True)
class BenefitLine:
    code: str  # scenario, e.g. "benefit.jkk_death"
    amount: int | None  # sum of the items; None when open-ended ("as needed")
    items: tuple[BenefitItem, ...]
    note: str | None = None  # catalogue code, filled from BenefitExplanation.params


@dataclass(frozen=True)
class BenefitExplanation:
    income: int  # as declared
    basis: int  # the income benefits are computed on (never below the lowest band)
    children: int  # children counted for the scholarship (capped at the maximum)
    contribution_years: float | None
    lines: tuple[BenefitLine, ...]
    notes: tuple[str, ...]  # general notes (claim deadline, scholarship rules)
    params: dict[str, Any] = field(compare=False, hash=False)
    estimate: bool = False  # the basis is not a verified band of the tariff table
    dataset_version: str = ""
    legal_basis: str = ""
    source: str = ""

    def line(self, code: str) -> BenefitLine:
        for line in self.lines:
            if line.code in (code, f"benefit.{code}"):
                return line
        raise KeyError(code)

    def as_dict(self) -> dict[str, Any]:
        """JSON-friendly with stable keys."""
        return {
            "income": self.income,
            "basis": self.basis,
            "children": self.children,
            "contribution_years": self.contribution_years,
            "estimate": self.estimate,
            "dataset_version": self.dataset_version,
            "legal_basis": self.legal_basis,
            "source": self.source,
            "notes": list(self.notes),
            "params": dict(self.params),
            "lines": [
                {
                    "code": line.code,
                    "amount": line.amount,
                    "note": line.note,
                    "items": [
                        {"code": i.code, "amount": i.amount, "quantity": i.quantity, "unit": i.unit}
                        for i in line.items
                    ],
                }
                for line in self.lines
            ],
        }


def _line(code: str, items: list[BenefitItem], note: str | None = None) -> BenefitLine:
    amounts = [item.amount for item in items]
    total = None if not items or None in amounts else sum(a for a in amounts if a is not None)
    return BenefitLine(code, total, tuple(items), note)


def _times(code: str, quantity: int, unit: int) -> BenefitItem:
    return BenefitItem(code, quantity * unit, quantity, unit)


def explain_benefits(
    income: int,
    *,
    children: int = 2,
    contribution_years: float | None = None,
    reference: Reference | None = None,
) -> BenefitExplanation:
    """Scenario lines for a BPU participant declaring ``income`` a month.

    ``contribution_years`` decides the scholarship after a death not from work (≥3 years);
    unknown (None) yields the amount with a "after 3 years" note.
    """
    ref = reference or load_reference()
    if isinstance(income, bool) or not isinstance(income, int) or income <= 0:
        raise ValueError(f"income must be a whole rupiah amount above 0, got {income!r}")
    if isinstance(children, bool) or not isinstance(children, int) or children < 0:
        raise ValueError(f"children must be a whole number ≥ 0, got {children!r}")
    if contribution_years is not None and contribution_years < 0:
        raise ValueError("contribution_years must be ≥ 0")
    cat, jkk, jkm = ref.benefits, ref.benefits.jkk, ref.benefits.jkm
    sch = cat.scholarship
    # Benefits follow the declared income, which is never below the lowest band (the same
    # floor the contribution is computed on).
    basis = max(income, ref.min_declared_income)
    # ...and never above the band the contribution is computed on (the same band table:
    # JKK, JHT and the benefits all rest on the band's basis, issue #20).
    band = ref.income_band(basis)
    if band is not None:
        basis = band.basis_for(basis)
    counted = min(children, sch.max_children)

    def scholarship(code: str, eligible: bool, note: str) -> BenefitLine:
        if not eligible or counted == 0:
            return BenefitLine(code, 0, (), note)
        items = [
            BenefitItem(f"benefit.item.scholarship_{lvl.code}", lvl.max_per_child * counted,
                        lvl.max_years, lvl.per_year * counted)
            for lvl in sch.levels
        ]  # fmt: skip
        return _line(code, items, note)

    if counted == 0:
        jkm_note = "benefit.note.no_children"
    elif contribution_years is None:
        jkm_note = "benefit.note.scholarship_after_min_years"
    elif contribution_years >= jkm.scholarship_min_years:
        jkm_note = "benefit.note.scholarship_yearly"
    else:
        jkm_note = "benefit.note.scholarship_not_yet"
    # Unknown years: show what the family gets once eligible; the note states the condition.
    jkm_eligible = contribution_years is None or contribution_years >= jkm.scholarship_min_years

    jkk_note = "benefit.note.no_children" if counted == 0 else "benefit.note.scholarship_no_minimum"
    stmb_after = percent_of(basis, jkk.stmb_after_percent * 100)
    lines = (
        _line("benefit.jkk_death", [
            _times("benefit.item.death_income_multiple", jkk.death_multiplier, basis),
            BenefitItem("benefit.item.periodic", jkk.death_periodic),
            BenefitItem("benefit.item.funeral", jkk.funeral),
        ], "benefit.note.plus_scholarship"),
        scholarship("benefit.jkk_scholarship", True, jkk_note),
        _line("benefit.jkm_death", [
            BenefitItem("benefit.item.lump_sum", jkm.lump_sum),
            _times("benefit.item.periodic_instalments", jkm.periodic_count, jkm.periodic_amount),
            BenefitItem("benefit.item.funeral", jkm.funeral),
        ]),
        scholarship("benefit.jkm_scholarship", jkm_eligible, jkm_note),
        _line("benefit.jkk_permanent_disability", [
            _times("benefit.item.disability_income_multiple",
                   jkk.permanent_disability_multiplier, basis),
        ]),
        _line("benefit.jkk_temporary_incapacity", [
            _times("benefit.item.stmb_full", jkk.stmb_full_months,
                   percent_of(basis, jkk.stmb_full_percent * 100)),
            BenefitItem("benefit.item.stmb_after", None, None, stmb_after),
        ], "benefit.note.stmb_until_fit"),
        _line("benefit.jkk_medical", [
            BenefitItem("benefit.item.medical", None),
            BenefitItem("benefit.item.transport_land_river", jkk.transport_land_river),
            BenefitItem("benefit.item.transport_sea", jkk.transport_sea),
            BenefitItem("benefit.item.transport_air", jkk.transport_air),
            BenefitItem("benefit.item.home_care", jkk.home_care_max),
            BenefitItem("benefit.item.rehabilitation", None),
        ], "benefit.note.no_ceiling"),
    )  # fmt: skip
    jkk_rule = next((r for r in ref.rules if r.program == "JKK" and r.path == "bpu"), None)
    verified = jkk_rule.verified_incomes if jkk_rule else ()
    estimate = band.confidence == "C" if band is not None else bool(verified) and (
        basis not in verified)  # fmt: skip
    return BenefitExplanation(
        income=income,
        basis=basis,
        children=counted,
        contribution_years=contribution_years,
        lines=lines,
        notes=("benefit.note.claim_lapse", "benefit.note.scholarship_rules"),
        params={
            "basis": basis,
            "claim_lapse_years": jkk.claim_lapse_years,
            "scholarship_min_years": jkm.scholarship_min_years,
            "scholarship_per_child": sch.per_child,
            "scholarship_max_children": sch.max_children,
            "scholarship_end_age": sch.end_age,
            "stmb_full_months": jkk.stmb_full_months,
            "stmb_full_percent": jkk.stmb_full_percent,
            "stmb_after_percent": jkk.stmb_after_percent,
            "contribution_years": contribution_years,
            "children": counted,
        },
        estimate=estimate,
        dataset_version=cat.version,
        legal_basis=cat.legal_basis,
        source=cat.source,
    )
