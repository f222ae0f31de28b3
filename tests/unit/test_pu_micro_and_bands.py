"""Issue #20, the calculation items: the PU-micro due date and JKK risk groups, regional
minimum wages by city and year, JHT on the JKK income band, the 2-month advance payment.

Sources are named per row; the facts are in shared/reference/bpjstk-bpu.md ("Corrections
and additions (audit of December 2026)").
"""

from __future__ import annotations

from datetime import date

import pytest

from outreach_tui.domain.contributions import due_date, minimum_wage, prepay, quote
from outreach_tui.domain.reference import load_reference

AUDIT = "bpjstk-bpu.md, audit of December 2026"
PU_DUE = f"{AUDIT}: micro employers pay by the 15th of the FOLLOWING month, next working day"
LAMPIRAN_I = "PP 44/2015 Lampiran I: five JKK risk groups 0.24/0.54/0.89/1.27/1.74 %"


# --- 1. PU-micro due date ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("month", "due", "source"),
    [
        # 15 Nov 2026 is a Sunday; the BPU date for October would be 15 Oct (a Thursday).
        (date(2026, 10, 1), date(2026, 11, 16), PU_DUE),
        # 15 Aug 2026 is a Saturday and 17 Aug Independence Day: Tuesday 18 Aug.
        (date(2026, 7, 1), date(2026, 8, 18), PU_DUE + "; holidays library, ID"),
        # December's contribution is due in January of the next year (Friday 15 Jan 2027).
        (date(2026, 12, 1), date(2027, 1, 15), PU_DUE),
        # 15 Apr 2022 was Good Friday: Monday 18 Apr.
        (date(2022, 3, 1), date(2022, 4, 18), PU_DUE + "; holidays library, ID"),
    ],
)
def test_pu_micro_due_date_is_the_15th_of_the_following_month(month, due, source) -> None:
    assert due_date(month, path="pu_micro") == due, source
    q = quote(2_416_560, sector="kuliner", month=month, path="pu_micro")
    assert q.due_by == due, source


def test_bpu_due_date_stays_in_the_contribution_month() -> None:
    # bpjstk-bpu.md: BPU pay by the 15th of the contribution month (Thursday 15 Oct 2026).
    assert due_date(date(2026, 10, 1)) == date(2026, 10, 15)
    assert quote(1_000_000, sector="kuliner", month=date(2026, 10, 1)).due_by == date(2026, 10, 15)


# --- 2. PU-micro JKK by risk group, UMK by city and year -----------------------------------


@pytest.mark.parametrize(("number", "rate_bp"), [(1, 24), (2, 54), (3, 89), (4, 127), (5, 174)])
def test_the_five_risk_groups_are_data(number: int, rate_bp: int) -> None:
    group = load_reference().risk_group(number)
    assert group.rate_bp == rate_bp, LAMPIRAN_I
    assert "Lampiran I" in group.legal_basis


@pytest.mark.parametrize(
    ("sector", "group", "jkk", "estimate", "source"),
    [
        # JKK = rate × Rp2,000,000, half up; JKM 0.30% = Rp6,000 in every group.
        ("pertanian", 2, 10_800, False, f"{AUDIT}: smallholder farming is group II"),
        ("kuliner", 1, 4_800, True, LAMPIRAN_I + "; group of food service not verified"),
        ("ojek", 3, 17_800, True, LAMPIRAN_I + "; group of land transport not verified"),
        ("perikanan", 4, 25_400, True, LAMPIRAN_I + "; group of fishing not verified"),
        ("konstruksi", 5, 34_800, True, LAMPIRAN_I + "; group of construction not verified"),
    ],
)
def test_pu_micro_jkk_follows_the_sectors_risk_group(sector, group, jkk, estimate, source):
    q = quote(2_000_000, sector=sector, month=date(2027, 1, 1), path="pu_micro")
    assert q.risk_group is not None and q.risk_group.number == group, source
    assert q.risk_group.roman == ("I", "II", "III", "IV", "V")[group - 1]
    assert q.program("JKK").normal == jkk, source
    assert q.program("JKM").normal == 6_000, "PP 44/2015 art. 18: JKM 0.30 %"
    assert q.program("JKK").estimate is estimate and q.estimate is estimate, source
    assert q.risk_group.sector_basis  # the reason for the group travels with the figure


def test_every_sector_has_a_risk_group_with_its_basis() -> None:
    ref = load_reference()
    for sector in ref.sectors:
        assert ref.risk_group(sector.risk_group), sector.code
        assert sector.risk_group_basis, f"{sector.code}: the group needs its basis"


