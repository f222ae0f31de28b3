"""The record format both ends of sync agree on (docs/SYNC_PROTOCOL.md).

Pure functions shared by the client (sync/) and the hub (hub/): which fields travel,
the canonical JSON the content hash is computed over, and how a received record becomes
a draft for the same validation the booth uses.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

import orjson

from outreach_tui.domain.models import LeadDraft, RegistrationDraft, construct_from

PROTOCOL_VERSION = 1
ENTITIES = ("registration", "lead")

# Business fields only: sync bookkeeping (seq, sync_state, base_version…) never travels
# inside `data`.
REGISTRATION_FIELDS = (
    "reference_no", "role", "owner_uuid", "path", "nik", "full_name", "birth_date", "sex",
    "birth_place", "phone", "email", "address", "province_code", "business_name", "sector",
    "workers_count", "declared_income", "programs", "payment_months", "monthly_normal",
    "monthly_due", "estimate", "ref_version", "consent_version", "consent_at",
    "officer_code", "event_code", "device_id", "created_at", "updated_at", "voided_at",
    "void_reason", "state_funded",
)  # fmt: skip
# Sent only when true: a record without it hashes as before, and an older hub (which
# refuses unknown fields) still takes every record that does not need it.
OPTIONAL_REGISTRATION_FIELDS = frozenset({"state_funded"})
LEAD_FIELDS = (
    "full_name", "phone", "sector", "interest", "consent_contact", "consent_version",
    "consent_at", "follow_up_on", "notes", "converted_uuid", "officer_code", "event_code",
    "device_id", "created_at", "updated_at", "voided_at", "void_reason",
)  # fmt: skip
FIELDS = {"registration": REGISTRATION_FIELDS, "lead": LEAD_FIELDS}
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
    for item in items:
        kind = type(item)
        if (kind is list or kind is dict) and not _plain(item):
            return False
    return True


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
        if name != "event_code" and name not in OPTIONAL_REGISTRATION_FIELDS
    }
    data["event_code"] = event_code
    data["programs"] = [p for p in str(row["programs"]).split(",") if p]
    data["estimate"] = bool(row["estimate"])
    if row.get("state_funded"):
        data["state_funded"] = True
    return data


def lead_data(row: dict[str, Any], *, event_code: str | None) -> dict[str, Any]:
    data = {name: row.get(name) for name in LEAD_FIELDS if name != "event_code"}
    data["event_code"] = event_code
    data["consent_contact"] = bool(row["consent_contact"])
    return data


def registration_draft(data: dict[str, Any]) -> RegistrationDraft:
    """A received record as a draft, so the hub validates it exactly like the booth."""
    get = data.get
    # construct_from: without the frozen __init__, whose object.__setattr__ per field cost
    # more than all the look-ups here.
    return construct_from(
        RegistrationDraft,
        {
            "nik": _s(get("nik")),
            "full_name": _s(get("full_name")),
            "birth_date": _s(get("birth_date")),
            "birth_place": _s(get("birth_place")),
            "phone": _s(get("phone")),
            "email": _s(get("email")),
            "address": _s(get("address")),
            "province_code": "",
            "business_name": _s(get("business_name")),
            "sector": _s(get("sector")),
            "workers_count": _or(get("workers_count"), 0),
            "declared_income": _or(get("declared_income"), ""),
            "programs": _programs(get("programs")),
            "payment_months": _or(get("payment_months"), ""),
            "consent_version": _s(get("consent_version")),
            "role": _s(get("role")),
            "path": _s(get("path")),
            "state_funded": get("state_funded") is True,
        },
    )


def lead_draft(data: dict[str, Any]) -> LeadDraft:
    get = data.get
    return construct_from(  # as registration_draft builds its draft
        LeadDraft,
        {
            "full_name": _s(get("full_name")),
            "phone": _s(get("phone")),
            "sector": _s(get("sector")),
            "interest": _s(get("interest")),
            "consent_contact": get("consent_contact") is True,
            "consent_version": _s(get("consent_version")),
            "follow_up_on": "",  # a follow-up date in the past is fine once captured
            "notes": _s(get("notes")),
        },
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
