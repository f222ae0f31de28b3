"""Which enrolled device and which key may speak for a laptop id (SYNC_PROTOCOL.md, "Trust").

A laptop id (the ``device_id`` of its batches) is bound, in ``laptops``, to at most one
enrolled device (its token) and to the laptop's Ed25519 public key:

- ``register`` (``POST /api/v1/laptops`` at ``outreach login``): the token's device
  claims a free id with a key it proves to hold; an id known only from bundles is taken
  by the device that proves the same key;
- the first push of an enrolled device that has no binding, to an id nobody holds (the
  upgrade path for laptops logged in before keys existed): bound without a key;
- ``import``: a signed bundle binds a free id to its key;
- ``rebind`` (``outreach hub rebind``): a supervisor moves an id to another device.

Nothing else changes a binding: a second token, of the same officer or another, is
refused with 403 and nothing is written. Every change is audited.
"""

from __future__ import annotations

from typing import Any

from outreach_tui.domain import origin
from outreach_tui.hub import audit
from outreach_tui.hub.auth import Device, clean_device_name
from outreach_tui.hub.errors import HubError
from outreach_tui.hub.meta import HubInfo
from outreach_tui.hub.storage import Row, Storage, Tx, utc_now

_COLUMNS = "laptop_id, device_id, public_key, bound_at, bound_by"


def _held(tx: Tx, laptop: str) -> Row | None:
    return tx.one(f"SELECT {_COLUMNS} FROM laptops WHERE laptop_id = ?", (laptop,))


def _of_device(tx: Tx, device_id: str) -> Row | None:
    return tx.one(f"SELECT {_COLUMNS} FROM laptops WHERE device_id = ?", (device_id,))


def _bind(tx: Tx, laptop: str, device: str | None, key: str | None, how: str) -> None:
    added = tx.execute(
        "INSERT INTO laptops (laptop_id, device_id, public_key, bound_at, bound_by) "
        "VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
        (laptop, device, key, utc_now(), how),
    )
    if added != 1:
        # A concurrent claim committed first (PostgreSQL; read committed, so it is seen
        # now): the same binding is fine — say, two batches of one pipeline — any other
        # is refused.
        row = _held(tx, laptop)
        if row is not None and (row["device_id"], row["public_key"]) == (device, key):
            return
        if row is not None and device is not None and row["device_id"] == device:
            return
        raise HubError("batch.device_not_yours", 403, field="device_id")
    if device is not None:
        tx.execute("UPDATE devices SET client_device_id = ? WHERE id = ?", (laptop, device))
    audit.append(tx, "laptop.bind", actor=device, laptop=laptop, how=how, key=key)


# -- the API path ------------------------------------------------------------------------


def check_push(tx: Tx, device: Device, laptop: str, *, claim: bool) -> None:
    """A batch from ``device`` under ``laptop``: refused (403) unless the id is this
    token's, or free and ``claim`` binds it (the first push of an upgraded laptop)."""
    mine = _of_device(tx, device.id)
    if mine is not None:
        if mine["laptop_id"] != laptop:
            raise HubError("batch.device_mismatch", 403, field="device_id")
        return
    held = _held(tx, laptop)
    if held is not None:
        # Read committed: a batch of the same pipeline may have bound this id to this
        # device between the two reads above; that binding is ours.
        if held["device_id"] == device.id:
            return
        raise HubError("batch.device_not_yours", 403, field="device_id")
    if claim:
        _bind(tx, laptop, device.id, None, "first_push")


def register(
    storage: Storage, hub: HubInfo, device: Device, laptop: str, key: str, signature: str
) -> dict[str, Any]:
    """Bind ``laptop`` to ``device`` and ``key`` (``outreach login``); idempotent."""
    if origin.decode_key(key) is None:
        raise HubError("laptop.bad_key", 422, field="public_key")
    if not origin.verify(key, origin.register_message(hub.hub_id, laptop, key), signature):
        raise HubError("laptop.bad_proof", 403, field="signature")

    def work(tx: Tx) -> dict[str, Any]:
        mine = _of_device(tx, device.id)
        if mine is not None and mine["laptop_id"] != laptop:
            raise HubError("laptop.token_bound", 403, field="laptop_id", laptop=mine["laptop_id"])
        held = _held(tx, laptop)
        if held is None:
            _bind(tx, laptop, device.id, key, "register")
        elif held["device_id"] == device.id:
            if held["public_key"] is None:  # bound before keys: the laptop logs in again
                tx.execute("UPDATE laptops SET public_key = ? WHERE laptop_id = ?", (key, laptop))
                audit.append(tx, "laptop.key", actor=device.id, laptop=laptop, key=key)
            elif held["public_key"] != key:
                raise HubError("laptop.key_mismatch", 403, field="public_key", laptop=laptop)
        elif held["device_id"] is None and held["public_key"] == key:
            # Known from its signed bundles; the same key proves the same laptop.
            tx.execute("UPDATE laptops SET device_id = ? WHERE laptop_id = ?", (device.id, laptop))
            tx.execute("UPDATE devices SET client_device_id = ? WHERE id = ?", (laptop, device.id))
            audit.append(tx, "laptop.bind", actor=device.id, laptop=laptop, how="register_key")
        else:
            raise HubError("laptop.bound_elsewhere", 403, field="laptop_id", laptop=laptop)
        row = _held(tx, laptop)
        assert row is not None
        return {**row, "hub_id": hub.hub_id}

    return storage.write(work)


