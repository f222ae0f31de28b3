"""Keys for the keyed NIK hash (``nik_digest``) this laptop keeps instead of a purged NIK.

A digest is HMAC-SHA256(key, NIK) in hex (``domain.wire.nik_digest``), stored with its key
id so a later lookup knows which key to use. The key ring lives in ``settings``
(``nik_digest_keys``: JSON ``{key_id: base64 key}``), sealed when encryption is on.

Which key makes new digests: without encryption, the hub's ``nik_key`` from the sync
downlink when the laptop has one (the same digests the branch shares), else a random
local key. With encryption on, always the local key, whose copy in the file is sealed:
a hub key is kept in clear for the downlink, and a NIK has few enough possible values
that a digest under a key in clear could be reversed by trying them all.
"""

from __future__ import annotations

import base64
import json
import secrets
from typing import TYPE_CHECKING

from outreach_tui.domain.wire import nik_digest
from outreach_tui.store.crypto import FieldCipher, StoreLocked, is_sealed, open_text, seal_text
from outreach_tui.store.setup import put_setting, setting

if TYPE_CHECKING:
    from outreach_tui.store.database import Transaction

RING = "nik_digest_keys"
_WHERE = "settings.nik_digest_keys"


def ring(db: Transaction, cipher: FieldCipher | None) -> dict[str, bytes]:
    """Every digest key this laptop has used (``StoreLocked`` if sealed and locked)."""
    text = setting(db, RING)
    if text is None:
        return {}
    return {k: base64.b64decode(v) for k, v in json.loads(open_text(cipher, text, _WHERE)).items()}


def readable_ring(db: Transaction, cipher: FieldCipher | None) -> dict[str, bytes]:
    """``ring`` without raising: a sealed ring on a locked store reads as empty."""
    try:
        return ring(db, cipher)
    except StoreLocked:
        return {}


def save_ring(db: Transaction, cipher: FieldCipher | None, keys: dict[str, bytes]) -> None:
    text = json.dumps({k: base64.b64encode(v).decode() for k, v in sorted(keys.items())})
    put_setting(db, RING, seal_text(cipher, text, _WHERE))


def active_key(db: Transaction, cipher: FieldCipher | None) -> tuple[str, bytes]:
    """(key id, key) for new digests, created and remembered on first use (inside the
    caller's write transaction). ``cipher`` is None exactly when encryption is off."""
    keys = ring(db, cipher)
    if cipher is None:
        hub_id, hub_key = setting(db, "nik_key_id"), setting(db, "nik_key")
        if hub_id and hub_key and not is_sealed(hub_key):
            try:
                key = base64.b64decode(hub_key, validate=True)
            except ValueError:
                key = b""
            if key:
                if keys.get(hub_id) != key:
                    keys[hub_id] = key
                    save_ring(db, cipher, keys)
                return hub_id, key
    local = sorted(k for k in keys if k.startswith("local-"))
    if local:
        return local[-1], keys[local[-1]]
    key_id = f"local-{secrets.token_hex(4)}"
    keys[key_id] = secrets.token_bytes(32)
    save_ring(db, cipher, keys)
    return key_id, keys[key_id]


def digest_with(db: Transaction, cipher: FieldCipher | None, nik: str) -> tuple[str, str]:
    """(digest, key id) of ``nik`` under the active key."""
    key_id, key = active_key(db, cipher)
    return nik_digest(key, nik), key_id


def candidates(db: Transaction, cipher: FieldCipher | None, nik: str) -> list[str]:
    """The digests ``nik`` has under every key in the ring (for lookups)."""
    return [nik_digest(key, nik) for key in readable_ring(db, cipher).values()]
