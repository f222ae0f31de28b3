"""Sync under faults, in loops with random kill points: the client (``outreach sync`` as a
real process) SIGKILLed at a random moment, sometimes twice, with officer edits in
between; the hub SIGKILLed and restarted under a running sync (SQLite and PostgreSQL);
replies lost after the hub committed. After every fault the laptop file and the hub
database are compared record by record (``invariants.check_in_step``): right after a
kill what the hub holds must be something the laptop sent; after the next finished sync
they must agree exactly, with nothing lost and nothing doubled.

``OUTREACH_SYNC_LOOPS`` loops per fault kind (1 in CI, 12 under ``make reliability``);
laptop sizes, batch sizes and kill points come from ``OUTREACH_RELIABILITY_SEED``.
"""

from __future__ import annotations

import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from outreach_tui.store import Store
from outreach_tui.sync.runner import SyncReport
from tests.reliability.harness import ROOT, SEED, RunningHub, cli_env, loops, sync_once
from tests.reliability.invariants import check_in_step
from tests.support.postgres import PostgresCluster, pg_cluster  # noqa: F401 - a fixture
from tests.sync.proxy import DroppingProxy

pytestmark = [pytest.mark.reliability, pytest.mark.e2e]
LOOPS = loops("OUTREACH_SYNC_LOOPS", 1)


def acked_batches(laptop: Path) -> int:
    conn = sqlite3.connect(laptop, timeout=30)
    try:
        sql = "SELECT count(*) FROM sync_batches WHERE status = 'acked'"
        return int(conn.execute(sql).fetchone()[0])
    finally:
        conn.close()


def waiting(laptop: Path) -> int:
    conn = sqlite3.connect(laptop, timeout=30)
    try:
        sql = "SELECT (SELECT count(*) FROM registrations) + (SELECT count(*) FROM leads)"
        return int(conn.execute(sql).fetchone()[0])
    finally:
        conn.close()


def hub_batches(hub: RunningHub, laptop: Path) -> int:
    with Store(laptop, create=False, migrate_schema=False) as store:
        device = store.device_id
    with hub.storage.read() as tx:
        return int(
            tx.scalar("SELECT COUNT(*) AS n FROM batches WHERE client_device_id = ?", (device,))
        )


def officer_edits(laptop: Path, rng: random.Random) -> int:
    """Void a few records at random (synced, uploading or pending): new versions."""
    with Store(laptop) as store:
        rows = store.queries.page("registrations", limit=500).rows
        live = [r for r in rows if not r["voided_at"]]
        picked = rng.sample(live, k=min(len(live), rng.randint(1, 3)))
        for row in picked:
            store.registrations.void(row["uuid"], "salah input", officer_code=row["officer_code"])
    return len(picked)


def finish(laptop: Path, hub: RunningHub, token: str, context: str) -> SyncReport:
    report = sync_once(laptop, hub.url, token, hub.hub_id, hub.hub_key, batch_size=25)
    assert report.error is None and report.exit_code == 0, (context, report.as_dict())
    check_in_step(laptop, hub.storage, context=context)
    return report


