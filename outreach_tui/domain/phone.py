"""Indonesian mobile numbers: accept what officers type, store E.164.

Mobiles are national numbers ``8[1-35-9]`` plus 7–10 digits; the ``phonenumbers`` metadata
knows this better than a hand-written regex. Reminders go out by SMS/WhatsApp, so landlines
and foreign numbers are refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from types import ModuleType
from typing import Any

from outreach_tui.domain.problems import Problem, error
from outreach_tui.i18n import DEFAULT_LANGUAGE

FIELD = "phone"
REGION = "ID"
COUNTRY_CODE = 62
# Longer than any phone number with generous punctuation; stops pasted text early.
MAX_LENGTH = 64
_DIGITS = "0123456789"
_SEPARATORS = "-.()"


@dataclass(frozen=True)
class PhoneInfo:
    raw: str
    e164: str | None  # "+6281234567890" when valid
    national: str | None  # display form, "0812-3456-7890"
    problems: tuple[Problem, ...]

    @property
    def errors(self) -> tuple[Problem, ...]:
        return self.problems  # phones only ever have errors

    @property
    def is_valid(self) -> bool:
        return not self.problems

    def as_dict(self, language: str = DEFAULT_LANGUAGE) -> dict[str, Any]:
        return {
            "raw": self.raw,
            "valid": self.is_valid,
            "e164": self.e164,
            "national": self.national,
            "errors": [p.as_dict(language) for p in self.problems],
        }


def _digits_only(text: str) -> str | None:
    """``text`` without separators, or None if it holds anything but ASCII digits and a
    leading "+"; phonenumbers would otherwise turn letters (0800-FLOWERS) and Arabic-Indic
    digits into a number."""
    kept = "".join(c for c in text if not (c.isspace() or c in _SEPARATORS))
    body = kept[1:] if kept.startswith("+") else kept
    if not body or any(c not in _DIGITS for c in body):
        return None
    return kept


@cache
def _phonenumbers() -> ModuleType:
    """Imported on first use, not at module level: its metadata costs ~20 ms, and the
    TUI's form validates (empty) phones at start-up without needing it."""
    import phonenumbers

    return phonenumbers


def _invalid(raw: str, code: str) -> PhoneInfo:
    return PhoneInfo(raw, None, None, (error(code, FIELD),))


def parse_phone(raw: str, *, national: bool = True) -> PhoneInfo:
    """Check ``raw``; ``national=False`` leaves ``national`` unset (validation only needs
    the E.164 form, and formatting the display form costs as much as the check)."""
    text = raw.strip()
    if not text:
        return _invalid(raw, "phone.empty")
    if len(text) > MAX_LENGTH:
        return _invalid(raw, "phone.malformed")
    digits = _digits_only(text)
    if digits is None:
        return _invalid(raw, "phone.malformed")
    # "62812..." typed without the plus: the country code, not a national number.
    if digits.startswith("628"):
        digits = "+" + digits
    phonenumbers = _phonenumbers()
    try:
        number = phonenumbers.parse(digits, REGION)
    except phonenumbers.NumberParseException:
        return _invalid(raw, "phone.malformed")

    if number.country_code != COUNTRY_CODE:
        possible = phonenumbers.is_possible_number(number)
        return _invalid(raw, "phone.not_indonesian" if possible else "phone.malformed")
    # number_type is UNKNOWN for an invalid number, so a mobile type implies validity and
    # is_valid_number only has to run to tell a landline from garbage.
    kinds = phonenumbers.PhoneNumberType
    mobile_types = (kinds.MOBILE, kinds.FIXED_LINE_OR_MOBILE)
    if phonenumbers.number_type(number) not in mobile_types:
        valid = phonenumbers.is_valid_number(number)
        return _invalid(raw, "phone.not_mobile" if valid else "phone.malformed")
    formats = phonenumbers.PhoneNumberFormat
    return PhoneInfo(
        raw=raw,
        e164=phonenumbers.format_number(number, formats.E164),
        national=phonenumbers.format_number(number, formats.NATIONAL) if national else None,
        problems=(),
    )


def national_digits(e164: str | None) -> str:
    """A stored Indonesian number as an officer types it (``+6281…`` → ``081…``), for
    putting back into a form; anything else unchanged."""
    return "0" + e164.removeprefix("+62") if e164 and e164.startswith("+62") else e164 or ""
