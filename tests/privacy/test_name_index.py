"""The name search index (migration 0011) holds only what the tables hold in clear: a
purge and `encrypt enable` take the names out of it, old FTS5 segments included, so
neither the index nor the file's bytes keep a trigram of a purged or sealed name."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

from outreach_tui.store import Store
from tests.conftest import OFFICER
from tests.privacy.conftest import file_bytes

PASS = "kopi susu gula aren"
NAME = "Zyqxo Vwjkm"
BUSINESS = "Toko 8189 Jaya"
# Trigrams of BUSINESS that begin with a character no other indexed text here begins a
# trigram with (receipt numbers are base32: A-Z, 2-7), so FTS5's prefix compression of
# adjacent terms stores each of them whole in the index's leaf pages.
TRIGRAMS = (b"189", b"818", b"9 j")


def index_bytes(path: Path) -> bytes:
    conn = sqlite3.connect(path)
    try:
        blocks = conn.execute("SELECT block FROM registration_names_data").fetchall()
    finally:
        conn.close()
    return b"".join(bytes(b) for (b,) in blocks if b is not None)


def owner(register: Callable, name: str) -> dict[str, str]:
    saved = register(full_name=name, business_name=BUSINESS)
    return {"uuid": saved.owner.uuid, "reference": saved.owner.reference_no}


def trigrams_in(blob: bytes) -> list[bytes]:
    return [t for t in TRIGRAMS if t in blob]


def terms_in_file(path: Path) -> list[bytes]:
    """The trigrams as FTS5 leaf terms (prefix length 1, suffix length 3, the bytes) in
    the file and its WAL: bare digits also occur in digests and sealed values."""
    blob = file_bytes(path)
    return [t for t in TRIGRAMS if b"\x01\x03" + t in blob]


def test_purge_removes_the_name_from_the_index_and_the_file(
    store: Store, person: Callable, register: Callable, acknowledge: Callable
) -> None:
    gone = owner(register, NAME)
    acknowledge(days_ago=8)
    kept = person("Kartika Ayu Pending")
    assert trigrams_in(index_bytes(store.path)) == list(TRIGRAMS)  # the test can fail
    assert terms_in_file(store.path) == list(TRIGRAMS)
    assert store.queries.page("registrations", search="qxo vw").total == 1
    assert store.queries.page("registrations", search="8189").total == 0  # digits: NIK/phone
    assert store.queries.page("registrations", search="o 8189 j").total == 1

    report = store.purge(older_than_days=7, officer_code=OFFICER)

    assert report.registrations == 1 and report.compacted
    assert trigrams_in(index_bytes(store.path)) == []
    assert terms_in_file(store.path) == []
    assert store.queries.page("registrations", search="qxo vw").total == 0
    # The purged row is still listed by its receipt number; the waiting one by name.
    found = store.queries.page("registrations", search=gone["reference"]).rows
    assert [r["uuid"] for r in found] == [gone["uuid"]] and found[0]["full_name"] == "—"
    assert [r["uuid"] for r in store.queries.page("registrations", search="kartika").rows] == [
        kept["uuid"]
    ]


def test_encryption_takes_names_out_of_the_index_and_disable_puts_them_back(
    store: Store, register: Callable
) -> None:
    saved = owner(register, NAME)
    assert trigrams_in(index_bytes(store.path)) == list(TRIGRAMS)

    store.crypto.enable(PASS)

    assert store.crypto.last_compaction is not None and store.crypto.last_compaction.done
    assert trigrams_in(index_bytes(store.path)) == []
    assert terms_in_file(store.path) == []
    # Documented (docs/PRIVACY.md): with encryption on, names are not searchable; the
    # receipt number (not personal) still is.
    assert store.queries.page("registrations", search="zyqxo").total == 0
    by_reference = store.queries.page("registrations", search=saved["reference"]).rows
    assert [r["full_name"] for r in by_reference] == [NAME]  # opened with the key

    store.crypto.disable(PASS)

    assert [r["uuid"] for r in store.queries.page("registrations", search="zyqxo").rows] == [
        saved["uuid"]
    ]
