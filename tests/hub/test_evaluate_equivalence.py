"""The shortcuts of the hub's per-record validation give exactly what the long way gives.

- a NIK of 16 ASCII digits (not normalised) decodes as the same digits typed with spaces;
- an ISO date in ASCII digits, read by ``date.fromisoformat``, is the date of its parts;
- exact program codes, sector codes and role/path values read as the long way reads them.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

from outreach_tui.domain.models import Path, Role
from outreach_tui.domain.nik import parse_nik
from outreach_tui.domain.reference import find_sector, load_reference
from outreach_tui.domain.typed_input import parse_date
from outreach_tui.domain.validation import _member, _programs, _sector_codes


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
