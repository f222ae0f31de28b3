"""Sync under faults, in loops with random kill points, against every kind of hub
(``HUB_KINDS``: SQLite with one worker, PostgreSQL, ``outreach hub serve --workers 2`` on
SQLite): the client (``outreach sync`` as a real process) SIGKILLed at a random moment,
sometimes twice, with officer edits in between; the hub SIGKILLed (all its processes, or
with ``--workers 2`` sometimes one worker only) and restarted under a running sync;
replies lost after the hub committed; one laptop synced by two processes at once while
the officer corrects records (the two race on the same records and their new versions);
the hub's disk full (a small tmpfs under the SQLite file, or under PostgreSQL's data
folder) part-way through a sync. After every fault the laptop file and the hub database
are compared record by record (``invariants.check_in_step``): right after a fault what
the hub holds must be something the laptop sent; after the next finished sync they must
agree exactly, with nothing lost and nothing doubled.

``OUTREACH_SYNC_LOOPS`` loops per fault kind (1 in CI, 12 under ``make reliability``);
laptop sizes, batch sizes and kill points come from ``OUTREACH_RELIABILITY_SEED``.
"""

from __future__ import annotations

import contextlib
import errno
import os
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from outreach_tui.store import Store
from outreach_tui.sync.runner import SyncReport
from tests.reliability.harness import (
    HUB_KINDS,
    ROOT,
    SEED,
    RunningHub,
    cli_env,
    loops,
    record_trial,
    sync_once,
)
from tests.reliability.invariants import check_in_step
from tests.support.ci import require
from tests.support.postgres import PostgresCluster, require_pg_bin
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


def sync_process(laptop: Path, env: dict[str, str], batch: str) -> subprocess.Popen[bytes]:
    """``outreach sync`` as the officer runs it, its stderr kept (for tracebacks)."""
    command = [sys.executable, "-m", "outreach_tui", "--db", str(laptop), "sync", "--json",
               "--batch-size", batch]  # fmt: skip
    return subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )


@pytest.mark.parametrize("kind", HUB_KINDS)
def test_client_killed_at_random_points_then_resumed(
    kind: str,
    hub_of_kind: Callable[[str], RunningHub],
    laptop_factory: Callable[..., Path],
    tmp_path: Path,
) -> None:
    hub = hub_of_kind(kind)
    rng = random.Random(SEED)
    kills = 0
    for loop in range(LOOPS):
        laptop = laptop_factory(rng.randint(60, 160))
        records = waiting(laptop)
        token = hub.token()
        env = cli_env(tmp_path, hub, token)
        batch = str(rng.randint(3, 15))
        kills_before = kills
        for attempt in range(rng.choice((1, 1, 2))):  # sometimes killed twice in a row
            context = f"{kind} loop {loop} kill {attempt}, OUTREACH_RELIABILITY_SEED={SEED}"
            process = sync_process(laptop, env, batch)
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
            _, err = process.communicate(timeout=30)
            assert b"Traceback" not in err, (context, err.decode(errors="replace"))
            kills += process.returncode == -signal.SIGKILL
            check_in_step(laptop, hub.storage, settled=False, context=context)
            if rng.random() < 0.5:
                officer_edits(laptop, rng)  # an officer keeps working meanwhile
                check_in_step(laptop, hub.storage, settled=False, context=context + " +edits")
        finish(laptop, hub, token, f"{kind} loop {loop} resumed, OUTREACH_RELIABILITY_SEED={SEED}")
        record_trial("client killed", kind, records=records, faults=kills - kills_before,
                     stopped=kills - kills_before)  # fmt: skip
    assert kills >= 1, "no run was still going when killed: the kill points are too late"


def worker_pids(hub: RunningHub) -> list[int]:
    """The worker processes of a ``--workers N`` hub (children of uvicorn's supervisor)."""
    assert hub.server.process is not None
    pid = hub.server.process.pid
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    # multiprocessing's resource tracker is a child too; the workers run uvicorn
    return [int(c) for c in children
            if b"resource_tracker" not in Path(f"/proc/{c}/cmdline").read_bytes()]  # fmt: skip


