"""Officer sign-in on a shared laptop: officer code + PIN, stored as a slow hash.

A PIN is 4–12 digits, hashed with scrypt (``PIN_SCRYPT``: n=2**16, r=8, p=1, 64 MiB,
~0.2 s of CPU on the reference machine; docs/PRIVACY.md has the measurement) and a random
per-officer salt; the PIN itself is never stored. The cost travels with each hash
(``officer_pins.params``): a hash made with an older, cheaper cost still signs in, and is
made again with the current cost at that successful sign-in. Wrong PINs are counted: after
``FREE_ATTEMPTS`` in a row the officer is locked out for 30 s, doubling with every further
miss up to 15 minutes; a right PIN resets the count. Every sign-in, miss and lock-out is
in the audit log.

The TUI asks ``officer_pins.pins_configured(database)`` once at start-up (one query; the
booth opens on its sign-in screen when it is true), calls ``store.officers.verify_pin(code,
pin)``, reads the ``PinCheck``, and records locks and sign-outs with ``record_session``.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from types import MappingProxyType
from typing import Any

from outreach_tui.domain.localtime import iso_utc
from outreach_tui.store import audit
from outreach_tui.store.database import Database, StoreError

# The shipped cost (read-only). Measured: n=2**14 ~43 ms, 2**15 ~100 ms, 2**16 ~215 ms
# of CPU per hash (docs/PRIVACY.md, section 6). A 4-6 digit PIN has at most a million
# values, so the cost per guess is what an offline attacker pays.
PIN_SCRYPT: Mapping[str, int] = MappingProxyType({"n": 2**16, "r": 8, "p": 1})
_test_cost: dict[str, int] | None = None
MIN_DIGITS, MAX_DIGITS = 4, 12
FREE_ATTEMPTS = 5
FIRST_LOCK_S = 30
MAX_LOCK_S = 15 * 60
# What the booth records about a session besides the sign-in itself (audit actions).
SESSION_ACTIONS = ("officer.locked", "officer.sign_out")


@dataclass(frozen=True)
class PinCheck:
    """The answer to a sign-in attempt.

    ``reason``: ``ok`` · ``wrong_pin`` · ``locked`` (too many misses: wait
    ``retry_after_s``) · ``no_pin`` (none set: ``outreach officer set-pin``) ·
    ``unknown_officer`` · ``inactive``.
    """

    ok: bool
    reason: str
    officer_code: str
    attempts_left: int | None = None  # misses left before a lock-out
    retry_after_s: int = 0
    locked_until: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def check_pin_format(pin: str) -> str:
    pin = pin.strip()
    if not (pin.isascii() and pin.isdigit() and MIN_DIGITS <= len(pin) <= MAX_DIGITS):
        raise StoreError(f"a PIN is {MIN_DIGITS} to {MAX_DIGITS} digits")
    if len(set(pin)) == 1 or pin in "0123456789012" or pin in "9876543210":
        raise StoreError("this PIN is too easy to guess (all the same or a run of digits)")
    return pin


def current_cost() -> dict[str, int]:
    """The scrypt parameters new PIN hashes get."""
    return dict(_test_cost if _test_cost is not None else PIN_SCRYPT)


def hash_pin(pin: str, salt: bytes, params: Mapping[str, int] | None = None) -> str:
    p = dict(params) if params is not None else current_cost()
    memory = 128 * p["r"] * p["n"] * 2 + (1 << 20)
    return hashlib.scrypt(
        pin.encode(), salt=salt, n=p["n"], r=p["r"], p=p["p"], maxmem=memory, dklen=32
    ).hex()


def lock_seconds(failed: int) -> int:
    """Lock-out after ``failed`` misses in a row (0 while under the free attempts)."""
    if failed < FREE_ATTEMPTS:
        return 0
    return min(FIRST_LOCK_S << (failed - FREE_ATTEMPTS), MAX_LOCK_S)


class OfficerAuth:
    def __init__(
        self,
        database: Database,
        device_id: str,
        *,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._database = database
        self._device_id = device_id
        self._clock = clock

    def set_pin(self, code: str, pin: str, *, by: str | None = None) -> None:
        """Set (or replace) an officer's PIN; clears any lock-out."""
        pin = check_pin_format(pin)
        salt, cost = os.urandom(16), current_cost()
        digest = hash_pin(pin, salt, cost)
        with self._database.write() as db:
            if db.execute("SELECT 1 FROM officers WHERE code = ?", [code]).fetchone() is None:
                raise StoreError(f"officer not found: {code}")
            replaced = db.execute(
                "SELECT 1 FROM officer_pins WHERE officer_code = ?", [code]
            ).fetchone()
            db.execute(
                "INSERT INTO officer_pins (officer_code, pin_hash, salt, params, set_at)"
                " VALUES (?, ?, ?, ?, ?) ON CONFLICT (officer_code) DO UPDATE SET"
                " pin_hash = excluded.pin_hash, salt = excluded.salt, params = excluded.params,"
                " set_at = excluded.set_at, failed_attempts = 0, last_failed_at = NULL,"
                " locked_until = NULL",
                [code, digest, salt.hex(), json.dumps(cost), iso_utc(self._clock())],
            )
            detail = {"officer": code, "replaced": replaced is not None}
            audit.append(db, device_id=self._device_id, officer_code=by or code,
                         action="officer.pin_set", detail=detail)  # fmt: skip

    def has_pin(self, code: str) -> bool:
        with self._database.read() as db:
            return bool(
                db.execute("SELECT 1 FROM officer_pins WHERE officer_code = ?", [code]).fetchone()
            )

    def clear_pin(self, code: str, *, by: str | None = None) -> bool:
        with self._database.write() as db:
            gone = db.execute("DELETE FROM officer_pins WHERE officer_code = ?", [code]).rowcount
            if gone:
                audit.append(db, device_id=self._device_id, officer_code=by,
                             action="officer.pin_cleared", detail={"officer": code})  # fmt: skip
        return bool(gone)

    def verify_pin(self, code: str, pin: str) -> PinCheck:
        """Check a sign-in. Never raises for a wrong or malformed PIN: read ``ok``."""
        now = self._clock()
        with self._database.read() as db:
            officer = db.execute("SELECT active FROM officers WHERE code = ?", [code]).fetchone()
            row = db.execute(
                "SELECT pin_hash, salt, params, locked_until"
                " FROM officer_pins WHERE officer_code = ?",
                [code],
            ).fetchone()
        if officer is None or not officer[0] or row is None:
            reason = (
                "unknown_officer" if officer is None else "inactive" if not officer[0] else "no_pin"
            )
            self._audit("officer.sign_in_refused", code, {"reason": reason})
            return PinCheck(False, reason, code)
        stored, salt, params, locked_until = row
        if locked_until and datetime.fromisoformat(locked_until) > now:
            wait = int((datetime.fromisoformat(locked_until) - now).total_seconds()) + 1
            self._audit("officer.sign_in_refused", code, {"reason": "locked"})
            return PinCheck(False, "locked", code, 0, wait, locked_until)
        given = hash_pin(pin.strip(), bytes.fromhex(salt), json.loads(params))
        if hmac.compare_digest(given, stored):
            self._signed_in(code, pin.strip(), json.loads(params))
            return PinCheck(True, "ok", code, FREE_ATTEMPTS, 0, None)
        return self._missed(code, now)

    def _signed_in(self, code: str, pin: str, params: dict[str, int]) -> None:
        """Reset the misses; a hash made with another cost is made again with the current
        one (the PIN is known right now, and only now)."""
        cost = current_cost()
        rehash = {k: params.get(k) for k in cost} != cost
        if rehash:
            salt = os.urandom(16)
            fresh = (hash_pin(pin, salt, cost), salt.hex(), json.dumps(cost))
        with self._database.write() as db:
            db.execute(
                "UPDATE officer_pins SET failed_attempts = 0, locked_until = NULL"
                " WHERE officer_code = ?",
                [code],
            )
            if rehash:
                db.execute(
                    "UPDATE officer_pins SET pin_hash = ?, salt = ?, params = ?"
                    " WHERE officer_code = ?",
                    [*fresh, code],
                )
            audit.append(db, device_id=self._device_id, officer_code=code,
                         action="officer.sign_in",
                         detail={"rehashed": True} if rehash else None)  # fmt: skip

    def _missed(self, code: str, now: datetime) -> PinCheck:
        with self._database.write() as db:
            (failed,) = db.execute(
                "UPDATE officer_pins SET failed_attempts = failed_attempts + 1,"
                " last_failed_at = ? WHERE officer_code = ? RETURNING failed_attempts",
                [iso_utc(now), code],
            ).fetchone()
            wait = lock_seconds(failed)
            until = iso_utc(now + timedelta(seconds=wait)) if wait else None
            if until:
                db.execute(
                    "UPDATE officer_pins SET locked_until = ? WHERE officer_code = ?", [until, code]
                )
            audit.append(db, device_id=self._device_id, officer_code=code,
                         action="officer.pin_locked" if wait else "officer.pin_failed",
                         detail={"failed_attempts": failed, "locked_seconds": wait})  # fmt: skip
        left = max(0, FREE_ATTEMPTS - failed)
        return PinCheck(False, "locked" if wait else "wrong_pin", code, left, wait, until)

    def record_session(self, action: str, code: str | None, *, reason: str) -> None:
        """Audit a booth session event: ``officer.locked`` (reason ``idle`` or ``manual``)
        or ``officer.sign_out`` (reason ``switched``: another officer signed in, ``quit``)."""
        if action not in SESSION_ACTIONS:
            raise ValueError(f"not a session action: {action!r}")
        self._audit(action, code, {"reason": reason})

    def _audit(self, action: str, code: str | None, detail: dict[str, Any]) -> None:
        with self._database.write() as db:
            audit.append(db, device_id=self._device_id, officer_code=code, action=action,
                         detail=detail)  # fmt: skip
