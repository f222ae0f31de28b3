"""Helpers of the reliability suite: loop counts, a real hub, sample laptops, one sync.

Loop counts come from the environment so the normal CI run stays short (a few loops,
well under a minute for the whole folder) and ``make reliability`` runs the full loops:

    OUTREACH_CRASH_LOOPS   SIGKILLs of a registering process          (CI 5,  full 60)
    OUTREACH_SYNC_LOOPS    sync runs with a fault, per fault kind     (CI 1,  full 12)
    OUTREACH_API_EXAMPLES  hypothesis examples per API property       (CI 40, full 400)
    OUTREACH_RELIABILITY_SEED  replay a failing run (printed in every failure message)
"""

from __future__ import annotations

import json
import os
import sqlite3
import time
import zlib
from pathlib import Path

from outreach_tui.hub.storage import Storage, open_storage
from outreach_tui.sampledata.generator import generate
from outreach_tui.store import Store
from outreach_tui.store.outbox import SyncQueue
from outreach_tui.sync import credentials as creds
from outreach_tui.sync.client import HubClient
from outreach_tui.sync.runner import SyncReport, SyncRunner
from tests.support.hub_server import HubServer, enroll_device, hub_key

ROOT = Path(__file__).resolve().parents[2]
SEED = int(os.environ.get("OUTREACH_RELIABILITY_SEED", str(time.time_ns() % 1_000_000)))


# The hubs every fault loop runs against (tests/reliability/conftest.py: hub_of_kind).
HUB_KINDS = ("sqlite", "postgres", "sqlite-workers2")


def record_trial(test: str, kind: str, *, records: int, faults: int, stopped: int = 0) -> None:
    """One loop's figures, appended as a JSON line to ``OUTREACH_RELIABILITY_TALLY`` when
    set (``make reliability`` sets it and prints the sums: tests/reliability/tally.py).
    ``faults`` injected, ``stopped`` sync runs that ended with an error because of them;
    reaching this call means every invariant check of the loop passed."""
    target = os.environ.get("OUTREACH_RELIABILITY_TALLY")
    if target:
        line = {"test": test, "kind": kind, "records": records, "faults": faults,
                "stopped": stopped}  # fmt: skip
        with open(target, "a", encoding="utf-8") as out:
            out.write(json.dumps(line) + "\n")


def loops(name: str, default: int) -> int:
    return max(1, int(os.environ.get(name, str(default))))


class RunningHub:
    """A hub under uvicorn on its own SQLite file (or PostgreSQL URL) and its storage."""

    def __init__(self, db: str, *args: str) -> None:
        self.db = db
        self.server = HubServer(db, *args).start()
        self.storage: Storage = open_storage(db)

    @property
    def url(self) -> str:
        return self.server.url

    @property
    def hub_id(self) -> str:
        with self.storage.read() as tx:
            return str(tx.scalar("SELECT value FROM hub_meta WHERE key = 'hub_id'"))

    @property
    def hub_key(self) -> str:
        return hub_key(self.db)

    def token(self, **kwargs: object) -> str:
        return enroll_device(self.db, **kwargs)[1]  # type: ignore[arg-type]

    def stop(self) -> None:
        self.server.stop()
        self.storage.close()


def make_laptop(path: Path, *, seed: int, registrations: int) -> Path:
    """A generated officer file with every record waiting to sync (never synced)."""
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


def laptop_seed(*parts: object) -> int:
    return zlib.crc32(":".join(str(p) for p in (*parts, SEED)).encode())


def cli_env(folder: Path, hub: RunningHub, token: str) -> dict[str, str]:
    """Environment for ``outreach sync`` subprocesses: logged in to ``hub``."""
    token_path = folder / f"credentials-{zlib.crc32(token.encode())}.toml"
    creds.save(token_path, creds.Credentials(hub.url, token, hub.hub_id, hub_key=hub.hub_key))
    return {
        **os.environ,
        "OUTREACH_CONFIG": str(folder / "config.toml"),
        "OUTREACH_TOKEN_PATH": str(token_path),
        "PYTHONPATH": str(ROOT),
    }


def sync_once(
    laptop: Path,
    url: str,
    token: str,
    hub_id: str,
    hub_key: str,
    *,
    batch_size: int = 20,
    tries: int = 5,
    backoff: float = 0.05,
) -> SyncReport:
    """One run of the real runner and client (what ``outreach sync`` does)."""
    with Store(laptop, create=False) as store:
        queue = SyncQueue(store.database, store.device_id)
        with HubClient(url, token, tries=tries, backoff=backoff, hub_key=hub_key) as client:
            return SyncRunner(queue, client, expected_hub_id=hub_id, batch_size=batch_size).run()
