"""The booth and the kiosk side by side, as at an expo: two real terminals (tmux), the
booth in one (80×24), `outreach kiosk` in the other (200×56, the TV). The officer
registers with the keyboard; the kiosk's live count goes from 0 to 1 while it stays
paused on the "today" slide, and the registrant's name and NIK never appear on it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.booth_file import booth_file
from tests.e2e.test_tmux_terminal import keys, screen, tmux, wait_for

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed"),
]

OUTREACH = Path(sys.executable).with_name("outreach")


def start(name: str, command: str, size: tuple[int, int], env: dict[str, str]) -> None:
    subprocess.run(
        ["tmux", "new-session", "-d", "-s", name, "-x", str(size[0]), "-y", str(size[1]),
         f"{command}; sleep 60"],
        check=True, env=env,
    )  # fmt: skip


@pytest.fixture
def booth_and_kiosk(tmp_path: Path) -> Iterator[tuple[str, str, Path]]:
    if not OUTREACH.exists():
        pytest.skip("the outreach console script is not installed in this environment")
    db = booth_file(tmp_path)
    tag = uuid.uuid4().hex[:8]
    booth, kiosk = f"booth-{tag}", f"kiosk-{tag}"
    env = {**os.environ, "TERM": "xterm-256color", "OUTREACH_CONFIG": str(tmp_path / "none")}
    start(kiosk, f"{OUTREACH} --db {db} kiosk --refresh 0.5", (200, 56), env)
    try:
        start(booth, f"{OUTREACH} --db {db}", (80, 24), env)
        yield booth, kiosk, db
    finally:
        tmux("kill-session", "-t", booth)
        tmux("kill-session", "-t", kiosk)


def test_a_booth_save_shows_on_the_kiosk_beside_it(booth_and_kiosk) -> None:  # type: ignore[no-untyped-def]
    booth, kiosk, _ = booth_and_kiosk
    wait_for(kiosk, "BPJS Ketenagakerjaan bukan BPJS Kesehatan")
    keys(kiosk, "Right", "Right", "Right")  # step to "today"
    keys(kiosk, "p")  # any key pauses: it stays there
    wait_for(kiosk, "JEDA")
    shown = wait_for(kiosk, "0 pemilik usaha terdaftar di acara ini")
    assert "Hari ini di booth ini" in shown and "Sosialisasi BPU UMKM Surakarta" in shown

    wait_for(booth, "Mulai hari")
    keys(booth, "C-s")
    wait_for(booth, "Pendaftaran pemilik usaha")
    time.sleep(0.5)
    keys(booth, "3372011203950002", literal=True)
    wait_for(booth, "Laki-laki")
    keys(booth, "Tab")
    keys(booth, "Joko Susilo", literal=True)
    keys(booth, "Tab", "Tab", "Tab")
    keys(booth, "081311112222", literal=True)
    keys(booth, "Tab", "Tab")
    keys(booth, "Jl. Slamet Riyadi 10, Surakarta", literal=True)
    keys(booth, "Tab", "Tab")
    keys(booth, "0", literal=True)
    keys(booth, "Tab")
    keys(booth, "1000000", literal=True)
    keys(booth, "Tab", "Enter", "Down", "Down", "Down", "Enter")  # perdagangan
    keys(booth, "Tab", "Tab", "Tab", "Tab", "Space")  # consent
    wait_for(booth, "Siap disimpan")
    keys(booth, "C-s")
    wait_for(booth, "TANDA TERIMA")  # saved at normal speed beside the kiosk

    after = wait_for(kiosk, "1 pemilik usaha terdaftar di acara ini")
    assert "JEDA" in after  # still paused on the same slide: only the count moved
    for secret in ("Joko Susilo", "3372011203950002", "081311112222", "Slamet Riyadi"):
        assert secret not in after
    keys(kiosk, "C-q")
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and "Hari ini di booth ini" in screen(kiosk):
        time.sleep(0.2)
    assert "Hari ini di booth ini" not in screen(kiosk)
