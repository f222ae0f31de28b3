"""The shipped reference dataset loads and is consistent; malformed data is rejected."""

from __future__ import annotations

import tomllib
from datetime import date
from importlib import resources

import pytest

from outreach_tui.domain.reference import (
    ReferenceDataError,
    load_reference,
    sector,
    sectors,
)
from outreach_tui.domain.reference.tables import parse_month

SHIPPED = resources.files("outreach_tui.data").joinpath("contributions.toml").read_text("utf-8")


def test_shipped_dataset():
    ref = load_reference()
    assert ref is load_reference()  # cached
    assert ref.version == "2026.12" and ref.published == date(2026, 12, 7)
    assert (ref.due_day, ref.max_unpaid_months, ref.advance_months) == (15, 3, (1, 2, 3, 6, 12))
    assert ref.min_declared_income == 1_000_000
    assert [p.code for p in ref.programs] == ["JKK", "JKM", "JHT"]
    assert ref.program("JKK").mandatory and not ref.program("JHT").mandatory
    jkk = ref.rule("JKK", "bpu", date(2026, 5, 1))
    assert (jkk.rate_bp, jkk.min, jkk.max, jkk.verified_incomes) == (
        100,
        10_000,
        207_000,
        (1_000_000,),
    )
    assert ref.rule("JKM", "bpu", date(2026, 5, 1)).amount == 6_800
    assert ref.rule("JHT", "bpu", date(2026, 5, 1)).rate_bp == 200
    assert ref.rule("JKK", "pu_micro", date(2019, 1, 1)).rate_bp == 24
    assert ref.rule("JKM", "pu_micro", date(2019, 1, 1)).rate_bp == 30
    assert ref.minimum_wage("Kota Surakarta", 2019).amount == 1_802_700
    assert ref.minimum_wage("3372", 2019).region == "Kota Surakarta"
    for rule in ref.rules:
        assert rule.legal_basis and rule.source and rule.confidence in "ABC"


def test_discounts():
    ref = load_reference()
    by_id = {d.id: d for d in ref.discounts}
    assert set(by_id) == {"pp49-2020", "pp50-2025-transport", "pp50-2025-general"}
    for d in ref.discounts:
        assert "JHT" not in d.programs and d.path == "bpu"
    t, g = by_id["pp50-2025-transport"], by_id["pp50-2025-general"]
    assert (t.from_month, t.to_month, t.percent_off) == (date(2026, 1, 1), date(2027, 3, 1), 50)
    assert (g.from_month, g.to_month, g.sector_group) == (
        date(2026, 4, 1),
        date(2026, 12, 1),
        "general",
    )
    assert by_id["pp49-2020"].percent_off == 99 and by_id["pp49-2020"].sector_group == "all"


def test_sectors():
    items = sectors()
    assert 10 <= len(items) <= 14
    assert len({s.code for s in items}) == len(items)
    assert {s.group for s in items} == {"transport", "general"}
    assert sector("ojek").group == "transport"
    assert sector("kuliner").label_en == "Food and drink"
    assert all(s.label_id and s.label_en for s in items)
    with pytest.raises(ValueError, match="unknown sector"):
        sector("astronaut")


def test_benefits_catalogue():
    b = load_reference().benefits
    assert (
        b.jkm.lump_sum + b.jkm.periodic_count * b.jkm.periodic_amount + b.jkm.funeral == 42_000_000
    )
    assert b.scholarship.per_child == 87_000_000
    assert b.scholarship.per_child * b.scholarship.max_children == 174_000_000
    assert [lvl.max_per_child for lvl in b.scholarship.levels] == [
        12_000_000,
        6_000_000,
        9_000_000,
        60_000_000,
    ]
    assert (b.jkk.death_multiplier, b.jkk.permanent_disability_multiplier) == (48, 56)
    assert b.legal_basis.startswith("PP 82/2019")


def test_replacement_dataset_text_and_path(tmp_path):
    newer = SHIPPED.replace('version = "2026.12"', 'version = "2027.01"').replace(
        "amount = 6800", "amount = 7000"
    )
    ref = load_reference(newer)
    assert ref.version == "2027.01"
    assert ref.rule("JKM", "bpu", date(2026, 5, 1)).amount == 7_000
    assert ref.sectors == load_reference().sectors  # shipped sectors kept
    path = tmp_path / "reference.toml"
    path.write_text(newer, encoding="utf-8")
    assert load_reference(path) == ref


def test_replacement_may_carry_sectors():
    extra = '\n[[sectors]]\ncode = "x"\nlabel_id = "X"\nlabel_en = "X"\ngroup = "general"\n'
    ref = load_reference(SHIPPED + extra)
    assert [s.code for s in ref.sectors] == ["x"]


