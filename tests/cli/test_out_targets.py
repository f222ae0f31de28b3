"""Every command with ``--out`` refuses what it must not replace (issue 14 item 1, issue 22
item 2): a device, a FIFO, a socket, a folder, a symlink (to a file or dangling), an
existing file without ``--force``, an SQLite database or the command's own database even
with ``--force``. Each refusal is exit 2 and one line on stderr, and the target is
untouched: same type, inode, mode and bytes, and nothing new beside it. On a full disk
(a real 64 KiB tmpfs) nothing partial remains and the message names the file.

Tests run as root (``os.mknod``, ``mount``); the full-disk tests skip, saying why, only
where mounting a tmpfs is not permitted.
"""

from __future__ import annotations

import errno
import os
import shutil
import socket
import sqlite3
import stat
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from outreach_tui.cli.main import app
from outreach_tui.sampledata.generator import generate
from outreach_tui.store import Store, database

cli = CliRunner()

# command -> its argv after the global options (out is the target; --force appended)
COMMANDS: dict[str, Callable[[str], list[str]]] = {
    "export": lambda out: ["export", "--out", out],
    "export-report": lambda out: ["export-report", "--out", out, "--format", "csv"],
    "export-report-xlsx": lambda out: ["export-report", "--out", out, "--format", "xlsx"],
    "sample": lambda out: ["sample", "--out", out, "--registrations", "5"],
    "backup": lambda out: ["backup", "--out", out],
}


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OUTREACH_CONFIG", str(tmp_path / "config.toml"))
    monkeypatch.setenv("OUTREACH_TOKEN_PATH", str(tmp_path / "secret" / "credentials.toml"))
    monkeypatch.setenv("OUTREACH_RUNTIME_DIR", str(tmp_path / "run"))


@pytest.fixture(scope="module")
def laptop_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("laptop") / "laptop.db"
    generate(path, seed=5, registrations=60, parallel=False)
    return path


@pytest.fixture
def laptop(laptop_template: Path, tmp_path: Path) -> Path:
    """An officer's file with records waiting for sync (a fresh copy per test)."""
    path = tmp_path / "db" / "laptop.db"
    path.parent.mkdir()
    shutil.copy(laptop_template, path)
    os.chmod(path, 0o600)
    return path


def run(laptop: Path, argv: list[str], lang: str = "en") -> Any:
    return cli.invoke(app, ["--lang", lang, "--db", str(laptop), *argv], catch_exceptions=False)


def one_line_error(result: Any) -> str:
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("outreach: "), lines[0]
    assert "Traceback" not in result.output
    return lines[0]


def snapshot(path: Path) -> tuple[Any, ...]:
    """What a user would check: type, inode, mode, device numbers, bytes, link target, and
    everything else in the folder (no temporary or -journal file left beside it)."""
    info = os.lstat(path)
    content: Any = None
    if stat.S_ISREG(info.st_mode):
        content = path.read_bytes()
    elif stat.S_ISLNK(info.st_mode):
        pointed = path.parent / os.readlink(path)
        content = (os.readlink(path), pointed.read_bytes() if pointed.exists() else None)
    folder = sorted(p for p in os.listdir(path.parent) if not p.endswith(("-wal", "-shm")))
    return (stat.S_IFMT(info.st_mode), info.st_ino, stat.S_IMODE(info.st_mode),
            info.st_rdev, content, folder)  # fmt: skip


# -- the targets ---------------------------------------------------------------------------


def char_device(folder: Path) -> Path:
    path = folder / "full"
    os.mknod(path, stat.S_IFCHR | 0o666, os.makedev(1, 7))  # the numbers of /dev/full
    return path


def fifo(folder: Path) -> Path:
    path = folder / "pipe"
    os.mkfifo(path, 0o644)
    return path


def unix_socket(folder: Path) -> Iterator[Path]:
    path = folder / "sock"
    with socket.socket(socket.AF_UNIX) as server:
        server.bind(str(path))
        yield path


def a_folder(folder: Path) -> Path:
    path = folder / "reports"
    path.mkdir()
    (path / "keep.txt").write_text("kept\n")
    return path


def symlink_to_file(folder: Path) -> Path:
    real = folder / "real.csv"
    real.write_text("someone else's file\n")
    os.chmod(real, 0o644)
    path = folder / "link"
    path.symlink_to(real.name)
    return path


def dangling_symlink(folder: Path) -> Path:
    path = folder / "dangling"
    path.symlink_to("/nonexistent/elsewhere.bundle")
    return path


