"""Optional encryption of personal fields, with a key protected by the officer's passphrase.

Key hierarchy (docs/PRIVACY.md): a random 256-bit *data key* seals every personal field
(crypto.py). It is stored only wrapped (AES-GCM), twice, in ``settings['crypto']``:
under a key derived with scrypt from the officer's passphrase, and under one derived from
a printed *recovery code*. Nothing in the file opens it without one of the two.

``unlock`` keeps the data key in this process (``Database.cipher``) and, for the CLI,
optionally in a session file in the user's runtime folder (``$XDG_RUNTIME_DIR/outreach``,
a RAM disk on Linux; ``OUTREACH_RUNTIME_DIR`` overrides), mode 0600, until it expires or
``outreach lock`` removes it. ``Store`` picks a valid session up when it opens the file.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from outreach_tui import files
from outreach_tui.store import audit, compaction, drafts, name_index, nik_keys
from outreach_tui.store.crypto import (
    ENTITY_TABLES,
    PERSONAL,
    SCRYPT,
    SETTING,
    CryptoError,
    FieldCipher,
    StoreLocked,
    b64,
    context,
    derive_key,
    is_sealed,
    new_key,
    new_recovery_code,
    normalise_recovery_code,
    unb64,
    unwrap,
    wrap,
)
from outreach_tui.store.database import Database, StoreError, utc_now
from outreach_tui.store.rows import as_json

if TYPE_CHECKING:
    from outreach_tui.store.database import Transaction

MIN_PASSPHRASE = 10
MAX_SESSION_MINUTES = 24 * 60
_CHECK = "outreach-key-check"


@dataclass(frozen=True)
class CryptoStatus:
    enabled: bool
    unlocked: bool
    enabled_at: str | None = None
    session_until: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"enabled": self.enabled, "unlocked": self.unlocked,
                "enabled_at": self.enabled_at, "session_until": self.session_until}  # fmt: skip


def runtime_dir() -> Path:
    override = os.environ.get("OUTREACH_RUNTIME_DIR")
    if override:
        return Path(override).expanduser()
    import platformdirs

    return Path(platformdirs.user_runtime_dir("outreach"))


def check_passphrase(passphrase: str) -> str:
    if len(passphrase.strip()) < MIN_PASSPHRASE:
        raise StoreError(f"the passphrase must have at least {MIN_PASSPHRASE} characters")
    return passphrase


class KeyVault:
    """Enable, unlock, lock and recover the encryption of one officer file."""

    def __init__(self, database: Database, device_id: str) -> None:
        self._database = database
        self._device_id = device_id
        # The compaction after the last enable/disable: ``done`` false while the plaintext
        # (or the old ciphertext) still lies in the file or its WAL (another process reads).
        self.last_compaction: compaction.Compaction | None = None

    # -- state ----------------------------------------------------------------------------

    def _blob(self) -> dict[str, Any] | None:
        with self._database.read() as db:
            row = db.execute("SELECT value FROM settings WHERE key = ?", [SETTING]).fetchone()
        return json.loads(row[0]) if row else None

    @property
    def session_path(self) -> Path:
        return runtime_dir() / f"unlock-{self._device_id}.json"

    def status(self) -> CryptoStatus:
        blob = self._blob()
        until = None
        if blob is not None and self.session_path.exists():
            with contextlib.suppress(OSError, ValueError, KeyError):
                until = json.loads(self.session_path.read_text())["expires_at"]
        return CryptoStatus(
            enabled=blob is not None,
            unlocked=blob is not None and self._database.cipher is not None,
            enabled_at=blob.get("enabled_at") if blob else None,
            session_until=until,
        )

    # -- enable / disable -----------------------------------------------------------------

    def enable(
        self,
        passphrase: str,
        *,
        officer_code: str | None = None,
        wait_s: float = compaction.DEFAULT_WAIT_S,
        on_wait: Callable[[float], None] | None = None,
    ) -> str:
        """Seal every personal field now in the file; returns the recovery code (shown
        once: print it and keep it away from the laptop).

        The old plaintext pages are then removed from the file and its WAL, waiting up to
        ``wait_s`` for another process that reads (``on_wait`` is told). Read
        ``last_compaction.done``: false means plaintext is still on disk (the job is
        recorded and finished by the next purge)."""
        check_passphrase(passphrase)
        if self._blob() is not None:
            raise StoreError("encryption is already enabled")
        data_key, code = new_key(), new_recovery_code()
        cipher = FieldCipher(data_key)
        blob = {
            "version": 1,
            "cipher": "AES-256-GCM",
            "kdf": {"name": "scrypt", **SCRYPT},
            "passphrase": self._wrapped(passphrase, data_key, "passphrase"),
            "recovery": self._wrapped(normalise_recovery_code(code), data_key, "recovery_code"),
            "check": cipher.seal(_CHECK, "crypto.check"),
            "enabled_at": utc_now(),
        }
        with self._database.write() as db:
            counts = _rewrite(db, None, cipher)
            db.execute(
                "INSERT INTO settings (key, value) VALUES (?, ?)", [SETTING, json.dumps(blob)]
            )
            audit.append(db, device_id=self._device_id, officer_code=officer_code,
                         action="crypto.enable", detail=counts)  # fmt: skip
        self._database.cipher = cipher
        self.last_compaction = compaction.finish(
            self._database, reason="encrypt", wait_s=wait_s, on_wait=on_wait
        )
        return code

    def disable(
        self,
        passphrase: str,
        *,
        officer_code: str | None = None,
        wait_s: float = compaction.DEFAULT_WAIT_S,
        on_wait: Callable[[float], None] | None = None,
    ) -> dict[str, int]:
        """Open every sealed field again and forget the keys (needs the passphrase)."""
        blob = self._require_blob()
        cipher = FieldCipher(self._open(blob, "passphrase", passphrase))
        with self._database.write() as db:
            counts = _rewrite(db, cipher, None)
            db.execute("DELETE FROM settings WHERE key = ?", [SETTING])
            audit.append(db, device_id=self._device_id, officer_code=officer_code,
                         action="crypto.disable", detail=counts)  # fmt: skip
        self.lock()
        self.last_compaction = compaction.finish(
            self._database, reason="decrypt", wait_s=wait_s, on_wait=on_wait
        )
        return counts

    # -- unlock / lock --------------------------------------------------------------------

    def unlock(
        self, passphrase: str, *, remember_minutes: int = 0, officer_code: str | None = None
    ) -> CryptoStatus:
        """Open the data key with the passphrase (for this process, and for
        ``remember_minutes`` for later commands through the session file)."""
        blob = self._require_blob()
        try:
            key = self._open(blob, "passphrase", passphrase)
        except CryptoError:
            self._audit("crypto.unlock_failed", officer_code)
            raise
        self._use(key, remember_minutes)
        self._audit("crypto.unlock", officer_code, {"remember_minutes": remember_minutes})
        return self.status()

    def recover(
        self, code: str, new_passphrase: str, *, officer_code: str | None = None
    ) -> CryptoStatus:
        """Forgotten passphrase: the recovery code opens the data key, which is then
        wrapped under ``new_passphrase``. The recovery code stays valid."""
        check_passphrase(new_passphrase)
        blob = self._require_blob()
        try:
            key = self._open(blob, "recovery", normalise_recovery_code(code))
        except CryptoError:
            self._audit("crypto.recover_failed", officer_code)
            raise
        self._rewrap(blob, key, new_passphrase, "crypto.recover", officer_code)
        self._use(key, 0)
        return self.status()

    def change_passphrase(self, old: str, new: str, *, officer_code: str | None = None) -> None:
        check_passphrase(new)
        blob = self._require_blob()
        key = self._open(blob, "passphrase", old)
        self._rewrap(blob, key, new, "crypto.passphrase_changed", officer_code)

    def lock(self) -> None:
        """Forget the data key in this process and end the session for later commands."""
        self.forget()
        with contextlib.suppress(FileNotFoundError):
            self.session_path.unlink()

    def forget(self) -> None:
        """Forget the data key in this process only (the booth, on quit): a session left
        by ``outreach unlock`` for later commands stays until it expires or ``lock``."""
        self._database.cipher = None

    def load_session(self) -> bool:
        """Pick up a key left by ``outreach unlock`` (if valid and not expired)."""
        if self._database.cipher is not None or not self.session_path.exists():
            return self._database.cipher is not None
        blob = self._blob()
        try:
            session = json.loads(self.session_path.read_text())
            expired = datetime.fromisoformat(session["expires_at"]) <= datetime.now(UTC)
            cipher = None if expired or blob is None else FieldCipher(unb64(session["key"]))
            if cipher is not None and blob is not None:
                cipher.open(blob["check"], "crypto.check")
        except (OSError, ValueError, KeyError, CryptoError):
            cipher = None
        if cipher is None:
            with contextlib.suppress(OSError):
                self.session_path.unlink()
            return False
        self._database.cipher = cipher
        return True

    # -- internals ------------------------------------------------------------------------

    def _require_blob(self) -> dict[str, Any]:
        blob = self._blob()
        if blob is None:
            raise StoreError("encryption is not enabled on this file ('outreach encrypt enable')")
        return blob

    @staticmethod
    def _wrapped(secret: str, data_key: bytes, purpose: str) -> dict[str, str]:
        salt = os.urandom(16)
        return {"salt": b64(salt), "wrapped": wrap(derive_key(secret, salt), data_key, purpose)}

    @staticmethod
    def _open(blob: dict[str, Any], which: str, secret: str) -> bytes:
        purpose = "passphrase" if which == "passphrase" else "recovery_code"
        params = {k: blob["kdf"][k] for k in ("n", "r", "p")}
        entry = blob[which]
        kek = derive_key(secret, unb64(entry["salt"]), params)
        return unwrap(kek, entry["wrapped"], purpose)

    def _rewrap(
        self, blob: dict[str, Any], key: bytes, passphrase: str, action: str, officer: str | None
    ) -> None:
        blob = {**blob, "passphrase": self._wrapped(passphrase, key, "passphrase")}
        with self._database.write() as db:
            db.execute("UPDATE settings SET value = ? WHERE key = ?", [json.dumps(blob), SETTING])
            audit.append(db, device_id=self._device_id, officer_code=officer, action=action)

    def _use(self, key: bytes, remember_minutes: int) -> None:
        self._database.cipher = FieldCipher(key)
        if remember_minutes <= 0:
            return
        minutes = min(remember_minutes, MAX_SESSION_MINUTES)
        until = datetime.now(UTC) + timedelta(minutes=minutes)
        session = {"key": b64(key), "expires_at": until.isoformat(timespec="seconds")}
        folder = self.session_path.parent
        try:
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)
            # 0600 from creation; replaces an earlier session, never a link or device.
            files.write_bytes(self.session_path, json.dumps(session).encode(), force=True)
        except OSError as exc:
            raise StoreError(f"cannot keep the unlock session in {folder}: {exc.strerror}") from exc
        except files.FileWriteError as exc:
            raise StoreError(f"cannot keep the unlock session: {exc.message('en')}") from exc

    def _audit(
        self, action: str, officer: str | None, detail: dict[str, Any] | None = None
    ) -> None:
        with self._database.write() as db:
            audit.append(db, device_id=self._device_id, officer_code=officer, action=action,
                         detail=detail)  # fmt: skip


def _rewrite(db: Transaction, old: FieldCipher | None, new: FieldCipher | None) -> dict[str, int]:
    """Re-store every personal value (records, history, batch bodies, form drafts, the
    digest key ring) opened with ``old`` and sealed with ``new`` (None: plaintext). One
    transaction. Enabling also re-makes every NIK digest with the local key, whose ring is
    then sealed."""

    def plain(value: Any, where: str) -> str | None:
        if value is None:
            return None
        text = str(value)
        if is_sealed(text):
            if old is None:
                raise StoreLocked()
            text = old.open(text, where)
        return text

    def convert(value: Any, where: str) -> str | None:
        text = plain(value, where)
        return new.seal(text, where) if new is not None and text is not None else text

    counts = {"registrations": 0, "leads": 0, "history": 0, "batch_bodies": 0}
    for table, columns in PERSONAL.items():
        found = db.execute(
            f"SELECT uuid, {', '.join(columns)} FROM {table} WHERE purged_at IS NULL"
        ).fetchall()
        for uuid, *values in found:
            where = {c: context(table, c, uuid) for c in columns}
            opened = {c: plain(v, where[c]) for c, v in zip(columns, values, strict=True)}
            changes: dict[str, Any] = {
                c: (new.seal(v, where[c]) if new is not None and v is not None else v)
                for c, v in opened.items()
            }
            if table == "registrations" and new is not None and opened["nik"]:
                digest, key_id = nik_keys.digest_with(db, new, opened["nik"])
                changes |= {"nik_digest": digest, "nik_key_id": key_id}
            sets = ", ".join(f"{c} = ?" for c in changes)
            db.execute(f"UPDATE {table} SET {sets} WHERE uuid = ?", [*changes.values(), uuid])
            counts[table] += 1
    for entity, uuid, version, data in db.execute(
        "SELECT entity, uuid, version, data FROM record_history"
    ).fetchall():
        row, table = json.loads(data), ENTITY_TABLES[entity]
        for column in PERSONAL[table]:
            if column in row:
                row[column] = convert(row[column], context(table, column, uuid))
        db.execute(
            "UPDATE record_history SET data = ? WHERE entity = ? AND uuid = ? AND version = ?",
            [as_json(row), entity, uuid, version],
        )
        counts["history"] += 1
    for batch_id, body in db.execute(
        "SELECT batch_id, body FROM sync_batches WHERE body IS NOT NULL"
    ).fetchall():
        db.execute(
            "UPDATE sync_batches SET body = ? WHERE batch_id = ?",
            [convert(body, f"sync_batches.body:{batch_id}"), batch_id],
        )
        counts["batch_bodies"] += 1
    counts["drafts"] = drafts.rewrite_all(db, old, new)
    nik_keys.save_ring(db, new, nik_keys.ring(db, new if new is not None else old))
    name_index.compact(db)  # sealed names leave the search index (0011), old segments too
    return counts
