"""Advance payment month by month, the APBN/APBD exclusion, due dates on working days,
the JKK citation and the lapse wording — each row names its source.

Sources: ../shared/reference/bpjstk-bpu.md, "Corrections and additions (audit of December
2026)": PP 50/2025 windows (general Apr–Dec 2026, transport Jan 2026–Mar 2027) and art. 3
(APBN/APBD excluded); "advance payment for 3, 6 or 12 months — each month at the rule in
force for that month"; the due date moving to the next working day; the JKK basis "PP
44/2015, as last amended by PP 49/2023" (PP 50/2025 art. 4); "after 3 consecutive unpaid
months the participant becomes inactive and pays the arrears to reactivate".
"""

from __future__ import annotations

from datetime import date

import pytest

from outreach_tui.domain.contributions import due_date, prepay, quote
from outreach_tui.domain.reference import load_reference
from outreach_tui.domain.workdays import next_working_day
from outreach_tui.i18n import t

GENERAL, TRANSPORT = "perdagangan", "ojek"
WITH_JHT = ("JKK", "JKM", "JHT")


@pytest.mark.parametrize(
    ("sector", "first", "months", "programs", "total", "dues", "source"),
    [
        # Issue #15 obs. 4: 6 months from Nov 2026 with JHT at Rp1,000,000, general sector:
        # Nov+Dec discounted (Rp28,400), Jan–Apr 2027 normal (Rp36,800): not 6 × 28,400.
        (
            GENERAL,
            "2026-11",
            6,
            WITH_JHT,
            2 * 28_400 + 4 * 36_800,
            [28_400] * 2 + [36_800] * 4,
            "PP 50/2025 general window ends Dec 2026",
        ),
        (
            GENERAL,
            "2026-12",
            3,
            ("JKK", "JKM"),
            8_400 + 2 * 16_800,
            [8_400, 16_800, 16_800],
            "PP 50/2025 general window ends Dec 2026",
        ),
        (
            GENERAL,
            "2026-03",
            3,
            ("JKK", "JKM"),
            16_800 + 2 * 8_400,
            [16_800, 8_400, 8_400],
            "PP 50/2025 general window starts Apr 2026",
        ),
        (
            TRANSPORT,
            "2026-11",
            6,
            ("JKK", "JKM"),
            5 * 8_400 + 16_800,
            [8_400] * 5 + [16_800],
            "PP 50/2025 transport window runs to Mar 2027",
        ),
        (
            TRANSPORT,
            "2027-01",
            6,
            ("JKK", "JKM"),
            3 * 8_400 + 3 * 16_800,
            [8_400] * 3 + [16_800] * 3,
            "PP 50/2025 transport window ends Mar 2027",
        ),
        (
            GENERAL,
            "2027-01",
            12,
            ("JKK", "JKM"),
            12 * 16_800,
            [16_800] * 12,
            "no discount in 2027 for the general sector",
        ),
        (
            GENERAL,
            "2020-12",
            3,
            ("JKK", "JKM"),
            2 * 168 + 16_800,
            [168, 168, 16_800],
            "PP 49/2020: 99% off to Jan 2021",
        ),
    ],
)
def test_prepayment_sums_month_by_month(sector, first, months, programs, total, dues, source):
    start = date(int(first[:4]), int(first[5:]), 1)
    paid = prepay(1_000_000, sector=sector, first_month=start, months=months, programs=programs)
    assert [m.due for m in paid.months] == dues, source
    assert paid.total == total, source
    assert paid.count == months and paid.first_month == start
    assert (
        paid.normal_total
        == months
        * quote(1_000_000, sector=sector, month=date(2027, 6, 1), programs=programs).normal_total
    )


def test_prepayment_refuses_a_period_the_dataset_does_not_offer() -> None:
    with pytest.raises(ValueError, match="months must be one of 1, 2, 3, 6, 12"):
        prepay(1_000_000, sector=GENERAL, first_month=date(2026, 11, 1), months=5)


def test_prepayment_json_shape() -> None:
    paid = prepay(1_000_000, sector=GENERAL, first_month=date(2026, 12, 1), months=3)
    data = paid.as_dict()
    assert set(data) == {
        "first_month", "last_month", "count", "months", "total", "normal_total",
        "discounted_months", "estimate", "dataset_version",
    }  # fmt: skip
    assert data["months"][0] == {
        "month": "2026-12-01", "due": 8_400, "normal": 16_800, "discount_id": "pp50-2025-general"
    }  # fmt: skip
    assert data["last_month"] == "2027-02-01" and data["discounted_months"] == 1


@pytest.mark.parametrize(
    ("sector", "month"), [(GENERAL, date(2026, 6, 1)), (TRANSPORT, date(2027, 2, 1))]
)
def test_state_funded_participants_get_no_pp50_discount(sector, month) -> None:
    """PP 50/2025 art. 3: JKK/JKM paid from APBN/APBD are excluded from the discount."""
    assert quote(1_000_000, sector=sector, month=month).due_total == 8_400
    funded = quote(1_000_000, sector=sector, month=month, state_funded=True)
    assert funded.due_total == 16_800 and funded.discount is None and funded.state_funded
    paid = prepay(1_000_000, sector=sector, first_month=month, months=3, state_funded=True)
    assert paid.total == 3 * 16_800 and paid.discounted_months == 0


@pytest.mark.parametrize(
    ("month", "due", "why"),
    [
        (date(2026, 12, 1), date(2026, 12, 15), "Tue 15 Dec 2026, a working day"),
        (date(2026, 11, 1), date(2026, 11, 16), "Sun 15 Nov 2026 -> Mon"),
        (
            date(2026, 8, 1),
            date(2026, 8, 18),
            "Sat 15 Aug, Sun, Mon 17 Aug holiday -> Tue",
        ),
        (date(2022, 4, 1), date(2022, 4, 18), "Fri 15 Apr 2022 Good Friday, weekend -> Mon 18"),
        (date(2027, 8, 1), date(2027, 8, 16), "Sun 15 Aug 2027 (Prophet's Birthday) -> Mon 16"),
    ],
)
def test_due_date_moves_to_the_next_working_day(month, due, why) -> None:
    assert due_date(month) == next_working_day(month.replace(day=15))
    assert due_date(month) == due, why
    assert quote(1_000_000, sector=GENERAL, month=month).due_by == due, why


def test_jkk_basis_cites_the_last_amendment() -> None:
    """PP 50/2025 art. 4 cites PP 44/2015 "as last amended by PP 49/2023"."""
    rule = load_reference().rule("JKK", "bpu", date(2026, 11, 1))
    assert rule.legal_basis.startswith("PP 44/2015 as last amended by PP 49/2023")
    line = quote(1_000_000, sector=GENERAL, month=date(2026, 11, 1)).program("JKK")
    assert (
        line is not None and "PP 49/2023" in line.legal_basis and "82/2019" not in line.legal_basis
    )


def test_lapse_wording_in_both_languages() -> None:
    assert t("money.lapse", "id") == (
        "3 bulan berturut-turut tidak membayar → tidak aktif;"
        " tunggakan dibayar untuk aktif kembali."
    )
    assert t("money.lapse", "en") == (
        "3 consecutive unpaid months → inactive; arrears are paid to reactivate."
    )