def sqlite_file(folder: Path) -> Path:
    """A hub database of someone else's (mode 0644: the old backup made it 0600 first)."""
    path = folder / "hub.db"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE records (uuid TEXT PRIMARY KEY, body TEXT)")
        conn.executemany("INSERT INTO records VALUES (?, ?)",
                         [(f"u{i}", "x" * 50) for i in range(388)])  # fmt: skip
    conn.close()
    os.chmod(path, 0o644)
    return path


SPECIAL = {
    "char-device": char_device,
    "fifo": fifo,
    "folder": a_folder,
    "symlink-to-file": symlink_to_file,
    "dangling-symlink": dangling_symlink,
}


@pytest.mark.parametrize("force", [False, True], ids=["plain", "force"])
@pytest.mark.parametrize("kind", sorted(SPECIAL))
@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_refuses_anything_but_a_regular_file(
    laptop: Path, tmp_path: Path, command: str, kind: str, force: bool
) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    target = SPECIAL[kind](folder)
    before = snapshot(target)
    result = run(laptop, COMMANDS[command](str(target)) + (["--force"] if force else []))
    assert result.exit_code == 2, result.output
    line = one_line_error(result)
    assert str(target) in line
    assert snapshot(target) == before


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_refuses_a_socket(laptop: Path, tmp_path: Path, command: str) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    for target in unix_socket(folder):
        before = snapshot(target)
        result = run(laptop, [*COMMANDS[command](str(target)), "--force"])
        assert result.exit_code == 2, result.output
        assert "socket" in one_line_error(result)
        assert snapshot(target) == before


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_an_existing_file_only_with_force(laptop: Path, tmp_path: Path, command: str) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    target = folder / "old.out"
    target.write_bytes(b"an earlier export\n")
    os.chmod(target, 0o644)
    before = snapshot(target)
    refused = run(laptop, COMMANDS[command](str(target)))
    assert refused.exit_code == 2, refused.output
    assert "--force" in one_line_error(refused)
    assert snapshot(target) == before

    replaced = run(laptop, [*COMMANDS[command](str(target)), "--force"])
    assert replaced.exit_code == 0, replaced.output
    assert target.read_bytes() != b"an earlier export\n" and target.stat().st_size > 0
    assert stat.S_IMODE(target.stat().st_mode) == 0o600  # the new file is private
    assert sorted(os.listdir(folder)) == ["old.out"]  # no temporary file left


@pytest.mark.parametrize("force", [False, True], ids=["plain", "force"])
@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_never_onto_an_sqlite_database(
    laptop: Path, tmp_path: Path, command: str, force: bool
) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    target = sqlite_file(folder)
    before = snapshot(target)
    result = run(laptop, COMMANDS[command](str(target)) + (["--force"] if force else []))
    assert result.exit_code == 2, result.output
    assert "SQLite" in one_line_error(result)
    assert snapshot(target) == before
    with sqlite3.connect(target) as conn:
        assert conn.execute("SELECT count(*) FROM records").fetchone() == (388,)
    conn.close()


@pytest.mark.parametrize("alias", ["same-path", "hard-link"])
@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_never_onto_its_own_database(laptop: Path, command: str, alias: str) -> None:
    target = laptop
    if alias == "hard-link":
        target = laptop.parent / "alias.db"
        os.link(laptop, target)
    before = snapshot(target)
    with Store(laptop, create=False) as store:
        audit_before = len(store.audit.entries(limit=10_000))
    result = run(laptop, [*COMMANDS[command](str(target)), "--force"])
    assert result.exit_code == 2, result.output
    one_line_error(result)
    assert snapshot(target) == before
    with Store(laptop, create=False) as store:
        assert store.integrity_check() == ["ok"]
        assert len(store.audit.entries(limit=10_000)) == audit_before


def test_the_refusal_speaks_indonesian_by_default(laptop: Path, tmp_path: Path) -> None:
    target = char_device(tmp_path)
    result = run(laptop, ["export", "--out", str(target)], lang="id")
    assert result.exit_code == 2
    assert "perangkat" in one_line_error(result)


def test_a_fresh_target_in_a_new_folder_is_written(laptop: Path, tmp_path: Path) -> None:
    for command, argv in COMMANDS.items():
        target = tmp_path / "new" / command / "file.out"
        result = run(laptop, argv(str(target)))
        assert result.exit_code == 0, (command, result.output)
        assert stat.S_IMODE(target.stat().st_mode) == 0o600
        assert sorted(os.listdir(target.parent)) == ["file.out"], command


