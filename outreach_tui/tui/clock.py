"""Local days and UTC storage: the booth thinks in local calendar days, the store in UTC."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta


def iso_utc(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def local_day_bounds(day: date) -> tuple[str, str]:
    """UTC ISO bounds of a local calendar day."""
    start = datetime.combine(day, time.min).astimezone()
    return iso_utc(start), iso_utc(start + timedelta(days=1))