def test_client_killed_at_random_points_then_resumed(
    start_hub: Callable[..., RunningHub], laptop_factory: Callable[..., Path], tmp_path: Path
) -> None:
    hub = start_hub()
    rng = random.Random(SEED)
    kills = 0
    for loop in range(LOOPS):
        laptop = laptop_factory(rng.randint(60, 160))
        records = waiting(laptop)
        token = hub.token()
        env = cli_env(tmp_path, hub, token)
        batch = str(rng.randint(3, 15))
        for attempt in range(rng.choice((1, 1, 2))):  # sometimes killed twice in a row
            context = f"loop {loop} kill {attempt}, OUTREACH_RELIABILITY_SEED={SEED}"
            process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "outreach_tui",
                    "--db",
                    str(laptop),
                    "sync",
                    "--json",
                    "--batch-size",
                    batch,
                ],
                cwd=ROOT,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            # Kill before the last batches, so the run is still going (most of the time).
            target = rng.randint(0, max(0, min(6, records // int(batch) - 2)))
            deadline = time.monotonic() + 60
            while (
                acked_batches(laptop) < target
                and process.poll() is None
                and time.monotonic() < deadline
            ):
                time.sleep(0.005)
            time.sleep(rng.uniform(0, 0.05))  # anywhere: sending, committing, applying
            process.send_signal(signal.SIGKILL)
            process.wait(30)
            kills += process.returncode == -signal.SIGKILL
            check_in_step(laptop, hub.storage, settled=False, context=context)
            if rng.random() < 0.5:
                officer_edits(laptop, rng)  # an officer keeps working meanwhile
                check_in_step(laptop, hub.storage, settled=False, context=context + " +edits")
        finish(laptop, hub, token, f"loop {loop} resumed, OUTREACH_RELIABILITY_SEED={SEED}")
    assert kills >= 1, "no run was still going when killed: the kill points are too late"


@pytest.mark.parametrize("engine", ["sqlite", "postgres"])
def test_hub_killed_and_restarted_under_a_running_sync(
    engine: str,
    start_hub: Callable[..., RunningHub],
    laptop_factory: Callable[..., Path],
    request: pytest.FixtureRequest,
) -> None:
    db = None
    if engine == "postgres":
        cluster: PostgresCluster = request.getfixturevalue("pg_cluster")
        db = cluster.create_database()
    hub = start_hub(db=db)
    rng = random.Random(SEED + 1)
    for loop in range(LOOPS):
        context = f"{engine} loop {loop}, OUTREACH_RELIABILITY_SEED={SEED}"
        laptop = laptop_factory(rng.randint(80, 200))
        token, reports = hub.token(), []
        size = rng.randint(3, 12)

        worker = threading.Thread(
            target=lambda *args, out=reports, **kwargs: out.append(sync_once(*args, **kwargs)),
            args=(laptop, hub.url, token, hub.hub_id, hub.hub_key),
            kwargs={"batch_size": size, "tries": 10, "backoff": 0.2},
        )
        worker.start()
        target, deadline = rng.randint(0, 5), time.monotonic() + 60
        while hub_batches(hub, laptop) < target and time.monotonic() < deadline:
            time.sleep(0.005)
        time.sleep(rng.uniform(0, 0.03))
        hub.server.kill()  # SIGKILL: maybe inside a batch's transaction
        time.sleep(rng.uniform(0, 0.5))
        hub.server.start()  # same port, same database
        worker.join(180)
        assert not worker.is_alive(), context
        (report,) = reports
        if report.exit_code != 0:  # out of retries while the hub was down: run again
            check_in_step(laptop, hub.storage, settled=False, context=context)
        finish(laptop, hub, token, context)


def test_replies_lost_after_commit_in_loops(
    start_hub: Callable[..., RunningHub], laptop_factory: Callable[..., Path]
) -> None:
    hub = start_hub()
    rng = random.Random(SEED + 2)
    for loop in range(LOOPS):
        context = f"loop {loop}, OUTREACH_RELIABILITY_SEED={SEED}"
        laptop = laptop_factory(rng.randint(40, 120))
        token = hub.token()
        drops = rng.randint(1, 3)
        with DroppingProxy(hub.server.port, drops=drops) as proxy:
            report = sync_once(
                laptop, proxy.url, token, hub.hub_id, hub.hub_key, batch_size=rng.randint(5, 20)
            )
        assert proxy.dropped == drops, context
        # A lost reply comes back replayed; a batch may lose its reply more than once.
        assert report.exit_code == 0, (context, report.as_dict())
        assert 1 <= report.replayed <= drops, (context, report.as_dict())
        check_in_step(laptop, hub.storage, context=context)
