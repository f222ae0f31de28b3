"""A dead battery at any moment: a booth process registering in a loop
(tests/helpers/writer_process.py) is SIGKILLed at random points, ``OUTREACH_CRASH_LOOPS``
times (5 in CI, 60 under ``make reliability``). After every kill the file must be sound
and hold every save that returned (``invariants.check_durable``).

Kill points vary per loop (seeded; the seed is in every failure message):

- after a random number of acknowledged saves, then 0–5 ms later (between saves or
  inside a commit);
- the same with families of up to 15 workers (long transactions: the kill lands inside
  one more often);
- while this process holds a read transaction open on the same file (WAL readers);
- while the process is still creating and migrating a new file.
"""

from __future__ import annotations

import random
import signal
import sqlite3
import sys
import time
from datetime import date
from pathlib import Path

import pytest

from outreach_tui.store import Store
from tests.helpers.writer import Writer
from tests.reliability.harness import SEED, loops
from tests.reliability.invariants import check_durable

pytestmark = [
    pytest.mark.reliability,
    pytest.mark.skipif(sys.platform == "win32", reason="needs SIGKILL"),
]
LOOPS = loops("OUTREACH_CRASH_LOOPS", 5)


@pytest.fixture
def booth_file(tmp_path: Path) -> tuple[Path, str]:
    """A booth file with branch, officer and event, closed so only the writer has it."""
    path = tmp_path / "booth.db"
    with Store(path) as store:
        store.setup.upsert_branch("PLG", "Kantor Cabang Palembang", "Palembang")
        store.setup.upsert_officer("PLG-01", "Rina Marlina", "PLG")
        store.setup.create_event(
            code="EXPO",
            name="Expo",
            venue="PIM",
            city="Palembang",
            branch_code="PLG",
            starts_on=date(2026, 11, 23),
            ends_on=date(2026, 11, 25),
        )
        event = store.setup.event("EXPO")
        assert event is not None
    return path, event["id"]


def test_sigkill_at_random_points_loses_no_acknowledged_save(
    booth_file: tuple[Path, str], tmp_path: Path
) -> None:
    db, event_id = booth_file
    rng = random.Random(SEED)
    acknowledged: set[str] = set()
    kinds = ["between_saves", "big_families", "with_reader", "new_file"]
    done = dict.fromkeys(kinds, 0)
    for loop in range(max(LOOPS, 1)):
        kind = kinds[loop % len(kinds)] if loop < len(kinds) else rng.choice(kinds)
        context = f"loop {loop} ({kind}), OUTREACH_RELIABILITY_SEED={SEED}"
        seed = str(rng.randrange(1 << 30))
        if kind == "new_file":
            fresh = tmp_path / f"fresh-{loop}.db"
            writer = Writer(fresh, "--setup", "--seed", seed)
            time.sleep(rng.uniform(0.05, 0.6))  # imports, create, WAL, migrations, setup
            check_durable(fresh, writer.kill(), context=context)
            done[kind] += 1
            continue
        args = ["--event", event_id, "--seed", seed]
        if kind == "big_families":
            args += ["--max-workers", "15"]
        writer = Writer(db, *args)
        reader = None
        if kind == "with_reader":
            reader = sqlite3.connect(db, timeout=30)
            reader.execute("BEGIN")
            reader.execute("SELECT count(*) FROM registrations").fetchone()  # holds a snapshot
        try:
            acknowledged.update(writer.wait_for(rng.randint(1, 30)))
            time.sleep(rng.uniform(0, 0.005))
            acknowledged.update(writer.kill())
        finally:
            if reader is not None:
                reader.close()
        assert writer.process.returncode == -signal.SIGKILL, context
        check_durable(db, acknowledged, context=context)
        done[kind] += 1
    assert sum(done.values()) == max(LOOPS, 1)
    assert len(acknowledged) >= LOOPS // 2  # the writers really saved between kills
    with Store(db) as store:  # and the file still takes a save after all that
        assert store.integrity_check() == ["ok"]
