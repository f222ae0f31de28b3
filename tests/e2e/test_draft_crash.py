"""A crash while a form is half typed (issue 15): the installed `outreach` in a real
terminal (tmux) is SIGKILLed once its draft is on disk; the next start shows the form
again, filled, with the notice."""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.booth_file import booth_file
from tests.e2e.test_tmux_terminal import OUTREACH, keys, tmux, wait_for

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed"),
]
NIK = "3372015203950002"  # a woman born 12-03-1995, Surakarta


def start(db: Path, tmp_path: Path) -> str:
    """The booth in a new 80x24 tmux session, as the session's own process (exec): the
    pane's pid is the booth's."""
    name = f"outreach-{uuid.uuid4().hex[:8]}"
    env = {**os.environ, "TERM": "xterm-256color", "OUTREACH_CONFIG": str(tmp_path / "none")}
    subprocess.run(
        ["tmux", "new-session", "-d", "-s", name, "-x", "80", "-y", "24",
         f"exec {OUTREACH} --db {db}"],
        check=True, env=env,
    )  # fmt: skip
    return name


def draft_names(db: Path) -> list[str]:
    import json

    with sqlite3.connect(db, timeout=5) as conn:
        found = conn.execute("SELECT data FROM form_drafts WHERE kind = 'registration'")
        return [json.loads(data).get("full_name", "") for (data,) in found]


@pytest.fixture
def booth_db(tmp_path: Path) -> Iterator[Path]:
    if not OUTREACH.exists():
        pytest.skip("the outreach console script is not installed in this environment")
    db = booth_file(tmp_path)
    yield db


def test_sigkill_with_a_half_typed_form_then_the_draft_is_on_screen(
    booth_db: Path, tmp_path: Path
) -> None:
    name = start(booth_db, tmp_path)
    try:
        wait_for(name, "Mulai hari")
        keys(name, "C-s")  # start of day: remembered officer and event
        wait_for(name, "Pendaftaran pemilik usaha")
        time.sleep(0.3)
        keys(name, NIK, literal=True)
        wait_for(name, "Perempuan")
        keys(name, "Tab")
        keys(name, "Sri Rahayu", literal=True)
        deadline = time.monotonic() + 10  # past the debounce, the draft is on disk
        while draft_names(booth_db) != ["Sri Rahayu"] and time.monotonic() < deadline:
            time.sleep(0.1)
        assert draft_names(booth_db) == ["Sri Rahayu"]
        pid = int(tmux("display-message", "-p", "-t", name, "#{pane_pid}").strip())
        os.kill(pid, signal.SIGKILL)  # a dead battery, a killed process
        deadline = time.monotonic() + 10
        while name in tmux("list-sessions", "-F", "#{session_name}") and (
            time.monotonic() < deadline
        ):
            time.sleep(0.1)
    finally:
        tmux("kill-session", "-t", name)

    name = start(booth_db, tmp_path)
    try:
        wait_for(name, "Mulai hari")
        keys(name, "C-s")
        text = wait_for(name, "Draf dipulihkan dari")
        assert NIK in text and "Sri Rahayu" in text
        assert "— ctrl+n" in text  # the notice (wrapped in the toast at 80 columns)
    finally:
        tmux("kill-session", "-t", name)
