"""Forms in progress, kept in the officer's file as they type (migration 0008).

A draft is the JSON of one form's field values: the owner's registration form, the
workers' rows of one owner, or the lead form. One row per form kind and officer (the
booth has one officer at a time). Drafts hold personal data (NIKs, names, phones):

- with encryption on, the JSON is sealed as one value with the field cipher
  (crypto.FieldCipher, associated data ``form_drafts.data:<kind>:<officer>``), exactly
  like every personal field; ``encrypt enable``/``disable`` re-store them too;
- they are local only: nothing in sync, bundles or exports reads this table;
- the save of the record deletes its draft in the same transaction (``discard_in``),
  ctrl+n deletes it, and the purge removes drafts untouched for longer than the
  retention (``purge_stale``).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from outreach_tui.store.crypto import CryptoError, context, open_text, seal_text, write_cipher
from outreach_tui.store.database import Database, utc_now

if TYPE_CHECKING:
    from outreach_tui.store.database import Transaction

TABLE = "form_drafts"
KINDS = ("registration", "workers", "lead")


@dataclass(frozen=True)
class DraftKey:
    kind: str
    officer_code: str  # "" before any officer has started the day

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown draft kind: {self.kind!r}")

    @property
    def where(self) -> str:
        """The sealed value's associated data: a draft copied to another key does not open."""
        return context(TABLE, "data", f"{self.kind}:{self.officer_code}")


@dataclass(frozen=True)
class Draft:
    key: DraftKey
    values: dict[str, Any]
    updated_at: str  # UTC, ISO 8601


def discard_in(db: Transaction, keys: Iterable[DraftKey]) -> int:
    """Inside the caller's write transaction (a record's save): delete these drafts."""
    removed = 0
    for key in set(keys):
        removed += db.execute(
            "DELETE FROM form_drafts WHERE kind = ? AND officer_code = ?",
            [key.kind, key.officer_code],
        ).rowcount
    return removed


def purge_stale(db: Transaction, cutoff: str) -> int:
    """Delete drafts last changed before ``cutoff`` (UTC ISO): abandoned forms."""
    return db.execute("DELETE FROM form_drafts WHERE updated_at < ?", [cutoff]).rowcount


def count_stale(db: Transaction, cutoff: str) -> int:
    return int(
        db.execute("SELECT count(*) FROM form_drafts WHERE updated_at < ?", [cutoff]).fetchone()[0]
    )


class DraftStore:
    """Write, read and delete drafts (any thread: the writer is behind the store's lock)."""

    def __init__(self, database: Database) -> None:
        self._database = database

    def put(
        self,
        key: DraftKey,
        values: dict[str, Any],
        *,
        replaces: Iterable[DraftKey] = (),
        claim: Callable[[], bool] | None = None,
    ) -> bool:
        """Store ``values`` as the draft at ``key`` (and delete ``replaces``, the keys an
        earlier write of the same form used). ``claim`` runs inside the transaction, under
        the writer's lock: when it returns False nothing is written (a newer write or the
        record's save came first). Returns whether it wrote."""
        text = json.dumps(values, ensure_ascii=False, sort_keys=True)
        with self._database.write() as db:
            if claim is not None and not claim():
                return False
            cipher = write_cipher(db, self._database)  # StoreLocked: encrypted and locked
            discard_in(db, [k for k in replaces if k != key])
            db.execute(
                "INSERT INTO form_drafts (kind, officer_code, data, updated_at)"
                " VALUES (?, ?, ?, ?) ON CONFLICT (kind, officer_code)"
                " DO UPDATE SET data = excluded.data, updated_at = excluded.updated_at",
                [key.kind, key.officer_code, seal_text(cipher, text, key.where), utc_now()],
            )
        return True

    def discard(self, keys: Iterable[DraftKey], *, claim: Callable[[], bool] | None = None) -> int:
        """Delete these drafts (ctrl+n, a form left on purpose); ``claim`` as in ``put``."""
        keys = list(keys)
        with self._database.write() as db:
            if claim is not None and not claim():
                return 0
            return discard_in(db, keys)

    def get(self, key: DraftKey) -> Draft | None:
        """The draft at ``key``, opened (``StoreLocked`` when sealed and locked); None when
        there is none or it does not read as a draft (then it is only ignored)."""
        with self._database.read() as db:
            row = db.execute(
                "SELECT data, updated_at FROM form_drafts WHERE kind = ? AND officer_code = ?",
                [key.kind, key.officer_code],
            ).fetchone()
        if row is None:
            return None
        try:
            values = json.loads(open_text(self._database.cipher, row[0], key.where))
        except (ValueError, CryptoError):
            return None
        return Draft(key, values, row[1]) if isinstance(values, dict) else None

    def count(self) -> int:
        with self._database.read() as db:
            return int(db.execute("SELECT count(*) FROM form_drafts").fetchone()[0])


def rewrite_all(db: Transaction, old: Any, new: Any) -> int:
    """For ``encrypt enable``/``disable`` (encryption._rewrite): every draft opened with
    ``old`` (None: plaintext) and sealed with ``new`` (None: plaintext). Returns the count."""
    rows = db.execute("SELECT kind, officer_code, data FROM form_drafts").fetchall()
    for kind, officer, data in rows:
        where = DraftKey(kind, officer).where
        text = open_text(old, data, where)
        db.execute(
            "UPDATE form_drafts SET data = ? WHERE kind = ? AND officer_code = ?",
            [seal_text(new, text, where), kind, officer],
        )
    return len(rows)
