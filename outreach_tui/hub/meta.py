"""The hub's identity and its NIK key, made once when a database is first opened.

``hub_id`` lets a laptop refuse a wrong server; the NIK key turns NIKs into
HMAC-SHA256 digests for the downlink, so no raw NIK ever leaves the hub.
"""

from __future__ import annotations

import base64
import hmac
import secrets
from dataclasses import dataclass

from outreach_tui.domain.ids import new_uuid
from outreach_tui.hub.storage import Storage, Tx


@dataclass(frozen=True)
class HubInfo:
    hub_id: str
    nik_key_id: str
    nik_key: bytes

    def nik_digest(self, nik: str) -> str:
        return hmac.digest(self.nik_key, nik.encode(), "sha256").hex()  # one-shot, in C

    @property
    def nik_key_b64(self) -> str:
        return base64.b64encode(self.nik_key).decode()


def load_hub_info(storage: Storage) -> HubInfo:
    """Read the identity, creating it on first use (two processes agree: first insert wins)."""

    def init(tx: Tx) -> HubInfo:
        fresh = {
            "hub_id": new_uuid(),
            "nik_key_id": "k1",
            "nik_key": base64.b64encode(secrets.token_bytes(32)).decode(),
        }
        for key, value in fresh.items():
            tx.execute(
                "INSERT INTO hub_meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING",
                (key, value),
            )
        stored = {row["key"]: row["value"] for row in tx.all("SELECT key, value FROM hub_meta")}
        return HubInfo(
            hub_id=stored["hub_id"],
            nik_key_id=stored["nik_key_id"],
            nik_key=base64.b64decode(stored["nik_key"]),
        )

    with storage.read() as tx:
        stored = {row["key"]: row["value"] for row in tx.all("SELECT key, value FROM hub_meta")}
    if {"hub_id", "nik_key_id", "nik_key"} <= set(stored):
        return HubInfo(stored["hub_id"], stored["nik_key_id"], base64.b64decode(stored["nik_key"]))
    return storage.write(init)
