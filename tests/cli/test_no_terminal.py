"""The full-screen commands refuse to start without a terminal.

Started with its input or output sent to a file (a shortcut, a cron line, `outreach >
log`), the booth could not be used and kept one core busy until it was killed. Now the
booth, the dashboard and the kiosk say why in one line and exit 2, before any file is
opened or made.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

SCREENS = [[], ["dashboard"], ["kiosk"]]
SAMPLE = Path(__file__).resolve().parents[2] / "sample.db"


@pytest.mark.parametrize("command", SCREENS, ids=["booth", "dashboard", "kiosk"])
@pytest.mark.parametrize("language", ["id", "en"])
def test_a_screen_without_a_terminal_is_one_line_and_exit_2(
    command: list[str], language: str, tmp_path: Path
) -> None:
    fresh = tmp_path / "fresh.db"  # no such file: the booth would make it
    db = tmp_path / "booth.db"
    shutil.copyfile(SAMPLE, db)
    before = hashlib.sha256(db.read_bytes()).hexdigest()
    target = fresh if not command else db  # the dashboard and kiosk need a file to read
    done = subprocess.run(
        [sys.executable, "-m", "outreach_tui", "--lang", language, "--db", str(target), *command],
        stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60,
        cwd=tmp_path, env={"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"},
    )  # fmt: skip
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("outreach: 'outreach")
    word = "terminal window" if language == "en" else "jendela terminal"
    assert word in lines[0]
    assert "Traceback" not in done.stderr and "\x1b[" not in done.stderr + done.stdout
    # Nothing was made or touched for a screen nobody can use.
    assert not fresh.exists()
    assert hashlib.sha256(db.read_bytes()).hexdigest() == before
    if not command:  # the dashboard and the kiosk check their source first (reads only)
        assert not Path(f"{db}-wal").exists()
