"""The domain's shortcuts give exactly what the long way gives.

- a plain ASCII e-mail address is normalised as email_validator normalises it, and every
  address the shortcut declines is left to email_validator;
- a frozen dataclass built by ``construct_from`` is the one its ``__init__`` builds;
- ``_text`` (clean_text inline), the program-code and consent look-ups, the NIK's
  two-digit tables and a quote for a month's first day read as the long way reads them.
"""

from __future__ import annotations

import random
import string
import unicodedata
from dataclasses import fields
from datetime import date, datetime
from enum import StrEnum
from typing import Any

import email_validator
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from outreach_tui.domain import consent, contributions
from outreach_tui.domain.models import (
    LeadDraft,
    Path,
    Registration,
    RegistrationDraft,
    Role,
    construct_from,
)
from outreach_tui.domain.nik import _REGENCY_KINDS, _TWO_DIGITS, _regency_kind
from outreach_tui.domain.problems import Problem
from outreach_tui.domain.reference import load_reference
from outreach_tui.domain.validation import (
    _RESERVED_TLDS,
    _ROLE_MAILBOXES,
    MAX_LENGTH,
    _consent_known,
    _email,
    _has_control_chars,
    _min_declared_income,
    _plain_email,
    _programs,
    _text,
    clean_text,
)


def _validator(text: str) -> str | None:
    """The long way: email_validator's normalised address, None where it refuses."""
    try:
        return email_validator.validate_email(text, check_deliverability=False).normalized
    except email_validator.EmailNotValidError:
        return None


def _addresses(rng: random.Random, count: int) -> list[str]:
    """Addresses near the shortcut's edges: case, dots, hyphens, reserved names, lengths."""
    local_chars = string.ascii_letters + string.digits + "._+-" + "'!#$%&*/=?^`{|}~\"@ é"
    weights = [1.0] * 62 + [5, 2, 2, 3] + [0.1] * (len(local_chars) - 66)
    host_chars = string.ascii_letters + string.digits + "-_"
    tlds = ["com", "COM", "id", "Org", "c", "x1", "1", "co-m", "xn--p1ai", *_RESERVED_TLDS,
            "Local", "TEST", "example", "c" * 63, "c" * 64]  # fmt: skip
    label_sizes = [0, 1, 2, 5, 5, 8, 8, 20, 62, 63, 64]
    found = []
    for _ in range(count):
        local = "".join(rng.choices(local_chars, weights, k=rng.choice([1, 3, 8, 20, 70])))
        if rng.random() < 0.05:
            local = rng.choice(sorted(_ROLE_MAILBOXES)).upper()
        labels = [
            "".join(rng.choices(host_chars, [1.0] * 62 + [1, 0.1], k=rng.choice(label_sizes)))
            for _ in range(rng.randint(1, 3))
        ]
        if rng.random() < 0.1:
            labels[0] = rng.choice(["ab--cd", "xn--bcher-kva", "-a", "a-", "a..b", "Ex-Ample"])
        found.append(f"{local}@{'.'.join([*labels, rng.choice(tlds)])}")
    return found


def test_email_validator_lists_are_within_the_shortcuts_exclusions() -> None:
    assert set(email_validator.SPECIAL_USE_DOMAIN_NAMES) <= _RESERVED_TLDS
    assert set(email_validator.rfc_constants.CASE_INSENSITIVE_MAILBOX_NAMES) <= _ROLE_MAILBOXES


def test_a_plain_email_is_normalised_as_email_validator_normalises_it() -> None:
    rng = random.Random(254)
    taken = 0
    for text in _addresses(rng, 20_000):
        if len(text) > MAX_LENGTH["email"]:
            continue  # _email refuses these before either way runs
        fast = _plain_email(text)
        if fast is not None:
            taken += 1
            assert fast == _validator(text), text
    assert taken > 1500  # the shortcut was tried (1816 times), not only declined


