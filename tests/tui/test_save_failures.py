"""A save that meets a locked file or a full disk (issue #22.1): the booth shows one line in
the form, keeps everything typed, saves nothing half-way, and ctrl+s saves once the cause
is gone. Real conditions only: another process holding the write lock past the busy
timeout, a small tmpfs filled to the last byte."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from textual.widgets import Input, Static

from outreach_tui.store import Store
from outreach_tui.tui.app import OutreachApp
from outreach_tui.tui.screens.receipt import ReceiptScreen
from outreach_tui.tui.screens.registration import RegistrationScreen
from outreach_tui.tui.screens.workers import WorkersScreen
from tests.conftest import BRANCH, EVENT_CODE, OFFICER, TODAY, synthetic_nik
from tests.tui.conftest import settle, wait_until
from tests.tui.test_registration import fill_owner, rows, tick_worker, type_into

LOCK_SECONDS = 15  # longer than the store's 10 s busy timeout

LOCKER = """
import sqlite3, sys, time
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN IMMEDIATE")  # the write lock, as another outreach process would hold it
print("locked", flush=True)
time.sleep(float(sys.argv[2]))
conn.execute("ROLLBACK")
"""


class FileLock:
    """Another process holding the database's write lock for up to ``seconds``."""

    def __init__(self, path: Path, seconds: float = LOCK_SECONDS) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-c", LOCKER, str(path), str(seconds)],
            stdout=subprocess.PIPE, text=True,
        )  # fmt: skip
        assert self.process.stdout is not None
        assert self.process.stdout.readline().strip() == "locked"

    def release(self) -> None:
        self.process.terminate()  # the OS drops the lock with the process
        self.process.wait(timeout=10)


def save_line(app: OutreachApp) -> str:
    widget = app.screen.query_one(".save-problem", Static)
    return str(widget.render()) if widget.has_class("-shown") else ""


def owner_form_values(app: OutreachApp) -> dict[str, str]:
    return {
        name: app.screen.query_one(f"#reg-{name}", Input).value
        for name in ("nik", "full-name", "phone", "address", "declared-income")
    }


async def test_a_locked_file_keeps_the_owner_form_and_saves_on_retry(make_app, booth_store):
    app = make_app()
    nik = synthetic_nik(sex="F")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await fill_owner(pilot, nik=nik, workers=0)
        typed = owner_form_values(app)
        lock = FileLock(booth_store.path)
        try:
            await pilot.press("ctrl+s")
            await wait_until(pilot, lambda: "Belum tersimpan" in save_line(app), timeout=40)
            assert "file dipakai proses lain, coba lagi" in save_line(app)
            assert isinstance(app.screen, RegistrationScreen)
            assert owner_form_values(app) == typed  # nothing typed is lost
            assert app.screen.query_one("#reg-consent").value is True
            assert rows(booth_store, "SELECT count(*) FROM registrations") == [(0,)]
        finally:
            lock.release()
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, ReceiptScreen))
    assert rows(booth_store, "SELECT nik, full_name FROM registrations") == [(nik, "Siti Aminah")]


async def fill_worker(pilot, index: int, nik: str, name: str) -> None:  # type: ignore[no-untyped-def]
    await type_into(pilot, f"#worker-{index}-nik", nik)
    await type_into(pilot, f"#worker-{index}-full-name", name)
    await type_into(pilot, f"#worker-{index}-declared-income", "1500000")
    await tick_worker(pilot, index)  # the worker's own yes (issue 20)


async def test_a_locked_file_keeps_the_workers_form_and_saves_on_retry(make_app, booth_store):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await fill_owner(pilot, nik=synthetic_nik(sex="F"), workers=2)
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, WorkersScreen))
        niks = [synthetic_nik(sex="M"), synthetic_nik(sex="M")]
        await fill_worker(pilot, 0, niks[0], "Budi Santoso")
        await fill_worker(pilot, 1, niks[1], "Rudi Hartono")
        lock = FileLock(booth_store.path)
        try:
            await pilot.press("ctrl+s")
            await wait_until(pilot, lambda: "Belum tersimpan" in save_line(app), timeout=40)
            assert "file dipakai proses lain" in save_line(app)
            assert isinstance(app.screen, WorkersScreen)
            assert app.screen.query_one("#worker-1-full-name", Input).value == "Rudi Hartono"
            workers = "SELECT count(*) FROM registrations WHERE role = 'worker'"
            assert rows(booth_store, workers) == [(0,)]
        finally:
            lock.release()
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, ReceiptScreen))
    assert rows(
        booth_store, "SELECT nik FROM registrations WHERE role = 'worker' ORDER BY seq"
    ) == [(niks[0],), (niks[1],)]


