"""Events at the booth: whether one runs today, and a new one made from the start of day.

Pure: dates and text in, a status, a code or problems out.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from typing import Literal

from outreach_tui.domain.problems import Problem, error
from outreach_tui.domain.typed_input import clean_text, parse_date

Status = Literal["running", "upcoming", "ended"]
MAX_CODE = 40
MAX_NAME = 100
_NOT_CODE = re.compile(r"[^A-Z0-9]+")


def status(starts_on: date, ends_on: date, today: date) -> Status:
    if today < starts_on:
        return "upcoming"
    return "ended" if today > ends_on else "running"


def order_key(starts_on: date, ends_on: date, today: date) -> tuple[int, int]:
    """Running events first, then the next to start, then the most recently ended."""
    rank = {"running": 0, "upcoming": 1, "ended": 2}[status(starts_on, ends_on, today)]
    days = (starts_on - today).days if rank == 1 else (today - ends_on).days
    return rank, days


def code_for(name: str, starts_on: date, taken: set[str] | frozenset[str] = frozenset()) -> str:
    """A code an officer need not invent: the name's words in capitals and the first day
    (``Bazar UMKM Kenten`` on 2026-12-06 → ``BAZAR-UMKM-KENTEN-20261206``), made unique."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    words = _NOT_CODE.sub("-", ascii_name.upper()).strip("-") or "ACARA"
    suffix = f"-{starts_on:%Y%m%d}"
    base = words[: MAX_CODE - len(suffix) - 3].rstrip("-") + suffix
    code, n = base, 2
    while code in taken:
        code, n = f"{base}-{n}", n + 1
    return code


@dataclass(frozen=True)
class NewEvent:
    name: str
    venue: str | None
    city: str | None
    starts_on: date
    ends_on: date
    target_registrations: int | None


def validate_new_event(
    *, name: str, venue: str, city: str, starts: str, ends: str, target: str
) -> tuple[NewEvent | None, tuple[Problem, ...]]:
    problems: list[Problem] = []
    clean_name = clean_text(name)
    if not clean_name:
        problems.append(error("field.required", "name"))
    elif len(clean_name) > MAX_NAME or any(unicodedata.category(c)[0] == "C" for c in name):
        problems.append(error("event.name_invalid", "name"))
    starts_on, ends_on = parse_date(starts), parse_date(ends)
    if starts_on is None:
        problems.append(error("event.date_invalid", "starts_on"))
    if ends_on is None:
        problems.append(error("event.date_invalid", "ends_on"))
    if starts_on and ends_on and ends_on < starts_on:
        problems.append(error("event.ends_before_start", "ends_on"))
    target_count: int | None = None
    target_text = clean_text(target).replace(".", "")
    if target_text:
        if not (target_text.isascii() and target_text.isdigit()) or len(target_text) > 6:
            problems.append(error("event.target_invalid", "target_registrations"))
        else:
            target_count = int(target_text)
    if problems or starts_on is None or ends_on is None:
        return None, tuple(problems)
    return NewEvent(
        name=clean_name,
        venue=clean_text(venue)[:MAX_NAME] or None,
        city=clean_text(city)[:MAX_NAME] or None,
        starts_on=starts_on,
        ends_on=ends_on,
        target_registrations=target_count,
    ), ()
