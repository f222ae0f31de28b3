"""Wire records as a laptop sends them, built from the booth's own validation.

Registrations come out of ``validate_registration`` (so amounts and normalised fields
are what the booth would store); NIKs are synthetic and random (no real person), unique
enough across xdist workers.
"""

from __future__ import annotations

import random
from datetime import date
from typing import Any

from outreach_tui.domain import wire
from outreach_tui.domain.ids import new_uuid
from outreach_tui.domain.models import RegistrationDraft
from outreach_tui.domain.validation import validate_registration

OFFICER = "PLG-01"
EVENT = "EXPO-PLG-2026-11"
CREATED = "2026-11-23T03:00:00.000Z"  # 10:00 in Palembang (WIB): local day 2026-11-23
DAY = "2026-11-23"
CONSENT = "2026.1"
_random = random.SystemRandom()


def nik(sex: str = "F", birth: date = date(1990, 12, 5)) -> str:
    day = birth.day + (40 if sex == "F" else 0)
    district = _random.randint(1, 99)
    serial = _random.randint(1, 9999)
    return f"1671{district:02d}{day:02d}{birth.month:02d}{birth.year % 100:02d}{serial:04d}"


def registration_data(
    *, device_id: str, created_at: str = CREATED, owner_uuid: str | None = None, **draft: Any
) -> dict[str, Any]:
    role = "worker" if owner_uuid else "owner"
    fields: dict[str, Any] = {
        "nik": nik(), "full_name": "Siti Aminah", "phone": "0812-3456-7890",
        "address": "Jl. Merdeka No. 1, Palembang", "business_name": "Pempek Cek Siti",
        "sector": "kuliner", "workers_count": 2 if role == "owner" else 0,
        "declared_income": "2.500.000", "programs": ("JKK", "JKM"), "payment_months": 1,
        "consent_version": CONSENT, "role": role,
    }  # fmt: skip
    fields.update(draft)
    result = validate_registration(
        RegistrationDraft(**fields), today=date.fromisoformat(created_at[:10])
    )
    assert result.record is not None, [p.code for p in result.errors]
    r = result.record
    return {
        "reference_no": new_uuid()[-12:].upper(), "role": r.role.value, "owner_uuid": owner_uuid,
        "path": r.path.value, "nik": r.nik, "full_name": r.full_name,
        "birth_date": r.birth_date.isoformat(), "sex": r.sex, "birth_place": r.birth_place,
        "phone": r.phone, "email": r.email, "address": r.address,
        "province_code": r.province_code, "business_name": r.business_name,
        "sector": r.sector, "workers_count": r.workers_count,
        "declared_income": r.declared_income, "programs": list(r.programs),
        "payment_months": r.payment_months, "monthly_normal": r.monthly_normal,
        "monthly_due": r.monthly_due, "estimate": r.estimate, "ref_version": r.ref_version,
        "consent_version": r.consent_version, "consent_at": created_at,
        "officer_code": OFFICER, "event_code": EVENT, "device_id": device_id,
        "created_at": created_at, "updated_at": created_at, "voided_at": None,
        "void_reason": None,
    }  # fmt: skip


def lead_data(*, device_id: str, created_at: str = CREATED, **overrides: Any) -> dict[str, Any]:
    data = {
        "full_name": "Joko Widodo", "phone": "+6281298765432", "sector": "kuliner",
        "interest": "JHT", "consent_contact": True, "consent_version": CONSENT,
        "consent_at": created_at, "follow_up_on": None, "notes": None, "converted_uuid": None,
        "officer_code": OFFICER, "event_code": EVENT, "device_id": device_id,
        "created_at": created_at, "updated_at": created_at, "voided_at": None,
        "void_reason": None,
    }  # fmt: skip
    data.update(overrides)
    return data


def record(
    data: dict[str, Any],
    *,
    entity: str = "registration",
    uuid: str | None = None,
    version: int = 1,
    base_version: int | None = None,
) -> dict[str, Any]:
    return {
        "entity": entity, "uuid": uuid or new_uuid(), "version": version,
        "base_version": base_version, "content_hash": wire.content_hash(data), "data": data,
    }  # fmt: skip


def batch(device_id: str, records: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    return {
        "batch_id": new_uuid(), "device_id": device_id, "seq_from": 1,
        "seq_to": max(1, len(records)), "records": records,
        "officer": {"code": OFFICER, "name": "Rina Marlina", "branch_code": "PLG"},
        "events": [{"code": EVENT, "name": "Expo UMKM Palembang", "city": "Palembang",
                    "branch_code": "PLG", "starts_on": "2026-11-23", "ends_on": "2026-11-25",
                    "target_registrations": 100}],
        **extra,
    }  # fmt: skip


def edited(data: dict[str, Any], **changes: Any) -> dict[str, Any]:
    return {**data, **changes, "updated_at": "2026-11-23T05:00:00.000Z"}


def signed_bundle(body: dict[str, Any], key: bytes | None = None) -> dict[str, Any]:
    """``body`` as `outreach export` writes it: kind, protocol and the laptop's signature
    (``key``: the laptop's device key; a fresh one when None)."""
    from outreach_tui.domain import origin
    from outreach_tui.sync.bundle import signed

    bundle = {"kind": "outreach-bundle", "protocol": 1, **body}
    return signed(bundle, key if key is not None else origin.new_private_key())
