"""Registration and lead validation: the rules every entry point shares."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from outreach_tui.domain.consent import current
from outreach_tui.domain.models import LeadDraft, Path, RegistrationDraft, Role
from outreach_tui.domain.typed_input import clean_text, parse_date, parse_int
from outreach_tui.domain.validation import validate_lead, validate_registration

TODAY = date(2026, 11, 23)
CONSENT = current().version

OWNER = RegistrationDraft(
    nik="1671014512900001",  # Kota Palembang, woman born 5 Dec 1990
    full_name="Siti Aminah",
    phone="0812-3456-7890",
    address="Jl. Merdeka No. 5, Palembang",
    sector="kuliner",
    declared_income="1.000.000",
    programs=("JKK", "JKM"),
    payment_months=1,
    workers_count=2,
    consent_version=CONSENT,
)


def fields_with_errors(draft: RegistrationDraft) -> set[str]:
    return {p.field for p in validate_registration(draft, today=TODAY).errors}


def test_valid_owner_is_normalised_and_priced() -> None:
    result = validate_registration(OWNER, today=TODAY)
    assert result.ok, [p.message() for p in result.errors]
    record = result.record
    assert record is not None
    assert record.phone == "+6281234567890"
    assert record.sex == "F"
    assert record.birth_date == date(1990, 12, 5)  # derived from the NIK
    assert record.province_code == "16"
    # November 2026, general sector: PP 50/2025 halves JKK+JKM (Rp16,800 -> Rp8,400).
    assert (record.monthly_normal, record.monthly_due) == (16_800, 8_400)
    assert record.programs == ("JKK", "JKM")
    assert record.estimate is False


def test_contribution_month_outside_the_discount_window() -> None:
    result = validate_registration(OWNER, today=TODAY, contribution_month=date(2027, 1, 1))
    assert result.record is not None
    assert result.record.monthly_due == 16_800


def test_jht_is_added_only_when_chosen() -> None:
    result = validate_registration(replace(OWNER, programs=("jht",)), today=TODAY)
    assert result.record is not None
    assert result.record.programs == ("JKK", "JKM", "JHT")
    assert result.record.monthly_normal == 36_800


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"nik": "1671014512900000"}, "nik"),  # serial 0000
        ({"nik": "16710145129"}, "nik"),
        ({"full_name": ""}, "full_name"),
        ({"full_name": "   "}, "full_name"),
        ({"full_name": "x" * 10_000}, "full_name"),
        ({"full_name": "Budi123"}, "full_name"),
        ({"full_name": "Budi\x00Santoso"}, "full_name"),
        ({"full_name": "Sit\udcff"}, "full_name"),  # non-UTF-8 byte, surrogate-escaped
        ({"phone": "021 5551234"}, "phone"),  # landline
        ({"phone": ""}, "phone"),
        ({"email": "not-an-email"}, "email"),
        ({"address": ""}, "address"),
        ({"address": "a" * 301}, "address"),
        ({"sector": "astronaut"}, "sector"),
        ({"declared_income": "-5"}, "declared_income"),
        ({"declared_income": "0"}, "declared_income"),
        ({"declared_income": "satu juta"}, "declared_income"),
        ({"declared_income": "99999999999999"}, "declared_income"),
        ({"payment_months": 4}, "payment_months"),
        ({"workers_count": 16}, "workers_count"),
        ({"workers_count": -1}, "workers_count"),
        ({"consent_version": ""}, "consent_version"),
        ({"consent_version": "1999.9"}, "consent_version"),
        ({"birth_date": "31-02-1990"}, "birth_date"),
        ({"birth_date": "2030-01-01"}, "birth_date"),
        ({"programs": ("JKK", "JKM", "JKN")}, "programs"),
        ({"role": "boss"}, "role"),
        ({"path": "pu_micro"}, "path"),  # owners register as BPU
    ],
)
def test_bad_input_is_an_error_on_the_right_field(change: dict, field: str) -> None:
    assert field in fields_with_errors(replace(OWNER, **change))


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("Siti.Aminah@Gmail.COM", "Siti.Aminah@gmail.com"),  # the domain in lower case
        (" budi+umkm@Mail.UMKM-Sejahtera.id ", "budi+umkm@mail.umkm-sejahtera.id"),
        ("INFO@Example.com", "info@example.com"),  # a role mailbox: case-insensitive
        ("siti@example.test", None),  # a reserved name
        ("siti@localhost", None),
        ("a@b", None),
        ("siti aminah@x.com", None),
    ],
)
def test_an_email_is_stored_as_email_validator_normalises_it(
    typed: str, stored: str | None
) -> None:
    result = validate_registration(replace(OWNER, email=typed), today=TODAY)
    if stored is None:
        assert [(p.code, p.field) for p in result.errors] == [("email.invalid", "email")]
    else:
        assert result.record is not None and result.record.email == stored


def test_every_problem_is_reported_at_once() -> None:
    result = validate_registration(RegistrationDraft(), today=TODAY)
    assert result.record is None
    assert {"nik", "full_name", "phone", "address", "sector", "consent_version"} <= {
        p.field for p in result.errors
    }


def test_birth_date_mismatch_and_low_income_are_warnings_not_errors() -> None:
    draft = replace(OWNER, birth_date="06-12-1990", declared_income="750000")
    result = validate_registration(draft, today=TODAY)
    assert result.ok
    assert {p.field for p in result.warnings} == {"nik", "declared_income"}
    assert result.record is not None
    assert result.record.birth_date == date(1990, 12, 6)  # the entered date wins
    assert result.record.monthly_normal == 16_800  # floor of Rp1,000,000


def test_worker_needs_no_phone_or_address_and_may_take_the_pu_path() -> None:
    worker = RegistrationDraft(
        nik="3372011203950002",
        full_name="Joko Susilo",
        sector="jasa",  # risk group I (PP 44/2015 Lampiran I): 0.24%
        declared_income="1802700",
        consent_version=CONSENT,
        role=Role.WORKER,
        path=Path.PU_MICRO,
    )
    result = validate_registration(worker, today=TODAY)
    assert result.ok, [p.message() for p in result.errors]
    assert result.record is not None
    assert result.record.monthly_normal == 9_734  # 0.24% + 0.30% of Rp1,802,700
    assert result.record.phone is None


def test_sql_looking_text_is_kept_verbatim() -> None:
    hostile = "Jl. '; DROP TABLE registrations; -- No. 1"
    result = validate_registration(replace(OWNER, address=hostile), today=TODAY)
    assert result.record is not None
    assert result.record.address == hostile


def test_messages_exist_in_both_languages() -> None:
    result = validate_registration(RegistrationDraft(declared_income="abc"), today=TODAY)
    for problem in result.problems:
        for language in ("id", "en"):
            text = problem.message(language)
            assert text and text != problem.code, (problem.code, language)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2001-05-31", date(2001, 5, 31)),
        ("31-05-2001", date(2001, 5, 31)),
        ("31/05/2001", date(2001, 5, 31)),
        ("1.5.2001", date(2001, 5, 1)),
        ("31-02-2001", None),
        ("kemarin", None),
    ],
)
def test_parse_date(text: str, expected: date | None) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [("1.500.000", 1_500_000), ("Rp1.500.000", 1_500_000), ("1,500,000", 1_500_000),
     ("-5", -5), ("", None), ("1e6", None), (True, None)],
)  # fmt: skip
def test_parse_int(text: object, expected: int | None) -> None:
    assert parse_int(text) == expected


def test_clean_text_collapses_whitespace() -> None:
    assert clean_text("  Siti \t  Aminah \n") == "Siti Aminah"


def test_lead_needs_name_phone_and_consent() -> None:
    ok = validate_lead(
        LeadDraft(full_name="Rudi Hartono", phone="+62 813 1111 2222", sector="ojek",
                  consent_contact=True, consent_version=CONSENT, follow_up_on="2026-12-01"),
        today=TODAY,
    )  # fmt: skip
    assert ok.record is not None
    assert ok.record.phone == "+6281311112222"
    missing = validate_lead(LeadDraft(full_name="Rudi", phone="0813 1111 2222"), today=TODAY)
    assert "consent_contact" in {p.field for p in missing.errors}
    past = validate_lead(
        LeadDraft(full_name="Rudi", phone="081311112222", consent_contact=True,
                  consent_version=CONSENT, follow_up_on="2026-01-01"),
        today=TODAY,
    )  # fmt: skip
    assert "follow_up_on" in {p.field for p in past.errors}


@settings(max_examples=300, deadline=None)
@given(
    st.builds(
        RegistrationDraft,
        nik=st.text(max_size=40),
        full_name=st.text(max_size=200),
        birth_date=st.text(max_size=20),
        phone=st.text(max_size=30),
        email=st.text(max_size=40),
        address=st.text(max_size=400),
        sector=st.sampled_from(["kuliner", "ojek", "", "x"]),
        workers_count=st.one_of(st.integers(-5, 30), st.text(max_size=4)),
        declared_income=st.one_of(st.integers(-(10**12), 10**12), st.text(max_size=12)),
        payment_months=st.one_of(st.integers(-1, 13), st.text(max_size=3)),
        consent_version=st.sampled_from([CONSENT, "", "x"]),
    )
)
def test_validation_never_crashes_and_ok_means_no_errors(draft: RegistrationDraft) -> None:
    result = validate_registration(draft, today=TODAY)
    assert (result.record is not None) == (not result.errors)
    if result.record is not None:
        assert len(result.record.nik) == 16
        assert result.record.monthly_due <= result.record.monthly_normal
