"""A dead battery mid-save: SIGKILL a writing process and check nothing acknowledged is lost.

``tests/helpers/writer_process.py`` saves registrations in a loop and prints each uuid
only after ``save()`` returned, i.e. after the officer was told "saved". We kill it at a
random moment (often inside a transaction), reopen the file and check what a supervisor
would: the file is sound, every acknowledged registration is there, no worker lost its
owner, and the change counter never went backwards.

``OUTREACH_CRASH_LOOPS`` (default 5) sets how many kills each test does; the reliability
suite raises it. ``OUTREACH_CRASH_SEED`` replays a failing run (the seed is in the message).
"""

from __future__ import annotations

import json
import os
import random
import signal
import sys
import time
from pathlib import Path

import pytest

from outreach_tui.store import Store
from outreach_tui.store.migrations import latest_version
from tests.helpers.writer import Writer

LOOPS = int(os.environ.get("OUTREACH_CRASH_LOOPS", "5"))
SEED = int(os.environ.get("OUTREACH_CRASH_SEED", str(time.time_ns() % 1_000_000)))
UUID_LENGTH = 36

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs SIGKILL")


def assert_consistent(db: Path, acknowledged: set[str], context: str) -> None:
    """What a supervisor checks after the laptop died (opening it also recovers the WAL)."""
    assert all(len(u) == UUID_LENGTH for u in acknowledged), context
    with Store(db) as store:
        assert store.integrity_check() == ["ok"], context
        assert store.schema_version() == latest_version(), context
        with store.database.read() as conn:
            present = {row[0] for row in conn.execute("SELECT uuid FROM registrations")}
            missing = acknowledged - present
            assert not missing, f"{context}: lost {len(missing)} acknowledged, e.g. {min(missing)}"
            orphans = conn.execute(
                "SELECT count(*) FROM registrations w LEFT JOIN registrations o"
                " ON o.uuid = w.owner_uuid WHERE w.role = 'worker' AND o.uuid IS NULL"
            ).fetchone()[0]
            assert orphans == 0, context
            (last_seq,) = conn.execute("SELECT value FROM counters WHERE name = 'seq'").fetchone()
            max_seq, rows, distinct = conn.execute(
                "SELECT coalesce(max(seq), 0), count(*), count(DISTINCT seq) FROM registrations"
            ).fetchone()
            assert last_seq >= max_seq, context
            # The writer only creates, one transaction per family: seqs are exactly 1..N.
            assert last_seq == max_seq == rows == distinct, context
            # Each save's audit entry names exactly the workers saved with that owner.
            audits = conn.execute(
                "SELECT entity_uuid, detail FROM audit_log WHERE action = 'registration.create'"
            ).fetchall()
            owners = {
                row[0]: set()
                for row in conn.execute("SELECT uuid FROM registrations WHERE role = 'owner'")
            }
            for row in conn.execute(
                "SELECT owner_uuid, uuid FROM registrations WHERE role = 'worker'"
            ):
                owners[row[0]].add(row[1])
            assert {u: set(json.loads(d)["workers"]) for u, d in audits} == owners, context


@pytest.fixture
def booth_db(store: Store, event_id: str) -> Path:
    """The conftest store's file with its officer and event, closed so only the writer has it."""
    store.close()
    return store.path


def test_killed_writer_loses_nothing_it_acknowledged(booth_db: Path, event_id: str) -> None:
    rng = random.Random(SEED)
    acknowledged: set[str] = set()
    for loop in range(LOOPS):
        context = f"loop {loop} (OUTREACH_CRASH_SEED={SEED})"
        writer = Writer(booth_db, "--event", event_id, "--seed", str(rng.randrange(1 << 30)))
        acknowledged.update(writer.wait_for(rng.randint(1, 40)))
        time.sleep(rng.uniform(0, 0.005))  # land anywhere: between saves or mid-commit
        acknowledged.update(writer.kill())
        assert writer.process.returncode == -signal.SIGKILL, context
        assert_consistent(booth_db, acknowledged, context)
    assert len(acknowledged) >= LOOPS  # every writer got at least one save in


def test_killed_while_creating_a_new_file_leaves_an_openable_store(tmp_path: Path) -> None:
    rng = random.Random(SEED)
    for loop in range(LOOPS):
        context = f"loop {loop} (OUTREACH_CRASH_SEED={SEED})"
        db = tmp_path / f"fresh{loop}.db"
        writer = Writer(db, "--setup")
        # Startup (imports, create, WAL, migrate, setup) takes a few hundred ms here.
        time.sleep(rng.uniform(0.05, 0.4))
        acknowledged = set(writer.kill())
        assert_consistent(db, acknowledged, context)
