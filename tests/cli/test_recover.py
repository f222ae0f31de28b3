"""A damaged, wiped or missing laptop file, as an officer meets it.

Real files: a generated laptop file (``sampledata.generate``) damaged the three ways a
disk or a copy damages files (bytes of a page overwritten, the end cut off, the header
overwritten), then ``outreach doctor``, every-day commands and ``outreach recover`` run
on it as a user would, with the real ``sqlite3`` shell.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from outreach_tui.cli.main import app
from outreach_tui.sampledata.generator import generate
from outreach_tui.store import Store

runner = CliRunner()
needs_sqlite3 = pytest.mark.skipif(
    shutil.which("sqlite3") is None and os.environ.get("CI") != "true",
    reason="the sqlite3 shell is not installed (apt install sqlite3)",
)


def run(db: Path, *args: str, lang: str = "en"):
    return runner.invoke(app, ["--lang", lang, "--db", str(db), *args], catch_exceptions=False)


def one_line_error(result) -> str:
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("outreach: ")
    assert "Traceback" not in result.output
    return lines[0]


@pytest.fixture(autouse=True)
def private_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Backups are looked for in the home and data folders too: keep those in tmp_path."""
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "home" / ".local" / "share"))
    monkeypatch.setenv("OUTREACH_CONFIG", str(tmp_path / "no-config.toml"))


@pytest.fixture(scope="module")
def healthy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("laptop") / "booth.db"
    generate(path, seed=11, registrations=600)
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return path


def counts(path: Path) -> tuple[int, int, int]:
    with Store(path, create=False) as store:
        s = store.summary()
    return s.owners, s.workers, s.leads


