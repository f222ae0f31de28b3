"""NIK parsing: layout checks, derived sex/birth date, mismatch warnings."""

from __future__ import annotations

import json
import time
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from outreach_tui.domain.nik import (
    NikInfo,
    normalize_nik,
    parse_nik,
    province_name,
    provinces,
    regencies,
)
from outreach_tui.i18n import catalogue

TODAY = date(2026, 11, 23)


def make_nik(
    pp: str = "32",
    kk: str = "01",
    cc: str = "05",
    dd: str = "12",
    mm: str = "05",
    yy: str = "90",
    serial: str = "0001",
) -> str:
    return pp + kk + cc + dd + mm + yy + serial


def parse(raw: str, **kwargs) -> NikInfo:
    kwargs.setdefault("today", TODAY)
    return parse_nik(raw, **kwargs)


def error_codes(info: NikInfo) -> list[str]:
    return [p.code for p in info.errors]


def warning_codes(info: NikInfo) -> list[str]:
    return [p.code for p in info.warnings]


def test_province_table_has_the_38_provinces() -> None:
    assert len(provinces()) == 38
    assert provinces()["11"] == "Aceh"
    assert provinces()["96"] == "Papua Barat Daya"
    assert province_name("31") == "DKI Jakarta"
    assert province_name("20") is None


@pytest.mark.parametrize(
    ("raw", "sex", "birth_date"),
    [
        (make_nik(dd="12", mm="05", yy="90"), "M", date(1990, 5, 12)),
        (make_nik(dd="52", mm="05", yy="90"), "F", date(1990, 5, 12)),
        (make_nik(dd="41", mm="01", yy="85"), "F", date(1985, 1, 1)),
        (make_nik(dd="71", mm="12", yy="85"), "F", date(1985, 12, 31)),
        (make_nik(dd="01", mm="01", yy="85"), "M", date(1985, 1, 1)),
        (make_nik(dd="29", mm="02", yy="00"), "M", date(2000, 2, 29)),
        (make_nik(dd="69", mm="02", yy="04"), "F", date(2004, 2, 29)),
        (make_nik(dd="29", mm="02", yy="96"), "M", date(1996, 2, 29)),
        (make_nik(yy="99"), "M", date(1999, 5, 12)),
        (make_nik(yy="05"), "M", date(2005, 5, 12)),
        (make_nik(dd="23", mm="11", yy="26"), "M", date(2026, 11, 23)),  # born today
        (make_nik(dd="24", mm="11", yy="26"), "M", date(1926, 11, 24)),  # not in the future
    ],
)
def test_valid_nik_gives_sex_and_birth_date(raw: str, sex: str, birth_date: date) -> None:
    info = parse(raw)
    assert info.is_valid, info.errors
    assert info.nik == raw
    assert info.sex == sex
    assert info.birth_date == birth_date
    assert info.problems == ()


def test_valid_nik_decodes_every_part() -> None:
    info = parse("3174054512890007")
    assert info.as_dict() == {
        "nik": "3174054512890007",
        "valid": True,
        "province_code": "31",
        "province_name": "DKI Jakarta",
        "regency_code": "3174",
        "regency_kind": "kota",
        "regency_name": "Kota Administrasi Jakarta Selatan",
        "district_code": "317405",
        "sex": "F",
        "birth_date": "1989-12-05",
        "serial": "0007",
        "errors": [],
        "warnings": [],
    }
    assert parse(make_nik(kk="69")).regency_kind == "kabupaten"
    assert parse(make_nik(kk="71")).regency_kind == "kota"