@pytest.mark.parametrize("kind", HUB_KINDS)
def test_hub_killed_and_restarted_under_a_running_sync(
    kind: str, hub_of_kind: Callable[[str], RunningHub], laptop_factory: Callable[..., Path]
) -> None:
    hub = hub_of_kind(kind)
    rng = random.Random(SEED + 1)
    for loop in range(LOOPS):
        one_worker = kind.endswith("workers2") and rng.random() < 0.5
        what = "one worker killed" if one_worker else "killed"
        context = f"{kind} loop {loop} {what}, OUTREACH_RELIABILITY_SEED={SEED}"
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
        if one_worker:  # uvicorn's supervisor starts a new worker; the other one serves
            with contextlib.suppress(ProcessLookupError):
                os.kill(rng.choice(worker_pids(hub)), signal.SIGKILL)
        else:
            hub.server.kill()  # SIGKILL, every process: maybe inside a batch's transaction
            time.sleep(rng.uniform(0, 0.5))
            hub.server.start()  # same port, same database
        worker.join(180)
        assert not worker.is_alive(), context
        (report,) = reports
        if report.exit_code != 0:  # out of retries while the hub was down: run again
            check_in_step(laptop, hub.storage, settled=False, context=context)
        finish(laptop, hub, token, context)
        name = "hub killed" + (" (one worker)" if one_worker else "")
        stopped = int(report.exit_code != 0)
        record_trial(name, kind, records=waiting(laptop), faults=1, stopped=stopped)


@pytest.mark.parametrize("kind", HUB_KINDS)
def test_replies_lost_after_commit_in_loops(
    kind: str, hub_of_kind: Callable[[str], RunningHub], laptop_factory: Callable[..., Path]
) -> None:
    hub = hub_of_kind(kind)
    rng = random.Random(SEED + 2)
    for loop in range(LOOPS):
        context = f"{kind} loop {loop}, OUTREACH_RELIABILITY_SEED={SEED}"
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
        record_trial("replies lost", kind, records=waiting(laptop), faults=drops)


@pytest.mark.parametrize("kind", HUB_KINDS)
def test_one_laptop_synced_twice_at_once_while_the_officer_corrects(
    kind: str,
    hub_of_kind: Callable[[str], RunningHub],
    laptop_factory: Callable[..., Path],
    tmp_path: Path,
) -> None:
    """Two ``outreach sync`` of one laptop at the same moment (the officer pressed sync in
    the booth and ran it in a terminal): both push the same records, and the new versions
    of those the officer voids meanwhile; sometimes one of the two is SIGKILLed. The hub
    must end with each record once, at the laptop's version."""
    hub = hub_of_kind(kind)
    rng = random.Random(SEED + 3)
    for loop in range(LOOPS):
        context = f"{kind} loop {loop}, OUTREACH_RELIABILITY_SEED={SEED}"
        laptop = laptop_factory(rng.randint(60, 160))
        token = hub.token()
        env = cli_env(tmp_path, hub, token)
        runs = [sync_process(laptop, env, str(rng.randint(3, 15))) for _ in range(2)]
        time.sleep(rng.uniform(0, 0.3))
        officer_edits(laptop, rng)  # corrections while both are pushing
        killed = rng.random() < 0.5
        if killed:
            time.sleep(rng.uniform(0, 0.2))
            rng.choice(runs).send_signal(signal.SIGKILL)
        for run in runs:
            _, err = run.communicate(timeout=180)
            assert b"Traceback" not in err, (context, err.decode(errors="replace"))
        check_in_step(laptop, hub.storage, settled=False, context=context)
        finish(laptop, hub, token, context + " finished")
        record_trial("two syncs at once", kind, records=waiting(laptop), faults=1 + killed,
                     stopped=sum(run.returncode != 0 for run in runs))  # fmt: skip


# -- a full disk under the hub -------------------------------------------------------------


