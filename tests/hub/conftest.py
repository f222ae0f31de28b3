"""The hub under uvicorn on SQLite and on PostgreSQL, shared per session (per worker).

``hub`` is parametrised over both engines: every test using it runs twice. Tests never
depend on each other's data: each enrols its own device and uses fresh uuids and a fresh
laptop id, so the shared servers only save start-up time.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from outreach_tui.domain.ids import new_uuid
from outreach_tui.hub.storage import Storage, open_storage
from tests.support.hub_server import HubServer, enroll_device
from tests.support.postgres import PostgresCluster, pg_cluster  # noqa: F401 - a fixture


@dataclass
class Hub:
    server: HubServer
    db: str
    engine: str
    storage: Storage  # the same database the server uses, for assertions on rows

    @property
    def url(self) -> str:
        return self.server.url

    def rows(self, sql: str, params: tuple[object, ...] = ()) -> list[dict[str, object]]:
        with self.storage.read() as tx:
            return tx.all(sql, params)

    def count(self, table: str, where: str = "1 = 1", params: tuple[object, ...] = ()) -> int:
        with self.storage.read() as tx:
            return int(tx.scalar(f"SELECT COUNT(*) AS n FROM {table} WHERE {where}", params))

    def device(self, role: str = "device", **kwargs: object) -> tuple[str, dict[str, str]]:
        device_id, token = enroll_device(self.db, role=role, **kwargs)  # type: ignore[arg-type]
        return device_id, {"Authorization": f"Bearer {token}"}


def _database(engine: str, tmp: Path, request: pytest.FixtureRequest) -> str:
    if engine == "sqlite":
        return str(tmp / "hub.db")
    cluster: PostgresCluster = request.getfixturevalue("pg_cluster")
    return cluster.create_database()


@pytest.fixture(scope="session", params=["sqlite", "postgres"])
def hub(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Hub]:
    engine = request.param
    db = _database(engine, tmp_path_factory.mktemp(f"hub-{engine}"), request)
    with HubServer(db) as server, open_storage(db) as storage:
        yield Hub(server, db, engine, storage)


@pytest.fixture(params=["sqlite", "postgres"])
def db(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh, empty hub database (no server): an SQLite path or a PostgreSQL URL."""
    return _database(request.param, tmp_path, request)


@pytest.fixture
def client(hub: Hub) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=hub.url, timeout=60) as http:
        yield http


@pytest.fixture
def auth(hub: Hub) -> dict[str, str]:
    """Headers of a freshly enrolled device."""
    return hub.device()[1]


@pytest.fixture
def laptop() -> str:
    """The laptop's own device id (what batches carry as device_id)."""
    return new_uuid()