# -- export: all or nothing (issue 22 item 6) ------------------------------------------------


def audit_actions(path: Path) -> list[str]:
    with Store(path, create=False) as store:
        return [e.action for e in store.audit.entries(limit=10_000)]


def test_export_on_a_locked_file_leaves_no_bundle(
    laptop: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(database, "BUSY_TIMEOUT_MS", 300)  # the lock outlasts any wait
    target = tmp_path / "usb" / "plg.bundle"
    before = audit_actions(laptop)
    other = sqlite3.connect(laptop, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")  # another process holds the write lock
        result = run(laptop, ["export", "--out", str(target)])
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert result.exit_code == 3, result.output
    assert "locked" in one_line_error(result)
    assert not target.exists()
    assert not target.parent.exists() or os.listdir(target.parent) == []
    assert audit_actions(laptop) == before

    again = run(laptop, ["export", "--out", str(target)])  # once the lock is gone
    assert again.exit_code == 0, again.output
    assert audit_actions(laptop) == ["export.bundle", *before]


# -- a full disk ---------------------------------------------------------------------------


@pytest.fixture
def full_disk(tmp_path: Path) -> Iterator[Path]:
    """A real 64 KiB tmpfs, filled to the last byte."""
    mount = tmp_path / "small"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k,mode=0755", "tmpfs",
                           str(mount)], capture_output=True, text=True)  # fmt: skip
    if done.returncode != 0:
        pytest.skip(f"cannot mount a 64 KiB tmpfs here (needs root): {done.stderr.strip()}")
    try:
        fd = os.open(mount / "filler", os.O_WRONLY | os.O_CREAT, 0o644)
        try:
            while os.write(fd, b"\0" * 4096):
                pass
        except OSError as exc:
            assert exc.errno == errno.ENOSPC
        finally:
            os.close(fd)
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_a_full_disk_leaves_nothing_and_names_the_file(
    laptop: Path, full_disk: Path, command: str
) -> None:
    target = full_disk / "out.file"
    before = audit_actions(laptop)
    result = run(laptop, COMMANDS[command](str(target)))
    assert result.exit_code == 3, result.output
    line = one_line_error(result)
    assert str(target) in line and "disk full" in line
    assert sorted(os.listdir(full_disk)) == ["filler"]  # no partial, temp or -journal file
    assert audit_actions(laptop) == before  # nothing claims a file was written


def test_a_full_disk_does_not_touch_an_existing_file(laptop: Path, full_disk: Path) -> None:
    target = full_disk / "filler"
    before = snapshot(target)
    result = run(laptop, ["export-report", "--out", str(target), "--format", "csv", "--force"])
    assert result.exit_code == 3, result.output
    assert "disk full" in one_line_error(result)
    assert snapshot(target) == before


def test_a_full_disk_under_a_real_process_prints_one_line(laptop: Path, full_disk: Path) -> None:
    """In a real process an XLSX export failing part-way also left openpyxl's half-closed
    archive and row streams to the garbage collector, which printed tracebacks at exit."""
    target = full_disk / "report.xlsx"
    done = subprocess.run(
        [sys.executable, "-m", "outreach_tui", "--lang", "en", "--db", str(laptop),
         "export-report", "--out", str(target)],
        capture_output=True, text=True, env={**os.environ, "COLUMNS": "200"},
    )  # fmt: skip
    assert done.returncode == 3, done.stderr
    assert done.stderr.strip().splitlines() == [
        f"outreach: disk full: {target} not written (no partial file left); free some space"
        " and retry"
    ]
    assert sorted(os.listdir(full_disk)) == ["filler"]


def test_an_xlsx_export_with_control_characters_completes(laptop: Path, tmp_path: Path) -> None:
    """Text a hub or an old file may hold (a BEL in an event code) aborted the XLSX export
    part-way with a traceback; it now shows as U+FFFD and the file is complete."""
    from openpyxl import load_workbook

    with sqlite3.connect(laptop) as conn:
        conn.execute("UPDATE events SET code = code || char(7) || 'x'")
    conn.close()
    target = tmp_path / "report.xlsx"
    result = run(laptop, ["export-report", "--out", str(target)])
    assert result.exit_code == 0, result.output
    book = load_workbook(target, read_only=True)
    sheet = book["Records"]  # --lang en
    header = next(sheet.iter_rows(max_row=1, values_only=True))
    codes = {row[header.index("Event")] for row in sheet.iter_rows(min_row=2, values_only=True)}
    book.close()
    assert codes and all(code.endswith("\ufffdx") for code in codes), codes
