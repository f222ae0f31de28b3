"""Outgoing batches (docs/SYNC_PROTOCOL.md section 3): written before anything is sent.

A batch is written (``sync_batches``, status ``open``, with its exact body) and its records
marked ``uploading`` in one transaction before anything is sent. A run killed before the
receipt leaves an open batch that the next run re-sends with the same ``batch_id`` and the
same bytes, so a success the client never heard comes back as a replayed receipt. The
stored copy of a body is sealed when encryption is on, so the file never keeps a plaintext
copy of what was sent. Nothing here deletes a record.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

from outreach_tui.domain.ids import new_uuid
from outreach_tui.store import audit
from outreach_tui.store.crypto import FieldCipher, open_text, seal_text, write_cipher
from outreach_tui.store.database import Database, utc_now
from outreach_tui.store.outbox import records
from outreach_tui.store.outbox.states import TABLES

if TYPE_CHECKING:
    from outreach_tui.store.database import Transaction


@dataclass(frozen=True)
class OutgoingBatch:
    batch_id: str
    body: dict[str, Any]  # the JSON body to POST
    resent: bool = False  # an open batch left by an earlier (killed) run
    encoded: bytes | None = field(default=None, compare=False)  # its exact bytes, as stored
    # The text in sync_batches.body (sealed when encryption is on), for the ack.
    stored: str | None = field(default=None, compare=False, repr=False)

    @cached_property
    def uuids(self) -> set[str]:
        # Asked for each batch written while this one travels: built once.
        return {r["uuid"] for r in self.body["records"]}

    @property
    def records(self) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = self.body["records"]
        return found

    @property
    def size(self) -> int:
        return len(self.body["records"])


# -- the stored body -------------------------------------------------------------------------


def _where(batch_id: str) -> str:
    return f"sync_batches.body:{batch_id}"


def seal_body(cipher: FieldCipher | None, batch_id: str, text: str) -> str:
    """The text stored in ``sync_batches.body`` (sealed when encryption is on)."""
    return seal_text(cipher, text, _where(batch_id))


def body_text(cipher: FieldCipher | None, batch_id: str, stored: str) -> str:
    """A stored body's JSON text (``StoreLocked`` when it is sealed and the store is locked)."""
    return open_text(cipher, stored, _where(batch_id))


def load_body(cipher: FieldCipher | None, batch_id: str, text: str | None) -> dict[str, Any]:
    """A stored body (``StoreLocked`` when it is sealed and the store is locked)."""
    if not text:
        return {"records": []}
    body: dict[str, Any] = json.loads(body_text(cipher, batch_id, text))
    return body


def stored_body(db: Transaction, batch_id: str, *, open_only: bool = False) -> str | None:
    """The batch's body as stored (None: no such batch, no body, or not open)."""
    row = db.execute(
        "SELECT body FROM sync_batches WHERE batch_id = ?"
        + (" AND status = 'open'" if open_only else ""),
        [batch_id],
    ).fetchone()
    text: str | None = row[0] if row else None
    return text


# -- writing, re-sending and giving up ---------------------------------------------------------


def open_batches(database: Database) -> list[OutgoingBatch]:
    """Batches written but never acknowledged, oldest first: re-send these first."""
    with database.read() as db:
        rows = db.execute(
            "SELECT batch_id, body FROM sync_batches WHERE status = 'open'"
            " ORDER BY created_at, rowid"
        ).fetchall()
    batches = []
    for batch_id, stored in rows:
        if stored:
            text = body_text(database.cipher, batch_id, stored)
            batches.append(
                OutgoingBatch(
                    batch_id, json.loads(text), resent=True, encoded=text.encode(),
                    stored=stored,
                )
            )  # fmt: skip
    return batches


def write_next(
    database: Database, device_id: str, limit: int, *, hub_id: str, exclude: Collection[str]
) -> OutgoingBatch | None:
    """Write the next batch (status open) and mark its records uploading, atomically."""
    with database.write() as db:
        cipher = write_cipher(db, database)
        picked = records.pick(db, limit, ("pending",), cipher, exclude=exclude)
        if not picked:
            return None
        body, text = records.body_and_text(db, device_id, new_uuid(), picked)
        stored = seal_body(cipher, body["batch_id"], text)
        db.execute(
            "INSERT INTO sync_batches (batch_id, hub_id, seq_from, seq_to, record_count,"
            " status, created_at, body) VALUES (?, ?, ?, ?, ?, 'open', ?, ?)",
            [body["batch_id"], hub_id, body["seq_from"], body["seq_to"], len(picked),
             utc_now(), stored],
        )  # fmt: skip
        for entity, table in TABLES.items():
            rowids = [row["_rowid"] for kind, row in picked if kind == entity]
            records.set_state(db, table, "uploading", rowids)
    return OutgoingBatch(body["batch_id"], body, encoded=text.encode(), stored=stored)


def abandon(database: Database, device_id: str, batch_id: str, *, sent: bool) -> None:
    """An open batch given up (the hub refused it whole, or it was never sent): its
    records back to pending, the batch marked failed, audited."""
    with database.write() as db:
        text = stored_body(db, batch_id, open_only=True)
        if not text:
            return
        body = load_body(database.cipher, batch_id, text)
        release(db, body["records"])
        db.execute("UPDATE sync_batches SET status = 'failed' WHERE batch_id = ?", [batch_id])
        detail: dict[str, Any] = {"batch_id": batch_id, "records": len(body["records"])}
        if not sent:
            detail["sent"] = False
        audit.append(db, device_id=device_id, action="sync.batch_failed", detail=detail)


def recover(database: Database) -> int:
    """Records marked uploading that no open batch holds (a damaged run) -> pending."""
    with database.write() as db:
        held: set[str] = set()
        for batch_id, text in db.execute(
            "SELECT batch_id, body FROM sync_batches WHERE status = 'open'"
        ).fetchall():
            body = load_body(database.cipher, batch_id, text)
            held.update(r["uuid"] for r in body["records"])
        fixed = 0
        for table in TABLES.values():
            stray = [
                (uuid,)
                for (uuid,) in db.execute(
                    f"SELECT uuid FROM {table} WHERE sync_state = 'uploading'"
                ).fetchall()
                if uuid not in held
            ]
            db.executemany(f"UPDATE {table} SET sync_state = 'pending' WHERE uuid = ?", stray)
            fixed += len(stray)
    return fixed


def release(db: Transaction, sent: Iterable[dict[str, Any]]) -> int:
    """Sent records still at the sent version and uploading -> pending again."""
    released = 0
    listed = list(sent)
    for entity, table in TABLES.items():
        rows = [(r["uuid"], r["version"]) for r in listed if r["entity"] == entity]
        if rows:
            released += db.executemany(
                f"UPDATE {table} SET sync_state = 'pending'"
                " WHERE uuid = ? AND version = ? AND sync_state = 'uploading'",
                rows,
            ).rowcount
    return released