def _mutate(old: str, new: str) -> str:
    assert old in SHIPPED, old
    return SHIPPED.replace(old, new, 1)


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("version = [", "not valid TOML"),
        (_mutate('version = "2026.12"', ""), "version: missing"),
        (_mutate('version = "2026.12"', "version = 2026"), "version: invalid"),
        (_mutate("published = 2026-12-07", 'published = "yesterday"'), "published"),
        (_mutate("rate_bp = 100 ", "rate_bp = 1.0 "), r"rules\[0\].rate_bp"),
        (_mutate("rate_bp = 100 ", "rate_bp = 0 "), "rate_bp: must be"),
        (_mutate("amount = 6800", "amount = -6800"), r"rules\[1\].amount"),
        (_mutate("amount = 6800", 'amount = "6800"'), r"rules\[1\].amount"),
        (_mutate("amount = 6800", ""), r"amount: missing \(flat rule\)"),
        (_mutate('kind = "flat"', 'kind = "sliding"'), "not one of"),
        (_mutate('path = "bpu"', 'path = "pu"'), "not one of"),
        (_mutate('confidence = "B"', 'confidence = "Z"'), "not one of"),
        (_mutate('program = "JKK"', 'program = "JKN"'), "unknown program"),
        (_mutate("min = 10000", "min = 300000"), "min is greater than max"),
        (_mutate('id = "bpu-jkm-2015"', 'id = "bpu-jkk-2015"'), "duplicate id"),
        (_mutate("effective_from = 2015-07-01", "effective_from = 2015-13-01"), "not valid TOML"),
        (
            _mutate(
                "effective_from = 2015-07-01",
                'effective_from = "2015-07-01"\neffective_to = "2015-01-01"',
            ),
            "effective_to is before",
        ),
        (_mutate('from_month = "2020-08"', 'from_month = "2020-8"'), "YYYY-MM"),
        (_mutate('to_month = "2021-01"', 'to_month = "2020-01"'), "to_month is before"),
        (_mutate('to_month = "2021-01"', 'to_month = "2026-02"'), "overlap"),
        (_mutate('from_month = "2026-04"', 'from_month = "2026-03"'), None),
        (_mutate("percent_off = 99", "percent_off = 150"), "percent_off: must be"),
        (_mutate('sector_group = "all"', 'sector_group = "farmers"'), "not one of"),
        (_mutate('programs = ["JKK", "JKM"]', 'programs = ["JKK", "JKX"]'), "unknown"),
        (_mutate("due_day = 15", "due_day = 31"), "due_day"),
        (
            _mutate("advance_months = [1, 2, 3, 6, 12]", "advance_months = [1, true]"),
            "advance_months",
        ),
        (_mutate("mandatory = true", 'mandatory = "yes"'), "mandatory"),
        (_mutate('code = "JKM"', 'code = "JKX"'), "missing"),
        (SHIPPED.replace("rules]]", "rulez]]"), "no JKK rule"),
        ("rules = 3\n" + SHIPPED.replace("[[rules]]", "[[rulez]]"), "expected an array"),
        (
            SHIPPED + '\n[[sectors]]\ncode = "x"\nlabel_id = "X"\nlabel_en = "X"\ngroup = "air"\n',
            "sectors",
        ),
        ("benefits = 3\n" + SHIPPED, "benefits: expected a table"),
        (SHIPPED + '\n[benefits]\nversion = "x"\n', "benefits"),
    ],
    ids=lambda v: v if isinstance(v, str) and len(v) < 40 else "data",
)
def test_malformed_reference_data(text, match):
    if match is None:  # a non-overlapping, valid change loads fine
        assert load_reference(text).version == "2026.12"
        return
    with pytest.raises(ReferenceDataError, match=match) as info:
        load_reference(text)
    assert info.value.message == str(info.value)


def test_missing_file_is_reference_error(tmp_path):
    with pytest.raises(ReferenceDataError, match="cannot read"):
        load_reference(tmp_path / "nope.toml")


def test_benefits_in_a_replacement_dataset():
    shipped = resources.files("outreach_tui.data").joinpath("benefits.toml").read_text("utf-8")
    nested = _as_benefits_table(shipped)
    assert tomllib.loads(nested)["benefits"]["scholarship"]["levels"]
    assert load_reference(SHIPPED + "\n" + nested).benefits == load_reference().benefits
    broken = _as_benefits_table(shipped.replace("death_multiplier = 48", ""))
    with pytest.raises(ReferenceDataError, match=r"benefits.jkk.death_multiplier: missing"):
        load_reference(SHIPPED + "\n" + broken)


def _as_benefits_table(text: str) -> str:
    # Nest a standalone benefits.toml under [benefits] for a one-file replacement dataset.
    out = []
    for line in text.splitlines():
        if line.startswith("[[") and line.endswith("]]"):
            out.append(f"[[benefits.{line[2:-2]}]]")
        elif line.startswith("[") and "]" in line:
            name = line[1 : line.index("]")]
            out.append(f"[benefits.{name}]")
        else:
            out.append(line)
    # Top-level keys of benefits.toml must sit in [benefits] itself.
    return "[benefits]\n" + "\n".join(out)


def test_parse_month_reexported():
    assert parse_month("2026-01") == date(2026, 1, 1)
