"""The branch → region relay under kills (issue 17, docs/RELIABILITY.md): laptops sync to a
branch hub on SQLite; `outreach hub relay`, a real process, forwards to a regional hub
(SQLite, and PostgreSQL) and is SIGKILLed at random moments; once per round both hubs'
servers are SIGKILLed and restarted under a running relay; new laptop batches arrive at
the branch in between. After every kill the regional hub holds nothing the branch
does not (same uuid, version and content hash) and the branch at most one batch in
flight; after the run that finishes, both hubs hold the same versions, records and
rollups, and every batch the regional hub stored is one the branch saw acknowledged:
nothing lost, nothing doubled.

``OUTREACH_RELAY_LOOPS`` kill rounds per hub kind (1 in CI, 6 under
``make reliability``); kill points come from ``OUTREACH_RELIABILITY_SEED``.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from outreach_tui.hub.storage import Storage
from tests.reliability.harness import ROOT, SEED, RunningHub, loops, record_trial, sync_once

pytestmark = [pytest.mark.reliability, pytest.mark.e2e]
LOOPS = loops("OUTREACH_RELAY_LOOPS", 1)
VERSIONS = "SELECT uuid, version, content_hash FROM record_versions ORDER BY uuid, version"
RECORDS = (
    "SELECT uuid, version, content_hash, device_id, day, voided, monthly_due FROM records "
    "ORDER BY uuid"
)
ROLLUPS = (
    "SELECT day, event_code, officer_code, sector, path, role, registrations, workers, leads,"
    " voided, monthly_due FROM daily_rollup WHERE registrations + workers + leads + voided"
    " + monthly_due <> 0 ORDER BY day, event_code, officer_code, sector, path, role"
)


def _rows(storage: Storage, sql: str) -> list[tuple[Any, ...]]:
    with storage.read() as tx:
        return [tuple(int(v) if isinstance(v, int) else v for v in r.values())
                for r in tx.all(sql)]  # fmt: skip


def _scalar(storage: Storage, sql: str) -> int:
    with storage.read() as tx:
        return int(tx.scalar(sql) or 0)


def _relay(branch: RunningHub, upper: RunningHub, token: str) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "outreach_tui", "hub", "relay", "--hub-db", branch.db,
               "--to", upper.url, "--token", token, "--batch-size", "5", "--tries", "8",
               "--json"]  # fmt: skip
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)  # fmt: skip


def _check_after_kill(branch: RunningHub, upper: RunningHub, context: str) -> None:
    up, down = set(_rows(upper.storage, VERSIONS)), set(_rows(branch.storage, VERSIONS))
    assert up <= down, f"{context}: the region holds versions the branch never had"
    assert _scalar(branch.storage, "SELECT COUNT(*) FROM relay_outbox") <= 1, context


@pytest.mark.parametrize("kind", ["sqlite", "postgres"])
def test_relay_killed_at_random_loses_and_doubles_nothing(
    kind: str,
    start_hub: Callable[..., RunningHub],
    hub_of_kind: Callable[[str], RunningHub],
    laptop_factory: Callable[..., Path],
) -> None:
    rng = random.Random(f"{SEED}:{kind}")
    branch, upper = start_hub(), hub_of_kind(kind)
    relay_token = upper.token(officer="RELAY", name="hub-branch", role="relay")
    laptops = [laptop_factory(registrations=rng.randint(40, 70)) for _ in range(LOOPS + 1)]

    def sync(laptop: Path) -> None:
        report = sync_once(laptop, branch.url, branch.token(), branch.hub_id, branch.hub_key)
        assert report.exit_code == 0, report

    sync(laptops[0])
    kills = midway = 0  # midway: kills that stopped a relay with versions left to send
    for loop in range(LOOPS):
        context = f"{kind} loop {loop} (OUTREACH_RELIABILITY_SEED={SEED})"
        for _ in range(2):  # the relay killed twice a round
            process = _relay(branch, upper, relay_token)
            time.sleep(rng.uniform(0.8, 2.5))
            if process.poll() is None:
                process.send_signal(signal.SIGKILL)
                kills += 1
            process.wait(timeout=60)
            _check_after_kill(branch, upper, context)
            forwarded = _scalar(branch.storage, "SELECT SUM(forwarded) FROM relay_targets")
            midway += forwarded < _scalar(branch.storage, "SELECT COUNT(*) FROM record_versions")
        # The regional hub SIGKILLed under a running relay, restarted on the same port:
        # the relay retries (or stops with exit 5 and the next run resumes). The branch
        # hub's server too (its database is the relay's, written by both).
        process = _relay(branch, upper, relay_token)
        time.sleep(rng.uniform(0.8, 2.0))
        branch.server.restart(hard=True)
        upper.server.restart(hard=True)
        assert process.wait(timeout=120) in (0, 5), process.stderr.read() if process.stderr else ""
        _check_after_kill(branch, upper, context)
        sync(laptops[loop + 1])  # new records reach the branch between runs

    final = _relay(branch, upper, relay_token)
    out, err = final.communicate(timeout=300)
    assert final.returncode == 0, err.decode()
    assert json.loads(out)["remaining"] == 0
    assert _rows(upper.storage, VERSIONS) == _rows(branch.storage, VERSIONS)
    assert _rows(upper.storage, RECORDS) == _rows(branch.storage, RECORDS)
    assert _rows(upper.storage, ROLLUPS) == _rows(branch.storage, ROLLUPS)
    # Every batch the region stored is one the branch saw acknowledged, once.
    acked = _scalar(branch.storage, "SELECT SUM(batches) FROM relay_targets")
    assert _scalar(upper.storage, "SELECT COUNT(*) FROM batches") == acked
    assert _scalar(branch.storage, "SELECT COUNT(*) FROM relay_outbox") == 0
    record_trial("relay_kill_loop", kind, records=_scalar(branch.storage,
                 "SELECT COUNT(*) FROM records"), faults=kills + LOOPS,
                 stopped=midway)  # fmt: skip
    print(f"relay kill loop {kind}: {kills} relay kills, {midway} mid-way, {LOOPS} hub kills")
