"""Proof of origin, shared by laptop and hub (docs/SYNC_PROTOCOL.md, "Trust").

Ed25519 (``cryptography``) everywhere: a laptop signs its bundles and its registration
with its device key; the hub signs every batch receipt with its own key. Each signed
message starts with a context line, so a signature made for one purpose never verifies
for another. Keys travel as base64 of their 32 raw bytes. ``cryptography`` is imported
only when a key is used (the CLI starts without it).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import secrets
from typing import Any

from outreach_tui.domain import wire

ALGORITHM = "ed25519"
KEY_BYTES = 32
BUNDLE_CONTEXT = b"outreach-bundle-v1\n"
RECEIPT_CONTEXT = b"outreach-receipt-v1\n"
REGISTER_CONTEXT = b"outreach-register-v1\n"
_NOT_SIGNED = ("kind", "protocol", "signature")
_RECORD_FIELDS = ("entity", "uuid", "version", "base_version", "content_hash", "data")
_OFFICER_FIELDS = ("code", "name", "branch_code")


def new_private_key() -> bytes:
    """32 random bytes: an Ed25519 private key (its seed)."""
    return secrets.token_bytes(KEY_BYTES)


def encode_key(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


def decode_key(text: object) -> bytes | None:
    """The 32 raw bytes of a base64 key, or None when ``text`` is not one."""
    if not isinstance(text, str) or len(text) != 44:
        return None
    try:
        raw = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        return None
    return raw if len(raw) == KEY_BYTES else None


def public_key(private_raw: bytes) -> str:
    """The base64 public key of a private key."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    key = Ed25519PrivateKey.from_private_bytes(private_raw).public_key()
    return encode_key(key.public_bytes(Encoding.Raw, PublicFormat.Raw))


def sign(private_raw: bytes, message: bytes) -> str:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    signature = Ed25519PrivateKey.from_private_bytes(private_raw).sign(message)
    return base64.b64encode(signature).decode()


def verify(public_b64: object, message: bytes, signature_b64: object) -> bool:
    """True only for a well-formed key and a signature of ``message`` by it."""
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    raw = decode_key(public_b64)
    if raw is None or not isinstance(signature_b64, str) or len(signature_b64) > 200:
        return False
    try:
        signature = base64.b64decode(signature_b64, validate=True)
        Ed25519PublicKey.from_public_bytes(raw).verify(signature, message)
    except (InvalidSignature, binascii.Error, ValueError):
        return False
    return True


def batch_digest(body: dict[str, Any]) -> str:
    """sha256 hex of a batch or bundle body's canonical JSON, without its kind, protocol
    and signature and with the optional fields filled in: the digest the hub computes of
    the parsed body (``hub.batches.batch_digest``), so both ends sign and check one value."""
    fields = {k: v for k, v in body.items() if k not in _NOT_SIGNED}
    fields["records"] = [_filled(r, _RECORD_FIELDS) for r in fields.get("records") or []]
    fields["events"] = [_filled(e, wire.EVENT_FIELDS) for e in fields.get("events") or []]
    officer = fields.get("officer")
    fields["officer"] = _filled(officer, _OFFICER_FIELDS) if officer is not None else None
    return hashlib.sha256(wire.canonical_json(fields)).hexdigest()


def _filled(item: dict[str, Any], names: tuple[str, ...]) -> dict[str, Any]:
    """``item`` with every field of its kind (absent ones None), as the hub reads it."""
    return {**dict.fromkeys(names), **item}


def bundle_message(digest: str) -> bytes:
    return BUNDLE_CONTEXT + digest.encode()


def receipt_message(receipt: dict[str, Any]) -> bytes:
    """What the hub signs of a receipt: all of it but the signature itself and ``replayed``
    (a replay is the stored receipt, so it carries the same signature)."""
    return RECEIPT_CONTEXT + wire.canonical_json(
        {k: v for k, v in receipt.items() if k not in ("signature", "replayed")}
    )


def register_message(hub_id: str, laptop_id: str, public_b64: str) -> bytes:
    """A laptop's proof that it holds the private key of ``public_b64`` (for this hub)."""
    return REGISTER_CONTEXT + f"{hub_id}\n{laptop_id}\n{public_b64}".encode()


def signed_bundle(bundle: dict[str, Any], private_raw: bytes) -> dict[str, Any]:
    """``bundle`` with its proof of origin: the device key's signature of its batch digest,
    which ``outreach hub import`` checks against the laptop's bound key."""
    unsigned = {k: v for k, v in bundle.items() if k != "signature"}
    message = bundle_message(batch_digest(unsigned))
    return {
        **unsigned,
        "signature": {
            "alg": ALGORITHM,
            "public_key": public_key(private_raw),
            "value": sign(private_raw, message),
        },
    }
