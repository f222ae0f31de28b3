"""Purge and `encrypt enable` while another process reads the laptop file (issue 21 item
5), ``OUTREACH_PRIVACY_LOOPS`` × 3 times per operation (2 in CI, 10 under ``make
reliability``).

Each loop draws (seeded; the seed is in every failure message) an operation (purge or
encrypt enable), a reader (a Python ``sqlite3`` connection or the ``sqlite3`` shell, each
holding ``BEGIN; SELECT …``), a condition (no reader; one that leaves once the command
says it waits, or after a random delay; one that stays past ``--wait``) and a file size.
After the command, the raw bytes of the file, its -wal and -shm (and anything named after
it) are searched for every purged NIK, name, phone and address (for encryption: every
one). The rule checked: a command that reports success (exit 0, ``compacted``) leaves
none; a command that leaves some says so (exit 3, ``compaction_pending``), and the next
`outreach purge` once the reader is gone leaves none.
"""

from __future__ import annotations

import json
import random
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.privacy.readers import (
    Reader,
    ShellReader,
    due_values,
    enable,
    laptop,
    leftovers,
    outreach,
    outreach_until_waiting,
    pending,
    personal_values,
)
from tests.reliability.harness import SEED, laptop_seed, loops

pytestmark = [
    pytest.mark.reliability,
    pytest.mark.skipif(shutil.which("sqlite3") is None, reason="needs the sqlite3 shell"),
]
LOOPS = loops("OUTREACH_PRIVACY_LOOPS", 2)


def _command(op: str, db: Path, wait: str, then: Callable[[], None] | None = None) -> Any:
    if op == "encrypt":
        return enable(db, "--wait", wait, then=then)
    args = ("purge", "--json", "--wait", wait)
    return outreach_until_waiting(db, *args, then=then) if then else outreach(db, *args)


@pytest.mark.parametrize("op", ["purge", "encrypt"])
def test_no_personal_data_is_left_on_disk_whatever_reads_the_file(
    tmp_path: Path, request: pytest.FixtureRequest, op: str
) -> None:
    outcomes: dict[str, int] = {}
    for loop in range(LOOPS * 3):  # each condition about LOOPS times
        rng = random.Random(laptop_seed(request.node.nodeid, loop))
        condition = ("none", "leaves", "stays")[loop % 3]
        kind = rng.choice([Reader, ShellReader])
        context = f"seed={SEED} loop={loop} op={op} condition={condition} reader={kind.__name__}"
        db = laptop(tmp_path / f"lap-{loop}.db", seed=rng.randrange(10**6),
                    registrations=rng.randint(30, 300))  # fmt: skip
        needles = personal_values(db) if op == "encrypt" else due_values(db)
        assert needles, context
        reader: Reader | None = kind(db) if condition != "none" else None
        try:
            if condition == "leaves" and reader is not None and rng.random() < 0.5:
                result = _command(op, db, "60", then=reader.end)
            elif condition == "leaves" and reader is not None:
                reader.end_after(rng.uniform(0.0, 2.0))
                result = _command(op, db, "60")
            else:
                result = _command(op, db, "1")
            payload = json.loads(result.stdout)
            done = payload["compacted"]
            left = leftovers(db, needles)
            rc = result.returncode
            if done:
                assert rc == 0 and left == [] and pending(db) is None, (context, rc, left[:3])
            else:
                assert rc == 3 and payload["compaction_pending"] and pending(db), context
                assert "NOT finished" in result.stderr, context
            if condition != "stays":
                assert done, (context, result.stderr)
            else:  # its snapshot predates the change: the old copies must still be there
                assert not done and left, context
            outcomes[f"{condition}:{'done' if done else 'pending'}"] = (
                outcomes.get(f"{condition}:{'done' if done else 'pending'}", 0) + 1
            )
            if reader is not None:
                reader.end()
            if not done:  # the next start, once the reader is gone, finishes the job
                again = outreach(db, "purge", "--json", "--wait", "30")
                assert again.returncode == 0, (context, again.stderr)
                assert json.loads(again.stdout)["compacted"], context
                assert leftovers(db, needles) == [] and pending(db) is None, context
        finally:
            if reader is not None:
                reader.close()
    print(f"privacy readers {op}: {outcomes}")
