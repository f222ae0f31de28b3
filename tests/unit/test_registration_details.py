"""The registration fields the core system needs (issue 20) and the 2-month period.

Sources, per table below:
- payment periods: shared/reference/bpjstk-bpu.md, audit of December 2026 ("Advance
  payment: 1, 2, 3, 6 or 12 months", the JMO app's periods);
- occupation: data/occupations.toml (Dukcapil SIAK occupation numbering; BPJS
  Ketenagakerjaan's own list is not public, as the file says);
- income bands: data/contributions.toml ``income_bands`` (PP 44/2015 Lampiran II, only the
  lowest row verified);
- postal codes: Indonesian postal codes are five digits, 10110 (Jakarta) to 99976 (Papua)
  (Pos Indonesia's code book); working hours as the booth writes them (HH:MM-HH:MM).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from outreach_tui.domain import occupations, wire
from outreach_tui.domain.models import PAYMENT_PERIODS
from outreach_tui.domain.reference import load_reference, sectors
from outreach_tui.domain.typed_input import parse_working_hours
from outreach_tui.domain.validation import validate_registration
from outreach_tui.i18n import t
from tests.conftest import TODAY, owner_draft

OWNER = owner_draft(workers_count=0, declared_income="1.500.000")


def errors_of(**change: Any) -> dict[str, str]:
    result = validate_registration(replace(OWNER, **change), today=TODAY)
    return {p.field: p.code for p in result.errors}


def record_of(**change: Any) -> Any:
    result = validate_registration(replace(OWNER, **change), today=TODAY)
    assert result.record is not None, result.errors
    return result.record


@pytest.mark.parametrize(
    ("months", "valid"),
    [(1, True), (2, True), (3, True), (6, True), (12, True), ("2", True),
     (0, False), (4, False), (5, False), (24, False)],
)  # fmt: skip
def test_payment_periods_are_the_jmo_apps(months: Any, valid: bool) -> None:
    """bpjstk-bpu.md (audit Dec 2026): advance payment 1, 2, 3, 6 or 12 months."""
    assert PAYMENT_PERIODS == tuple(load_reference().advance_months) == (1, 2, 3, 6, 12)
    found = errors_of(payment_months=months)
    assert ("payment_months" not in found) is valid, found


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("30126", "30126"), ("57 111", "57111"), ("99976", "99976"), ("10110", "10110"),
     ("", None), ("3012", "error"), ("301266", "error"), ("01234", "error"),
     ("3O126", "error"), ("３０１２６", "error")],
)  # fmt: skip
def test_postal_code_is_five_digits(typed: str, stored: str | None) -> None:
    """Pos Indonesia: five digits, 10110-99976 (none starts with 0)."""
    if stored == "error":
        assert errors_of(postal_code=typed) == {"postal_code": "postal_code.invalid"}
    else:
        assert record_of(postal_code=typed).postal_code == stored


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("08:00-17:00", "08:00-17:00"), ("8-17", "08:00-17:00"), ("08.00 – 17.00", "08:00-17:00"),
     ("0800-1700", "08:00-17:00"), ("8 s/d 16", "08:00-16:00"), ("22-06", "22:00-06:00"),
     ("16:30-24:00", "16:30-24:00"), ("25-17", None), ("8-8", None), ("17", None),
     ("8:75-17", None), ("pagi", None)],
)  # fmt: skip
def test_working_hours_are_a_start_and_an_end(typed: str, stored: str | None) -> None:
    """Written as the booth stores them, HH:MM-HH:MM; an overnight shift is fine."""
    assert parse_working_hours(typed) == stored
    if stored is None:
        assert errors_of(working_hours=typed) == {"working_hours": "working_hours.invalid"}
    else:
        assert record_of(working_hours=typed).working_hours == stored


@pytest.mark.parametrize(
    ("code", "ok"),
    [("84", True), ("88", True), ("09", True), ("", True), ("05", False), ("99", False),
     ("pedagang", False)],
)  # fmt: skip
def test_occupation_comes_from_the_code_list(code: str, ok: bool) -> None:
    """data/occupations.toml: informal occupations only (05, civil servant, is not BPU)."""
    found = errors_of(occupation=code)
    assert ("occupation" not in found) is ok, found
    if ok:
        assert record_of(occupation=code).occupation == (code or None)


def test_the_code_list_is_stable_data_with_a_default_for_every_sector() -> None:
    """data/occupations.toml: two-digit codes, each once; every sector of sectors.toml
    offers an occupation that is on the list; the file names its source."""
    listed = occupations.load_occupations()
    codes = [o.code for o in listed.occupations]
    assert len(codes) == len(set(codes)) and all(len(c) == 2 and c.isdigit() for c in codes)
    assert "not public" in listed.source
    for sector in sectors():
        default = occupations.default_for_sector(sector.code)
        assert default is not None and occupations.is_known(default), sector.code


@pytest.mark.parametrize(
    ("income", "band", "stored", "error"),
    [("1.500.000", "", "bpu-band-declared", None),
     ("1.500.000", "bpu-band-declared", "bpu-band-declared", None),
     ("1.000.000", "", "bpu-band-lowest", None),
     ("500.000", "bpu-band-lowest", "bpu-band-lowest", None),  # quoted at the Rp1M floor
     ("30.000.000", "", "bpu-band-top", None),
     ("1.500.000", "bpu-band-lowest", None, "income_band.mismatch"),
     ("1.500.000", "bpu-band-nope", None, "income_band.unknown")],
)  # fmt: skip
def test_income_band_is_one_of_the_tables_and_holds_the_income(
    income: str, band: str, stored: str | None, error: str | None
) -> None:
    """contributions.toml income_bands (PP 44/2015 Lampiran II): the band stored is the one
    the quote used; a chosen band must hold the typed income, which stays as typed."""
    if error:
        assert errors_of(declared_income=income, income_band=band) == {"income_band": error}
        return
    record = record_of(declared_income=income, income_band=band)
    assert record.income_band == stored
    assert record.declared_income == int(income.replace(".", ""))


def test_pu_micro_workers_carry_no_band() -> None:
    """The band table is the BPU path's (PU micro pays on the wage)."""
    worker = record_of(role="worker", path="pu_micro", address="", declared_income="2.416.560")
    assert worker.income_band is None


