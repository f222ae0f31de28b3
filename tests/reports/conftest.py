"""The seeded officer file (tests/reports/seed.py) and the same records on real hubs.

Session-scoped and read-only for the tests: one laptop file; its bundle imported through
the hub's ingest into an SQLite hub and a PostgreSQL hub (a throwaway cluster); the
SQLite hub also served over HTTP by a real ``outreach hub serve`` for ``--hub`` sources.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from outreach_tui.hub.bundle import import_bundle
from outreach_tui.hub.storage import open_storage
from outreach_tui.hub.tallies import set_branch_targets
from outreach_tui.store import Store
from outreach_tui.store.outbox import SyncQueue
from tests.reports.seed import Seeded, build_laptop
from tests.support.hub_server import HubServer, enroll_device
from tests.support.postgres import PostgresCluster, pg_cluster  # noqa: F401 - a fixture


@pytest.fixture(autouse=True)
def wide_console(monkeypatch: pytest.MonkeyPatch) -> None:
    """Rich fixes the console width at import (COLUMNS then, else 80): make it 160 here."""
    from outreach_tui.cli import output

    monkeypatch.setattr(output.console, "_width", 160)


@pytest.fixture(scope="session")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Seeded:
    return build_laptop(tmp_path_factory.mktemp("seed") / "laptop.db")


def _fill_hub(db: str, seeded: Seeded, folder: Path) -> str:
    with Store(seeded.path, create=False) as store:
        bundle = SyncQueue(store.database, store.device_id).export_bundle()
    assert bundle is not None and len(bundle["records"]) == 10
    path = folder / "seed.bundle"
    path.write_text(json.dumps(bundle), encoding="utf-8")
    with open_storage(db) as storage:
        receipt = import_bundle(storage, path)
        assert {r["outcome"] for r in receipt["results"]} == {"accepted"}, receipt
        set_branch_targets(storage, "PLG", {"name": "Kantor Cabang Palembang", "target_year": 2026,
                                            "target_new_employers": 10, "target_informal": 20},
                           actor="test")  # fmt: skip
    return db


@pytest.fixture(scope="session")
def hub_sqlite(seeded: Seeded, tmp_path_factory: pytest.TempPathFactory) -> str:
    folder = tmp_path_factory.mktemp("hub-sqlite")
    return _fill_hub(str(folder / "hub.db"), seeded, folder)


@pytest.fixture(scope="session")
def hub_postgres(
    seeded: Seeded, tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
) -> str:
    cluster: PostgresCluster = request.getfixturevalue("pg_cluster")
    return _fill_hub(cluster.create_database(), seeded, tmp_path_factory.mktemp("hub-pg"))


@dataclass
class ServedHub:
    url: str
    token: str  # a supervisor token
    device_token: str


@pytest.fixture(scope="session")
def served_hub(hub_sqlite: str) -> Iterator[ServedHub]:
    _, token = enroll_device(hub_sqlite, officer="SPV-01", role="supervisor")
    _, device_token = enroll_device(hub_sqlite, officer="PLG-01")
    with HubServer(hub_sqlite) as server:
        yield ServedHub(server.url, token, device_token)
