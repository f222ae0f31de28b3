"""NIK (Nomor Induk Kependudukan) parsing: 16 digits laid out as ``PP KK CC DDMMYY SSSS``.

Province, regency/city (01–69 kabupaten, 71–99 kota), district, birth day (+40 for women),
month, two-digit year, serial from 0001. There is no checksum, so the layout is all we can
check. Pure Python: the only I/O is reading the province table shipped with the package.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources
from types import MappingProxyType
from typing import Any

from outreach_tui.domain.problems import Checked, Problem, error, warning
from outreach_tui.i18n import DEFAULT_LANGUAGE

FIELD = "nik"
NIK_LENGTH = 16
ASCII_DIGITS = "0123456789"
# Separators officers type when copying a KTP ("3201 0112 ...", "32.01.01-...").
_SEPARATORS = ".-"
# Past this size we report the length alone and skip scanning a pasted document.
_MAX_SCANNED = 64
# Days per month in a common year (2001): calendar.monthrange(2001, m)[1], without the call.
_MONTH_DAYS = (0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)

# Provinces split from Papua (91) and Papua Barat (92) in 2022: their residents keep
# NIKs issued before the split, so an address there with the parent code is not a mismatch.
_PAPUA_SPLITS: Mapping[str, frozenset[str]] = MappingProxyType(
    {"91": frozenset({"93", "94", "95"}), "92": frozenset({"96"})}
)


@cache
def provinces() -> Mapping[str, str]:
    """Province code → name (Kepmendagri 2025), read once from ``data/provinces.toml``."""
    text = resources.files("outreach_tui.data").joinpath("provinces.toml").read_text("utf-8")
    return MappingProxyType(dict(tomllib.loads(text)["provinces"]))


def province_name(code: str) -> str | None:
    return provinces().get(code)


@dataclass(frozen=True)
class HistoricalRegency:
    """A regency code from before a province split, still carried by older NIKs."""

    code: str
    name: str
    now: str  # the code the regency has today
    until: int  # the year of the split


@dataclass(frozen=True)
class RegencyTable:
    current: Mapping[str, str]  # PPKK -> "Kabupaten …" / "Kota …"
    historical: Mapping[str, HistoricalRegency]
    version: str
    source: str


@cache
def regencies() -> RegencyTable:
    """Kemendagri regency/city codes (``data/regencies.toml``), read on the first NIK."""
    text = resources.files("outreach_tui.data").joinpath("regencies.toml").read_text("utf-8")
    doc = tomllib.loads(text)
    historical = {
        code: HistoricalRegency(code, row["name"], row["now"], int(row["until"]))
        for code, row in doc.get("historical", {}).items()
    }
    return RegencyTable(MappingProxyType(dict(doc["regencies"])), MappingProxyType(historical),
                        str(doc["version"]), str(doc["source"]))  # fmt: skip


def regency_name(code: str) -> str | None:
    """The name of regency ``code`` (PPKK), current or historical; None if unknown."""
    table = regencies()
    if code in table.current:
        return table.current[code]
    old = table.historical.get(code)
    return old.name if old else None


@dataclass(frozen=True)
class NikInfo(Checked):
    raw: str
    nik: str | None  # normalized 16 ASCII digits when the shape is right, else None
    province_code: str | None
    province_name: str | None
    regency_code: str | None  # PPKK
    regency_kind: str | None  # "kabupaten" | "kota" | None
    district_code: str | None  # PPKKCC
    sex: str | None  # "F" | "M"
    birth_date: date | None
    serial: str | None
    problems: tuple[Problem, ...]
    regency_name: str | None = None  # "Kota Surakarta"; a historical code gives its old name

    @property
    def is_valid(self) -> bool:
        return not self.errors

    def as_dict(self, language: str = DEFAULT_LANGUAGE) -> dict[str, Any]:
        return {
            "nik": self.nik,
            "valid": self.is_valid,
            "province_code": self.province_code,
            "province_name": self.province_name,
            "regency_code": self.regency_code,
            "regency_kind": self.regency_kind,
            "regency_name": self.regency_name,
            "district_code": self.district_code,
            "sex": self.sex,
            "birth_date": self.birth_date.isoformat() if self.birth_date else None,
            "serial": self.serial,
            "errors": [p.as_dict(language) for p in self.errors],
            "warnings": [p.as_dict(language) for p in self.warnings],
        }


def normalize_nik(raw: str) -> str:
    """Drop whitespace, dots and dashes; keep anything else so it can be reported."""
    return "".join(c for c in raw if not (c.isspace() or c in _SEPARATORS))


def _shown(char: str) -> str:
    # Invisible or blank characters (zero-width space, ...) are named by code point.
    return char if char.isprintable() and not char.isspace() else f"U+{ord(char):04X}"


def _shape_problems(nik: str) -> list[Problem]:
    if not nik:
        return [error("nik.empty", FIELD)]
    if len(nik) > _MAX_SCANNED:
        return [error("nik.length", FIELD, count=len(nik))]
    problems: list[Problem] = []
    # str.isdigit() would accept "١" (Arabic-Indic one) and "²"; only ASCII digits count.
    bad = next((c for c in nik if c not in ASCII_DIGITS), None)
    if bad is not None:
        problems.append(error("nik.not_digits", FIELD, char=_shown(bad)))
    if len(nik) != NIK_LENGTH:
        problems.append(error("nik.length", FIELD, count=len(nik)))
    return problems


def _regency_kind(kk: int) -> str | None:
    if 1 <= kk <= 69:
        return "kabupaten"
    if 71 <= kk <= 99:
        return "kota"
    return None  # 00 and 70 are never issued


# Look-ups for the two-digit fields of a NIK already checked to be ASCII digits: int() and
# _regency_kind() of each of the hundred, computed once.
_TWO_DIGITS = {f"{n:02d}": n for n in range(100)}
_REGENCY_KINDS = {f"{n:02d}": _regency_kind(n) for n in range(100)}


def _birth_year(yy: int, month: int, day: int, today: date) -> int:
    """The century that puts the birth date on or before ``today``."""
    year = 2000 + yy if yy <= today.year % 100 else 1900 + yy
    if year >= 2000:
        try:
            if date(year, month, day) > today:
                year -= 100
        except ValueError:
            pass  # not a real date in that year either way; the caller reports it
    return year


def _two(n: int) -> str:
    return f"{n:02d}"


def _birth_date_warning(nik_date: date, given: date) -> Problem | None:
    if nik_date == given:
        return None  # the common case: no part differs
    parts = {
        "day": (nik_date.day, given.day),
        "month": (nik_date.month, given.month),
        "year": (nik_date.year % 100, given.year % 100),  # the NIK only holds two digits
    }
    differing = [name for name, (a, b) in parts.items() if a != b]
    if not differing:
        return None
    if len(differing) == 1:
        name = differing[0]
        in_nik, entered = parts[name]
        return warning(f"nik.birth_{name}_mismatch", FIELD, nik=_two(in_nik), given=_two(entered))
    return warning(
        "nik.birth_date_mismatch",
        FIELD,
        nik=nik_date.strftime("%d-%m-%y"),
        given=given.strftime("%d-%m-%y"),
        parts=",".join(differing),
    )


def _regency_check(code: str) -> tuple[str | None, Problem | None]:
    """(name, problem) of regency ``code``: a code Kemendagri never gave this province is
    an error; one from before a province split is valid on an older NIK, a warning."""
    table = regencies()
    current = table.current.get(code)
    if current is not None:
        return current, None
    old = table.historical.get(code)
    if old is None:
        return None, error("nik.regency_unknown", FIELD, regency=code,
                           province=province_name(code[:2]) or code[:2])  # fmt: skip
    return old.name, warning("nik.regency_historical", FIELD, regency=code, name=old.name,
                             year=old.until, now=old.now,
                             now_name=table.current.get(old.now, old.now))  # fmt: skip


def _province_warning(nik_code: str, address_code: str) -> Problem | None:
    if address_code == nik_code or address_code in _PAPUA_SPLITS.get(nik_code, ()):
        return None
    return warning(
        "nik.province_mismatch",
        FIELD,
        nik_province=province_name(nik_code) or nik_code,
        address_province=province_name(address_code) or address_code,
    )


def parse_nik(
    raw: str,
    *,
    birth_date: date | None = None,
    province_code: str | None = None,
    today: date | None = None,
) -> NikInfo:
    """Decode and check a NIK; ``birth_date`` and ``province_code`` (of the address) only
    add warnings, since a NIK is never re-issued after a move or a corrected birth date."""
    if type(raw) is str and len(raw) == NIK_LENGTH and raw.isascii() and raw.isdigit():
        normalized, problems = raw, []  # already 16 ASCII digits (every synced record)
    else:
        normalized = normalize_nik(raw)
        problems = _shape_problems(normalized)
    if problems:
        return NikInfo(raw, None, None, None, None, None, None, None, None, None, tuple(problems))

    nik = normalized  # 16 ASCII digits: every slice below is a key of _TWO_DIGITS
    today = today or date.today()
    pp, kk, cc = nik[0:2], nik[2:4], nik[4:6]
    dd, mm, yy, serial = (
        _TWO_DIGITS[nik[6:8]],
        _TWO_DIGITS[nik[8:10]],
        _TWO_DIGITS[nik[10:12]],
        nik[12:16],
    )

    name = provinces().get(pp)  # province_name(pp) without the extra call
    if name is None:
        problems.append(error("nik.province_unknown", FIELD, province=pp))
    kind = _REGENCY_KINDS[kk]
    regency: str | None = None
    if kind is None:
        problems.append(error("nik.regency_invalid", FIELD, regency=kk))
    elif name is not None:
        regency, problem = _regency_check(pp + kk)
        if problem:
            problems.append(problem)
    if cc == "00":
        problems.append(error("nik.district_invalid", FIELD, district=cc))

    sex: str | None = None
    day = dd
    if 1 <= dd <= 31:
        sex = "M"
    elif 41 <= dd <= 71:
        sex, day = "F", dd - 40
    else:
        problems.append(error("nik.day_invalid", FIELD, day=_two(dd)))
    if not 1 <= mm <= 12:
        problems.append(error("nik.month_invalid", FIELD, month=_two(mm)))

    born: date | None = None
    if sex is not None and 1 <= mm <= 12:
        # 19yy and 20yy share leap status except 1900/2000, and 00 reads as 2000.
        last_day = 29 if mm == 2 and yy % 4 == 0 else _MONTH_DAYS[mm]
        if day <= last_day:
            try:
                born = date(_birth_year(yy, mm, day, today), mm, day)
            except ValueError:
                born = None
        if born is None:
            problems.append(
                error("nik.date_invalid", FIELD, day=_two(day), month=_two(mm), year=_two(yy))
            )
    if serial == "0000":
        problems.append(error("nik.serial_invalid", FIELD, serial=serial))

    if born is not None and birth_date is not None:
        problem = _birth_date_warning(born, birth_date)
        if problem:
            problems.append(problem)
    if name is not None and province_code:
        problem = _province_warning(pp, province_code.strip())
        if problem:
            problems.append(problem)

    return NikInfo(
        raw=raw,
        nik=nik,
        province_code=pp,
        province_name=name,
        regency_code=pp + kk,
        regency_kind=kind,
        district_code=pp + kk + cc,
        sex=sex,
        birth_date=born,
        serial=serial,
        problems=tuple(problems),
        regency_name=regency,
    )
