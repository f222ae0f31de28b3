"""One received record, judged on its own: hash, fields, the booth's validation.

Pure (no database): runs before the batch transaction opens, so the transaction holds
its locks only for the inserts. The result is either a rejection (code, field, message)
or the columns the hub derives for queries and rollups.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from outreach_tui.domain import localtime, wire
from outreach_tui.domain.problems import Problem
from outreach_tui.domain.reference.rates import NoRuleError
from outreach_tui.domain.validation import validate_lead, validate_registration
from outreach_tui.hub.e164_phones import parse_stored_phone
from outreach_tui.hub.meta import HubInfo
from outreach_tui.i18n import t
from outreach_tui.protocol.requests import RecordIn

LOCAL_ZONE = ZoneInfo(localtime.DEFAULT_ZONE)  # a record's day when its batch names no zone
HASH_MISMATCH = "record.hash_mismatch"  # the data is not what its sender hashed


@dataclass(frozen=True)
class Rejection:
    code: str
    field: str | None
    message: str


@dataclass(frozen=True)
class Derived:
    """Columns of `records` computed from a valid record's data."""

    officer_code: str
    event_code: str
    day: str
    role: str
    path: str
    sector: str
    monthly_due: int
    voided: int
    nik_digest: str | None
    created_at: str
    data_json: str
    programs: str = ""  # registrations: "JKK,JKM" or "JKK,JKM,JHT"
    converted: int = 0  # leads: 1 when converted_uuid is set
    person_digest: str | None = None  # keyed digest of name + birth date + phone
    name_key: str | None = None  # the lower-cased name the hub's search matches (schema v13)


def person_key(full_name: str, birth_date: str, phone: str | None) -> str | None:
    """What "same name, birth date and phone" compares (None without a phone)."""
    if not phone:
        return None
    return f"person|{' '.join(full_name.casefold().split())}|{birth_date}|{phone}"


def _local_time(value: Any, zone: Any = LOCAL_ZONE) -> datetime | None:
    """The wire instant ``value`` (UTC, ``…Z``, a real moment) in ``zone``; None otherwise."""
    moment = wire.parse_instant(value)
    if moment is None:
        return None
    try:
        return moment.astimezone(zone)
    except OverflowError:  # the last hours of year 9999 have no local date
        return None


def local_day(moment: datetime) -> date:
    return moment.astimezone(LOCAL_ZONE).date()


def _reject(code: str, field: str | None, language: str, **params: Any) -> Rejection:
    return Rejection(code, field, t(code, language, **params))


def _context_problem(record: RecordIn, language: str, zone: Any) -> Rejection | datetime:
    """Checks across fields, once each field has its type and format (wire's schema): the
    first problem, or (all fine) the record's ``created_at``, in local time."""
    data = record.data
    if record.base_version is not None and record.base_version >= record.version:
        return _reject("record.base_version", "base_version", language)
    created = _local_time(data["created_at"], zone)
    if created is None:
        return _reject("record.bad_timestamp", "created_at", language)
    voided_at, reason = data.get("voided_at"), data.get("void_reason")
    if (voided_at is None) != (reason is None or reason == ""):
        return _reject("record.void_reason", "void_reason", language)
    if record.entity == "registration":
        owner = data.get("owner_uuid")
        if data.get("role") == "worker" and owner is None:
            return _reject("record.owner_missing", "owner_uuid", language)
        if data.get("role") == "owner" and owner is not None:
            return _reject("record.owner_missing", "owner_uuid", language)
    return created


def evaluate(
    record: RecordIn,
    hub: HubInfo,
    language: str,
    *,
    canonical: bytes | None = None,
    zone_name: str = localtime.DEFAULT_ZONE,
) -> Rejection | Derived:
    """Reject the record with the first problem found, or derive its columns.

    ``zone_name``: the zone of the record's event (as its batch says): its ``day`` is
    the local date of ``created_at`` there, the day the laptop files it under.

    ``canonical``: ``wire.canonical_json(record.data)`` when the caller has it already
    (it is hashed here and stored as the record's data).
    """
    if canonical is None:
        canonical = wire.canonical_json(record.data)
    if hashlib.sha256(canonical).hexdigest() != record.content_hash:
        return _reject(HASH_MISMATCH, "content_hash", language)
    broken = wire.data_problem(record.entity, record.data)
    if broken is not None:
        return _first_error((broken,), language)
    created = _context_problem(record, language, localtime.zone(zone_name))
    if isinstance(created, Rejection):
        return created
    data = record.data
    day = created.date()  # created is in local time
    # Validated as the booth did on that day: today = the record's local day, and the
    # contribution month (discount windows) = its month.
    if record.entity == "lead":
        lead = validate_lead(wire.lead_draft(data), today=day, check_phone=parse_stored_phone)
        if lead.record is None:
            return _first_error(lead.errors, language)
        return _derived(
            data, canonical, day, role="lead", path="", sector=lead.record.sector or "",
            monthly_due=0, nik_digest=None, converted=1 if data.get("converted_uuid") else 0,
        )  # fmt: skip
    try:
        checked = validate_registration(
            wire.registration_draft(data),
            today=day,
            contribution_month=day.replace(day=1),
            check_phone=parse_stored_phone,
        )
    except NoRuleError:  # valid, but made before any contribution rule: the clock was wrong
        return _reject("record.bad_timestamp", "created_at", language)
    if checked.record is None:
        return _first_error(checked.errors, language)
    valid = checked.record
    return _derived(
        data,
        canonical,
        day,
        role=valid.role.value,
        path=valid.path.value,
        sector=valid.sector,
        monthly_due=valid.monthly_due,
        nik_digest=hub.nik_digest(valid.nik),
        programs=",".join(valid.programs),
        person_digest=_person_digest(
            hub, valid.full_name, valid.birth_date.isoformat(), valid.phone
        ),
    )


def _derived(
    data: dict[str, Any],
    canonical: bytes,
    day: date,
    *,
    role: str,
    path: str,
    sector: str,
    monthly_due: int,
    nik_digest: str | None,
    programs: str = "",
    converted: int = 0,
    person_digest: str | None = None,
) -> Derived:
    """The columns of a valid record."""
    return Derived(
        officer_code=data["officer_code"],
        event_code=data.get("event_code") or "",
        day=day.isoformat(),
        role=role,
        path=path,
        sector=sector,
        monthly_due=monthly_due,
        voided=1 if data.get("voided_at") else 0,
        nik_digest=nik_digest,
        created_at=data["created_at"],
        data_json=canonical.decode(),
        programs=programs,
        converted=converted,
        person_digest=person_digest,
        name_key=name_key(data),
    )


def name_key(data: dict[str, Any]) -> str | None:
    """The name as the hub's search compares it (it lowers the query the same way)."""
    name = data.get("full_name")
    return name.lower() if isinstance(name, str) else None


def _person_digest(hub: HubInfo, full_name: str, birth_date: str, phone: str | None) -> str | None:
    """'' when there is nothing to compare (no phone); NULL only on rows from schema v1."""
    key = person_key(full_name, birth_date, phone)
    return "" if key is None else hub.nik_digest(key)


def _first_error(errors: tuple[Problem, ...], language: str) -> Rejection:
    first = errors[0]
    return Rejection(first.code, first.field, first.message(language))