@pytest.mark.parametrize(
    ("region", "year", "amount", "source_year", "estimate", "source"),
    [
        ("Kota Surakarta", 2019, 1_802_700, 2019, False, "Antara Jateng 2019: UMK Solo 2019"),
        ("3372", 2025, 2_416_560, 2025, False, "TribunSolo 14 Nov 2025: UMK Solo 2025"),
        # No 2026 figure for Solo in the dataset: the 2025 one, marked as an estimate.
        ("Kota Surakarta", 2026, 2_416_560, 2025, True, "TribunSolo 14 Nov 2025 (2025 figure)"),
        ("kota palembang", 2021, 3_270_093, 2021, False, "Antara Sumsel 2021: UMK Palembang"),
        ("1671", 2026, 4_192_837, 2026, False, "SK Gubernur Sumsel 982/KPTS/2025"),
        ("Kota Palembang", 2023, 3_270_093, 2021, True, "Antara Sumsel 2021 (2021 figure)"),
        ("Kabupaten Sukoharjo", 2025, 2_359_488, 2025, False, "AyoSemarang 5 Nov 2025"),
    ],
)
def test_minimum_wage_by_city_and_year(region, year, amount, source_year, estimate, source):
    wage = minimum_wage(region, year)
    assert (wage.amount, wage.source_year, wage.estimate) == (amount, source_year, estimate)
    assert wage.source and wage.year == year, source


def test_a_minimum_wage_before_any_figure_is_an_error() -> None:
    with pytest.raises(ValueError, match="no minimum wage"):
        minimum_wage("Kota Surakarta", 2018)
    with pytest.raises(ValueError, match="no minimum wage"):
        minimum_wage("Kota Atlantis", 2026)


def test_a_quote_with_a_region_carries_the_umk_and_its_estimate_marking() -> None:
    # Solo 2026 has no UMK in the dataset: the 2025 figure, and the whole quote an estimate
    # even for a verified risk group (farming, group II).
    q = quote(2_416_560, sector="pertanian", month=date(2026, 3, 1), path="pu_micro",
              region="Kota Surakarta")  # fmt: skip
    assert q.minimum_wage is not None and q.minimum_wage.source_year == 2025
    assert q.minimum_wage.estimate and q.estimate
    exact = quote(2_416_560, sector="pertanian", month=date(2025, 3, 1), path="pu_micro",
                  region="3372")  # fmt: skip
    assert exact.minimum_wage.source_year == 2025 and not exact.estimate
    assert exact.program("JKK").normal == 13_049  # 0.54 % × Rp2,416,560


# --- 3. JHT on the same band as JKK ---------------------------------------------------------

BAND = f"{AUDIT}: JHT is 2 % of the same declared-income band that JKK uses"


@pytest.mark.parametrize(
    ("income", "jkk", "jht", "basis", "estimate", "source"),
    [
        (500_000, 10_000, 20_000, 1_000_000, False, "PP 44/2015 Lampiran II: lowest band"),
        (1_000_000, 10_000, 20_000, 1_000_000, False, "BPU minimum Rp16,800 / Rp36,800"),
        (5_000_000, 50_000, 100_000, 5_000_000, True, BAND + "; rows above Rp1M unverified"),
        (20_700_000, 207_000, 414_000, 20_700_000, True, BAND + "; Rp207,000 cap unverified"),
        # The example: Rp30 juta declared gave JHT Rp600,000 (uncapped).
        (30_000_000, 207_000, 414_000, 20_700_000, True, BAND + "; issue #20 item 3"),
    ],
)
def test_jht_is_computed_on_the_jkk_band(income, jkk, jht, basis, estimate, source) -> None:
    q = quote(income, sector="kuliner", month=date(2027, 1, 1), programs=("JKK", "JKM", "JHT"))
    assert (q.program("JKK").normal, q.program("JHT").normal) == (jkk, jht), source
    assert q.band is not None and q.band.basis == basis, source
    # the same estimate marking on both lines
    assert q.program("JKK").estimate is q.program("JHT").estimate is estimate, source
    assert q.band.estimate is estimate


# --- 4. the 2-month advance payment ---------------------------------------------------------


def test_advance_periods_are_the_apps_1_2_3_6_12() -> None:
    assert load_reference().advance_months == (1, 2, 3, 6, 12), AUDIT + ": JMO app periods"


def test_two_months_in_advance_summed_month_by_month() -> None:
    # General sector, PP 50/2025 window ends Dec 2026: Dec at Rp8,400, Jan at Rp16,800.
    paid = prepay(1_000_000, sector="kuliner", first_month=date(2026, 12, 1), months=2)
    assert [m.due for m in paid.months] == [8_400, 16_800], "PP 50/2025; " + AUDIT
    assert paid.total == 25_200 and paid.count == 2
