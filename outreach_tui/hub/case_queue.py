"""Keep ``duplicate_cases`` (schema v15) equal to what the records say, group by group.

Whatever changes a group — a new registration or version (its NIK, name, birth date,
phone or void may change), a withdrawal, a review — calls ``refresh`` in its own
transaction with the digests it touched, old and new; their rows are computed again by the
migration's own SELECT, narrowed to those digests (index look-ups on ``records_nik`` and
``records_person``), so the table never drifts from a from-scratch build.

On PostgreSQL two batches may touch one digest at once, each seeing only its own new
record: one advisory lock per digest, taken in one order, makes the second wait and then
count the first's (each statement of a READ COMMITTED transaction sees what committed
before it began). Taken after the rollups and before the feed counter, like every lock
ingest takes in one order.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field

from outreach_tui.hub.storage import Tx
from outreach_tui.hub.storage.schema import (
    DUPLICATE_CASE_COLUMNS,
    DUPLICATE_KEYS,
    duplicate_cases_select,
)

CHUNK = 500  # digests per IN (...) list
LOCK_CLASS = 15  # advisory locks (class, digest hash): this schema version's table


@dataclass
class Touched:
    """The digests a transaction changed the groups of, per kind."""

    digests: dict[str, set[str]] = field(default_factory=lambda: {k: set() for k in DUPLICATE_KEYS})

    def add(self, nik_digest: str | None, person_digest: str | None) -> None:
        if nik_digest:
            self.digests["nik"].add(nik_digest)
        if person_digest:
            self.digests["person"].add(person_digest)

    def add_records(self, tx: Tx, uuids: Iterable[str]) -> None:
        """The groups of the stored records ``uuids``."""
        wanted = sorted(set(uuids))
        for start in range(0, len(wanted), CHUNK):
            chunk = wanted[start : start + CHUNK]
            marks = ", ".join("?" * len(chunk))
            for row in tx.all(
                f"SELECT nik_digest, person_digest FROM records WHERE uuid IN ({marks})", chunk
            ):
                self.add(row["nik_digest"], row["person_digest"])


def refresh(tx: Tx, touched: Touched) -> None:
    """Compute the touched groups' rows again (a group no longer a case loses its row)."""
    lock(tx, touched)
    for kind, digests in touched.digests.items():
        column = DUPLICATE_KEYS[kind][0]
        ordered = sorted(digests)
        for start in range(0, len(ordered), CHUNK):
            chunk = ordered[start : start + CHUNK]
            marks = ", ".join("?" * len(chunk))
            tx.execute(f"DELETE FROM duplicate_cases WHERE kind = ? AND digest IN ({marks})",
                       (kind, *chunk))  # fmt: skip
            tx.execute(
                f"INSERT INTO duplicate_cases ({DUPLICATE_CASE_COLUMNS}) "
                + duplicate_cases_select(kind, f" AND r.{column} IN ({marks})"),
                chunk,
            )


def lock(tx: Tx, touched: Touched) -> None:
    """Wait for any other transaction changing these groups (PostgreSQL; SQLite has one
    writer). Held until commit; taking them again in the same transaction is free."""
    if tx.dialect != "postgres":
        return
    keys = [f"{kind}:{d}" for kind, ds in touched.digests.items() for d in ds]
    # The two-key form (its own key space: never the migration lock's one key), and 32
    # bits of a hash (two digests sharing one only wait for each other, rarely).
    ids = sorted({int.from_bytes(hashlib.blake2b(k.encode(), digest_size=4).digest(), "big",
                                 signed=True) for k in keys})  # fmt: skip
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        rows = ", ".join("(?)" for _ in chunk)
        # In one order (ascending) in every transaction, so two never wait on each other.
        tx.one(
            f"SELECT COUNT(pg_advisory_xact_lock({LOCK_CLASS}, CAST(k AS integer))) AS n "
            f"FROM (SELECT k FROM (VALUES {rows}) AS t(k) ORDER BY k) s",
            chunk,
        )
