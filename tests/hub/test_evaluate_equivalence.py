"""The shortcuts of the hub's per-record validation give exactly what the long way gives.

- a phone in E.164 that the metadata test calls surely mobile is one phonenumbers calls
  mobile, and parse_phone judges it as its general path does; that test, one regex, is
  the three-regex one it folds;
- the keyed digest from copies of HMAC's inner and outer SHA-256 states is
  ``HubInfo.nik_digest``;
- objects built without their frozen ``__init__`` equal the ones it builds, field by field
  and in order;
- a NIK of 16 ASCII digits (not normalised) decodes as the same digits typed with spaces;
- an ISO date in ASCII digits, read by ``date.fromisoformat``, is the date of its parts;
- exact program codes, sector codes and role/path values read as the long way reads them.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from dataclasses import fields
from datetime import date, timedelta
from typing import Any

import phonenumbers
import pytest
from hub_builders import lead_data, registration_data

from outreach_tui.domain import wire
from outreach_tui.domain.models import LeadDraft, Path, RegistrationDraft, Role
from outreach_tui.domain.nik import parse_nik
from outreach_tui.domain.phone import _before_mobile, _surely_mobile_test, parse_phone
from outreach_tui.domain.reference import find_sector, load_reference
from outreach_tui.domain.validation import (
    _member,
    _programs,
    _sector_codes,
    parse_date,
    validate_lead,
    validate_registration,
)
from outreach_tui.hub.evaluate import Derived, _digest, evaluate
from outreach_tui.hub.meta import HubInfo
from outreach_tui.protocol.requests import RecordIn

KINDS = phonenumbers.PhoneNumberType
MOBILE_TYPES = (KINDS.MOBILE, KINDS.FIXED_LINE_OR_MOBILE)


def _judged(info: Any) -> tuple[object, ...]:
    return (info.e164, info.national, [p.code for p in info.problems])


def test_a_surely_mobile_number_is_one_phonenumbers_calls_mobile() -> None:
    rng = random.Random(62)
    surely = _surely_mobile_test()
    shortcut = mobiles = 0
    # every one- to three-digit start of a national number (mobiles, 8x, twice), at every
    # length phonenumbers knows for Indonesia and a little beyond
    starts = [*range(1, 100), *range(100, 1000), *range(800, 900)]
    for start in map(str, starts):
        for length in range(len(start) + 1, 17):
            rest = length - len(start)
            national = f"{start}{rng.randrange(10**rest):0{rest}d}"
            kind = phonenumbers.number_type(phonenumbers.PhoneNumber(62, int(national)))
            mobiles += kind in MOBILE_TYPES
            if surely(national):
                shortcut += 1
                assert kind in MOBILE_TYPES, national
            text = "+62" + national
            if len(text) <= 18:  # what the E.164 shortcut of parse_phone takes
                fast = parse_phone(text, national=False)
                slow = parse_phone(f"+62 {national}", national=False)  # the general path
                assert _judged(fast) == _judged(slow), text
                _same_object(fast)
    assert mobiles > 500
    assert shortcut >= 0.99 * mobiles  # the shortcut serves (nearly) every mobile


def _desc_test(desc: Any) -> Callable[[str], bool]:
    """Whether a national number matches a phonenumbers ``PhoneNumberDesc``, as its
    ``number_type`` decides it: a listed length (when any are listed), then the pattern."""
    if desc is None or not desc.national_number_pattern:
        return lambda number: False
    pattern, lengths = re.compile(desc.national_number_pattern), frozenset(desc.possible_length)
    return lambda number: (
        (not lengths or len(number) in lengths) and bool(pattern.fullmatch(number))
    )


def _slow_surely_mobile(meta: Any) -> Callable[[str], bool]:
    """What _surely_mobile_test folds into one regex, as three separate tests."""
    general, mobile = _desc_test(meta.general_desc), _desc_test(meta.mobile)
    before = _before_mobile(meta)
    return lambda number: (
        general(number) and mobile(number) and not (before and before.fullmatch(number))
    )


def test_the_one_regex_surely_mobile_test_is_the_three_regex_one() -> None:
    fast = _surely_mobile_test()
    slow = _slow_surely_mobile(phonenumbers.PhoneMetadata.metadata_for_region("ID"))
    rng = random.Random(12)
    seen = 0
    # every one- to three-digit start, at every length past the listed ones; the mobile
    # starts (8x) ten times over
    for start in map(str, [*range(1, 1000), *range(80, 90), *range(800, 900)] * 10):
        for length in range(len(start), 20):
            rest = length - len(start)
            national = start + (f"{rng.randrange(10**rest):0{rest}d}" if rest else "")
            seen += slow(national)
            assert fast(national) == slow(national), national
    for odd in ["", "0", "8", "812345678a", "812 3456 789", "８１２３４５６７８９", "8" * 60]:
        assert fast(odd) == slow(odd), odd
    assert seen > 5000


def test_the_digest_from_a_keyed_copy_is_the_hubs() -> None:
    rng = random.Random(32)
    for size in (0, 1, 16, 32, 63, 64, 65, 100, 129):
        hub = HubInfo("h", "k1", rng.randbytes(size))
        for text in ["", "3372016705891731", "person|siti aminah|1990-12-05|+6281234567890",
                     "ñ" * 70, "x" * 1000]:  # fmt: skip
            assert _digest(hub, text) == hub.nik_digest(text)


def _same_object(built: Any) -> None:
    """``built`` is what its class's own ``__init__`` makes from the same values."""
    values = {f.name: getattr(built, f.name) for f in fields(built)}
    made = type(built)(**values)
    assert made == built
    assert list(vars(built).items()) == list(vars(made).items())  # every field, in order


