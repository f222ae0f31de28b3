"""The domain's shortcuts give exactly what the long way gives.

- clean_text's ASCII branch, the program-code and income look-ups, the NIK's two-digit
  tables and a quote for a month's first day read as the long way reads them.
"""

from __future__ import annotations

import string
import unicodedata
from datetime import date, datetime
from enum import StrEnum
from typing import Any

import pytest

from outreach_tui.domain import contributions
from outreach_tui.domain.models import Path, Role
from outreach_tui.domain.nik import _REGENCY_KINDS, _TWO_DIGITS, _regency_kind
from outreach_tui.domain.problems import Problem
from outreach_tui.domain.reference import load_reference
from outreach_tui.domain.typed_input import clean_text
from outreach_tui.domain.validation import _min_declared_income, _programs

ODD_TEXTS = ["", " ", "\t\n", "a  b", " Siti  Aminah ", "x" * 101, "x" * 60 + " " * 50 + "y",
             "Jl.\tMerdeka\n5", "a\x00b", "a\x7fb", "a\x1cb", "a\u200bb", "a\ufeffb", "e\u0301",
             "Ａｂ", "a\xa0b", "a\u3000b", "\ud800", "ok\x85", None, 0, 5, 1.5, True, False, [],
             ["x"], {"a": 1}, Role.OWNER]  # fmt: skip


@pytest.mark.parametrize("raw", [text for text in ODD_TEXTS if isinstance(text, str)])
def test_clean_text_reads_as_nfc_with_blanks_collapsed(raw: str) -> None:
    """Its ASCII branch skips the NFC step (ASCII is NFC already)."""
    assert clean_text(raw) == " ".join(unicodedata.normalize("NFC", raw).split())


class Code(StrEnum):
    JKK = "JKK"
    JHT = "JHT"


PROGRAM_VALUES: list[Any] = [
    ["JKK", "JHT"], ("JKM",), [], [Code.JKK, Code.JHT], ["JKK", 1], [["JKK"]], ("JKK", None),
    ["jkk"], ["JKK "], "JHT", ("JKK", {"a": 1}),
]  # fmt: skip


@pytest.mark.parametrize("raw", PROGRAM_VALUES)
def test_program_codes_read_as_the_long_way_reads_them(raw: Any) -> None:
    """Exact str codes take the shortcut; anything else (str subclasses, unhashable or
    non-str items) the long way, which reads each item's str()."""
    items = [raw] if isinstance(raw, str) else list(raw)
    long_way = ",".join(str(item) for item in items)
    for path in Path:
        fast: list[Problem] = []
        slow: list[Problem] = []
        assert _programs(fast, raw, path) == _programs(slow, long_way, path)
        assert [(p.code, p.params) for p in fast] == [(p.code, p.params) for p in slow]


def test_cached_reference_look_ups_are_the_live_ones() -> None:
    assert _min_declared_income() == load_reference().min_declared_income


def test_nik_tables_are_int_and_regency_kind_of_each_pair() -> None:
    pairs = [f"{a}{b}" for a in string.digits for b in string.digits]
    assert sorted(_TWO_DIGITS) == sorted(_REGENCY_KINDS) == pairs
    for pair in pairs:
        assert _TWO_DIGITS[pair] == int(pair)
        assert _REGENCY_KINDS[pair] == _regency_kind(int(pair))


@pytest.mark.parametrize("month", [date(2026, 11, 1), date(2024, 2, 1), date(2026, 1, 1)])
def test_a_quote_for_a_first_of_month_is_the_quote_for_the_month(month: date) -> None:
    for income in (500_000, 2_500_000):
        for path, programs in (("bpu", ("JKK", "JKM", "JHT")), ("pu_micro", ("JKK", "JKM"))):
            first = contributions.quote(
                income, sector="kuliner", month=month, programs=programs, path=path
            )
            later = contributions.quote(
                income, sector="kuliner", month=month.replace(day=17), programs=programs, path=path
            )
            fresh = contributions.quote(
                income, sector="kuliner", month=month, programs=programs, path=path,
                reference=load_reference(),
            )  # fmt: skip
            assert first == later == fresh
            assert type(first.month) is date


@pytest.mark.parametrize(
    ("month", "error"),
    [("2026-11-01", TypeError), (None, AttributeError), (5, AttributeError)],
)
def test_a_month_that_is_no_date_fails_as_before(month: Any, error: type[Exception]) -> None:
    with pytest.raises(error):
        contributions.quote(2_500_000, sector="kuliner", month=month)


def test_a_datetime_month_is_not_taken_for_a_date() -> None:
    """Only an exact date skips replace(): a datetime is quoted (and fails) as before."""
    moment = datetime(2026, 11, 1, 8, 30)
    for reference in (None, load_reference()):  # memoised, and the long way
        with pytest.raises(TypeError, match=r"can't compare datetime\.datetime to datetime\.date"):
            contributions.quote(2_500_000, sector="kuliner", month=moment, reference=reference)
