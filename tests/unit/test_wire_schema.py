"""The record schema (domain/wire.py) and the booth's validation hold the same rules: what
the booth stores passes the schema the hub checks, and the booth's own readers of codes,
dates and numbers refuse what the schema refuses."""

from __future__ import annotations

import re
import sqlite3
import typing
from pathlib import Path

import pytest

from outreach_tui.domain import wire
from outreach_tui.domain.models import PAYMENT_PERIODS
from outreach_tui.domain.typed_input import clean_code, parse_date, parse_int
from outreach_tui.sampledata.generator import generate


def test_the_schema_uses_the_booths_payment_periods() -> None:
    hints = typing.get_type_hints(wire.RegistrationData, include_extras=True)
    assert typing.get_args(hints["payment_months"]) == PAYMENT_PERIODS


def test_every_record_the_booth_stores_passes_the_schema(tmp_path: Path) -> None:
    db = tmp_path / "booth.db"
    generate(db, seed=2112, registrations=80)
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    checked = 0
    for table, entity, build in (("registrations", "registration", wire.registration_data),
                                 ("leads", "lead", wire.lead_data)):  # fmt: skip
        rows = conn.execute(
            f"SELECT t.*, e.code AS _event FROM {table} t LEFT JOIN events e ON e.id = t.event_id"
        )
        for row in rows:
            data = build(dict(row), event_code=row["_event"])
            assert wire.data_problem(entity, data) is None, (entity, data)
            checked += 1
    conn.close()
    assert checked > 80


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("plg-01", "PLG-01"), ("PLG_01", "PLG_01"), ("EXPO-PIM-2026", "EXPO-PIM-2026"),
     ("PLG-01\n", None), (" PLG-01", None), ("PLG 01", None), ("PLG-01\t", None), ("", None),
     ("PLG\u00a001", None), ("ﬁ-01", None), ("-PLG", None), ("P" * 41, None)],
)  # fmt: skip
def test_a_code_is_upper_cased_or_refused_never_trimmed(typed: str, stored: str | None) -> None:
    assert clean_code(typed) == stored
    # The hub's pattern takes exactly what the booth stores, nothing it refuses.
    upper = typed.upper() if typed.isascii() else typed  # "ﬁ".upper() is "FI"
    assert bool(re.match(wire.CODE_PATTERN, upper)) == (stored is not None)


@pytest.mark.parametrize("text", ["١٩٩٠-12-05", "05-12-١٩٩٠", "２０２６-11-23", "1990-12-0５"])
def test_dates_in_other_scripts_digits_are_refused(text: str) -> None:
    assert parse_date(text) is None


@pytest.mark.parametrize("text", ["２５０００００", "Rp٢٥٠٠", "2.500.00０"])
def test_amounts_in_other_scripts_digits_are_refused(text: str) -> None:
    assert parse_int(text) is None


def test_ascii_dates_and_amounts_still_read() -> None:
    assert str(parse_date("05/12/1990")) == str(parse_date("1990-12-05")) == "1990-12-05"
    assert parse_int("Rp2.500.000") == 2_500_000