@pytest.mark.parametrize("pp", ["91", "92", "93", "94", "95", "96"])
def test_papua_province_codes_are_valid(pp: str) -> None:
    info = parse(make_nik(pp=pp))
    assert info.is_valid
    assert info.province_name is not None and "Papua" in info.province_name


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("", "nik.empty"),
        ("  - . ", "nik.empty"),
        (make_nik(pp="20"), "nik.province_unknown"),
        (make_nik(pp="99"), "nik.province_unknown"),
        (make_nik(pp="00"), "nik.province_unknown"),
        (make_nik(kk="00"), "nik.regency_invalid"),
        (make_nik(kk="70"), "nik.regency_invalid"),
        (make_nik(cc="00"), "nik.district_invalid"),
        (make_nik(dd="00"), "nik.day_invalid"),
        (make_nik(dd="32"), "nik.day_invalid"),
        (make_nik(dd="40"), "nik.day_invalid"),
        (make_nik(dd="72"), "nik.day_invalid"),
        (make_nik(mm="00"), "nik.month_invalid"),
        (make_nik(mm="13"), "nik.month_invalid"),
        (make_nik(dd="31", mm="04"), "nik.date_invalid"),
        (make_nik(dd="71", mm="04"), "nik.date_invalid"),
        (make_nik(dd="30", mm="02", yy="00"), "nik.date_invalid"),
        (make_nik(dd="29", mm="02", yy="01"), "nik.date_invalid"),
        (make_nik(dd="69", mm="02", yy="01"), "nik.date_invalid"),
        (make_nik(serial="0000"), "nik.serial_invalid"),
        ("32010512059O0001", "nik.not_digits"),
        ("3201051205900001x", "nik.not_digits"),
        ("320105120590000١", "nik.not_digits"),  # Arabic-Indic one: isdigit() says True
        ("320105120590000²", "nik.not_digits"),
        ("3201\u200b051205900001", "nik.not_digits"),  # zero-width space
        ("320105120590001", "nik.length"),  # 15
        ("32010512059000012", "nik.length"),  # 17
    ],
)
def test_invalid_nik_reports_the_error(raw: str, code: str) -> None:
    info = parse(raw)
    assert not info.is_valid
    assert code in error_codes(info)
    for problem in info.problems:
        assert problem.field == "nik"
        for language in ("id", "en"):
            assert problem.code in catalogue(language)
            assert "{" not in problem.message(language)


def test_only_the_real_problem_is_reported() -> None:
    assert error_codes(parse(make_nik(pp="20"))) == ["nik.province_unknown"]
    assert error_codes(parse(make_nik(dd="31", mm="04"))) == ["nik.date_invalid"]
    several = parse(make_nik(pp="20", kk="70", cc="00", serial="0000"))
    assert error_codes(several) == [
        "nik.province_unknown",
        "nik.regency_invalid",
        "nik.district_invalid",
        "nik.serial_invalid",
    ]


def test_length_error_counts_what_was_typed() -> None:
    info = parse("320105120590001")
    assert [p.message("id") for p in info.errors] == ["NIK harus 16 angka (tertulis 15)."]
    assert info.nik is None and info.birth_date is None


def test_non_digit_is_shown_to_the_officer() -> None:
    info = parse("32010512059O0001")
    assert "“O”" in info.errors[0].message("id")
    hidden = parse("3201\u200b051205900001")
    assert "U+200B" in hidden.errors[0].message("en")


def test_short_non_digit_input_reports_both_problems() -> None:
    assert error_codes(parse("12ab")) == ["nik.not_digits", "nik.length"]


@pytest.mark.parametrize(
    "raw",
    ["3201 0512 0590 0001", " 3201051205900001 ", "32.01.05.120590.0001", "3201-05-120590-0001"],
)
def test_officer_separators_are_accepted(raw: str) -> None:
    info = parse(raw)
    assert info.is_valid
    assert info.nik == "3201051205900001"
    assert info.raw == raw


def test_normalize_keeps_characters_that_must_be_reported() -> None:
    assert normalize_nik(" 32.01-05\t1 ") == "320105" + "1"
    assert normalize_nik("32a١") == "32a١"


@pytest.mark.parametrize(
    ("entered", "code", "params"),
    [
        (date(1990, 5, 13), "nik.birth_day_mismatch", {"nik": "12", "given": "13"}),
        (date(1990, 6, 12), "nik.birth_month_mismatch", {"nik": "05", "given": "06"}),
        (date(1991, 5, 12), "nik.birth_year_mismatch", {"nik": "90", "given": "91"}),
        (date(1991, 6, 13), "nik.birth_date_mismatch", {"nik": "12-05-90", "given": "13-06-91"}),
    ],
)
def test_birth_date_mismatch_is_a_warning_naming_the_part(
    entered: date, code: str, params: dict[str, str]
) -> None:
    info = parse(make_nik(), birth_date=entered)
    assert info.is_valid
    assert warning_codes(info) == [code]
    assert params.items() <= info.warnings[0].params.items()


def test_matching_birth_date_gives_no_warning() -> None:
    assert parse(make_nik(dd="52"), birth_date=date(1990, 5, 12)).problems == ()
    # Only two digits of the year are in the NIK: 1890 vs 1990 cannot be told apart.
    assert parse(make_nik(), birth_date=date(1890, 5, 12)).problems == ()


