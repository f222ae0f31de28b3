"""ctrl+t on the receipt writes it to files through outreach_tui/files.py: private files,
never through a symlink put in the receipts folder, nothing partial on a full disk, and
in every case the booth keeps running with one line for the officer (issue 14 item 1)."""

from __future__ import annotations

import os
import sqlite3
import stat
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from outreach_tui.store import Store
from outreach_tui.tui.screens.receipt import ReceiptScreen
from tests.conftest import synthetic_nik
from tests.tui.conftest import settle, wait_until
from tests.tui.test_registration import fill_owner


def reference(store: Store) -> str:
    with sqlite3.connect(store.path) as conn:
        [(ref,)] = conn.execute("SELECT reference_no FROM registrations").fetchall()
    conn.close()
    return ref


def messages(app) -> list[str]:  # type: ignore[no-untyped-def]
    return [n.message for n in app._notifications]


async def to_receipt(pilot) -> None:  # type: ignore[no-untyped-def]
    await settle(pilot)
    await fill_owner(pilot, nik=synthetic_nik(sex="F"), workers=0)
    await pilot.press("ctrl+s")
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, ReceiptScreen))


async def test_ctrl_t_writes_private_receipt_files(make_app, booth_store: Store) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await to_receipt(pilot)
        await pilot.press("ctrl+t")
        await wait_until(pilot, lambda: any("Tanda terima ditulis" in m for m in messages(app)))
    folder = booth_store.path.parent / "receipts"
    ref = reference(booth_store)
    assert sorted(os.listdir(folder)) == [f"{ref}.pdf", f"{ref}.txt"]
    assert ref in (folder / f"{ref}.txt").read_text(encoding="utf-8")
    for name in os.listdir(folder):
        assert stat.S_IMODE((folder / name).stat().st_mode) == 0o600


async def test_a_symlink_in_the_receipts_folder_is_not_followed(
    make_app, booth_store: Store, tmp_path: Path
) -> None:
    outside = tmp_path / "outside.txt"
    outside.write_text("someone else's file\n")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await to_receipt(pilot)
        folder = booth_store.path.parent / "receipts"
        folder.mkdir(exist_ok=True)
        link = folder / f"{reference(booth_store)}.txt"
        link.symlink_to(outside)
        await pilot.press("ctrl+t")
        await wait_until(pilot, lambda: any("tautan simbolik" in m for m in messages(app)))
        assert isinstance(app.screen, ReceiptScreen)  # the booth is still there
    assert link.is_symlink() and outside.read_text() == "someone else's file\n"
    assert sorted(os.listdir(folder)) == [link.name]


@pytest.fixture
def full_receipts_folder(booth_store: Store) -> Iterator[Path]:
    folder = booth_store.path.parent / "receipts"
    folder.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(folder)],
                          capture_output=True, text=True)  # fmt: skip
    if done.returncode != 0:
        pytest.skip(f"cannot mount a 64 KiB tmpfs here (needs root): {done.stderr.strip()}")
    try:
        fd = os.open(folder / "filler", os.O_WRONLY | os.O_CREAT, 0o600)
        try:
            while os.write(fd, b"\0" * 4096):
                pass
        except OSError:
            pass
        finally:
            os.close(fd)
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


async def test_a_full_disk_is_one_line_and_the_booth_keeps_running(
    make_app, booth_store: Store, full_receipts_folder: Path
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await to_receipt(pilot)
        await pilot.press("ctrl+t")
        await wait_until(pilot, lambda: any("disk penuh" in m for m in messages(app)))
        assert isinstance(app.screen, ReceiptScreen)
        [line] = [m for m in messages(app) if "disk penuh" in m]
        assert f"{reference(booth_store)}.txt" in line and "\n" not in line
        assert sorted(os.listdir(full_receipts_folder)) == ["filler"]  # nothing partial
        os.unlink(full_receipts_folder / "filler")  # the officer frees some space
        await pilot.press("ctrl+t")
        await wait_until(pilot, lambda: any("Tanda terima ditulis" in m for m in messages(app)))
    assert len(os.listdir(full_receipts_folder)) == 2
