"""The record format both ends of sync agree on (docs/SYNC_PROTOCOL.md).

Pure functions shared by the client (sync/) and the hub (hub/): the strict schema of each
record type's ``data`` (``RegistrationData``, ``LeadData``: which fields travel, their
types and formats, built from the booth's own limits), the canonical JSON the content
hash is computed over, and how a received record becomes a draft for the same validation
the booth uses. The hub checks every record against its schema before that validation
(``data_problem``) and describes ``data`` with it in its OpenAPI description.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from datetime import date, datetime
from typing import Annotated, Any, Literal

import msgspec
import orjson
from msgspec import Meta, Struct

from outreach_tui.domain.models import MAX_WORKERS, LeadDraft, RegistrationDraft
from outreach_tui.domain.problems import Problem, error
from outreach_tui.domain.typed_input import CODE, MAX_LENGTH
from outreach_tui.domain.validation import MAX_INCOME

PROTOCOL_VERSION = 1


def whole(body: str) -> str:
    """A pattern for the whole string. msgspec uses Python's ``re.search``, where ``$``
    also matches before a final newline; ``(?!\\n)`` refuses that (and reads the same in
    JSON Schema's ECMA dialect). Digits are written ``[0-9]``: ``\\d`` takes any script's."""
    return f"^{body}(?!\\n)$"


# The formats of the wire, in ASCII. A code (officer, event, branch, a receipt's reference
# number) is what the booth stores: upper case, no spaces; "PLG-01\n" or "plg-01" is refused,
# never normalised, so one officer is never counted under two codes.
CODE_PATTERN = whole(CODE.pattern)  # typed_input.clean_code's form
UUID_PATTERN = whole(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
DEVICE_ID_PATTERN = whole(r"[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}")
DAY_PATTERN = whole(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
# UTC, as the booth writes it (2026-11-23T03:00:00.000Z); the calendar is checked too.
INSTANT_PATTERN = whole(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]{1,6})?Z")

_INSTANT = re.compile(INSTANT_PATTERN)

Code = Annotated[str, Meta(pattern=CODE_PATTERN, description="upper-case code, e.g. PLG-01")]
Uuid = Annotated[str, Meta(pattern=UUID_PATTERN, description="UUID, lower-case hex")]
DeviceId = Annotated[str, Meta(pattern=DEVICE_ID_PATTERN, description="a laptop's device id")]
Day = Annotated[str, Meta(pattern=DAY_PATTERN, description="a date, YYYY-MM-DD")]
Instant = Annotated[
    str, Meta(pattern=INSTANT_PATTERN, description="UTC ISO 8601, e.g. 2026-11-23T03:00:00.000Z")
]
Version = Annotated[str, Meta(pattern=whole(r"[0-9A-Za-z][0-9A-Za-z._-]{0,19}"))]
Nik = Annotated[str, Meta(pattern=whole(r"[0-9]{16}"), description="16 ASCII digits")]
Phone = Annotated[str, Meta(pattern=whole(r"\+[0-9]{6,15}"), description="E.164: +6281234567890")]
Money = Annotated[int, Meta(ge=0, le=MAX_INCOME, description="whole rupiah")]
Program = Annotated[str, Meta(pattern=whole(r"[A-Z]{2,8}"), description="JKK, JKM or JHT")]
Word = Annotated[str, Meta(max_length=40)]  # role, path, sector: the rules say which


# Free text, at most as long as the booth's validation lets it be (after cleaning).
Name = Annotated[str, Meta(max_length=MAX_LENGTH["full_name"])]
BirthPlace = Annotated[str, Meta(max_length=MAX_LENGTH["birth_place"])]
Email = Annotated[str, Meta(max_length=MAX_LENGTH["email"])]
Address = Annotated[str, Meta(max_length=MAX_LENGTH["address"])]
BusinessName = Annotated[str, Meta(max_length=MAX_LENGTH["business_name"])]
Interest = Annotated[str, Meta(max_length=MAX_LENGTH["interest"])]
Notes = Annotated[str, Meta(max_length=MAX_LENGTH["notes"])]
WorkLocation = Annotated[str, Meta(max_length=MAX_LENGTH["work_location"])]
Occupation = Annotated[str, Meta(pattern=whole(r"[0-9]{2}"), description="data/occupations.toml")]
WorkingHours = Annotated[
    str, Meta(pattern=whole(r"[0-9]{2}:[0-9]{2}-[0-9]{2}:[0-9]{2}"), description="08:00-17:00")
]
PostalCode = Annotated[str, Meta(pattern=whole(r"[1-9][0-9]{4}"), description="5 digits")]
VoidReason = Annotated[str, Meta(max_length=300)]


class _Record(Struct, forbid_unknown_fields=True, kw_only=True):
    """What every record carries besides its own fields. A field typed ``X | None`` may be
    left out; the others are required."""

    officer_code: Code
    event_code: Code | None = None
    device_id: DeviceId
    created_at: Instant
    updated_at: Instant
    voided_at: Instant | None = None
    void_reason: VoidReason | None = None


class RegistrationData(_Record, kw_only=True):
    """A registration's ``data``: the booth's ``Registration`` as it travels."""

    reference_no: Code
    role: Word
    owner_uuid: Uuid | None = None
    path: Word
    nik: Nik
    full_name: Name
    birth_date: Day
    sex: Literal["M", "F"]
    birth_place: BirthPlace | None = None
    phone: Phone | None = None
    email: Email | None = None
    address: Address | None = None
    province_code: Annotated[str, Meta(pattern=whole(r"[0-9]{2}"))]
    business_name: BusinessName | None = None
    sector: Word
    workers_count: Annotated[int, Meta(ge=0, le=MAX_WORKERS)]
    declared_income: Money
    programs: Annotated[list[Program], Meta(max_length=3)]
    payment_months: Literal[1, 2, 3, 6, 12]  # models.PAYMENT_PERIODS (a test holds them equal)
    monthly_normal: Money
    monthly_due: Money
    estimate: bool
    ref_version: Version
    consent_version: Version
    consent_at: Instant
    # JKK/JKM paid by APBN/APBD (no PP 50/2025 discount); sent only when true.
    state_funded: bool | None = None
    # What the core system needs (issue 20); sent only when set, so an older laptop's
    # records (which have none) are taken as before.
    occupation: Occupation | None = None
    work_location: WorkLocation | None = None
    working_hours: WorkingHours | None = None
    postal_code: PostalCode | None = None
    branch_code: Code | None = None
    income_band: Word | None = None
    # UU 27/2022 (issue 20), each sent only when set: the separate reminder consent (art.
    # 22(4)), the guardian of a registrant under 18 (art. 25), a withdrawal of consent.
    reminder_consent_version: Version | None = None
    reminder_consent_at: Instant | None = None
    guardian_name: Name | None = None
    guardian_relation: Literal["parent", "guardian"] | None = None  # models.GUARDIAN_RELATIONS
    guardian_consent: bool | None = None
    withdrawn_at: Instant | None = None
    withdrawal_reason: VoidReason | None = None


class LeadData(_Record, kw_only=True):
    """A lead's ``data``: the booth's ``Lead`` as it travels."""

    full_name: Name
    phone: Phone
    sector: Word | None = None
    interest: Interest | None = None
    consent_contact: bool
    consent_version: Version
    consent_at: Instant
    follow_up_on: Day | None = None
    notes: Notes | None = None
    converted_uuid: Uuid | None = None


SCHEMAS: dict[str, type[_Record]] = {"registration": RegistrationData, "lead": LeadData}
# Business fields only: sync bookkeeping (seq, sync_state, base_version…) never travels
# inside `data`.
REGISTRATION_FIELDS: tuple[str, ...] = RegistrationData.__struct_fields__
LEAD_FIELDS: tuple[str, ...] = LeadData.__struct_fields__
# Sent only when true: a record without it hashes as before, and an older hub (which
# refuses unknown fields) still takes every record that does not need it.
OPTIONAL_REGISTRATION_FIELDS = frozenset({
    "state_funded", "reminder_consent_version", "reminder_consent_at", "guardian_name",
    "guardian_relation", "guardian_consent", "withdrawn_at", "withdrawal_reason",
})  # fmt: skip
SENT_WHEN_SET = ("reminder_consent_version", "reminder_consent_at", "guardian_name",
                  "guardian_relation", "withdrawn_at", "withdrawal_reason")  # fmt: skip
# Sent only when set (not None): records saved before these fields existed hash as before.
DETAIL_FIELDS = (
    "occupation", "work_location", "working_hours", "postal_code", "branch_code", "income_band",
)  # fmt: skip
FIELDS = {"registration": REGISTRATION_FIELDS, "lead": LEAD_FIELDS}
INSTANT_FIELDS = ("created_at", "updated_at", "voided_at", "consent_at", "reminder_consent_at",
                  "withdrawn_at")  # fmt: skip
CODE_FIELDS = ("officer_code", "event_code", "reference_no")
_JSON_TYPES = {"str": "string", "int": "integer", "bool": "boolean", "array": "array",
               "object": "object", "null": "null", "float": "number"}  # fmt: skip
_WRONG_TYPE = re.compile(r"^Expected `(?P<expected>[^`]+)`, got `(?P<got>[^`]+)`")
_AT = re.compile(r" - at `\$\.(?P<field>[A-Za-z_]+)")
_NAMED = re.compile(r"^Object (?P<what>contains unknown|missing required) field `(?P<name>[^`]*)`")


def data_problem(entity: str, data: dict[str, Any]) -> Problem | None:
    """The first way ``data`` breaks its entity's schema (a type, a format, a field
    unknown or missing, a date not in the calendar), or None. Codes: record.unknown_field,
    record.missing_field, record.wrong_type, record.bad_code, record.bad_timestamp,
    record.bad_value; the field is the data's key."""
    try:
        typed = msgspec.convert(data, SCHEMAS[entity])
    except msgspec.ValidationError as exc:
        return _schema_problem(str(exc))
    for name in INSTANT_FIELDS:
        value = getattr(typed, name, None)  # reminder_consent_at, withdrawn_at: registrations
        if value is not None and parse_instant(value) is None:
            return error("record.bad_timestamp", name)
    for name in ("birth_date", "follow_up_on"):
        value = getattr(typed, name, None)
        if value is not None and _day(value) is None:
            return error("record.bad_value", name)
    return None