@pytest.fixture
def small_disk() -> Iterator[Callable[[int], Path]]:
    """``small_disk(megabytes)``: a fresh tmpfs of that size (needs root and the right to
    mount: without it the test skips, and fails under CI=true). Outside pytest's temp
    tree, whose folders only root may enter: PostgreSQL runs as ``postgres``."""
    mounted: list[Path] = []

    def _mount(megabytes: int) -> Path:
        require(os.geteuid() == 0, "a full-disk test needs root to mount a small tmpfs")
        point = Path(tempfile.mkdtemp(prefix="hub-disk-"))
        point.chmod(0o755)
        done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={megabytes}m,mode=0755",
                               "tmpfs", str(point)], capture_output=True, text=True)  # fmt: skip
        require(done.returncode == 0, f"cannot mount a tmpfs here: {done.stderr.strip()}")
        mounted.append(point)
        return point

    yield _mount
    for point in mounted:
        subprocess.run(["umount", "-l", str(point)], capture_output=True)
        with contextlib.suppress(OSError):
            point.rmdir()


def fill(disk: Path, leave: int) -> Path:
    """Fill ``disk`` up, then give back about ``leave`` bytes; the filler file."""
    filler = disk / "filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    try:
        for chunk in (1 << 20, 1 << 16, 1 << 12):
            block = b"\0" * chunk
            with contextlib.suppress(OSError):
                while True:
                    os.write(fd, block)
        with contextlib.suppress(OSError):
            os.write(fd, b"\0" * 4096)
    finally:
        os.close(fd)
    os.truncate(filler, max(0, filler.stat().st_size - leave))
    # Really full, up to what was given back: one MiB more does not fit.
    probe = disk / "probe"
    with pytest.raises(OSError) as full:
        probe.write_bytes(b"\0" * (leave + (1 << 20)))
    probe.unlink(missing_ok=True)
    assert full.value.errno == errno.ENOSPC
    return filler


@pytest.mark.parametrize("kind", HUB_KINDS)
def test_the_hubs_disk_fills_up_during_a_sync(
    kind: str,
    start_hub: Callable[..., RunningHub],
    laptop_factory: Callable[..., Path],
    small_disk: Callable[[int], Path],
) -> None:
    """The hub's database (the SQLite file, or PostgreSQL's whole data folder) on a small
    tmpfs, filled up to 0-96 KiB before a sync: batches fail part-way (or the database
    server stops). Nothing acknowledged may be missing; once space is freed (and a stopped
    PostgreSQL started again, as its supervisor would) the next sync finishes in step."""
    cluster: PostgresCluster | None = None
    if kind == "postgres":
        require_pg_bin()
        cluster = PostgresCluster(parent=small_disk(160)).start()
        disk = cluster.root.parent
        hub = start_hub(db=cluster.create_database())
    else:
        disk = small_disk(48)
        args = ("--workers", "2") if kind.endswith("workers2") else ()
        hub = start_hub(*args, db=str(disk / "hub.db"))
    rng = random.Random(SEED + 4)
    failed = 0
    try:
        for loop in range(LOOPS):
            context = f"{kind} loop {loop} (disk full), OUTREACH_RELIABILITY_SEED={SEED}"
            laptop = laptop_factory(rng.randint(60, 160))
            token = hub.token()
            filler = fill(disk, rng.randint(0, 96) * 1024)
            report = sync_once(
                laptop, hub.url, token, hub.hub_id, hub.hub_key,
                batch_size=rng.randint(5, 20), tries=2, backoff=0.05,
            )  # fmt: skip
            failed += report.exit_code != 0
            record_trial("disk full", kind, records=waiting(laptop), faults=1,
                         stopped=int(report.exit_code != 0))  # fmt: skip
            if cluster is None or cluster.running():
                check_in_step(laptop, hub.storage, settled=False, context=context)
            filler.unlink()
            if cluster is not None:
                cluster.ensure_running()
            if not hub.server.alive:
                hub.server.start()
            finish(laptop, hub, token, context + " after space was freed")
    finally:
        hub.stop()
        if cluster is not None:
            cluster.stop()
    assert failed >= 1, "no sync met the full disk: the filler left too much room"
