"""Local days and UTC storage: the booth thinks in local calendar days of the event's
zone (WIB, WITA or WIT; domain.localtime), the store in UTC — never in the laptop's TZ."""

from __future__ import annotations

from datetime import date, datetime

from outreach_tui.domain import localtime


def iso_utc(moment: datetime) -> str:
    return localtime.iso_utc(moment)


def local_day_bounds(day: date, zone_name: str) -> tuple[str, str]:
    """UTC ISO bounds of the local calendar day ``day`` in ``zone_name``."""
    return localtime.day_bounds(day, zone_name)


def local_clock(moment: str, zone_name: str) -> datetime:
    """A stored ``created_at`` as the event's wall clock (for "HH:MM" columns)."""
    return localtime.local_time(moment, zone_name)