def _schema_problem(message: str) -> Problem:
    named = _NAMED.match(message)
    if named:
        unknown = named["what"] == "contains unknown"
        code = "record.unknown_field" if unknown else "record.missing_field"
        return error(code, named["name"][:40], name=named["name"][:40])
    at = _AT.search(message)
    field = at["field"] if at else "data"
    wrong = _WRONG_TYPE.match(message)
    if wrong:
        return error(
            "record.wrong_type", field, expected=_json_type(wrong["expected"]),
            got=_json_type(wrong["got"]),
        )  # fmt: skip
    if field in INSTANT_FIELDS:
        return error("record.bad_timestamp", field)
    if field in CODE_FIELDS:
        return error("record.bad_code", field)
    return error("record.bad_value", field)


def _json_type(names: str) -> str:
    """msgspec's ``str | null`` in JSON's words: ``string or null``."""
    return " or ".join(_JSON_TYPES.get(name, name) for name in names.split(" | "))


def parse_instant(text: str) -> datetime | None:
    """A wire instant (``INSTANT_PATTERN``) as an aware datetime; None when it is not one
    or names no real moment (month 13, 25 o'clock)."""
    if not isinstance(text, str) or not _INSTANT.match(text):
        return None
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None


def _day(text: str) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


EVENT_FIELDS = (
    "code", "name", "venue", "city", "branch_code", "starts_on", "ends_on",
    "target_registrations", "target_workers", "target_leads",
)  # fmt: skip


