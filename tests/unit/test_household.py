"""Household rules (domain/household.py): one NIK once per household, at most 15 workers."""

from __future__ import annotations

from outreach_tui.domain.household import household_problems

OWNER, A, B = "1671014512900002", "1671010512900003", "1671010512900004"


def codes(problems: dict[int, list]) -> dict[int, list[str]]:
    return {row: [p.code for p in found] for row, found in problems.items()}


def test_a_worker_with_the_owners_nik_is_an_error() -> None:
    found = household_problems({1: OWNER, 2: A}, owner_nik=OWNER)
    assert codes(found) == {1: ["household.nik_is_owner"]}
    assert found[1][0].field == "nik" and found[1][0].severity == "error"


def test_two_rows_with_one_nik_name_each_other() -> None:
    found = household_problems({1: A, 2: B, 3: A}, owner_nik=OWNER)
    assert codes(found) == {1: ["household.nik_repeated"], 3: ["household.nik_repeated"]}
    assert "baris 3" in found[1][0].message("id") and "row 1" in found[3][0].message("en")


def test_a_worker_saved_earlier_counts_and_rows_not_yet_valid_are_skipped() -> None:
    found = household_problems({1: A, 2: None, 3: None}, owner_nik=OWNER, saved_worker_niks=[A],
                               live_workers=1)  # fmt: skip
    assert codes(found) == {1: ["household.nik_saved_worker"]}


def test_no_more_than_fifteen_workers() -> None:
    rows = {row: None for row in range(1, 4)}
    found = household_problems(rows, live_workers=13)
    assert codes(found) == {3: ["household.too_many_workers"]}
    assert household_problems(rows, live_workers=12) == {}
