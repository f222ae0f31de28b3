"""The storage layer on both engines: migrations, identity, append-only audit."""

from __future__ import annotations

import fcntl
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from outreach_tui.hub import audit
from outreach_tui.hub.meta import load_hub_info
from outreach_tui.hub.storage import open_storage


def test_hub_processes_starting_together_agree_on_one_identity(db: str) -> None:
    def start(_: int) -> tuple[str, bytes]:
        with open_storage(db) as storage:
            info = load_hub_info(storage)
            return info.hub_id, info.nik_key

    with ThreadPoolExecutor(6) as pool:
        identities = set(pool.map(start, range(6)))
    assert len(identities) == 1
    with open_storage(db) as storage, storage.read() as tx:
        assert tx.all("SELECT version, name FROM schema_migrations ORDER BY version") == [
            {"version": 1, "name": "initial"},
            {"version": 2, "name": "reports"},
            {"version": 3, "name": "audit_guard"},
            {"version": 4, "name": "laptop_binding"},
            {"version": 5, "name": "consent_withdrawals"},
            {"version": 6, "name": "handoff_activation"},
            {"version": 7, "name": "name_search"},
            {"version": 8, "name": "units"},
            {"version": 9, "name": "relay"},
            {"version": 10, "name": "unit_day_rollup"},
            {"version": 11, "name": "unit_downlink"},
            {"version": 12, "name": "funnel_units"},
            {"version": 13, "name": "name_key"},
            {"version": 14, "name": "officer_event_rollup"},
            {"version": 15, "name": "duplicate_cases"},
        ]


_HOLD_A_WRITE = """
import sys, time
from outreach_tui.hub import audit
from outreach_tui.hub.storage import open_storage
with open_storage(sys.argv[1]) as storage, storage.transaction() as tx:
    audit.append(tx, "test.first", actor=None)
    print("holding", flush=True)
    sys.stdin.readline()
"""


def test_writers_of_two_processes_queue_on_the_files_write_lock(tmp_path: Path) -> None:
    # `hub serve --workers N` and `hub import` write one file from several processes.
    db = str(tmp_path / "hub.db")
    storage = open_storage(db)  # migrated before the other process holds the lock
    other = subprocess.Popen(
        [sys.executable, "-c", _HOLD_A_WRITE, db], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    try:
        assert other.stdout is not None and other.stdin is not None
        assert other.stdout.readline() == "holding\n"
        # held while the other one writes
        with open(f"{db}-writer.lock", "rb") as lock, pytest.raises(BlockingIOError):
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        with ThreadPoolExecutor(1) as pool, storage:

            def second() -> None:
                with storage.transaction() as tx:
                    audit.append(tx, "test.second", actor=None)

            waiting = pool.submit(second)
            other.stdin.write("go\n")
            other.stdin.flush()
            waiting.result(timeout=30)  # queued, then written: no 503, no error
            with storage.read() as tx:
                actions = tx.all(
                    "SELECT action FROM audit_log WHERE action LIKE 'test.%' ORDER BY id"
                )
            assert [a["action"] for a in actions] == ["test.first", "test.second"]
    finally:
        other.kill()
        other.wait()


def test_the_audit_log_is_append_only(db: str) -> None:
    with open_storage(db) as storage:
        with storage.transaction() as tx:
            audit.append(tx, "test.entry", actor="me", note="kept")
        for statement in ("UPDATE audit_log SET action = 'x'", "DELETE FROM audit_log"):
            with pytest.raises(Exception, match="append-only"), storage.transaction() as tx:
                tx.execute(statement)
        with storage.read() as tx:
            assert tx.scalar("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'test.entry'") == 1


def test_the_sqlite_file_is_private_and_durable(tmp_path: Path) -> None:
    path = tmp_path / "hub.db"
    with open_storage(str(path)) as storage, storage.read() as tx:
        assert tx.scalar("PRAGMA journal_mode") == "wal"
        assert tx.scalar("PRAGMA synchronous") == 2  # FULL
    assert path.stat().st_mode & 0o777 == 0o600