def test_the_shortcut_serves_the_addresses_people_give() -> None:
    rng = random.Random(7)
    for _ in range(3000):
        first = "".join(rng.choices(string.ascii_lowercase, k=rng.randint(2, 10)))
        last = "".join(rng.choices(string.ascii_lowercase, k=rng.randint(2, 10)))
        digits = str(rng.randint(0, 99)) if rng.random() < 0.5 else ""
        domain = rng.choice(["gmail.com", "Yahoo.co.id", "mail.umkm-sejahtera.id", "ymail.COM"])
        text = f"{first}.{last}{digits}@{domain}"
        assert _plain_email(text) == _validator(text) == f"{first}.{last}{digits}@{domain.lower()}"


@settings(max_examples=400, deadline=None)
@given(
    st.text(st.sampled_from("aZ09.-_+@'é"), min_size=1, max_size=30),
    st.sampled_from(["com", "ID", "test", "local", "x1", ""]),
)
def test_any_address_reads_the_same_both_ways(text: str, tld: str) -> None:
    for candidate in (text, f"{text}.{tld}", f"a@{text}.{tld}"):
        problems: list[Problem] = []
        got = _email(problems, candidate)
        cleaned = clean_text(candidate)
        expected = _validator(cleaned) if len(cleaned) <= MAX_LENGTH["email"] else None
        assert got == expected, candidate
        assert [p.code for p in problems] == ([] if expected else ["email.invalid"])


def _same_object(built: Any) -> None:
    values = {f.name: getattr(built, f.name) for f in fields(built)}
    made = type(built)(**values)
    assert made == built and hash(made) == hash(built)
    assert list(vars(built).items()) == list(vars(made).items())  # every field, in order


def test_construct_from_builds_what_init_builds() -> None:
    draft = construct_from(
        RegistrationDraft, {f.name: f.default for f in fields(RegistrationDraft)}
    )
    assert draft == RegistrationDraft()
    _same_object(draft)
    _same_object(construct_from(LeadDraft, {f.name: f.default for f in fields(LeadDraft)}))
    values: dict[str, Any] = {f.name: f"v{i}" for i, f in enumerate(fields(Registration))}
    record = construct_from(Registration, dict(values))
    _same_object(record)
    assert record == Registration(**values)
    with pytest.raises(AttributeError):  # still frozen
        record.nik = "x"  # type: ignore[misc]


ODD_TEXTS = ["", " ", "\t\n", "a  b", " Siti  Aminah ", "x" * 101, "x" * 60 + " " * 50 + "y",
             "Jl.\tMerdeka\n5", "a\x00b", "a\x7fb", "a\x1cb", "a\u200bb", "a\ufeffb", "e\u0301",
             "Ａｂ", "a\xa0b", "a\u3000b", "\ud800", "ok\x85", None, 0, 5, 1.5, True, False, [],
             ["x"], {"a": 1}, Role.OWNER]  # fmt: skip


def _slow_text(problems: list[Problem], field: str, raw: object, *, required: bool) -> str | None:
    """_text as it read before clean_text was inlined into it."""
    text = clean_text(raw)
    if not text:
        if required:
            problems.append(Problem("field.required", field))
        return None
    if len(text) > MAX_LENGTH[field]:
        problems.append(Problem("field.too_long", field, params={"max": MAX_LENGTH[field]}))
        return None
    if _has_control_chars(text):
        problems.append(Problem("field.control_chars", field))
        return None
    return text


@pytest.mark.parametrize("raw", ODD_TEXTS)
def test_text_reads_as_clean_text_then_the_checks(raw: object) -> None:
    for field in ("full_name", "birth_place", "address"):
        for required in (True, False):
            fast: list[Problem] = []
            slow: list[Problem] = []
            assert _text(fast, field, raw, required=required) == _slow_text(
                slow, field, raw, required=required
            )
            assert fast == slow  # code, field, severity (params are not compared)
    if isinstance(raw, str):
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
    for version in [t.version for t in consent.texts()] + ["", "2025.1", "x" * 300]:
        assert _consent_known(version) == consent.is_known(version)


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