def nik_digest(key: bytes, nik: str) -> str:
    """Keyed hash of a NIK (HMAC-SHA256, hex): what the hub shares instead of raw NIKs."""
    return hmac.new(key, nik.encode(), hashlib.sha256).hexdigest()


# The canonical form: json.dumps(data, sort_keys=True, separators=(",", ":"),
# ensure_ascii=False), UTF-8. Records always hold str, int, bool, None and lists of str;
# for those orjson writes the same bytes (tests/unit/test_wire_canonical.py) five times
# faster. Anything else (floats, whose spelling differs, ints past 64 bits, key types
# orjson refuses) takes the standard library, so the form never depends on the encoder.
_CANONICAL = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False)
_PLAIN = frozenset({str, int, bool, type(None)})
_NESTED = _PLAIN | {list, dict}


def _plain(value: dict[str, Any] | list[Any]) -> bool:
    """Only str/int/bool/None values, in dicts and lists, at any depth (orjson itself
    refuses keys that are not str)."""
    items = value.values() if type(value) is dict else value
    kinds = set(map(type, items))
    if kinds <= _PLAIN:
        return True
    if not kinds <= _NESTED:
        return False
    # every kind is in _NESTED (checked above): isinstance is the exact test here
    return all(not isinstance(item, list | dict) or _plain(item) for item in items)


