"""A fixed batch body whose digests the hub of session 2 (pydantic models) computed."""

from __future__ import annotations

from outreach_tui.domain import wire

DATA = {
    "reference_no": "PLG-2026-000123",
    "role": "owner",
    "owner_uuid": None,
    "path": "bpu",
    "nik": "1671014101900001",
    "full_name": "Siti Ñoño Aminah",
    "birth_date": "1990-01-01",
    "sex": "F",
    "birth_place": "Palembang",
    "phone": "+6281234567890",
    "email": None,
    "address": 'Jl. "Merdeka" No. 1\\2',
    "province_code": "16",
    "business_name": "Pempek 🙂",
    "sector": "kuliner",
    "workers_count": 2,
    "declared_income": 2500000,
    "programs": ["JKK", "JKM"],
    "payment_months": 1,
    "monthly_normal": 16800,
    "monthly_due": 16800,
    "estimate": False,
    "ref_version": "2026.01",
    "consent_version": "bpu-2026.1",
    "consent_at": "2026-11-20T03:00:00.000Z",
    "officer_code": "PLG-01",
    "event_code": "EXPO-PLG-2026-11",
    "device_id": "laptop-1",
    "created_at": "2026-11-20T03:00:00.000Z",
    "updated_at": "2026-11-20T03:00:00.000Z",
    "voided_at": None,
    "void_reason": None,
}
RECORD = {
    "entity": "registration",
    "uuid": "01890000-0000-7000-8000-00000000000a",
    "version": 2,
    "base_version": 1,
    "content_hash": wire.content_hash(DATA),
    "data": DATA,
}
BODY = {
    "batch_id": "01890000-0000-7000-8000-000000000001",
    "device_id": "laptop-1",
    "seq_from": 3,
    "seq_to": 9,
    "records": [RECORD],
    "events": [{"code": "EXPO-PLG-2026-11", "name": "Sumsel Marketing", "target_leads": 40}],
    "officer": {"code": "PLG-01", "name": "Rina"},
}
