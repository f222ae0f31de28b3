"""Shared helpers for turning domain records into rows and back."""

from __future__ import annotations

import base64
import json
import uuid
from dataclasses import fields, is_dataclass
from datetime import date
from enum import Enum
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from outreach_tui.store.database import Transaction


def to_row(record: Any) -> dict[str, Any]:
    """A dataclass as a dict of SQLite-friendly values (ISO dates, joined tuples)."""
    if not is_dataclass(record):
        raise TypeError(f"expected a dataclass, got {type(record).__name__}")
    row = {}
    for f in fields(record):
        value = getattr(record, f.name)
        if isinstance(value, Enum):
            value = value.value
        elif isinstance(value, date):
            value = value.isoformat()
        elif isinstance(value, tuple):
            value = ",".join(value)
        elif isinstance(value, bool):
            value = int(value)
        row[f.name] = value
    return row


def as_json(row: dict[str, Any]) -> str:
    return json.dumps(row, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def reference_number(record_uuid: str) -> str:
    """A 12-character receipt number from the random bits of a UUIDv7.

    RFC 4648 base32 (A–Z, 2–7: no 0/1 to confuse with O/I); about 59 random bits, so
    collisions are negligible even across millions of receipts (the column is UNIQUE).
    """
    random_bits = uuid.UUID(record_uuid).int & ((1 << 60) - 1)
    text = base64.b32encode(random_bits.to_bytes(8, "big")).decode()[1:13]  # skip pad bits
    return f"{text[0:4]}-{text[4:8]}-{text[8:12]}"


def next_seqs(db: Transaction, count: int) -> range:
    """Reserve ``count`` consecutive change numbers inside the caller's transaction."""
    (last,) = db.execute(
        "UPDATE counters SET value = value + ? WHERE name = 'seq' RETURNING value", [count]
    ).fetchone()
    return range(last - count + 1, last + 1)