def test_address_province_mismatch_is_a_warning() -> None:
    info = parse(make_nik(pp="32"), province_code="31")
    assert info.is_valid
    assert warning_codes(info) == ["nik.province_mismatch"]
    message = info.warnings[0].message("id")
    assert "Jawa Barat" in message and "DKI Jakarta" in message
    assert parse(make_nik(pp="32"), province_code="32").problems == ()


@pytest.mark.parametrize(("nik_pp", "address_pp"), [("91", "93"), ("91", "95"), ("92", "96")])
def test_papua_people_keep_their_old_code_without_a_warning(nik_pp: str, address_pp: str) -> None:
    # No province mismatch; 9101 (Merauke) and 9201 (Sorong) are pre-2022 regency codes,
    # valid on an older NIK with an informational warning (issue #20, regency table).
    info = parse(make_nik(pp=nik_pp), province_code=address_pp)
    assert info.is_valid and warning_codes(info) == ["nik.regency_historical"]


def test_default_today_is_the_real_date() -> None:
    this_year = date.today().year % 100
    info = parse_nik(make_nik(dd="01", mm="01", yy=f"{this_year:02d}"))
    assert info.birth_date == date(date.today().year, 1, 1)


@pytest.mark.parametrize("filler", ["1", "a", "١", " 1"])
def test_huge_input_is_one_fast_length_error(filler: str) -> None:
    raw = filler * 10_240
    start = time.perf_counter()
    info = parse(raw)
    assert time.perf_counter() - start < 0.5
    assert error_codes(info) == ["nik.length"]


def test_as_dict_is_json_friendly_in_both_languages() -> None:
    info = parse(make_nik(pp="20"), birth_date=date(1990, 5, 13))
    for language in ("id", "en"):
        data = json.loads(json.dumps(info.as_dict(language)))
        assert data["valid"] is False
        assert data["nik"] == make_nik(pp="20")
        assert data["province_name"] is None
        assert [e["code"] for e in data["errors"]] == ["nik.province_unknown"]
        assert [w["severity"] for w in data["warnings"]] == ["warning"]


# --- properties -------------------------------------------------------------------------


@given(st.text(max_size=40) | st.from_regex(r"[0-9 .\-]{10,24}", fullmatch=True))
def test_any_text_is_either_a_valid_nik_or_has_an_error(raw: str) -> None:
    info = parse(raw)
    if info.is_valid:
        assert info.nik is not None and len(info.nik) == 16
        assert all(c in "0123456789" for c in info.nik)
        assert info.birth_date is not None and info.birth_date <= TODAY
    else:
        assert info.errors


@st.composite
def valid_niks(draw: st.DrawFn) -> tuple[str, str, date]:
    # A regency Kemendagri gave (the NIK's first four digits), not any 01–69/71–99.
    regency = draw(st.sampled_from(sorted(regencies().current)))
    pp, kk = regency[:2], int(regency[2:])
    assert pp in provinces()
    cc = draw(st.integers(1, 99))
    # The window a two-digit year can express without ambiguity, ending today.
    born = draw(
        st.dates(min_value=TODAY.replace(year=TODAY.year - 100) + timedelta(1), max_value=TODAY)
    )
    sex = draw(st.sampled_from("FM"))
    serial = draw(st.integers(1, 9999))
    day = born.day + (40 if sex == "F" else 0)
    raw = f"{pp}{kk:02d}{cc:02d}{day:02d}{born:%m%y}{serial:04d}"
    return raw, sex, born


@given(valid_niks())
def test_generated_valid_niks_parse_back(case: tuple[str, str, date]) -> None:
    raw, sex, born = case
    info = parse(raw, birth_date=born)
    assert info.is_valid, info.errors
    assert info.problems == ()
    assert (info.nik, info.sex, info.birth_date) == (raw, sex, born)


@given(valid_niks(), st.lists(st.sampled_from([" ", ".", "-"]), max_size=16))
def test_separators_never_change_the_result(case: tuple[str, str, date], seps: list[str]) -> None:
    raw = case[0]
    spaced = "".join(c + (seps[i] if i < len(seps) else "") for i, c in enumerate(raw))
    assert parse(spaced).as_dict() == parse(raw).as_dict()
