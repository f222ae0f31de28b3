"""Sync under the failures field teams report most: a reply lost after the hub committed,
the client killed mid-run, the hub killed mid-run, limits smaller than the open batch.
Real processes and databases; the outcome must be "nothing lost, nothing doubled"."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from outreach_tui.store import Store
from outreach_tui.store.outbox import SyncQueue
from outreach_tui.sync import credentials as creds
from outreach_tui.sync.runner import IN_FLIGHT, SyncReport
from tests.sync.helpers import (
    Hub,
    assert_in_step,
    device_id,
    laptop_sync,
    rows,
    scalar,
    total_records,
)
from tests.sync.proxy import DroppingProxy

pytestmark = [pytest.mark.e2e, pytest.mark.slow]
ROOT = Path(__file__).resolve().parents[2]


def hub_batches(hub: Hub, laptop: Path) -> int:
    return hub.count("batches", "client_device_id = ?", (device_id(laptop),))


def uploading(laptop: Path) -> int:
    return sum(
        int(scalar(laptop, f"SELECT count(*) FROM {t} WHERE sync_state = 'uploading'"))
        for t in ("registrations", "leads")
    )


def acked(laptop: Path) -> int:
    return int(scalar(laptop, "SELECT count(*) FROM sync_batches WHERE status = 'acked'"))


def test_a_reply_lost_after_commit_comes_back_replayed(
    hub: Hub, make_laptop: Callable[..., Path]
) -> None:
    laptop = make_laptop(30)
    total = total_records(laptop)
    with DroppingProxy(hub.server.port, drops=1) as proxy:
        report = laptop_sync(laptop, hub, hub.token(), url=proxy.url, batch_size=10)
    assert proxy.dropped == 1
    assert report.exit_code == 0 and report.replayed == 1
    assert proxy.batch_requests == report.batches + 1  # the lost one was sent twice
    assert sum(report.counts.values()) == report.counts["accepted"] == total
    assert_in_step(laptop, hub)
    assert hub_batches(hub, laptop) == acked(laptop) == report.batches


def test_a_proxy_that_refuses_large_bodies_gets_smaller_batches_until_all_are_synced(
    hub: Hub, make_laptop: Callable[..., Path]
) -> None:
    # A reverse proxy in front of the hub (nginx's default client_max_body_size is 1 MB,
    # a default batch ≈ 1.1 MB) answers 413 before the hub sees the batch. Everything
    # waiting fits in the first batch, so the queue is empty when the 413 comes back: the
    # records it gives back must still go, in smaller batches, in the same run.
    laptop = make_laptop(30)
    total = total_records(laptop)
    with DroppingProxy(hub.server.port, drops=0, max_body=12_000) as proxy:
        report = laptop_sync(laptop, hub, hub.token(), url=proxy.url, batch_size=100)
    assert proxy.refused >= 2 and report.error is None
    assert report.exit_code == 0 and report.still_pending == 0
    assert sum(report.counts.values()) == report.counts["accepted"] == total
    assert_in_step(laptop, hub)
    assert hub_batches(hub, laptop) == acked(laptop) == report.batches


def _cli_env(tmp_path: Path, hub: Hub) -> dict[str, str]:
    token_path = tmp_path / "credentials.toml"
    creds.save(token_path, creds.Credentials(hub.url, hub.token(), hub.hub_id, hub_key=hub.hub_key))
    return {**os.environ, "OUTREACH_CONFIG": str(tmp_path / "config.toml"),
            "OUTREACH_TOKEN_PATH": str(token_path), "PYTHONPATH": str(ROOT)}  # fmt: skip


def _sync_process(laptop: Path, env: dict[str, str], *args: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "outreach_tui", "--db", str(laptop), "sync", "--json", *args],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip


def test_client_killed_while_waiting_for_a_committed_reply_resends_the_same_batch(
    hub: Hub, make_laptop: Callable[..., Path], tmp_path: Path
) -> None:
    laptop = make_laptop(40)
    env = _cli_env(tmp_path, hub)
    with DroppingProxy(hub.server.port, drops=1, hold=True) as proxy:
        process = _sync_process(laptop, env, "--hub", proxy.url, "--batch-size", "10")
        assert proxy.held.wait(30), process.communicate(timeout=5)
        process.send_signal(signal.SIGKILL)  # the hub committed; the laptop never heard
        process.wait(10)
    # The batch the hub committed; maybe the one sent after it (IN_FLIGHT travel at once;
    # the hub may have stored it too, its receipt waits for the first one's), and one
    # written ahead but never sent.
    opened = rows(laptop, "SELECT batch_id, record_count FROM sync_batches WHERE status = 'open'"
                  " ORDER BY created_at, rowid")  # fmt: skip
    assert 1 <= len(opened) <= IN_FLIGHT + 1
    assert uploading(laptop) == sum(b["record_count"] for b in opened)
    left = opened[0]
    stored = [hub.count("batches", "batch_id = ?", (b["batch_id"],)) for b in opened]
    assert stored[0] == 1 and set(stored) <= {0, 1}

    resumed = subprocess.run(
        [sys.executable, "-m", "outreach_tui", "--db", str(laptop), "sync", "--json",
         "--batch-size", "10"],
        cwd=ROOT, env=env, capture_output=True, timeout=120,
    )  # fmt: skip
    assert resumed.returncode == 0, resumed.stderr.decode()
    report = json.loads(resumed.stdout)
    assert report["resent"] == len(opened) and report["replayed"] == sum(stored)
    assert_in_step(laptop, hub)
    assert hub_batches(hub, laptop) == acked(laptop)
    assert scalar(laptop, "SELECT status FROM sync_batches WHERE batch_id = ?",
                  (left["batch_id"],)) == "acked"  # fmt: skip


def test_client_killed_at_a_random_moment_resumes_without_loss_or_doubles(
    own_hub: Callable[..., Hub], make_laptop: Callable[..., Path], tmp_path: Path
) -> None:
    hub = own_hub()
    laptop = make_laptop(300)
    env = _cli_env(tmp_path, hub)
    process = _sync_process(laptop, env, "--batch-size", "5")
    deadline = time.monotonic() + 60
    while acked(laptop) < 4 and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    process.send_signal(signal.SIGKILL)
    process.wait(10)
    stopped_at = acked(laptop)
    assert 4 <= stopped_at < -(-total_records(laptop) // 5), "the kill landed mid-run"
    saved = creds.load(Path(env["OUTREACH_TOKEN_PATH"]))  # the laptop's own token
    assert saved is not None
    report = laptop_sync(laptop, hub, saved.token, batch_size=5)
    assert report.exit_code == 0
    assert_in_step(laptop, hub)
    assert hub_batches(hub, laptop) == acked(laptop) == stopped_at + report.batches


def test_hub_killed_and_restarted_mid_run_the_run_carries_on(
    own_hub: Callable[..., Hub], make_laptop: Callable[..., Path]
) -> None:
    hub = own_hub()
    laptop = make_laptop(200)
    token, reports = hub.token(), []
    hub_id = hub.hub_id
    worker = threading.Thread(
        target=lambda: reports.append(
            laptop_sync(laptop, hub, token, batch_size=5, tries=8, backoff=0.2)
        )
    )
    worker.start()
    deadline = time.monotonic() + 60
    while hub_batches(hub, laptop) < 3 and time.monotonic() < deadline:
        time.sleep(0.01)
    at_kill = hub_batches(hub, laptop)
    hub.server.kill()  # SIGKILL: no graceful shutdown, maybe mid-transaction
    time.sleep(0.3)
    hub.server.start()  # same port, same database
    worker.join(120)
    (report,) = reports
    assert report.exit_code == 0, report.error
    assert 3 <= at_kill < report.batches, "the kill landed mid-run"
    assert hub.hub_id == hub_id
    assert_in_step(laptop, hub)
    assert hub_batches(hub, laptop) == acked(laptop)


def test_an_open_batch_bigger_than_the_hub_allows_is_split(
    own_hub: Callable[..., Hub], make_laptop: Callable[..., Path]
) -> None:
    hub = own_hub("--max-records", "10", "--max-bytes", "8000")
    laptop = make_laptop(40)
    with Store(laptop) as store:  # left open by a run against a hub with larger limits
        big = SyncQueue(store.database, store.device_id).next_batch(40, hub_id=hub.hub_id)
    assert big and big.size == 40
    report: SyncReport = laptop_sync(laptop, hub, hub.token(), batch_size=100)
    assert report.exit_code == 0
    assert scalar(laptop, "SELECT status FROM sync_batches WHERE batch_id = ?",
                  (big.batch_id,)) == "failed"  # fmt: skip
    assert hub.count("batches", "batch_id = ?", (big.batch_id,)) == 0
    sizes = [r["record_count"] for r in rows(laptop, "SELECT record_count FROM sync_batches"
                                              " WHERE status = 'acked'")]  # fmt: skip
    assert sum(sizes) == total_records(laptop) and max(sizes) < 10  # bytes, not count, bind
    assert_in_step(laptop, hub)
