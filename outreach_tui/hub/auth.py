"""Device tokens: enrol, list, revoke, authenticate.

A token is ``otk_`` + 256 random bits, shown once; the hub keeps only its SHA-256 (a
256-bit random secret needs no slow hash). Missing/unknown → 401 ``auth.invalid``,
expired → 401 ``auth.expired``, revoked → 403 ``auth.revoked``.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from outreach_tui.domain.ids import new_uuid
from outreach_tui.domain.localtime import iso_utc
from outreach_tui.domain.typed_input import clean_code
from outreach_tui.hub import audit
from outreach_tui.hub.errors import HubError
from outreach_tui.hub.storage import Storage, Tx, utc_now

TOKEN_PREFIX = "otk_"
ROLES = ("device", "supervisor", "relay")  # relay: another hub forwarding upward (relay.py)
MAX_DAYS = 3650
SEEN_EVERY_S = 60  # last_seen_at is refreshed at most this often (a write per request is waste)
_TOKEN = re.compile(r"^otk_[A-Za-z0-9_-]{43}$")
_COLUMNS = (
    "id, officer_code, name, role, created_at, expires_at, revoked_at, last_seen_at, "
    "last_sync_at, client_device_id, unit_code"
)


@dataclass(frozen=True)
class Device:
    id: str
    officer_code: str
    name: str
    role: str
    created_at: str
    expires_at: str
    revoked_at: str | None
    last_seen_at: str | None
    last_sync_at: str | None
    client_device_id: str | None
    unit_code: str | None = None  # NULL: the whole hub (head office, or enrolled before units)

    def as_dict(self) -> dict[str, Any]:
        return {**self.__dict__, "status": self.status()}

    def status(self, now: str | None = None) -> str:
        if self.revoked_at:
            return "revoked"
        return "expired" if self.expires_at <= (now or utc_now()) else "active"


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def clean_officer_code(value: str) -> str:
    code = clean_code(value)  # the booth's rule: upper-cased, never trimmed
    if code is None:
        raise HubError("hub.bad_officer", field="officer", value=value[:40])
    return code


def clean_device_name(value: str) -> str:
    name = " ".join(value.split())
    if not 1 <= len(name) <= 60 or not name.isprintable():
        raise HubError("hub.bad_device_name", field="device")
    return name


def enroll(
    storage: Storage,
    *,
    officer: str,
    name: str,
    days: int = 180,
    role: str = "device",
    unit: str | None = None,
) -> tuple[Device, str]:
    """A new device and its token (returned once, never stored). ``unit``: where it
    belongs; a laptop (role ``device``) pushes into a branch or a sub-branch, a supervisor
    sees the subtree of any unit (all of it for the head office), a relay (a branch hub,
    or a regional hub forwarding to the national one) pushes into a branch, sub-branch or
    region and its subtree."""
    from outreach_tui.hub import units

    officer_code, device_name = clean_officer_code(officer), clean_device_name(name)
    if not 1 <= days <= MAX_DAYS:
        raise HubError("hub.bad_days", field="days", max=MAX_DAYS)
    role = role.strip().lower()  # as --kind is read
    if role not in ROLES:
        raise HubError("hub.bad_role", field="role", value=role[:20], roles=", ".join(ROLES))
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    now = datetime.now(UTC)

    unit_code = units.clean_unit_code(unit) if unit else None

    def work(tx: Tx) -> Device:
        if unit_code is not None:
            kind = units.get_kind(tx, unit_code)
            if role == "device" and kind not in units.DEVICE_KINDS:
                raise HubError("unit.device_kind", 422, field="unit", unit=unit_code)
            if role == "relay" and kind not in units.RELAY_KINDS:
                raise HubError("unit.relay_kind", 422, field="unit", unit=unit_code)
        elif role in ("device", "relay") and units.in_use(tx):
            # Once a hub has units, every laptop pushes into one: its records need a branch.
            raise HubError("unit.device_needs_unit", 422, field="unit")
        active = tx.one(
            "SELECT id FROM devices WHERE name = ? AND revoked_at IS NULL AND expires_at > ?",
            (device_name, iso_utc(now)),
        )
        if active:
            raise HubError("hub.device_exists", field="device", name=device_name, id=active["id"])
        tx.execute(
            "INSERT INTO officers (code, created_at, updated_at) VALUES (?, ?, ?) "
            "ON CONFLICT (code) DO NOTHING",
            (officer_code, iso_utc(now), iso_utc(now)),
        )
        device_id = new_uuid()
        tx.execute(
            "INSERT INTO devices (id, officer_code, name, token_hash, role, created_at, "
            "expires_at, unit_code) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                device_id,
                officer_code,
                device_name,
                hash_token(token),
                role,
                iso_utc(now),
                iso_utc(now + timedelta(days=days)),
                unit_code,
            ),
        )
        audit.append(
            tx,
            "device.enroll",
            actor=None,
            device=device_id,
            name=device_name,
            officer=officer_code,
            role=role,
            days=days,
            unit=unit_code,
        )
        return _device(tx, device_id)

    return storage.write(work), token


def _device(tx: Tx, device_id: str) -> Device:
    row = tx.one(f"SELECT {_COLUMNS} FROM devices WHERE id = ?", (device_id,))
    assert row is not None
    return Device(**row)


def list_devices(storage: Storage, scope: frozenset[str] | None = None) -> list[Device]:
    from outreach_tui.hub.units import scope_sql

    where, params = scope_sql(scope)
    with storage.read() as tx:
        rows = tx.all(
            f"SELECT {_COLUMNS} FROM devices WHERE {where} ORDER BY created_at, id", params
        )
    return [Device(**row) for row in rows]


def revoke(storage: Storage, id_or_name: str) -> tuple[Device, bool]:
    """Revoke by id, or by name when exactly one unrevoked device has it.

    Returns the device and whether this call revoked it (False: it already was).
    """
    key = id_or_name.strip()

    def work(tx: Tx) -> tuple[Device, bool]:
        rows = tx.all("SELECT id, revoked_at FROM devices WHERE id = ?", (key,))
        if not rows:
            rows = tx.all(
                "SELECT id, revoked_at FROM devices WHERE name = ? ORDER BY created_at",
                (" ".join(key.split()),),
            )
            live = [row for row in rows if row["revoked_at"] is None]
            rows = live or rows[-1:]
        if not rows:
            raise HubError("hub.device_unknown", 404, field="device", device=key[:60])
        if len(rows) > 1:
            ids = ", ".join(row["id"] for row in rows)
            raise HubError("hub.device_ambiguous", 409, field="device", device=key[:60], ids=ids)
        device_id = rows[0]["id"]
        if rows[0]["revoked_at"] is not None:
            return _device(tx, device_id), False
        tx.execute("UPDATE devices SET revoked_at = ? WHERE id = ?", (utc_now(), device_id))
        audit.append(tx, "device.revoke", actor=None, device=device_id)
        return _device(tx, device_id), True

    return storage.write(work)


def authenticate(storage: Storage, authorization: str | None) -> Device:
    """The device behind an ``Authorization: Bearer otk_…`` header, or a HubError."""
    scheme, _, token = (authorization or "").partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not _TOKEN.match(token):
        raise HubError("auth.invalid", 401)
    with storage.read() as tx:
        row = tx.one(f"SELECT {_COLUMNS} FROM devices WHERE token_hash = ?", (hash_token(token),))
    if row is None:
        raise HubError("auth.invalid", 401)
    device = Device(**row)
    now = datetime.now(UTC)
    if device.revoked_at:
        raise HubError("auth.revoked", 403)
    if device.expires_at <= iso_utc(now):
        raise HubError("auth.expired", 401)
    if device.last_seen_at is None or device.last_seen_at < iso_utc(
        now - timedelta(seconds=SEEN_EVERY_S)
    ):
        storage.write(
            lambda tx: tx.execute(
                "UPDATE devices SET last_seen_at = ? WHERE id = ?", (iso_utc(now), device.id)
            )
        )
    return device