# -- a full disk: a real one, a small tmpfs (needs root to mount) ----------------------------


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    mount_point = tmp_path / "small-disk"
    mount_point.mkdir()
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("mounting a tmpfs needs root")
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(mount_point)],
        capture_output=True,
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode().strip()}")
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], check=False)


def fill_disk(folder: Path) -> Path:
    """Write a filler file until the disk has no byte left; return it."""
    filler = folder / "filler.bin"
    with open(filler, "wb", buffering=0) as out:
        chunk = b"\0" * 65536
        while True:
            try:
                out.write(chunk)
            except OSError:
                break
        while True:  # the last few bytes too
            try:
                out.write(b"\0" * 512)
            except OSError:
                break
    return filler


@pytest.fixture
def store_on_small_disk(small_disk: Path) -> Iterator[Store]:
    with Store(small_disk / "booth.db") as store:
        store.setup.upsert_branch(BRANCH, "Kantor Cabang Palembang", "Palembang")
        store.setup.upsert_officer(OFFICER, "Rina Marlina", BRANCH)
        event_id = store.setup.create_event(
            code=EVENT_CODE, name="Expo UMKM Palembang", venue="Palembang Icon Mall",
            city="Palembang", branch_code=BRANCH, starts_on=TODAY, ends_on=date(2026, 11, 25),
        )  # fmt: skip
        store.settings.set("officer_code", OFFICER)
        store.settings.set("event_id", event_id)
        store.registrations  # noqa: B018 (the writer built before the disk fills)
        yield store


async def test_a_full_disk_keeps_both_forms_and_saves_once_space_is_back(store_on_small_disk):
    store = store_on_small_disk
    app = OutreachApp(store, ask_start_of_day=False, today=lambda: TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await fill_owner(pilot, nik=synthetic_nik(sex="F"), workers=1)
        typed = owner_form_values(app)
        store.database.checkpoint()  # an empty WAL: the save has to grow it
        filler = fill_disk(store.path.parent)
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: "Belum tersimpan" in save_line(app))
        assert "disk penuh" in save_line(app)
        assert owner_form_values(app) == typed
        assert rows(store, "SELECT count(*) FROM registrations") == [(0,)]
        filler.unlink()
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, WorkersScreen))
        assert rows(store, "SELECT count(*) FROM registrations") == [(1,)]

        worker_nik = synthetic_nik(sex="M")
        await fill_worker(pilot, 0, worker_nik, "Budi Santoso")
        store.database.checkpoint()
        filler = fill_disk(store.path.parent)
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: "Belum tersimpan" in save_line(app))
        assert "disk penuh" in save_line(app)
        assert app.screen.query_one("#worker-0-nik", Input).value == worker_nik
        assert rows(store, "SELECT count(*) FROM registrations WHERE role = 'worker'") == [(0,)]
        filler.unlink()
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, ReceiptScreen))
    assert rows(store, "SELECT role, nik FROM registrations ORDER BY seq")[1] == (
        "worker", worker_nik)  # fmt: skip
    assert rows(store, "SELECT count(*) FROM registrations") == [(2,)]


def test_each_kind_of_failure_reads_as_one_line_in_both_languages(tmp_path: Path) -> None:
    import errno

    from outreach_tui.store import StoreError
    from outreach_tui.tui.save_problem import save_problem

    # a real "database is locked" and a real "readonly" from SQLite itself
    db = tmp_path / "x.db"
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("CREATE TABLE t (x)")
    holder.execute("BEGIN IMMEDIATE")
    other = sqlite3.connect(db, timeout=0)
    with pytest.raises(sqlite3.OperationalError) as locked:
        other.execute("INSERT INTO t VALUES (1)")
    holder.rollback()
    readonly = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    with pytest.raises(sqlite3.OperationalError) as refused:
        readonly.execute("INSERT INTO t VALUES (1)")
    cases = {
        locked.value: ("file dipakai proses lain, coba lagi", "in use by another process"),
        refused.value: ("tidak bisa ditulis", "cannot be written"),
        OSError(errno.ENOSPC, "No space left on device"): ("disk penuh", "disk is full"),
        OSError(errno.EIO, "Input/output error"): ("Input/output error", "Input/output error"),
        StoreError("consent required"): ("consent required", "consent required"),
        RuntimeError("boom"): ("tak terduga (RuntimeError)", "unexpected error (RuntimeError)"),
    }
    for exc, (indonesian, english) in cases.items():
        assert indonesian in save_problem(exc, "id")
        assert english in save_problem(exc, "en")
        assert "\n" not in save_problem(exc, "id")
    for conn in (holder, other, readonly):
        conn.close()
