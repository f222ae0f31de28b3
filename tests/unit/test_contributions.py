"""Contribution quotes: the documented figures, discount window edges and properties."""

from __future__ import annotations

import json
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from outreach_tui.domain.contributions import parse_month, quote
from outreach_tui.domain.reference import load_reference

REF = load_reference()
SECTOR_CODES = [s.code for s in REF.sectors]
GENERAL, TRANSPORT = "perdagangan", "ojek"


@pytest.mark.parametrize(
    ("income", "sector", "month", "jkk", "jkm", "due_total", "discount_id"),
    [
        (1_000_000, GENERAL, "2026-05", 10_000, 6_800, 8_400, "pp50-2025-general"),
        (1_000_000, TRANSPORT, "2026-02", 10_000, 6_800, 8_400, "pp50-2025-transport"),
        (1_000_000, GENERAL, "2026-02", 10_000, 6_800, 16_800, None),
        (1_000_000, GENERAL, "2026-03", 10_000, 6_800, 16_800, None),  # day before window
        (1_000_000, GENERAL, "2026-04", 10_000, 6_800, 8_400, "pp50-2025-general"),
        (1_000_000, GENERAL, "2026-12", 10_000, 6_800, 8_400, "pp50-2025-general"),
        (1_000_000, GENERAL, "2027-01", 10_000, 6_800, 16_800, None),
        (1_000_000, TRANSPORT, "2025-12", 10_000, 6_800, 16_800, None),
        (1_000_000, TRANSPORT, "2026-01", 10_000, 6_800, 8_400, "pp50-2025-transport"),
        (1_000_000, TRANSPORT, "2027-03", 10_000, 6_800, 8_400, "pp50-2025-transport"),
        (1_000_000, TRANSPORT, "2027-04", 10_000, 6_800, 16_800, None),
        (1_000_000, GENERAL, "2020-07", 10_000, 6_800, 16_800, None),
        (1_000_000, GENERAL, "2020-08", 10_000, 6_800, 168, "pp49-2020"),
        (1_000_000, TRANSPORT, "2020-09", 10_000, 6_800, 168, "pp49-2020"),
        (1_000_000, GENERAL, "2021-01", 10_000, 6_800, 168, "pp49-2020"),
        (1_000_000, GENERAL, "2021-02", 10_000, 6_800, 16_800, None),
        (2_500_000, GENERAL, "2026-06", 25_000, 6_800, 15_900, "pp50-2025-general"),
        (500_000, GENERAL, "2027-02", 10_000, 6_800, 16_800, None),  # below the lowest band
        (999_000_000, GENERAL, "2027-02", 207_000, 6_800, 213_800, None),  # capped
        (20_700_000, GENERAL, "2027-02", 207_000, 6_800, 213_800, None),
    ],
)
def test_documented_quotes(income, sector, month, jkk, jkm, due_total, discount_id):
    q = quote(income, sector=sector, month=parse_month(month))
    assert [p.program for p in q.programs] == ["JKK", "JKM"]
    assert (q.program("JKK").normal, q.program("JKM").normal) == (jkk, jkm)
    assert q.normal_total == jkk + jkm == q.after_discount_total
    assert q.due_total == due_total
    assert (q.discount.id if q.discount else None) == discount_id


def test_minimum_with_jht():
    q = quote(1_000_000, sector=GENERAL, month=date(2026, 5, 1), programs=["JHT"])
    assert [p.program for p in q.programs] == ["JKK", "JKM", "JHT"]
    assert (q.normal_total, q.due_total) == (36_800, 28_400)
    jht = q.program("JHT")
    assert jht.normal == jht.due == 20_000 and jht.discount_id is None
    assert q.estimate is False


def test_sep_2020_jkm_was_68():
    q = quote(1_000_000, sector="jasa", month=date(2020, 9, 1))
    assert q.program("JKM").due == 68
    assert q.program("JKK").due == 100
    assert q.discount.percent_off == 99


@pytest.mark.parametrize(
    ("income", "estimate"),
    [(1_000_000, False), (2_500_000, True), (1_000_001, True), (750_000, False)],
)
def test_estimate_flag(income, estimate):
    q = quote(income, sector=GENERAL, month=date(2027, 2, 1))
    assert q.estimate is estimate
    assert q.program("JKK").estimate is estimate
    assert q.program("JKM").estimate is False


def test_pu_micro_solo_2019():
    umk = REF.minimum_wage("Kota Surakarta", 2019).amount
    q = quote(umk, sector="kuliner", month=date(2019, 10, 1), path="pu_micro")
    assert umk == 1_802_700
    assert [(p.program, p.normal) for p in q.programs] == [("JKK", 4_326), ("JKM", 5_408)]
    assert q.normal_total == q.due_total == 9_734
    # Kuliner is risk group I (0.24%), but its group is not verified: shown as an estimate.
    assert q.risk_group.number == 1 and q.risk_group.estimate
    assert q.discount is None and q.estimate is True


def test_pu_micro_rejects_jht():
    with pytest.raises(ValueError, match="JHT"):
        quote(1_802_700, sector="jasa", month=date(2026, 5, 1), programs=["JHT"], path="pu_micro")


