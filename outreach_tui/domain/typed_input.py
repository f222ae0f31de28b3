"""What a person typed, read one way for the booth, the CLI and the hub: free text cleaned
(and checked against its field's limit), codes, dates, whole numbers and working hours.

Digits are ASCII throughout: ``\\d`` would take any script's ("١٩٩٠" is 1990 to int()),
and what the booth stores and the hub reads is ASCII (domain/wire.py's schema).
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from outreach_tui.domain.problems import Problem, error

# Field limits: generous for real names and addresses, small enough that a pasted 10 KB
# blob is refused with a message instead of bloating the file and every sync batch.
MAX_LENGTH = {
    "full_name": 100,
    "guardian_name": 100,
    "birth_place": 60,
    "address": 300,
    "business_name": 100,
    "email": 254,
    "interest": 200,
    "notes": 500,
    "work_location": 200,
}
# An officer, event or branch code as stored: upper-case ASCII letters, digits, - and _.
CODE = re.compile(r"[A-Z0-9][A-Z0-9_-]{0,39}")
_NAME_CHARS = re.compile(r"^[^\W\d_]+(?:[ '.,\-][^\W\d_]*)*\.?$")
_ISO_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
_LOCAL_DATE = re.compile(r"([0-9]{1,2})[-/.]([0-9]{1,2})[-/.]([0-9]{4})")
_INT_NOISE = re.compile(r"[.,\s_]")
_INT = re.compile(r"-?[0-9]{1,15}")
# Working hours as typed: "08:00-17:00", "8-17", "08.00 – 17.00", "0800-1700".
_HOURS = re.compile(
    r"([0-9]{1,2})(?:[:.]?([0-9]{2}))?\s*(?:-|–|s/?d|sampai|to)\s*([0-9]{1,2})(?:[:.]?([0-9]{2}))?"
)


def clean_text(value: object) -> str:
    """Trim, NFC-normalise and collapse inner whitespace of free text."""
    if type(value) is str and value.isascii():
        return " ".join(value.split())  # ASCII is already NFC
    text = unicodedata.normalize("NFC", str(value or ""))
    return " ".join(text.split())


def has_control_chars(text: str) -> bool:
    """A control, format, private-use or surrogate character anywhere in ``text``."""
    if text.isprintable():  # False for every Cc/Cf/Co/Cs character
        return False
    return any(unicodedata.category(ch) in ("Cc", "Cf", "Co", "Cs") for ch in text)


def text_field(problems: list[Problem], field: str, raw: object, *, required: bool) -> str | None:
    """Free text for ``field``, cleaned; None (with the problem added) when it is blank
    but ``required``, longer than the field's limit or holds a control character."""
    text = clean_text(raw)
    if not text:
        if required:
            problems.append(error("field.required", field))
        return None
    if len(text) > MAX_LENGTH[field]:
        problems.append(error("field.too_long", field, max=MAX_LENGTH[field], length=len(text)))
        return None
    if has_control_chars(text):
        problems.append(error("field.control_chars", field))
        return None
    return text


def name_field(problems: list[Problem], field: str, raw: object) -> str | None:
    """A person's name (required): letters of any script, with spaces, ' . , - between."""
    text = text_field(problems, field, raw, required=True)
    if text is not None and not _NAME_CHARS.match(text):
        problems.append(error("name.invalid_chars", field))
        return None
    return text


def clean_code(value: str) -> str | None:
    """A code as a person typed it (``plg-01``) in its one stored form (``PLG-01``), or None.

    Only the case is normalised. Whitespace or a control character anywhere (a pasted
    ``"PLG-01\\n"``) is refused rather than trimmed, as the hub refuses it on the wire: a
    code is a key that tallies group by, and one officer must never count under two."""
    if not value.isascii():  # and before upper(): "ﬁ".upper() is "FI"
        return None
    code = value.upper()
    return code if CODE.fullmatch(code) else None


def parse_date(text: str) -> date | None:
    """ISO ``2001-05-31`` or Indonesian ``31-05-2001`` / ``31/05/2001``; None if neither."""
    text = text.strip()
    if _ISO_DATE.fullmatch(text):
        try:
            return date.fromisoformat(text)
        except ValueError:
            return None
    match = _LOCAL_DATE.fullmatch(text)
    if not match:
        return None
    day, month, year = int(match[1]), int(match[2]), int(match[3])
    try:
        return date(year, month, day)
    except ValueError:
        return None


def date_field(
    problems: list[Problem], field: str, raw: object, *, invalid: str
) -> tuple[bool, date | None]:
    """Whether a date was typed for ``field``, and the day it names; a typed text that is
    no date adds the ``invalid`` error (and gives None)."""
    text = clean_text(raw)
    if not text:
        return False, None
    day = parse_date(text)
    if day is None:
        problems.append(error(invalid, field))
    return True, day


def parse_int(raw: object) -> int | None:
    """Whole numbers as officers type them: '1.500.000', '1,500,000', '1500000', 'Rp1.500.000'."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        return raw
    text = str(raw or "").strip().lower().removeprefix("rp").strip()
    text = _INT_NOISE.sub("", text)
    if not _INT.fullmatch(text):
        return None
    return int(text)


def parse_working_hours(text: str) -> str | None:
    """``8-17`` / ``08.00 – 17.00`` / ``0800-1700`` as ``08:00-17:00``; None when it is
    not a start and an end of the day (00:00-24:00) that differ. Overnight is fine."""
    match = _HOURS.fullmatch(text.strip().lower())
    if match is None:
        return None
    start_h, start_m, end_h, end_m = (int(g or 0) for g in match.groups())
    if start_h > 23 or end_h > 24 or start_m > 59 or end_m > 59 or (end_h == 24 and end_m):
        return None
    if (start_h, start_m) == (end_h, end_m):
        return None
    return f"{start_h:02d}:{start_m:02d}-{end_h:02d}:{end_m:02d}"
