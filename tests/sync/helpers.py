"""Helpers shared by the sync tests: receipts as the hub shapes them, raw SQLite reads,
the running hub's rows, and one sync run through the real runner and client."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from outreach_tui.hub.storage import Storage
from outreach_tui.store import Store
from outreach_tui.store.outbox import OutgoingBatch, SyncQueue
from outreach_tui.sync.client import HubClient
from outreach_tui.sync.runner import SyncReport, SyncRunner
from tests.support.hub_server import HubServer, enroll_device, hub_key

HUB_ID = "0196a000-0000-7000-8000-00000000a001"


def receipt(
    batch: OutgoingBatch, outcome: str | None = "accepted", **by_uuid: Any
) -> dict[str, Any]:
    """The hub's answer to ``batch``: every record ``outcome`` unless ``by_uuid`` says
    otherwise (a string outcome, or a dict with outcome/code/field/message). An outcome of
    None leaves the record out of the receipt."""
    results = []
    for record in batch.records:
        special = by_uuid.get(record["uuid"], outcome)
        if special is None:
            continue
        special = {"outcome": special} if isinstance(special, str) else special
        results.append(
            {"uuid": record["uuid"], "version": record["version"], "code": None,
             "field": None, "message": None, **special}
        )  # fmt: skip
    return {"batch_id": batch.batch_id, "hub_id": HUB_ID, "received_at": "2026-11-23T10:00:00Z",
            "replayed": False, "results": results}  # fmt: skip


def rows(path: Path, sql: str, params: tuple = ()) -> list[dict[str, Any]]:
    conn = sqlite3.connect(path, timeout=10)
    conn.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in conn.execute(sql, params)]
    finally:
        conn.close()


def scalar(path: Path, sql: str, params: tuple = ()) -> Any:
    return next(iter(rows(path, sql, params)[0].values()))


def execute(path: Path, sql: str, params: tuple = ()) -> None:
    """A change made behind the app's back (another tool, a damaged run)."""
    conn = sqlite3.connect(path, timeout=10)
    try:
        conn.execute(sql, params)
        conn.commit()
    finally:
        conn.close()


@dataclass
class Hub:
    """A running hub and its database, for assertions on the hub's own rows."""

    server: HubServer
    db: str
    engine: str
    storage: Storage

    @property
    def url(self) -> str:
        return self.server.url

    @property
    def hub_id(self) -> str:
        return str(httpx.get(f"{self.url}/api/v1/capabilities", timeout=10).json()["hub_id"])

    @property
    def hub_key(self) -> str:
        """The receipt-signing key a login pins (read from the hub's database)."""
        return hub_key(self.db)

    def count(self, table: str, where: str = "1 = 1", params: tuple[object, ...] = ()) -> int:
        with self.storage.read() as tx:
            return int(tx.scalar(f"SELECT COUNT(*) AS n FROM {table} WHERE {where}", params))

    def records_of(self, device_id: str) -> dict[str, int]:
        """uuid -> version of everything the hub holds from this laptop."""
        with self.storage.read() as tx:
            rows = tx.all("SELECT uuid, version FROM records WHERE device_id = ?", (device_id,))
        return {str(r["uuid"]): int(r["version"]) for r in rows}

    def token(self, **kwargs: Any) -> str:
        return enroll_device(self.db, **kwargs)[1]


def laptop_sync(
    path: Path, hub: Hub, token: str, *, url: str | None = None, batch_size: int = 50,
    tries: int = 5, backoff: float = 0.05,
) -> SyncReport:  # fmt: skip
    """One sync run through the real runner and client (what `outreach sync` does)."""
    with Store(path, create=False) as store:
        queue = SyncQueue(store.database, store.device_id)
        with HubClient(
            url or hub.url, token, tries=tries, backoff=backoff, hub_key=hub.hub_key
        ) as client:
            runner = SyncRunner(queue, client, expected_hub_id=hub.hub_id, batch_size=batch_size)
            return runner.run()


def device_id(path: Path) -> str:
    return str(scalar(path, "SELECT value FROM settings WHERE key = 'device_id'"))


def local_states(path: Path) -> dict[str, int]:
    found: dict[str, int] = {}
    for table in ("registrations", "leads"):
        for r in rows(path, f"SELECT sync_state, count(*) AS n FROM {table} GROUP BY 1"):
            found[r["sync_state"]] = found.get(r["sync_state"], 0) + r["n"]
    return found


def local_synced(path: Path) -> dict[str, int]:
    """uuid -> version of every record the laptop believes the hub holds."""
    return {
        r["uuid"]: r["version"]
        for table in ("registrations", "leads")
        for r in rows(path, f"SELECT uuid, version FROM {table} WHERE sync_state = 'synced'")
    }


def total_records(path: Path) -> int:
    return int(scalar(path, "SELECT (SELECT count(*) FROM registrations) +"
                            " (SELECT count(*) FROM leads) AS n"))  # fmt: skip


def assert_in_step(path: Path, hub: Hub) -> None:
    """Nothing waiting on the laptop; the hub holds exactly what the laptop says it does."""
    assert local_states(path) == {"synced": total_records(path)}
    assert hub.records_of(device_id(path)) == local_synced(path)
    assert scalar(path, "SELECT count(*) FROM sync_batches WHERE status = 'open'") == 0
