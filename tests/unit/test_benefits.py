"""Benefit explanations: the documented worked examples and structural properties."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from outreach_tui.domain.benefits import explain_benefits
from outreach_tui.i18n import catalogue, t


def amounts(explanation):
    return {line.code.removeprefix("benefit."): line.amount for line in explanation.lines}


def test_worked_example_at_one_million():
    e = explain_benefits(1_000_000)
    a = amounts(e)
    assert a["jkk_death"] == 70_000_000  # 48 × 1M + 12M + 10M
    assert a["jkk_scholarship"] == 174_000_000  # 2 children × 87M, no minimum membership
    assert a["jkm_death"] == 42_000_000
    assert a["jkm_scholarship"] == 174_000_000  # years unknown: shown with its condition
    assert e.line("jkm_scholarship").note == "benefit.note.scholarship_after_min_years"
    assert a["jkk_permanent_disability"] == 56_000_000
    assert a["jkk_temporary_incapacity"] is None  # monthly until fit
    assert a["jkk_medical"] is None  # no ceiling
    assert e.estimate is False and e.basis == 1_000_000


def test_jkk_death_breakdown():
    items = explain_benefits(1_000_000).line("jkk_death").items
    assert [(i.code, i.amount, i.quantity, i.unit) for i in items] == [
        ("benefit.item.death_income_multiple", 48_000_000, 48, 1_000_000),
        ("benefit.item.periodic", 12_000_000, None, None),
        ("benefit.item.funeral", 10_000_000, None, None),
    ]


def test_jkm_death_breakdown():
    items = explain_benefits(3_000_000).line("jkm_death").items
    assert [(i.amount, i.quantity, i.unit) for i in items] == [
        (20_000_000, None, None),
        (12_000_000, 24, 500_000),
        (10_000_000, None, None),
    ]


@pytest.mark.parametrize(
    ("years", "amount", "note"),
    [
        (None, 174_000_000, "benefit.note.scholarship_after_min_years"),
        (0, 0, "benefit.note.scholarship_not_yet"),
        (2.9, 0, "benefit.note.scholarship_not_yet"),
        (3, 174_000_000, "benefit.note.scholarship_yearly"),
        (10.5, 174_000_000, "benefit.note.scholarship_yearly"),
    ],
)
def test_jkm_scholarship_needs_three_years(years, amount, note):
    e = explain_benefits(1_000_000, contribution_years=years)
    line = e.line("jkm_scholarship")
    assert (line.amount, line.note) == (amount, note)
    assert e.line("jkk_scholarship").amount == 174_000_000  # no minimum on this route


@pytest.mark.parametrize(
    ("children", "counted", "amount"),
    [(0, 0, 0), (1, 1, 87_000_000), (2, 2, 174_000_000), (5, 2, 174_000_000)],
)
def test_children_capped_at_two(children, counted, amount):
    e = explain_benefits(1_000_000, children=children, contribution_years=4)
    assert e.children == counted
    assert e.line("jkk_scholarship").amount == e.line("jkm_scholarship").amount == amount


def test_scholarship_levels():
    items = explain_benefits(1_000_000, children=1).line("jkk_scholarship").items
    assert [(i.amount, i.quantity, i.unit) for i in items] == [
        (12_000_000, 8, 1_500_000),
        (6_000_000, 3, 2_000_000),
        (9_000_000, 3, 3_000_000),
        (60_000_000, 5, 12_000_000),
    ]


@pytest.mark.parametrize(
    ("income", "death", "disability", "stmb_after", "estimate"),
    [
        (1_000_000, 70_000_000, 56_000_000, 500_000, False),
        (2_500_000, 142_000_000, 140_000_000, 1_250_000, True),
        (500_000, 70_000_000, 56_000_000, 500_000, False),  # never below the lowest band
        (1_234_567, 81_259_216, 69_135_752, 617_284, True),  # 50% rounded half up
    ],
)
def test_income_dependent_lines(income, death, disability, stmb_after, estimate):
    e = explain_benefits(income)
    assert e.line("jkk_death").amount == death
    assert e.line("jkk_permanent_disability").amount == disability
    full, after = e.line("jkk_temporary_incapacity").items
    assert (full.quantity, full.unit) == (12, max(income, 1_000_000))
    assert after.unit == stmb_after and after.amount is None
    assert e.estimate is estimate


def test_medical_line():
    items = {i.code: i.amount for i in explain_benefits(1_000_000).line("jkk_medical").items}
    assert items == {
        "benefit.item.medical": None,
        "benefit.item.transport_land_river": 5_000_000,
        "benefit.item.transport_sea": 2_000_000,
        "benefit.item.transport_air": 10_000_000,
        "benefit.item.home_care": 20_000_000,
        "benefit.item.rehabilitation": None,
    }


def test_as_dict_stable_json():
    e = explain_benefits(1_000_000, children=1, contribution_years=5)
    data = json.loads(json.dumps(e.as_dict()))
    assert list(data) == [
        "income", "basis", "children", "contribution_years", "estimate", "dataset_version",
        "legal_basis", "source", "notes", "params", "lines",
    ]  # fmt: skip
    assert data["lines"][0] == {
        "code": "benefit.jkk_death",
        "amount": 70_000_000,
        "note": "benefit.note.plus_scholarship",
        "items": [
            {
                "code": "benefit.item.death_income_multiple",
                "amount": 48_000_000,
                "quantity": 48,
                "unit": 1_000_000,
            },
            {"code": "benefit.item.periodic", "amount": 12_000_000, "quantity": None, "unit": None},
            {"code": "benefit.item.funeral", "amount": 10_000_000, "quantity": None, "unit": None},
        ],
    }  # fmt: skip
    assert data["params"]["claim_lapse_years"] == 5


@pytest.mark.parametrize(
    "kwargs",
    [{"income": 0}, {"income": -1}, {"income": 1.5}, {"children": -1}, {"contribution_years": -1}],
)
def test_invalid_input(kwargs):
    args = {"income": 1_000_000} | kwargs
    with pytest.raises(ValueError):
        explain_benefits(args.pop("income"), **args)


@pytest.mark.parametrize("language", ["id", "en"])
def test_every_code_has_a_text(language):
    texts = catalogue(language)
    e = explain_benefits(1_000_000)
    codes = {line.code for line in e.lines} | {line.note for line in e.lines if line.note}
    codes |= {item.code for line in e.lines for item in line.items} | set(e.notes)
    for years in (0, 5):
        codes |= {line.note for line in explain_benefits(1, contribution_years=years).lines}
    codes |= {line.note for line in explain_benefits(1, children=0).lines}
    assert codes - {None} <= set(texts)
    for code in e.notes:
        assert "{" not in t(code, language, **e.params)


@given(
    income=st.integers(1, 100_000_000),
    children=st.integers(0, 6),
    years=st.one_of(st.none(), st.floats(0, 40)),
)
def test_properties(income, children, years):
    e = explain_benefits(income, children=children, contribution_years=years)
    for line in e.lines:
        if line.amount is not None:
            assert type(line.amount) is int and line.amount >= 0
            if line.items:
                assert line.amount == sum(i.amount for i in line.items)
        for item in line.items:
            if item.quantity is not None and item.amount is not None:
                assert item.amount == item.quantity * item.unit
    # Between the lowest band (Rp1,000,000) and the top band's basis (Rp20,700,000, not
    # verified): the same band the contribution rests on (issue #20).
    basis = min(max(income, 1_000_000), 20_700_000)
    assert e.basis == basis and e.estimate is (basis != 1_000_000)
    assert e.line("jkk_death").amount == 48 * basis + 22_000_000
    assert e.line("jkm_death").amount == 42_000_000
    assert e.line("jkk_scholarship").amount == min(children, 2) * 87_000_000