def _record(entity: str, data: dict[str, Any]) -> RecordIn:
    return RecordIn(
        entity=entity, uuid="016dc7fe-85c7-7bb6-83fa-7d7f543bb063", version=1,  # type: ignore[arg-type]
        content_hash=wire.content_hash(data), data=data,
    )  # fmt: skip


ODD = [
    {},
    {"phone": None, "email": 5, "programs": "JHT"},
    {"workers_count": [1], "declared_income": 1.5, "role": None},
]


@pytest.mark.parametrize("odd", ODD)
def test_objects_built_without_init_equal_their_init(odd: dict[str, Any]) -> None:
    hub = HubInfo("h", "k1", b"k" * 32)
    data = {**registration_data(device_id="laptop-1", email="siti@example.com"), **odd}
    draft = wire.registration_draft(data)
    _same_object(draft)
    assert draft == RegistrationDraft(
        nik=wire._s(data["nik"]), full_name=data["full_name"], birth_date=data["birth_date"],
        birth_place=wire._s(data["birth_place"]), phone=wire._s(data["phone"]),
        email=wire._s(data["email"]), address=wire._s(data["address"]),
        business_name=wire._s(data["business_name"]), sector=data["sector"],
        workers_count=wire._or(data["workers_count"], 0),
        declared_income=wire._or(data["declared_income"], ""),
        programs=wire._programs(data["programs"]),
        payment_months=wire._or(data["payment_months"], ""),
        consent_version=data["consent_version"], role=wire._s(data["role"]), path=data["path"],
    )  # fmt: skip
    checked = validate_registration(draft, today=date(2026, 11, 23))
    derived = evaluate(_record("registration", data), hub, "en")
    if not odd:
        assert checked.record is not None and isinstance(derived, Derived)
        _same_object(checked.record)
        _same_object(derived)
    lead = lead_data(device_id="laptop-1", **{k: v for k, v in odd.items() if k == "phone"})
    _same_object(wire.lead_draft(lead))
    assert wire.lead_draft(lead) == LeadDraft(
        full_name=lead["full_name"], phone=wire._s(lead["phone"]), sector=lead["sector"],
        interest=lead["interest"], consent_contact=True, consent_version=lead["consent_version"],
        notes="",
    )  # fmt: skip
    valid_lead = validate_lead(wire.lead_draft(lead), today=date(2026, 11, 23)).record
    if "phone" not in odd:
        assert valid_lead is not None
        _same_object(valid_lead)
        judged = evaluate(_record("lead", lead), hub, "id")
        assert isinstance(judged, Derived)
        _same_object(judged)


def test_a_nik_of_sixteen_digits_decodes_as_the_same_digits_typed_with_spaces() -> None:
    rng = random.Random(16)
    provinces = ["11", "16", "31", "33", "91", "93", "00", "99"]
    for _ in range(3000):
        nik = (
            f"{rng.choice(provinces)}{rng.randint(0, 99):02d}{rng.randint(0, 99):02d}"
            f"{rng.choice([rng.randint(1, 71), 0, 32, 99]):02d}{rng.randint(0, 13):02d}"
            f"{rng.randint(0, 99):02d}{rng.choice([rng.randint(1, 9999), 0]):04d}"
        )
        today = date(2026, 11, 23) - timedelta(days=rng.randint(0, 20000))
        born = rng.choice([None, date(1990, 12, 5), today - timedelta(days=rng.randint(0, 40000))])
        province = rng.choice([None, "", "33", "91", "96"])
        fast = parse_nik(nik, birth_date=born, province_code=province, today=today)
        slow = parse_nik(f" {nik[:4]} {nik[4:]}", birth_date=born, province_code=province,
                         today=today)  # fmt: skip
        assert fast.as_dict("en") == slow.as_dict("en"), nik
        assert fast.problems == slow.problems and fast.nik == slow.nik == nik
        _same_object(fast)


def test_exact_codes_and_values_read_as_the_long_way_reads_them() -> None:
    codes = ["JKK", "JKM", "JHT"]
    for n in range(5):
        for combo in [tuple(random.Random(n * 7 + i).choices(codes, k=n)) for i in range(12)]:
            for path in Path:
                fast: list[Any] = []
                slow: list[Any] = []
                assert _programs(fast, combo, path) == _programs(slow, ",".join(combo), path)
                assert _programs([], list(combo), path) == _programs([], ",".join(combo), path)
                assert [p.code for p in fast] == [p.code for p in slow]
    sectors = [s.code for s in load_reference().sectors]
    for code in [*sectors, *(s.upper() for s in sectors), "", "unknown", "kuliner "]:
        assert (code in _sector_codes()) == (find_sector(code) is not None)
    for kind in (Role, Path):
        for value in ["owner", "worker", "bpu", "pu_micro", "OWNER", "", Role.OWNER, 1, None]:
            try:
                expected = kind(value)
            except ValueError:
                expected = None
            assert _member(kind, value) is expected


def test_an_iso_date_in_ascii_digits_is_the_date_of_its_parts() -> None:
    for year in (0, 1, 1900, 1999, 2000, 2023, 2024, 9999):
        for month in range(14):
            for day in range(33):
                text = f"{year:04d}-{month:02d}-{day:02d}"
                try:
                    expected: date | None = date(year, month, day)
                except ValueError:
                    expected = None
                assert parse_date(text) == expected, text
