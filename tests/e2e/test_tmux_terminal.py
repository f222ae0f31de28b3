"""The installed `outreach` in a real terminal (tmux): it draws, and ctrl+q quits."""

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

from outreach_tui.store import Store

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed"),
]

OUTREACH = Path(sys.executable).with_name("outreach")


def tmux(*args: str) -> str:
    return subprocess.run(
        ["tmux", *args], capture_output=True, text=True, check=False, timeout=10
    ).stdout


def wait_for_screen(session: str, needle: str, timeout: float = 20.0) -> str:
    deadline = time.monotonic() + timeout
    screen = ""
    while time.monotonic() < deadline:
        screen = tmux("capture-pane", "-p", "-t", session)
        if needle in screen:
            return screen
        time.sleep(0.2)
    raise AssertionError(f"{needle!r} never appeared; last screen:\n{screen}")


@pytest.fixture
def session(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    if not OUTREACH.exists():
        pytest.skip("the outreach console script is not installed in this environment")
    db = tmp_path / "booth.db"
    with Store(db) as store:
        store.setup.upsert_officer("SKA-02", "Bambang Wijaya")
        store.settings.set("officer_code", "SKA-02")
    name = f"outreach-{uuid.uuid4().hex[:8]}"
    env = {**os.environ, "TERM": "xterm-256color", "OUTREACH_CONFIG": str(tmp_path / "none")}
    subprocess.run(
        ["tmux", "new-session", "-d", "-s", name, "-x", "80", "-y", "24",
         f"{OUTREACH} --db {db}; sleep 30"],
        check=True, env=env,
    )  # fmt: skip
    try:
        yield name, db
    finally:
        tmux("kill-session", "-t", name)


def test_tui_draws_status_and_quits_on_ctrl_q(session: tuple[str, Path]) -> None:
    name, db = session
    screen = wait_for_screen(name, "Petugas: SKA-02")
    assert "Menunggu sinkron: 0" in screen
    assert "Keluar" in screen  # the footer lists the key
    tmux("send-keys", "-t", name, "C-q")
    # After the app exits the shell runs `sleep`; the app's footer disappears.
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and "Keluar" in tmux("capture-pane", "-p", "-t", name):
        time.sleep(0.2)
    assert "Keluar" not in tmux("capture-pane", "-p", "-t", name)
    assert db.exists()
