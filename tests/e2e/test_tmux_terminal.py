"""The installed `outreach` in a real terminal (tmux): start the day, register one person
with the keyboard only, see the receipt, quit — and the row is in the database."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.booth_file import booth_file

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed"),
]

OUTREACH = Path(sys.executable).with_name("outreach")


def tmux(*args: str) -> str:
    return subprocess.run(
        ["tmux", *args], capture_output=True, text=True, check=False, timeout=10
    ).stdout


def screen(session: str) -> str:
    return tmux("capture-pane", "-p", "-t", session)


def wait_for(session: str, needle: str, timeout: float = 20.0) -> str:
    deadline = time.monotonic() + timeout
    text = ""
    while time.monotonic() < deadline:
        text = screen(session)
        if needle in text:
            return text
        time.sleep(0.2)
    raise AssertionError(f"{needle!r} never appeared; last screen:\n{text}")


def keys(session: str, *items: str, literal: bool = False) -> None:
    """Type like a person: one item at a time, with a short pause between."""
    for item in items:
        tmux("send-keys", "-t", session, *(["-l"] if literal else []), item)
        time.sleep(0.25)


@pytest.fixture
def session(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    if not OUTREACH.exists():
        pytest.skip("the outreach console script is not installed in this environment")
    db = booth_file(tmp_path)
    name = f"outreach-{uuid.uuid4().hex[:8]}"
    env = {**os.environ, "TERM": "xterm-256color", "OUTREACH_CONFIG": str(tmp_path / "none")}
    subprocess.run(
        ["tmux", "new-session", "-d", "-s", name, "-x", "80", "-y", "24",
         f"{OUTREACH} --db {db}; sleep 60"],
        check=True, env=env,
    )  # fmt: skip
    try:
        yield name, db
    finally:
        tmux("kill-session", "-t", name)


def test_register_one_person_in_a_real_terminal(session: tuple[str, Path]) -> None:
    name, db = session
    wait_for(name, "Mulai hari")
    keys(name, "C-s")  # start of day: remembered officer and event
    wait_for(name, "Pendaftaran pemilik usaha")
    time.sleep(0.5)
    keys(name, "3372011203950002", literal=True)
    wait_for(name, "Laki-laki")  # the NIK was decoded as it was typed
    keys(name, "Tab")
    keys(name, "Joko Susilo", literal=True)
    keys(name, "Tab", "Tab", "Tab")
    keys(name, "081311112222", literal=True)
    keys(name, "Tab", "Tab")
    keys(name, "Jl. Slamet Riyadi 10, Surakarta", literal=True)
    keys(name, "Tab", "Tab")
    keys(name, "0", literal=True)
    keys(name, "Tab")
    keys(name, "1000000", literal=True)
    keys(name, "Tab", "Enter", "Down", "Down", "Down", "Enter")  # 4th: perdagangan
    keys(name, "Tab", "Tab", "Tab", "Tab", "Space")  # consent
    wait_for(name, "Siap disimpan")
    keys(name, "C-s")
    receipt = wait_for(name, "TANDA TERIMA")
    with sqlite3.connect(db) as conn:
        row = conn.execute(
            "SELECT full_name, nik, phone, sector, monthly_normal, reference_no, sync_state"
            " FROM registrations"
        ).fetchall()
    assert len(row) == 1
    full_name, nik, phone, sector, normal, reference_no, state = row[0]
    assert (full_name, nik, phone) == ("Joko Susilo", "3372011203950002", "+6281311112222")
    assert sector == "perdagangan" and normal == 16_800 and state == "pending"
    assert reference_no in receipt
    keys(name, "C-q")
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and "TANDA TERIMA" in screen(name):
        time.sleep(0.2)
    assert "TANDA TERIMA" not in screen(name)


def fill_owner(name: str, nik: str, workers: int) -> None:
    keys(name, nik, literal=True)
    wait_for(name, "Perempuan")
    keys(name, "Tab")
    keys(name, "Sri Wahyuni", literal=True)
    keys(name, "Tab", "Tab", "Tab")
    keys(name, "081322223333", literal=True)
    keys(name, "Tab", "Tab")
    keys(name, "Jl. Slamet Riyadi 12, Surakarta", literal=True)
    keys(name, "Tab")
    keys(name, "Warung Bu Sri", literal=True)
    keys(name, "Tab")
    keys(name, str(workers), literal=True)
    keys(name, "Tab")
    keys(name, "2000000", literal=True)
    keys(name, "Tab", "Enter", "Down", "Down", "Down", "Down", "Enter")  # 5th: kuliner
    keys(name, "Tab", "Tab", "Tab", "Tab", "Space")  # consent
    wait_for(name, "Siap disimpan")


def fill_worker_row(name: str, nik: str, full_name: str) -> None:
    """NIK, name, (no phone), income, then the worker's own consent (the text addressed to
    them, their yes by ctrl+s); a habitual Tab after it does not move twice."""
    keys(name, nik, literal=True)
    keys(name, "Tab")
    keys(name, full_name, literal=True)
    keys(name, "Tab", "Tab")
    keys(name, "1500000", literal=True)
    keys(name, "Tab", "Space")
    wait_for(name, f"{full_name} sendiri yang menyetujui")
    keys(name, "C-s", "Tab")


def test_an_owner_with_three_workers_one_sharing_her_nik(session: tuple[str, Path]) -> None:
    name, db = session
    owner_nik, niks = "3372015504880003", ["3372011203950004", "3372012007000005"]
    wait_for(name, "Mulai hari")
    keys(name, "C-s")
    wait_for(name, "Pendaftaran pemilik usaha")
    time.sleep(0.5)
    fill_owner(name, owner_nik, workers=3)
    keys(name, "C-s")
    table = wait_for(name, "Jalur pekerja")  # the workers' table and its headings
    assert "NIK" in table and "Setuju" in table and "Tanggal lahir" not in table
    fill_worker_row(name, niks[0], "Agus Salim")
    fill_worker_row(name, owner_nik, "Dimas Anggara")  # the owner's NIK, by mistake
    fill_worker_row(name, niks[1], "Eko Prasetyo")
    shown = wait_for(name, "sama dengan NIK pemilik usaha")
    assert owner_nik in shown and niks[0] in shown  # the whole 16 digits in the column
    assert "Laki-laki · 12-03-1995" in shown  # what the first worker's NIK says
    keys(name, "C-s")  # refused: the row is marked, nothing saved
    time.sleep(1.0)
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM registrations WHERE role = 'worker'"
                            ).fetchone() == (0,)  # fmt: skip

    keys(name, "C-q")  # half a household typed: quitting asks first
    wait_for(name, "Keluar dari outreach?")
    keys(name, "Escape")
    time.sleep(0.5)
    # the refused save put the cursor in the marked row's NIK: type the right one
    keys(name, "End", *["BSpace"] * 16)
    keys(name, "3372012508990006", literal=True)
    wait_for(name, "Laki-laki · 25-08-1999")
    keys(name, "C-s")
    receipt = wait_for(name, "TANDA TERIMA")
    with sqlite3.connect(db) as conn:
        workers = conn.execute(
            "SELECT nik FROM registrations WHERE role = 'worker' ORDER BY seq"
        ).fetchall()
        count = conn.execute(
            "SELECT workers_count FROM registrations WHERE role = 'owner'"
        ).fetchone()
    assert workers == [(niks[0],), ("3372012508990006",), (niks[1],)]
    assert count == (3,)
    assert "Tanggal daftar" in receipt