def laptop(healthy: Path, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "booth.db"
    shutil.copyfile(healthy, path)
    return path


def leaf_page(path: Path, table: str, nth: int) -> tuple[int, int]:
    """(page number, page size) of a leaf page of ``table``."""
    with sqlite3.connect(path) as conn:
        page_size = conn.execute("PRAGMA page_size").fetchone()[0]
        pages = [r[0] for r in conn.execute(
            "SELECT pageno FROM dbstat WHERE name = ? AND pagetype = 'leaf' ORDER BY pageno",
            [table],
        )]  # fmt: skip
    conn.close()
    return pages[min(nth, len(pages) - 1)], page_size


def flip_page(path: Path, table: str = "registrations", nth: int = 3) -> None:
    """Every byte of one page inverted, as a bad sector or a bad copy leaves it."""
    page, size = leaf_page(path, table, nth)
    with path.open("r+b") as f:
        f.seek((page - 1) * size)
        f.write(bytes(b ^ 0xA5 for b in f.read(size)))
        f.seek((page - 1) * size)


def truncate(path: Path) -> None:
    with path.open("r+b") as f:
        f.truncate(path.stat().st_size // 2)


def damage_header(path: Path) -> None:
    with path.open("r+b") as f:
        f.write(b"\x00garbage" * 8)


DAMAGES = {"flipped": flip_page, "truncated": truncate, "header": damage_header}
KIND = {"flipped": "pages", "truncated": "truncated", "header": "header"}


def make_backup(db: Path, hours_ago: float) -> Path:
    """An `outreach backup` copy in ~/backup, as the README suggests, made hours ago."""
    folder = Path(os.environ["HOME"]) / "backup"
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / "outreach-2026-12-05.db"
    result = run(db, "backup", "--out", str(target))
    assert result.exit_code == 0, result.output
    stamp = time.time() - hours_ago * 3600
    os.utime(target, (stamp, stamp))
    return target


@pytest.mark.parametrize("damage", sorted(DAMAGES))
def test_doctor_says_what_is_damaged_the_newest_backup_and_the_command(
    damage: str, healthy: Path, tmp_path: Path
) -> None:
    db = laptop(healthy, tmp_path / "data")
    backup = make_backup(db, hours_ago=3)
    DAMAGES[damage](db)

    result = run(db, "doctor", "--json")
    assert result.exit_code == 3
    assert "doctor" in one_line_error(result) or "damaged" in one_line_error(result)
    report = json.loads(result.stdout)
    assert report["damaged"] is True
    assert KIND[damage] in report["damage"]["kinds"]
    assert report["backup"]["path"] == str(backup)
    assert 3 * 3600 - 60 <= report["backup"]["age_seconds"] <= 3 * 3600 + 600
    assert report["backup"]["owners"] == counts(healthy)[0]
    assert report["recover_command"].startswith(f"outreach --db {db} recover --out ")

    text = run(db, "doctor")
    assert text.exit_code == 3
    assert str(backup) in text.stdout and "3 h" in text.stdout
    assert "recover --out" in text.stdout
    one_line_error(text)


def test_doctor_names_a_truncated_file_and_its_missing_pages(healthy: Path, tmp_path: Path):
    db = laptop(healthy, tmp_path)
    total = db.stat().st_size // 4096
    truncate(db)
    report = json.loads(run(db, "doctor", "--json").stdout)["damage"]
    assert (report["pages_present"], report["pages_expected"]) == (total // 2, total)
    assert f"{total // 2} of {total} pages" in run(db, "doctor").stdout


@pytest.mark.parametrize("damage", ["truncated", "header"])
@pytest.mark.parametrize(
    "command",
    [["sync", "--dry-run"], ["export", "--out", "x.bundle"], ["tally"], ["audit"],
     ["backup", "--out", "b.db"], ["purge", "--dry-run"], ["encrypt", "status"]],
)  # fmt: skip
def test_every_other_command_says_damaged_and_run_doctor(
    damage: str, command: list[str], healthy: Path, tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.chdir(tmp_path)
    db = laptop(healthy, tmp_path)
    DAMAGES[damage](db)
    result = run(db, *command)
    assert result.exit_code == 3, result.output
    line = one_line_error(result)
    assert "damaged" in line and "outreach doctor" in line


@pytest.mark.parametrize("command", [["export", "--out", "x.bundle"], ["sync", "--dry-run"]])
def test_a_flipped_page_is_named_by_a_command_that_meets_it(
    command: list[str], healthy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A page every command reads (the settings with the device id) turned to garbage."""
    monkeypatch.chdir(tmp_path)
    db = laptop(healthy, tmp_path)
    flip_page(db, "settings", 0)
    result = run(db, *command)
    assert result.exit_code == 3, result.output
    assert "outreach doctor" in one_line_error(result)


@needs_sqlite3
@pytest.mark.parametrize("damage", sorted(DAMAGES))
def test_recover_salvages_into_a_new_file_and_never_touches_the_damaged_one(
    damage: str, healthy: Path, tmp_path: Path
) -> None:
    db = laptop(healthy, tmp_path / "data")
    make_backup(db, hours_ago=1)
    DAMAGES[damage](db)
    before = (db.read_bytes(), db.stat().st_mtime_ns)
    out = tmp_path / "data" / "booth-recovered.db"

    result = run(db, "recover", "--out", str(out), "--json")
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    report = json.loads(result.stdout)

    assert (db.read_bytes(), db.stat().st_mtime_ns) == before
    # No -wal/-shm next to the damaged file, no temporary left behind.
    assert sorted(p.name for p in db.parent.iterdir()) == [
        "booth-recovered.db", "booth-recovered.db.last-known.json", "booth.db",
    ]  # fmt: skip
    owners, workers, leads = counts(out)
    assert (report["owners"], report["workers"], report["leads"]) == (owners, workers, leads)
    known = counts(healthy)
    assert report["last_known"]["source"] == "backup"
    assert (report["last_known"]["owners"], report["last_known"]["workers"]) == known[:2]
    assert report["missing"] == {
        "owners": known[0] - owners, "workers": known[1] - workers, "leads": known[2] - leads,
    }  # fmt: skip
    assert 0 < owners <= known[0]
    if damage == "header":
        assert report["header_rebuilt"] is True and (owners, workers, leads) == known
    with Store(healthy, create=False) as original, Store(out, create=False) as salvaged:
        assert salvaged.device_id == original.device_id  # the hub knows it by this id
        integrity = salvaged.integrity_check()
    # SQLite's structure is sound; only rows whose parent was lost (workers of an owner on
    # the unreadable page) may be reported, and they are counted in the report.
    assert integrity[0] == "ok"
    assert all(m.startswith("foreign key:") for m in integrity[1:])
    assert report["orphans"] == len(integrity) - 1
    doctor = run(out, "doctor", "--json")
    assert doctor.exit_code == (0 if report["orphans"] == 0 else 1)


@needs_sqlite3
def test_recover_text_compares_with_the_last_healthy_doctor(healthy: Path, tmp_path: Path):
    db = laptop(healthy, tmp_path)
    assert run(db, "doctor").exit_code == 0  # leaves booth.db.last-known.json
    truncate(db)
    result = run(db, "recover", "--out", str(tmp_path / "new.db"))
    assert result.exit_code == 0, result.output
    owners = counts(healthy)[0]
    assert "the last healthy 'outreach doctor'" in result.stdout
    assert f"{owners} owners" in result.stdout
    assert "Missing against it: at least" in result.stdout


@needs_sqlite3
@pytest.mark.parametrize("kind", ["file", "symlink", "fifo", "folder", "device"])
def test_recover_refuses_a_target_that_exists(kind: str, healthy: Path, tmp_path: Path):
    db = laptop(healthy, tmp_path)
    truncate(db)
    target = tmp_path / "target.db"
    if kind == "file":
        target.write_bytes(b"keep me")
    elif kind == "symlink":
        target.symlink_to(tmp_path / "elsewhere.db")
    elif kind == "fifo":
        os.mkfifo(target)
    elif kind == "folder":
        target.mkdir()
    else:
        target = Path("/dev/null")
    result = run(db, "recover", "--out", str(target))
    assert result.exit_code == 2
    assert "new file name" in one_line_error(result)
    if kind == "file":
        assert target.read_bytes() == b"keep me"
    assert not (tmp_path / "elsewhere.db").exists()
    assert Path("/dev/null").is_char_device()


def test_recover_without_the_sqlite3_shell_says_what_to_install(
    healthy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = laptop(healthy, tmp_path)
    truncate(db)
    empty_bin = tmp_path / "bin"
    empty_bin.mkdir()
    monkeypatch.setenv("PATH", str(empty_bin))
    result = run(db, "recover", "--out", str(tmp_path / "new.db"))
    assert result.exit_code == 2
    assert "apt install sqlite3" in one_line_error(result)
    assert not (tmp_path / "new.db").exists()


def test_recover_messages_are_indonesian_by_default(healthy: Path, tmp_path: Path) -> None:
    db = laptop(healthy, tmp_path)
    truncate(db)
    (tmp_path / "x.db").write_bytes(b"")
    result = run(db, "recover", "--out", str(tmp_path / "x.db"), lang="id")
    assert "sudah ada" in one_line_error(result)