# -- the import path ---------------------------------------------------------------------


def check_import(tx: Tx, laptop: str, key: str, *, claim: bool) -> None:
    """A bundle signed by ``key`` for ``laptop``: refused unless that key is the laptop's
    (or the id is free and ``claim`` binds it), and its device is not revoked."""
    held = _held(tx, laptop)
    if held is None:
        if claim:
            _bind(tx, laptop, None, key, "import")
        return
    if held["public_key"] is None:
        if held["device_id"] is not None:
            raise HubError("laptop.import_no_key", 403, laptop=laptop)
        if claim:  # an id seen before keys, held by no device: its first signed bundle
            tx.execute("UPDATE laptops SET public_key = ? WHERE laptop_id = ?", (key, laptop))
            audit.append(tx, "laptop.key", actor=None, laptop=laptop, key=key, how="import")
        return
    if held["public_key"] != key:
        raise HubError("laptop.import_key_mismatch", 403, laptop=laptop)
    if held["device_id"] is not None:
        row = tx.one("SELECT revoked_at FROM devices WHERE id = ?", (held["device_id"],))
        if row is not None and row["revoked_at"] is not None:
            raise HubError("laptop.import_revoked", 403, laptop=laptop)


# -- the supervisor ----------------------------------------------------------------------


def _find_device(tx: Tx, key: str) -> Row:
    rows = tx.all("SELECT id, name, officer_code, revoked_at FROM devices WHERE id = ?", (key,))
    if not rows:
        name = clean_device_name(key)
        rows = tx.all(
            "SELECT id, name, officer_code, revoked_at FROM devices "
            "WHERE name = ? AND revoked_at IS NULL ORDER BY created_at",
            (name,),
        )
    if not rows:
        raise HubError("hub.device_unknown", 404, field="device", device=key[:60])
    if len(rows) > 1:
        ids = ", ".join(row["id"] for row in rows)
        raise HubError("hub.device_ambiguous", 409, field="device", device=key[:60], ids=ids)
    if rows[0]["revoked_at"] is not None:
        raise HubError("laptop.rebind_revoked", 409, field="device", device=key[:60])
    return rows[0]


def rebind(storage: Storage, laptop: str, device_key: str) -> dict[str, Any]:
    """Move ``laptop`` to the enrolled device ``device_key`` (id or name), forgetting the
    old key: the laptop registers its key again at its next ``outreach login``."""
    laptop = laptop.strip()

    def work(tx: Tx) -> dict[str, Any]:
        held = _held(tx, laptop)
        if held is None:
            raise HubError("laptop.unknown", 404, field="laptop_id", laptop=laptop[:64])
        target = _find_device(tx, device_key.strip())
        other = _of_device(tx, target["id"])
        if other is not None and other["laptop_id"] != laptop:
            raise HubError(
                "laptop.rebind_device_bound", 409, field="device", device=target["name"],
                laptop=other["laptop_id"],
            )  # fmt: skip
        previous = held["device_id"]
        if previous is not None:
            tx.execute("UPDATE devices SET client_device_id = NULL WHERE id = ?", (previous,))
        tx.execute(
            "UPDATE laptops SET device_id = ?, public_key = NULL, bound_at = ?, "
            "bound_by = 'rebind' WHERE laptop_id = ?",
            (target["id"], utc_now(), laptop),
        )
        tx.execute("UPDATE devices SET client_device_id = ? WHERE id = ?", (laptop, target["id"]))
        audit.append(
            tx, "laptop.rebind", actor=None, laptop=laptop, from_device=previous,
            to_device=target["id"], previous_key=held["public_key"],
        )  # fmt: skip
        row = _held(tx, laptop)
        assert row is not None
        return {**row, "previous_device_id": previous, "device_name": target["name"]}

    return storage.write(work)


def laptops(storage: Storage) -> list[Row]:
    with storage.read() as tx:
        return tx.all(f"SELECT {_COLUMNS} FROM laptops ORDER BY bound_at, laptop_id")