def test_discount_details_and_closing_soon():
    q = quote(1_000_000, sector=TRANSPORT, month=date(2027, 2, 1))
    d = q.discount
    assert (d.from_month, d.to_month, d.ends_on) == (
        date(2026, 1, 1),
        date(2027, 3, 1),
        date(2027, 3, 31),
    )
    assert (d.months_left, d.closing_soon) == (2, True)
    assert d.programs == ("JKK", "JKM") and d.legal_basis == "PP 50/2025"
    early = quote(1_000_000, sector=GENERAL, month=date(2026, 4, 1)).discount
    assert (early.months_left, early.closing_soon, early.ends_on) == (9, False, date(2026, 12, 31))
    last = quote(1_000_000, sector=GENERAL, month=date(2026, 12, 1)).discount
    assert (last.months_left, last.closing_soon) == (1, True)


def test_mandatory_programs_always_included():
    q = quote(1_000_000, sector=GENERAL, month=date(2026, 5, 1), programs=[])
    assert [p.program for p in q.programs] == ["JKK", "JKM"]
    q = quote(1_000_000, sector=GENERAL, month=date(2026, 5, 1), programs=["jht", "JKM"])
    assert [p.program for p in q.programs] == ["JKK", "JKM", "JHT"]


def test_due_by_month_and_version():
    q = quote(1_000_000, sector=GENERAL, month=date(2026, 5, 20))
    assert q.month == date(2026, 5, 1)
    assert q.due_by == date(2026, 5, 15)
    assert q.dataset_version == REF.version


def test_as_dict_is_json_friendly():
    q = quote(1_000_000, sector=TRANSPORT, month=date(2026, 2, 1), programs=["JHT"])
    data = json.loads(json.dumps(q.as_dict()))
    # 15 Feb 2026 is a Sunday: due the next working day (bpjstk-bpu.md, audit Dec 2026)
    assert data["month"] == "2026-02-01" and data["due_by"] == "2026-02-16"
    assert data["discount"]["ends_on"] == "2027-03-31"
    assert data["programs"][0]["program"] == "JKK"
    assert set(data) == {
        "income", "sector", "month", "path", "programs", "normal_total", "due_total",
        "discount", "estimate", "dataset_version", "after_discount_total", "due_by",
        "state_funded", "band", "risk_group", "minimum_wage",
    }  # fmt: skip


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"income": 0}, "more than"),
        ({"income": -5}, "more than"),
        ({"income": 1_000_000.0}, "whole rupiah"),
        ({"income": True}, "whole rupiah"),
        ({"sector": "astronaut"}, "unknown sector"),
        ({"programs": ["JKN"]}, "unknown program"),
        ({"path": "pu"}, "unknown path"),
        ({"month": date(2010, 1, 1)}, "no JKK rule"),
    ],
)
def test_invalid_input(kwargs, match):
    args = {"income": 1_000_000, "sector": GENERAL, "month": date(2026, 5, 1)} | kwargs
    income = args.pop("income")
    with pytest.raises(ValueError, match=match):
        quote(income, **args)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-05", date(2026, 5, 1)),
        (" 2027-12 ", date(2027, 12, 1)),
        ("2020-01", date(2020, 1, 1)),
    ],
)
def test_parse_month(text, expected):
    assert parse_month(text) == expected


@pytest.mark.parametrize("text", ["2026-13", "2026-00", "2026-5", "05-2026", "", "2026/05", None])
def test_parse_month_rejects(text):
    with pytest.raises(ValueError, match="YYYY-MM"):
        parse_month(text)


# --- properties -------------------------------------------------------------------------

months = st.dates(min_value=date(2016, 1, 1), max_value=date(2030, 12, 31))
incomes = st.one_of(st.integers(1, 50_000_000), st.sampled_from([1_000_000, 20_700_000]))


@given(income=incomes, sector=st.sampled_from(SECTOR_CODES), month=months, jht=st.booleans())
def test_quote_properties(income, sector, month, jht):
    q = quote(income, sector=sector, month=month, programs=["JHT"] if jht else [])
    for p in q.programs:
        assert type(p.normal) is int and type(p.due) is int
        assert 0 < p.due <= p.normal
        if p.program == "JHT":
            assert p.due == p.normal and p.discount_id is None
    assert q.normal_total == sum(p.normal for p in q.programs) == q.after_discount_total
    assert q.due_total == sum(p.due for p in q.programs) <= q.normal_total
    # Below the lowest band the participant declares the band itself (Rp1,000,000).
    basis = max(income, REF.min_declared_income)
    assert q.estimate is (basis not in (1_000_000,))
    assert 10_000 <= q.program("JKK").normal <= 207_000
    assert (q.discount is None) == (q.due_total == q.normal_total)
    if q.discount:
        assert q.discount.from_month <= q.month <= q.discount.to_month
        assert q.discount.months_left >= 1
    # The 15th, or the next working day after a weekend or public holiday (a long Eid
    # break can push it a week).
    assert q.due_by.month == q.month.month and 15 <= q.due_by.day <= 24


@given(income=st.integers(1, 50_000_000), month=months)
def test_transport_window_covers_general_window(income, month):
    general = quote(income, sector=GENERAL, month=month)
    transport = quote(income, sector=TRANSPORT, month=month)
    assert general.normal_total == transport.normal_total
    if general.discount:  # transport workers get at least every discount others get
        assert transport.discount and transport.due_total == general.due_total
