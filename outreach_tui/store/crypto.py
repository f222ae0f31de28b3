"""Field encryption primitives: AES-256-GCM per value, keys derived with scrypt.

A sealed value is ``enc1:`` + URL-safe base64 of ``nonce (12 bytes) || ciphertext || tag``.
The associated data names the table, the column and the record's uuid, so a sealed value
copied into another row or column does not open. Plaintext values pass through ``open``
unchanged: a file holds plaintext until ``outreach encrypt enable`` rewrites it.

``cryptography`` is imported on first use only: a store without encryption never loads it.
See docs/PRIVACY.md for the key hierarchy (passphrase and recovery code each wrap the same
random data key).
"""

from __future__ import annotations

import base64
import hashlib
import os
import secrets
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from outreach_tui.store.database import Database, StoreError

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    from outreach_tui.store.database import Transaction

PREFIX = "enc1:"
MASK = "•••"  # what a locked store shows instead of a sealed value
KEY_BYTES = 32
NONCE_BYTES = 12

# The personal fields of each table (what purge removes and encryption seals).
PERSONAL = {
    "registrations": (
        "nik", "full_name", "birth_date", "birth_place", "phone", "email", "address",
        "business_name", "work_location", "guardian_name",
    ),
    "leads": ("full_name", "phone", "interest", "notes"),
}  # fmt: skip
ENTITY_TABLES = {"registration": "registrations", "lead": "leads"}

# scrypt cost for passphrases and recovery codes: 2**15 x 8 x 128 B = 32 MiB, ~0.1 s.
SCRYPT = {"n": 2**15, "r": 8, "p": 1}


class StoreLocked(StoreError):
    """Personal data is encrypted and the key is not unlocked in this process."""

    def __init__(self, message: str = "") -> None:
        super().__init__(
            message or "personal data is encrypted and locked: run 'outreach unlock' first"
        )


class CryptoError(StoreError):
    """A wrong passphrase or recovery code, or a sealed value that does not open."""


def derive_key(secret: str, salt: bytes, params: Mapping[str, int] | None = None) -> bytes:
    """A 32-byte key from a passphrase (or a normalised recovery code) with scrypt."""
    p = dict(params or SCRYPT)
    memory = 128 * p["r"] * p["n"] * 2 + (1 << 20)
    return hashlib.scrypt(
        secret.encode("utf-8"), salt=salt, n=p["n"], r=p["r"], p=p["p"], maxmem=memory,
        dklen=KEY_BYTES,
    )  # fmt: skip


def new_key() -> bytes:
    return secrets.token_bytes(KEY_BYTES)


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii")


def unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text.encode("ascii"))


def _aead(key: bytes) -> AESGCM:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    return AESGCM(key)


def wrap(kek: bytes, data_key: bytes, purpose: str) -> str:
    """``data_key`` encrypted under ``kek`` (AES-GCM; the purpose is authenticated)."""
    nonce = os.urandom(NONCE_BYTES)
    return b64(nonce + _aead(kek).encrypt(nonce, data_key, f"outreach-key:{purpose}".encode()))


def unwrap(kek: bytes, wrapped: str, purpose: str) -> bytes:
    from cryptography.exceptions import InvalidTag

    raw = unb64(wrapped)
    try:
        return _aead(kek).decrypt(
            raw[:NONCE_BYTES], raw[NONCE_BYTES:], f"outreach-key:{purpose}".encode()
        )
    except InvalidTag:
        raise CryptoError(f"wrong {purpose.replace('_', ' ')}") from None


def new_recovery_code() -> str:
    """160 random bits as 8 groups of 4 base32 characters (no 0/1/8/9 to misread)."""
    text = base64.b32encode(secrets.token_bytes(20)).decode("ascii")
    return "-".join(text[i : i + 4] for i in range(0, 32, 4))


def normalise_recovery_code(code: str) -> str:
    return "".join(c for c in code.upper() if c.isalnum())


def context(table: str, column: str, uuid: str) -> str:
    return f"{table}.{column}:{uuid}"


def is_sealed(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(PREFIX)


class FieldCipher:
    """Seal and open single text values with the unlocked data key."""

    def __init__(self, key: bytes) -> None:
        if len(key) != KEY_BYTES:
            raise ValueError("the data key must be 32 bytes")
        self._aead = _aead(key)
        self.fingerprint = hashlib.sha256(b"outreach-key-id:" + key).hexdigest()[:16]

    def seal(self, value: str, where: str) -> str:
        nonce = os.urandom(NONCE_BYTES)
        sealed = self._aead.encrypt(nonce, value.encode("utf-8"), where.encode())
        return PREFIX + b64(nonce + sealed)

    def open(self, value: str, where: str) -> str:
        if not is_sealed(value):
            return value
        from cryptography.exceptions import InvalidTag

        raw = unb64(value[len(PREFIX) :])
        try:
            plain = self._aead.decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], where.encode())
        except InvalidTag:
            raise CryptoError(f"a sealed value does not open ({where.split(':')[0]})") from None
        return plain.decode("utf-8")


def seal_row(cipher: FieldCipher | None, table: str, row: dict[str, Any]) -> dict[str, Any]:
    """``row`` with its personal fields sealed (a copy); unchanged when ``cipher`` is None."""
    if cipher is None:
        return row
    out = dict(row)
    for column in PERSONAL[table]:
        value = out.get(column)
        if value is not None and not is_sealed(value):
            out[column] = cipher.seal(str(value), context(table, column, row["uuid"]))
    return out


def open_row(
    cipher: FieldCipher | None, table: str, row: dict[str, Any], *, strict: bool = False
) -> dict[str, Any]:
    """``row`` with sealed personal fields opened (a copy). Locked: ``strict`` raises
    ``StoreLocked``; otherwise the values read ``MASK`` (screens never show ciphertext)."""
    sealed = [c for c in PERSONAL[table] if is_sealed(row.get(c))]
    if not sealed:
        return row
    if cipher is not None:
        return open_fields(cipher, table, row["uuid"], row)
    if strict:
        raise StoreLocked()
    return {**row, **dict.fromkeys(sealed, MASK)}


def open_fields(
    cipher: FieldCipher, table: str, uuid: str, values: dict[str, Any]
) -> dict[str, Any]:
    """``values`` (some columns of the ``table`` row ``uuid``) with their sealed personal
    fields opened (a copy), as ``open_row`` opens a whole row."""
    out = dict(values)
    for column in PERSONAL[table]:
        if is_sealed(out.get(column)):
            out[column] = cipher.open(out[column], context(table, column, uuid))
    return out


def seal_text(cipher: FieldCipher | None, value: str, where: str) -> str:
    return value if cipher is None else cipher.seal(value, where)


def open_text(cipher: FieldCipher | None, value: str, where: str) -> str:
    """A whole sealed text (a batch body, a setting); ``StoreLocked`` without the key."""
    if not is_sealed(value):
        return value
    if cipher is None:
        raise StoreLocked()
    return cipher.open(value, where)


SETTING = "crypto"  # the key blob in ``settings``; present = encryption is on


def write_cipher(db: Transaction, database: Database) -> FieldCipher | None:
    """Inside a write transaction: the cipher new personal data must be sealed with, or
    None when encryption is off. Raises ``StoreLocked`` when it is on but locked here."""
    if db.execute("SELECT 1 FROM settings WHERE key = ?", [SETTING]).fetchone() is None:
        return None
    if database.cipher is None:
        raise StoreLocked()
    return database.cipher
