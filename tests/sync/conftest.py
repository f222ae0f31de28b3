"""Fixtures for the sync client: the queue over the shared ``store`` fixture, leads, and
receipts shaped exactly as docs/SYNC_PROTOCOL.md section 2 describes them."""

from __future__ import annotations

import itertools
import sqlite3
import zlib
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from outreach_tui.domain.models import LeadDraft, SavedRecord
from outreach_tui.domain.validation import validate_lead
from outreach_tui.hub.storage import Storage, open_storage
from outreach_tui.sampledata.generator import generate
from outreach_tui.store import Store
from outreach_tui.store.outbox import SyncQueue
from tests.support.hub_server import HubServer
from tests.support.postgres import PostgresCluster, pg_cluster  # noqa: F401 - a fixture
from tests.sync.helpers import Hub

OFFICER = "PLG-01"  # as in tests/conftest.py
TODAY = date(2026, 11, 23)


@pytest.fixture
def queue(store: Store) -> SyncQueue:
    return SyncQueue(store.database, store.device_id)


@pytest.fixture
def save_lead(store: Store, event_id: str) -> Callable[..., SavedRecord]:
    def _save(**overrides: Any) -> SavedRecord:
        fields = {
            "full_name": "Andi Wijaya",
            "phone": "0821-7777-8888",
            "consent_contact": True,
            "consent_version": "2026.1",
            **overrides,
        }
        lead = validate_lead(LeadDraft(**fields), today=TODAY).record
        assert lead is not None
        return store.leads.save(lead, officer_code=OFFICER, event_id=event_id)

    return _save


# -- end to end: the real hub under uvicorn, on SQLite and PostgreSQL ----------------------


def _hub_db(engine: str, folder: Path, request: pytest.FixtureRequest) -> str:
    if engine == "sqlite":
        return str(folder / "hub.db")
    cluster: PostgresCluster = request.getfixturevalue("pg_cluster")
    return cluster.create_database()


@pytest.fixture(scope="session", params=["sqlite", "postgres"])
def hub(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Hub]:
    """One hub per engine per worker; tests keep apart by using their own laptops."""
    engine = request.param
    db = _hub_db(engine, tmp_path_factory.mktemp(f"sync-hub-{engine}"), request)
    with HubServer(db) as server, open_storage(db) as storage:
        yield Hub(server, db, engine, storage)


@pytest.fixture
def own_hub(tmp_path: Path) -> Iterator[Callable[..., Hub]]:
    """``own_hub(*serve_args)``: a private SQLite hub a test may kill and restart."""
    started: list[tuple[HubServer, Storage]] = []

    def _start(*args: str) -> Hub:
        db = str(tmp_path / f"own-hub-{len(started)}.db")
        server = HubServer(db, *args).start()
        storage = open_storage(db)
        started.append((server, storage))
        return Hub(server, db, "sqlite", storage)

    yield _start
    for server, storage in started:
        server.stop()
        storage.close()


@pytest.fixture
def make_laptop(tmp_path: Path, request: pytest.FixtureRequest) -> Callable[..., Path]:
    """``make_laptop(registrations=300)``: a sample officer file that never synced.

    The generator marks older events as synced to a hub that does not exist here, so every
    record is set back to pending: the hub must end up with all of them. Seeds differ per
    test and per call, so laptops sharing a session hub never share uuids or device ids.
    """
    calls = itertools.count()

    def _make(registrations: int = 300) -> Path:
        seed = zlib.crc32(f"{request.node.nodeid}:{next(calls)}".encode())
        path = tmp_path / f"laptop-{seed}.db"
        generate(path, seed=seed, registrations=registrations)
        conn = sqlite3.connect(path)
        with conn:
            for table in ("registrations", "leads"):
                conn.execute(
                    f"UPDATE {table} SET sync_state = 'pending', base_version = NULL,"
                    " synced_at = NULL, sync_code = NULL, sync_field = NULL, sync_message = NULL"
                )
        conn.close()
        return path

    return _make
