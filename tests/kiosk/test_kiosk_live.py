"""The kiosk beside a booth that saves: live counts, no write lock, no write at all.

The booth is a real separate process (tests/helpers/writer_process.py: the store's own
``registrations.save``, acknowledged only after the durable commit) or a second
connection in this one; the kiosk is the real app under Pilot on the same file.
"""

from __future__ import annotations

import hashlib
import sqlite3
import threading
from pathlib import Path

import pytest

from outreach_tui.store import Store
from outreach_tui.store.kiosk import KioskReader
from tests.helpers.writer import Writer
from tests.kiosk.conftest import digits, wait_until

pytestmark = pytest.mark.xdist_group("kiosk-live")  # timers and a subprocess: one worker


async def test_a_booth_save_appears_in_the_live_count(make_kiosk, booth_store, event_id) -> None:  # type: ignore[no-untyped-def]
    from outreach_tui.domain import localtime

    path = booth_store.path
    app = make_kiosk(path, first_slide=3, refresh_seconds=0.25, utc_clock=localtime.utc_now)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert digits(app, "#today-owners") == "0"
        writer = Writer(path, "--officer", "PLG-01", "--event", event_id, "--count", "1",
                        "--max-workers", "0")  # fmt: skip
        try:
            (owner_uuid,) = writer.wait_for(1)  # acknowledged: saved in the booth process
        finally:
            writer.process.wait(timeout=60)
        assert booth_store.registrations.get(owner_uuid) is not None
        # within a few refresh periods (generous on a loaded machine; nothing is timed)
        await wait_until(pilot, lambda: digits(app, "#today-owners") == "1", timeout=30)
        assert digits(app, "#today-workers") == "0"


async def test_the_booth_writes_with_no_wait_while_the_kiosk_reads(  # type: ignore[no-untyped-def]
    make_kiosk, booth_store, register
) -> None:
    """A writer that may not wait at all (busy timeout 0) never meets a lock of the
    kiosk's, while the kiosk refreshes as fast as it can; then the booth's own store
    saves and the kiosk counts every one of them."""
    from outreach_tui.domain import localtime

    path = booth_store.path
    app = make_kiosk(path, first_slide=3, refresh_seconds=0.02, utc_clock=localtime.utc_now)
    refused: list[str] = []
    done = threading.Event()

    def impatient_writer() -> None:
        conn = sqlite3.connect(path, timeout=0, isolation_level=None)
        conn.execute("PRAGMA busy_timeout = 0")
        try:
            for n in range(200):
                try:
                    conn.execute("BEGIN IMMEDIATE")
                    conn.execute(
                        "INSERT OR REPLACE INTO settings (key, value) VALUES ('kiosk_probe', ?)",
                        [str(n)],
                    )
                    conn.execute("COMMIT")
                except sqlite3.OperationalError as exc:
                    refused.append(str(exc))
                    if conn.in_transaction:
                        conn.execute("ROLLBACK")
        finally:
            conn.close()
            done.set()

    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        thread = threading.Thread(target=impatient_writer)
        thread.start()
        await wait_until(pilot, done.is_set, timeout=60)
        thread.join()
        for _ in range(3):
            register(workers=1)
        await wait_until(pilot, lambda: digits(app, "#today-owners") == "3", timeout=30)
        assert digits(app, "#today-workers") == "3"
    assert refused == []


def test_the_kiosk_reader_cannot_write(tmp_path: Path, store) -> None:  # type: ignore[no-untyped-def]
    reader = KioskReader(store.path)
    with reader.read() as conn, pytest.raises(sqlite3.OperationalError, match="readonly"):
        conn.execute("UPDATE settings SET value = 'x' WHERE key = 'device_id'")


async def test_a_kiosk_session_leaves_the_file_unchanged(make_kiosk, seeded_path) -> None:  # type: ignore[no-untyped-def]
    Store(seeded_path, create=False).close()  # the last close checkpoints into the file
    before = hashlib.sha256(seeded_path.read_bytes()).hexdigest()
    app = make_kiosk(seeded_path, seconds=0.2, refresh_seconds=0.05)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: app.current == 3)
    assert hashlib.sha256(seeded_path.read_bytes()).hexdigest() == before
    wal = seeded_path.with_name(seeded_path.name + "-wal")
    assert not wal.exists() or wal.stat().st_size == 0


async def test_a_file_gone_mid_run_is_one_line_and_slides_go_on(make_kiosk, seeded_path) -> None:  # type: ignore[no-untyped-def]
    app = make_kiosk(seeded_path, first_slide=3, seconds=0.3, refresh_seconds=0.1)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        for suffix in ("", "-wal", "-shm"):
            seeded_path.with_name(seeded_path.name + suffix).unlink(missing_ok=True)
        await wait_until(pilot, lambda: app.problem is not None)
        from tests.kiosk.screen_text import screen_lines

        footer = screen_lines(app)[-1]
        assert footer.strip().startswith("Data booth belum terbaca: database not found")
        assert digits(app, "#today-owners") == "2"  # the last figures stay
        shown = app.current
        await wait_until(pilot, lambda: app.current != shown)  # still cycling