def canonical_json(data: dict[str, Any]) -> bytes:
    if _plain(data):
        try:
            return orjson.dumps(data, option=orjson.OPT_SORT_KEYS)
        except orjson.JSONEncodeError:
            pass  # an int past 64 bits, a key not a str, nesting past orjson's limit
    return _CANONICAL.encode(data).encode()


def content_hash(data: dict[str, Any]) -> str:
    return hashlib.sha256(canonical_json(data)).hexdigest()


def registration_data(row: dict[str, Any], *, event_code: str | None) -> dict[str, Any]:
    """The wire `data` of a local registration row (programs as a list, estimate a bool)."""
    data = {
        name: row.get(name)
        for name in REGISTRATION_FIELDS
        if name != "event_code"
        and name not in OPTIONAL_REGISTRATION_FIELDS
        and name not in DETAIL_FIELDS
    }
    data["event_code"] = event_code
    data["programs"] = [p for p in str(row["programs"]).split(",") if p]
    data["estimate"] = bool(row["estimate"])
    if row.get("state_funded"):
        data["state_funded"] = True
    for name in DETAIL_FIELDS:
        if row.get(name) is not None:
            data[name] = row[name]
    for name in SENT_WHEN_SET:
        value = row.get(name)
        if value is not None:
            data[name] = value
    if row.get("guardian_consent"):
        data["guardian_consent"] = True
    return data


def lead_data(row: dict[str, Any], *, event_code: str | None) -> dict[str, Any]:
    data = {name: row.get(name) for name in LEAD_FIELDS if name != "event_code"}
    data["event_code"] = event_code
    data["consent_contact"] = bool(row["consent_contact"])
    return data


def registration_draft(data: dict[str, Any]) -> RegistrationDraft:
    """A received record as a draft, so the hub validates it exactly like the booth."""
    get = data.get
    return RegistrationDraft(
        nik=_s(get("nik")),
        full_name=_s(get("full_name")),
        birth_date=_s(get("birth_date")),
        birth_place=_s(get("birth_place")),
        phone=_s(get("phone")),
        email=_s(get("email")),
        address=_s(get("address")),
        province_code="",
        business_name=_s(get("business_name")),
        sector=_s(get("sector")),
        workers_count=_or(get("workers_count"), 0),
        declared_income=_or(get("declared_income"), ""),
        programs=_programs(get("programs")),
        payment_months=_or(get("payment_months"), ""),
        consent_version=_s(get("consent_version")),
        role=_s(get("role")),
        path=_s(get("path")),
        state_funded=get("state_funded") is True,
        occupation=_s(get("occupation")),
        work_location=_s(get("work_location")),
        working_hours=_s(get("working_hours")),
        postal_code=_s(get("postal_code")),
        branch_code=_s(get("branch_code")),
        income_band=_s(get("income_band")),
        reminder_consent_version=_s(get("reminder_consent_version")),
        guardian_name=_s(get("guardian_name")),
        guardian_relation=_s(get("guardian_relation")),
        guardian_consent=get("guardian_consent") is True,
    )


def lead_draft(data: dict[str, Any]) -> LeadDraft:
    get = data.get
    return LeadDraft(
        full_name=_s(get("full_name")),
        phone=_s(get("phone")),
        sector=_s(get("sector")),
        interest=_s(get("interest")),
        consent_contact=get("consent_contact") is True,
        consent_version=_s(get("consent_version")),
        follow_up_on="",  # a follow-up date in the past is fine once captured
        notes=_s(get("notes")),
    )


def _s(value: Any) -> str:
    # An exact str is returned as is (what str() returns for it, without the call).
    return value if type(value) is str else "" if value is None else str(value)


def _or(value: Any, default: Any) -> Any:
    """Numbers pass through as they came (ints or digit strings); missing -> default."""
    return default if value is None or isinstance(value, (list, dict, float)) else value


def _programs(value: Any) -> tuple[str, ...]:
    """A list of codes; anything else (a number, a bool) becomes a code validation rejects."""
    if isinstance(value, list):
        return tuple(map(str, value))
    return () if value is None else (str(value),)
