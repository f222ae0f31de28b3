"""Mobile numbers: Indonesian mobiles in, E.164 out; landlines and foreign numbers refused."""

from __future__ import annotations

import json
import random
import time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from outreach_tui.domain.phone import PhoneInfo, parse_phone
from outreach_tui.i18n import catalogue


@pytest.mark.parametrize(
    ("raw", "e164", "national"),
    [
        ("0812-3456-7890", "+6281234567890", "0812-3456-7890"),
        ("081234567890", "+6281234567890", "0812-3456-7890"),
        ("+62 812 3456 7890", "+6281234567890", "0812-3456-7890"),
        ("+62-812-3456-7890", "+6281234567890", "0812-3456-7890"),
        ("6281234567890", "+6281234567890", "0812-3456-7890"),
        ("62 812 3456 7890", "+6281234567890", "0812-3456-7890"),
        ("(0812) 3456.7890", "+6281234567890", "0812-3456-7890"),
        # The leading 0 is often dropped; "8..." is never a landline area code.
        ("81234567890", "+6281234567890", "0812-3456-7890"),
        ("0811234567", "+62811234567", None),  # shortest: 8x + 7 digits
        ("0895123456789", "+62895123456789", None),  # longest: 8x + 10 digits
        ("  0857 1234 5678  ", "+6285712345678", None),
    ],
)
def test_indonesian_mobiles_are_accepted(raw: str, e164: str, national: str | None) -> None:
    info = parse_phone(raw)
    assert info.is_valid, info.problems
    assert info.e164 == e164
    assert info.national is not None
    if national is not None:
        assert info.national == national
    assert info.raw == raw


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("", "phone.empty"),
        ("   ", "phone.empty"),
        ("abc", "phone.malformed"),
        ("0812-FLOWERS", "phone.malformed"),  # phonenumbers would read letters as digits
        ("0812١٢٣٤٥٦٧٨", "phone.malformed"),  # Arabic-Indic digits
        ("0812 3456 7890 ext. 5", "phone.malformed"),
        ("08+123456789", "phone.malformed"),
        ("+", "phone.malformed"),
        ("0812345", "phone.malformed"),  # too short
        ("08123456789012", "phone.malformed"),  # too long
        ("0840 1234 5678", "phone.malformed"),  # 84 is not a mobile prefix
        ("021 5551234", "phone.not_mobile"),
        ("(021) 555-1234", "phone.not_mobile"),
        ("+62 21 5551234", "phone.not_mobile"),
        ("0800 1234567", "phone.not_mobile"),  # toll-free
        ("+1 650 253 0000", "phone.not_indonesian"),
        ("+60 12 345 6789", "phone.not_indonesian"),  # Malaysia
        ("+1 2", "phone.malformed"),
    ],
)
def test_invalid_numbers_report_one_error(raw: str, code: str) -> None:
    info = parse_phone(raw)
    assert not info.is_valid
    assert info.e164 is None and info.national is None
    assert [p.code for p in info.problems] == [code]
    problem = info.problems[0]
    assert problem.field == "phone"
    for language in ("id", "en"):
        assert problem.code in catalogue(language)


def test_a_number_as_it_travels_reads_back_as_itself() -> None:
    """Every synced record carries its phone in E.164: the hub must store it unchanged
    and judge it as the booth judged it when typed."""
    rng = random.Random(20261123)
    numbers = [f"+62{rng.choice('123456788888888')}{rng.randrange(10**n):0{n}d}"
               for n in range(4, 15) for _ in range(60)]  # fmt: skip
    numbers += ["+6281234567890", "+62215551234", "+628123", "+62812345678901234"]
    valid = 0
    for text in numbers:
        stored = parse_phone(text, national=False)
        typed = parse_phone(f"0{text[3:5]} {text[5:]}")  # as an officer types it
        assert (stored.e164, [p.code for p in stored.problems]) == (
            typed.e164, [p.code for p in typed.problems]
        ), text  # fmt: skip
        assert stored.national is None
        if stored.e164:
            valid += 1
            assert stored.e164 == text
    assert valid > 80  # mobiles among them, not only refusals


def test_messages_tell_the_officer_what_to_do() -> None:
    assert "HP" in parse_phone("021 5551234").problems[0].message("id")
    assert "Indonesia" in parse_phone("+1 650 253 0000").problems[0].message("id")
    assert "mobile" in parse_phone("021 5551234").problems[0].message("en")


@pytest.mark.parametrize("filler", ["1", "a", " "])
def test_huge_input_is_rejected_quickly(filler: str) -> None:
    raw = "08" + filler * 10_240
    start = time.perf_counter()
    info = parse_phone(raw)
    assert time.perf_counter() - start < 0.5
    assert [p.code for p in info.problems] == ["phone.malformed"]


def test_as_dict_is_json_friendly() -> None:
    good = json.loads(json.dumps(parse_phone("0812-3456-7890").as_dict()))
    assert good == {
        "raw": "0812-3456-7890",
        "valid": True,
        "e164": "+6281234567890",
        "national": "0812-3456-7890",
        "errors": [],
    }
    bad = parse_phone("021 5551234").as_dict("en")
    assert bad["valid"] is False
    assert bad["errors"][0]["code"] == "phone.not_mobile"
    assert bad["errors"][0]["severity"] == "error"


# --- properties -------------------------------------------------------------------------


def check(info: PhoneInfo) -> None:
    if info.is_valid:
        assert info.e164 is not None and info.e164.startswith("+628")
        assert info.e164[1:].isascii() and info.e164[1:].isdigit()
        assert info.national is not None
    else:
        assert info.errors
        assert info.e164 is None


@given(st.text(max_size=80))
def test_any_text_never_raises(raw: str) -> None:
    check(parse_phone(raw))


@given(st.from_regex(r"(\+62|62|0)?[ \-.()0-9]{6,20}", fullmatch=True))
def test_phone_like_text_never_raises(raw: str) -> None:
    check(parse_phone(raw))


@given(
    st.sampled_from(["81", "82", "83", "85", "87", "88", "89"]),
    st.integers(min_value=7, max_value=10).flatmap(
        lambda n: st.text(alphabet="0123456789", min_size=n, max_size=n)
    ),
    st.sampled_from(["0", "+62", "62", "+62 ", "0"]),
)
def test_mobile_shapes_from_the_reference_are_accepted(prefix: str, rest: str, lead: str) -> None:
    info = parse_phone(lead + prefix + rest)
    assert info.is_valid, (lead + prefix + rest, info.problems)
    assert info.e164 == "+62" + prefix + rest
    # Display form reparses to the same number.
    assert parse_phone(info.national or "").e164 == info.e164
