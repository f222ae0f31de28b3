"""Purge and `encrypt enable` while another process reads the file (issue 21 item 5).

After each operation the raw bytes of the file, its -wal and -shm (and anything else named
after it) are searched for every purged (or, for encryption, every) NIK, name, phone and
address. Three conditions each: no reader; a reader that leaves within the wait; a reader
that stays (reported NOT finished, exit 3, then wiped at the next start once it left).
The long loops are in tests/reliability/test_privacy_readers.py.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from outreach_tui.store import Store
from outreach_tui.tui.app import OutreachApp
from tests.conftest import TODAY
from tests.privacy.readers import (
    Reader,
    due_values,
    enable,
    laptop,
    leftovers,
    on_disk,
    outreach,
    outreach_until_waiting,
    pending,
    personal_values,
)
from tests.tui.conftest import wait_until


@pytest.fixture
def reader() -> Iterator[Callable[[Path], Reader]]:
    started: list[Reader] = []

    def _start(path: Path) -> Reader:
        started.append(Reader(path))
        return started[-1]

    yield _start
    for one in started:
        one.close()


@pytest.fixture
def lap(tmp_path: Path) -> Path:
    return laptop(tmp_path / "laptop.db")


def _one_line(stderr: str) -> str:
    lines = [line for line in stderr.splitlines() if line.startswith("outreach: ")]
    assert len(lines) == 1, stderr
    return lines[0]


# -- purge ------------------------------------------------------------------------------


def test_purge_without_a_reader_leaves_nothing_on_disk(lap: Path) -> None:
    needles = due_values(lap)
    assert len(needles) > 50 and len(on_disk(lap, needles)) == len(needles)

    result = outreach(lap, "purge", "--json")

    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["compacted"] and not report["readers"] and not report["compaction_pending"]
    assert "Waiting" not in result.stderr and "waiting" not in result.stderr
    assert leftovers(lap, needles) == []


def test_purge_waits_for_a_reader_that_leaves_and_says_so(lap: Path, reader: Callable) -> None:
    needles = due_values(lap)
    held = reader(lap)

    result = outreach_until_waiting(lap, "purge", "--json", "--wait", "60", then=held.end)

    assert result.returncode == 0, result.stderr
    assert "waiting up to 60 s" in result.stderr  # said while it waited
    report = json.loads(result.stdout)
    assert report["compacted"] and report["readers"] and report["waited_s"] > 0
    assert report["wal_bytes"] == 0 and not report["compaction_pending"]
    assert leftovers(lap, needles) == []
    assert pending(lap) is None


def test_purge_under_a_reader_that_stays_is_not_done_then_finished_next_time(
    lap: Path, reader: Callable
) -> None:
    needles = due_values(lap)
    held = reader(lap)

    result = outreach(lap, "purge", "--json", "--wait", "1")

    assert result.returncode == 3, result.stderr
    assert _one_line(result.stderr).startswith("outreach: NOT finished")
    report = json.loads(result.stdout)
    assert report["registrations"] > 0
    assert not report["compacted"] and report["compaction_pending"]
    assert "compact_incomplete" in report["warnings"]
    assert leftovers(lap, needles), "the report must not be more pessimistic than the disk"
    assert pending(lap) is not None
    held.end()  # gone from the file's point of view; its connection stays open, idle

    again = outreach(lap, "purge", "--json", "--wait", "10")  # nothing left to purge

    assert again.returncode == 0, again.stderr
    second = json.loads(again.stdout)
    assert second["registrations"] == 0 and second["compacted"]
    assert leftovers(lap, needles) == []
    assert pending(lap) is None


@pytest.mark.parametrize("auto_purge", [True, False])
async def test_the_booth_start_finishes_a_wipe_a_reader_kept_from_finishing(
    lap: Path, reader: Callable, auto_purge: bool
) -> None:
    needles = due_values(lap)
    held = reader(lap)
    assert outreach(lap, "purge", "--wait", "0.5").returncode == 3
    held.end()
    assert leftovers(lap, needles)

    with Store(lap) as store:
        app = OutreachApp(store, ask_start_of_day=False, today=lambda: TODAY,
                          auto_purge=auto_purge)  # fmt: skip
        async with app.run_test(size=(80, 24)) as pilot:
            await wait_until(pilot, lambda: pending(lap) is None, timeout=60)
            await pilot.app.workers.wait_for_complete()
        assert leftovers(lap, needles) == []


# -- encrypt enable ---------------------------------------------------------------------


def test_encrypt_enable_without_a_reader_leaves_no_plaintext(lap: Path) -> None:
    needles = personal_values(lap)
    assert len(needles) > 50

    result = enable(lap)

    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout)
    assert payload["enabled"] and payload["compacted"] and payload["recovery_code"]
    assert leftovers(lap, needles) == []


def test_encrypt_enable_waits_for_a_reader_that_leaves(lap: Path, reader: Callable) -> None:
    needles = personal_values(lap)
    held = reader(lap)

    result = enable(lap, "--wait", "60", then=held.end)

    assert result.returncode == 0, result.stderr
    assert "waiting up to 60 s" in result.stderr
    payload = json.loads(result.stdout)
    assert payload["compacted"] and payload["compaction"]["readers"]
    assert leftovers(lap, needles) == []


def test_encrypt_enable_under_a_reader_that_stays_warns_and_is_finished_next_time(
    lap: Path, reader: Callable
) -> None:
    needles = personal_values(lap)
    held = reader(lap)

    result = enable(lap, "--wait", "1")

    assert result.returncode == 3, result.stderr
    assert _one_line(result.stderr).startswith("outreach: NOT finished: encryption is on")
    payload = json.loads(result.stdout)
    assert payload["enabled"] and payload["recovery_code"]  # the code is never lost
    assert not payload["compacted"] and payload["compaction_pending"]
    assert leftovers(lap, needles)
    held.end()

    again = outreach(lap, "purge", "--json", "--wait", "10")  # locked: no key needed

    assert again.returncode == 0, again.stderr
    assert json.loads(again.stdout)["compacted"]
    assert leftovers(lap, needles) == []
    assert pending(lap) is None


def test_text_output_never_claims_success_while_data_is_readable(
    lap: Path, reader: Callable
) -> None:
    held = reader(lap)
    result = outreach(lap, "purge", "--wait", "0.5")
    assert result.returncode == 3
    assert "Personal data removed" not in result.stdout
    held.end()
    done = outreach(lap, "purge")
    assert done.returncode == 0, done.stderr


async def test_an_open_booth_does_not_keep_a_purge_from_finishing(lap: Path) -> None:
    """The booth keeps its file open but holds no read transaction between queries."""
    import asyncio

    needles = due_values(lap)
    with Store(lap) as store:
        app = OutreachApp(store, ask_start_of_day=False, today=lambda: TODAY, auto_purge=False)
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.app.workers.wait_for_complete()
            await pilot.press("f2")  # another mode reads too
            await pilot.app.workers.wait_for_complete()
            result = await asyncio.to_thread(outreach, lap, "purge", "--json", "--wait", "20")
            assert result.returncode == 0, result.stderr
            assert json.loads(result.stdout)["compacted"]
            assert leftovers(lap, needles) == []
