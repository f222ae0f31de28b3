"""Working days in Indonesia: a due date on a weekend or public holiday moves to the next
working day (BPJS Ketenagakerjaan's BPU rule, ../shared/reference/bpjstk-bpu.md).

The holiday calendar is the maintained ``holidays`` library (country "ID", public
holidays: the national holidays of the SKB, moving Islamic dates included), not a hand
list. It is imported on first use: the booth and the CLI start without it.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from holidays import HolidayBase


@cache
def _calendar() -> HolidayBase:
    import holidays  # ~50 ms: only when a due date is asked for

    return holidays.country_holidays("ID")


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _calendar()


def next_working_day(day: date) -> date:
    """``day`` itself when it is a working day, else the first working day after it."""
    while not is_working_day(day):
        day += timedelta(days=1)
    return day
