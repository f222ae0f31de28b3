"""A wiped laptop file (0 bytes, or gone) is never silently a new booth.

Only `outreach init` (or the booth's first-run screen) makes a new file; every other
command says the file is empty or missing, exits 3 and leaves the 0-byte file as it is.
Also: `doctor`'s size counts the -wal and -shm files.
"""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from outreach_tui.cli.main import app
from outreach_tui.store import Store
from tests.cli.test_cli import INIT

runner = CliRunner()

COMMANDS = [
    ["doctor"], ["doctor", "--json"], ["sync", "--dry-run"], ["sync"],
    ["export", "--out", "x.bundle"], ["tally"], ["targets"], ["audit"],
    ["backup", "--out", "b.db"], ["purge", "--dry-run"],
    ["encrypt", "status"], ["lock"], ["unlock"],
    ["export-report", "--out", "r.csv"], ["recover", "--out", "new.db"],
]  # fmt: skip


@pytest.fixture(autouse=True)
def private_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "home" / "share"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "home" / "config"))
    monkeypatch.setenv("OUTREACH_CONFIG", str(tmp_path / "no-config.toml"))
    monkeypatch.chdir(tmp_path)


def run(db: Path, *args: str, lang: str = "en"):
    return runner.invoke(app, ["--lang", lang, "--db", str(db), *args], catch_exceptions=False)


def one_line_error(result) -> str:
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("outreach: ")
    assert "Traceback" not in result.output
    return lines[0]


def a_booth(tmp_path: Path) -> Path:
    db = tmp_path / "booth.db"
    assert run(db, *INIT).exit_code == 0
    return db


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c[:2]))
def test_a_zero_byte_file_is_refused_by_every_command(command: list[str], tmp_path: Path):
    db = a_booth(tmp_path)
    db.write_bytes(b"")  # wiped
    for side in ("-wal", "-shm"):
        Path(f"{db}{side}").unlink(missing_ok=True)
    result = run(db, *command)
    assert result.exit_code == 3, result.output
    assert "empty (0 bytes)" in one_line_error(result)
    assert db.stat().st_size == 0  # not made into a new booth
    assert not Path(f"{db}-wal").exists()


def test_doctor_on_a_wiped_file_says_so_and_names_the_backup(tmp_path: Path) -> None:
    db = a_booth(tmp_path)
    backups = tmp_path / "home" / "backup"
    assert run(db, "backup", "--out", str(backups / "outreach-2026-12-05.db")).exit_code == 0
    db.write_bytes(b"")
    result = run(db, "doctor")
    assert result.exit_code == 3
    assert "is empty (0 bytes)" in " ".join(result.stdout.split())  # Rich may wrap a long path
    assert str(backups / "outreach-2026-12-05.db") in "".join(result.stdout.split())
    report = json.loads(run(db, "doctor", "--json").stdout)
    assert report["damage"]["kinds"] == ["empty"] and report["recover_command"] is None


@pytest.mark.parametrize("command", [["doctor"], ["sync", "--dry-run"], ["audit"]])
def test_a_deleted_file_that_held_a_device_says_which(command: list[str], tmp_path: Path):
    db = a_booth(tmp_path)
    with Store(db, create=False) as store:
        device_id = store.device_id
    db.unlink()
    for side in ("-wal", "-shm"):
        Path(f"{db}{side}").unlink(missing_ok=True)
    result = run(db, *command)
    assert result.exit_code == 3
    assert device_id in (result.stdout + one_line_error(result))
    assert not db.exists()


def test_only_init_makes_a_new_file_from_a_wiped_one(tmp_path: Path) -> None:
    db = a_booth(tmp_path)
    with Store(db, create=False) as store:
        old_device = store.device_id
    db.write_bytes(b"")
    result = run(db, *INIT, "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["device_id"] != old_device
    assert run(db, "doctor").exit_code == 0


def test_the_store_refuses_a_zero_byte_file_unless_asked_to_create(tmp_path: Path) -> None:
    from outreach_tui.store.database import FileEmpty

    db = tmp_path / "wiped.db"
    db.write_bytes(b"")
    with pytest.raises(FileEmpty):
        Store(db, create=False)
    assert db.stat().st_size == 0
    with Store(db, create=True) as store:  # what init and the first-run screen do
        assert store.device_id


def test_doctor_size_counts_the_wal_and_shm(tmp_path: Path) -> None:
    db = a_booth(tmp_path)
    holder = sqlite3.connect(db)  # keeps the WAL from being folded in at close
    holder.execute("PRAGMA wal_autocheckpoint = 0")
    holder.execute("BEGIN")
    holder.execute("SELECT count(*) FROM settings").fetchone()
    writer = sqlite3.connect(db)
    writer.execute("PRAGMA wal_autocheckpoint = 0")
    with writer:
        writer.execute("CREATE TABLE padding (x)")
        writer.execute("INSERT INTO padding VALUES (randomblob(200000))")
    writer.close()
    try:
        report = json.loads(run(db, "doctor", "--json").stdout)
        sizes = [os.stat(f"{db}{s}").st_size for s in ("", "-wal", "-shm")]
    finally:
        holder.close()
    assert report["wal_bytes"] > 200_000
    assert (report["file_bytes"], report["wal_bytes"], report["shm_bytes"]) == tuple(sizes)
    assert report["size_bytes"] == sum(sizes)
