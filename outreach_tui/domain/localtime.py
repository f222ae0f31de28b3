"""One booth day everywhere: the local date of an instant in an Indonesian time zone.

Storage is UTC; a record's *day* (header counts, dashboard, receipt, tallies, exports,
the hub's ``day`` column and its rollups) is the date of its ``created_at`` in the zone of
its event — or, for a record without an event, of the officer's branch — never in the
laptop's clock zone (``TZ``). The zone of a place comes from data
(``data/time_zones.toml``: province → WIB/WITA/WIT, city → province). Every caller
passes the UTC "now" (or the instant) in: nothing here reads the laptop's zone.
"""

from __future__ import annotations

import tomllib
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo
from functools import cache
from importlib import resources
from typing import Any

DEFAULT_ZONE = "Asia/Jakarta"  # WIB: what the hub assumed before zones were carried
# Indonesia has kept these offsets without daylight saving since 1988 (Keppres 41/1987);
# the fixed offsets stand in where the system has no tz database (bare Windows).
OFFSETS_MINUTES = {"Asia/Jakarta": 7 * 60, "Asia/Makassar": 8 * 60, "Asia/Jayapura": 9 * 60}
_PREFIXES = ("kota administrasi ", "kota ", "kabupaten ", "kab. ", "kab ")


@cache
def _data() -> dict[str, Any]:
    text = resources.files("outreach_tui.data").joinpath("time_zones.toml").read_text("utf-8")
    return tomllib.loads(text)


def label(zone_name: str) -> str:
    """``Asia/Makassar`` → ``WITA`` (the name an officer knows); unknown: the name itself."""
    for short, name in _data()["zones"].items():
        if name == zone_name:
            return str(short)
    return zone_name


def province_zone(province_code: str | None) -> str | None:
    """The zone of a province (``"73"`` → ``Asia/Makassar``), or None when unknown."""
    short = _data()["provinces"].get((province_code or "").strip()[:2])
    return _data()["zones"][short] if short else None


def city_zone(city: str | None) -> str | None:
    """The zone of a city or regency as typed (``"Kota Makassar"``), or None if unknown."""
    name = " ".join((city or "").casefold().split())
    for prefix in _PREFIXES:
        name = name.removeprefix(prefix)
    province = _data()["cities"].get(name)
    return province_zone(province) if province else None


def resolve(
    *,
    explicit: str | None = None,
    city: str | None = None,
    province_code: str | None = None,
    fallback: str | None = None,
) -> str:
    """The zone to use: a stored one, else the city's, else the province's, else
    ``fallback`` (the branch's), else WIB."""
    if explicit and explicit in OFFSETS_MINUTES:
        return explicit
    return city_zone(city) or province_zone(province_code) or fallback or DEFAULT_ZONE


@cache
def zone(name: str) -> tzinfo:
    try:
        from zoneinfo import ZoneInfo

        return ZoneInfo(name)
    except Exception:  # no tz database: the fixed offsets are exact for Indonesia
        return timezone(timedelta(minutes=OFFSETS_MINUTES.get(name, 7 * 60)))


def utc_now() -> datetime:
    return datetime.now(UTC)


def local_time(moment: datetime | str, zone_name: str) -> datetime:
    """An aware instant (or an ISO 8601 string with its zone, ``…Z``) in ``zone_name``."""
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        raise ValueError("a naive datetime has no instant: pass UTC")
    return moment.astimezone(zone(zone_name))


def local_day(moment: datetime | str, zone_name: str) -> date:
    """The booth day of an instant: its date in ``zone_name``."""
    return local_time(moment, zone_name).date()


def today(zone_name: str, now: datetime | None = None) -> date:
    """Today's booth day in ``zone_name``, from the UTC ``now`` (default: the clock)."""
    return local_day(now or utc_now(), zone_name)


def iso_utc(moment: datetime) -> str:
    """An aware instant as stored and sent everywhere: UTC, ISO 8601 with milliseconds and
    a Z (they then compare as text)."""
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def utc_now_iso() -> str:
    """Now, as ``iso_utc`` writes it."""
    return iso_utc(utc_now())


def day_bounds(day: date, zone_name: str) -> tuple[str, str]:
    """UTC ISO bounds (inclusive, exclusive) of the local day ``day`` in ``zone_name``:
    they compare as text with stored ``created_at`` values."""
    start = datetime.combine(day, time.min, tzinfo=zone(zone_name))
    return iso_utc(start), iso_utc(start + timedelta(days=1))


def offset_minutes(zone_name: str) -> int:
    """The fixed UTC offset of an Indonesian zone (for SQL date arithmetic)."""
    return OFFSETS_MINUTES.get(zone_name, OFFSETS_MINUTES[DEFAULT_ZONE])
