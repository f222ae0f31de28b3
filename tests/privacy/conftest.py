"""Fixtures for the privacy tests (issue 8): fast key derivation, an isolated config,
records the hub has acknowledged, and a look at the raw bytes of a database file.

Key derivation is made cheap here (scrypt n=2**10) so the suite stays fast; the cost
parameters travel with each wrapped key and PIN hash, so the code paths are the same.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from outreach_tui.cli.main import app
from outreach_tui.domain.models import LeadDraft, SavedRecord, SavedRegistration
from outreach_tui.domain.validation import validate_lead
from outreach_tui.store import Store, crypto, officers_auth
from outreach_tui.store.outbox import SyncQueue
from tests.conftest import OFFICER, TODAY
from tests.sync.helpers import receipt, rows

_phones = itertools.count(1)
cli = CliRunner()


@pytest.fixture(autouse=True)
def fast_kdf(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(crypto.SCRYPT, "n", 2**10)
    monkeypatch.setattr(officers_auth, "_test_cost", {"n": 2**10, "r": 8, "p": 1})


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No real config, credentials or unlock sessions of the machine running the tests."""
    monkeypatch.setenv("OUTREACH_CONFIG", str(tmp_path / "config.toml"))
    monkeypatch.setenv("OUTREACH_TOKEN_PATH", str(tmp_path / "secret" / "credentials.toml"))
    monkeypatch.setenv("OUTREACH_RUNTIME_DIR", str(tmp_path / "run"))
    return tmp_path


def run(*args: str, db: Path | None = None, lang: str = "en", stdin: str | None = None) -> Any:
    prefix = ["--lang", lang] + (["--db", str(db)] if db else [])
    return cli.invoke(app, [*prefix, *args], input=stdin, catch_exceptions=False)


def unique_phone() -> str:
    return f"0813-{7000 + next(_phones) % 3000:04d}-{next(_phones) % 10000:04d}"


def e164(national: str) -> str:
    return "+62" + national.replace("-", "")[1:]


@pytest.fixture
def person(register: Callable[..., SavedRegistration]) -> Callable[..., dict[str, Any]]:
    """``person(name)``: register an owner with a unique NIK and phone; returns the facts
    a test looks for in the file (nik, phone as stored, name, uuid, reference)."""

    def _make(name: str, workers: int = 0) -> dict[str, Any]:
        phone = unique_phone()
        saved = register(workers=workers, full_name=name, phone=phone)
        return {"uuid": saved.owner.uuid, "reference": saved.owner.reference_no,
                "phone": e164(phone), "name": name, "saved": saved}  # fmt: skip

    return _make


@pytest.fixture
def lead(store: Store, event_id: str) -> Callable[..., SavedRecord]:
    def _save(name: str = "Andi Wijaya", phone: str | None = None, **overrides: Any) -> SavedRecord:
        fields = {
            "full_name": name,
            "phone": phone or unique_phone(),
            "consent_contact": True,
            "consent_version": "lead-2026.2",
            "notes": "minta ditelepon sore",
            **overrides,
        }
        record = validate_lead(LeadDraft(**fields), today=TODAY).record
        assert record is not None
        return store.leads.save(record, officer_code=OFFICER, event_id=event_id)  # fmt: skip

    return _save


@pytest.fixture
def acknowledge(store: Store) -> Callable[..., list[str]]:
    """``acknowledge(days_ago=8)``: sync everything pending as the hub would acknowledge
    it, then set ``synced_at`` back ``days_ago`` days (time passing, behind the app's back).
    Returns the uuids acknowledged."""

    def _ack(days_ago: float = 8, outcome: str = "accepted", **by_uuid: Any) -> list[str]:
        queue = SyncQueue(store.database, store.device_id)
        batch = queue.next_batch(10_000, hub_id="hub-test")  # one pass: all that waits
        done: list[str] = []
        if batch is not None:
            queue.apply_receipt(batch.batch_id, receipt(batch, outcome, **by_uuid))
            done = [r["uuid"] for r in batch.records]
        when = (datetime.now(UTC) - timedelta(days=days_ago)).isoformat(timespec="milliseconds")
        stamp = when.replace("+00:00", "Z")
        write(store.path, "UPDATE registrations SET synced_at = ? WHERE synced_at IS NOT NULL"
              " AND uuid IN (SELECT value FROM json_each(?))", (stamp, _json(done)))  # fmt: skip
        write(store.path, "UPDATE leads SET synced_at = ? WHERE synced_at IS NOT NULL"
              " AND uuid IN (SELECT value FROM json_each(?))", (stamp, _json(done)))  # fmt: skip
        write(store.path, "UPDATE sync_batches SET acked_at = ?", (stamp,))
        return done

    return _ack


def _json(values: list[str]) -> str:
    import json

    return json.dumps(values)


def write(path: Path, sql: str, params: tuple[Any, ...] = ()) -> None:
    import sqlite3

    conn = sqlite3.connect(path, timeout=10)
    try:
        conn.execute(sql, params)
        conn.commit()
    finally:
        conn.close()


def file_bytes(path: Path) -> bytes:
    """What a copy of the database would carry: the file and its WAL, as raw bytes."""
    data = Path(path).read_bytes()
    wal = Path(f"{path}-wal")
    return data + (wal.read_bytes() if wal.exists() else b"")


def found_in_file(path: Path, *needles: str) -> list[str]:
    blob = file_bytes(path)
    return [n for n in needles if n.encode() in blob]


__all__ = ["e164", "file_bytes", "found_in_file", "rows", "run", "unique_phone", "write"]
