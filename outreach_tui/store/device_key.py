"""The laptop's Ed25519 device key (docs/PRIVACY.md section 3, "Device key").

Made once, on first use (``outreach login`` or ``outreach export``), and kept in the
laptop's own file (``settings['device_signing_key']``, base64 of the 32-byte private key),
beside the device id it speaks for: a backup restored onto a new laptop keeps both, and
the file is readable by its owner only (0600). Never sent anywhere: the hub gets the
public half at login, and bundles carry it with their signature.
"""

from __future__ import annotations

from outreach_tui.domain import origin
from outreach_tui.store.database import Database, StoreError
from outreach_tui.store.setup import setting

SETTING = "device_signing_key"


def signing_key(database: Database) -> bytes:
    """This laptop's private key, made now if it has none (two processes agree: the first
    write wins)."""
    with database.read() as db:
        value = setting(db, SETTING)
    if value is None:
        with database.write() as db:
            db.execute(
                "INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING",
                [SETTING, origin.encode_key(origin.new_private_key())],
            )
            value = setting(db, SETTING)
    raw = origin.decode_key(value)
    if raw is None:
        raise StoreError(f"{database.path}: the device key (settings.{SETTING}) is damaged")
    return raw