@pytest.mark.parametrize(("typed", "stored"), [("PLG", "PLG"), ("plg", "PLG"), ("", None)])
def test_branch_code_is_a_code(typed: str, stored: str | None) -> None:
    assert record_of(branch_code=typed).branch_code == stored


def test_a_bad_branch_code_is_refused() -> None:
    assert errors_of(branch_code="PL G") == {"branch_code": "branch_code.invalid"}


@pytest.mark.parametrize(
    "code",
    ["postal_code.invalid", "working_hours.invalid", "branch_code.invalid",
     "income_band.mismatch", "payment_months.invalid"],
)  # fmt: skip
@pytest.mark.parametrize("language", ["id", "en"])
def test_each_error_is_one_line_in_both_languages(code: str, language: str) -> None:
    text = t(code, language)
    assert text and text != code and "\n" not in text
    assert ("2" in text) if code == "payment_months.invalid" else True


def _wire(**change: Any) -> dict[str, Any]:
    record = record_of(**change)
    from outreach_tui.store.rows import to_row

    at = "2026-11-23T03:00:00.000Z"
    row = {**to_row(record), "reference_no": "ABCD-EFGH-IJKL", "owner_uuid": None,
           "consent_at": at, "officer_code": "PLG-01", "device_id": "laptop-1",
           "created_at": at, "updated_at": at, "voided_at": None, "void_reason": None}  # fmt: skip
    return wire.registration_data(row, event_code="EXPO-1")


def test_the_wire_carries_the_details_only_when_set() -> None:
    """An older laptop's record (none of the fields) is taken as before and hashes the
    same; a new one carries them, in their formats."""
    old = _wire()
    assert set(old) & set(wire.DETAIL_FIELDS) == {"income_band"}  # validation sets the band
    del old["income_band"]
    assert wire.data_problem("registration", old) is None  # what an old laptop sends
    new = _wire(payment_months=2, occupation="84", postal_code="30126",
                work_location="Pasar 16 Ilir", working_hours="8-17", branch_code="PLG")  # fmt: skip
    assert wire.data_problem("registration", new) is None
    assert (new["payment_months"], new["working_hours"], new["postal_code"]) == (
        2, "08:00-17:00", "30126")  # fmt: skip
    draft = wire.registration_draft(new)
    assert (draft.occupation, draft.branch_code, draft.income_band) == (
        "84", "PLG", "bpu-band-declared")  # fmt: skip


@pytest.mark.parametrize(
    ("field", "value"),
    [("payment_months", 4), ("postal_code", "3012"), ("occupation", "8"),
     ("working_hours", "8-17"), ("branch_code", "plg")],
)  # fmt: skip
def test_the_wire_refuses_details_out_of_format(field: str, value: Any) -> None:
    data = {**_wire(), field: value}
    problem = wire.data_problem("registration", data)
    assert problem is not None and problem.field == field
