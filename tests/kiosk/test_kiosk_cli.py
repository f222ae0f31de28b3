"""`outreach kiosk` refuses what it cannot show in one line, before anything is drawn."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from outreach_tui.cli.main import app

runner = CliRunner()


def run(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.output


def one_line(output: str) -> str:
    lines = [line for line in output.splitlines() if line.strip()]
    assert len(lines) == 1, output
    assert "Traceback" not in output
    assert lines[0].startswith("outreach: ")
    return lines[0]


def test_a_missing_file(tmp_path: Path) -> None:
    code, out = run("kiosk", "--db", str(tmp_path / "none.db"))
    assert code == 3
    assert "none.db" in one_line(out)
    assert not (tmp_path / "none.db").exists()  # the kiosk never creates a booth file


def test_an_empty_file(tmp_path: Path) -> None:
    (tmp_path / "wiped.db").touch()
    code, out = run("kiosk", "--db", str(tmp_path / "wiped.db"))
    assert code == 3
    assert "kosong (0 bita)" in one_line(out)


def test_a_damaged_file(seeded_path: Path) -> None:
    data = bytearray(seeded_path.read_bytes())
    data[:100] = b"\x00" * 100  # the header overwritten
    seeded_path.write_bytes(bytes(data))
    code, out = run("--lang", "en", "kiosk", "--db", str(seeded_path))
    assert code == 3
    assert "damaged" in one_line(out).lower()


def test_a_file_held_locked_by_another_program(seeded_path: Path) -> None:
    holder = sqlite3.connect(seeded_path)
    holder.execute("PRAGMA locking_mode = EXCLUSIVE")
    holder.execute("BEGIN IMMEDIATE")
    holder.execute("UPDATE settings SET value = value")
    holder.commit()  # exclusive mode keeps the file's lock after the commit
    try:
        code, out = run("kiosk", "--db", str(seeded_path))
    finally:
        holder.close()
    assert code == 3
    assert "dikunci program lain" in one_line(out)


def test_an_unknown_event(seeded_path: Path) -> None:
    code, out = run("--lang", "en", "kiosk", "--db", str(seeded_path), "--event", "NOPE")
    assert code == 1
    assert one_line(out) == "outreach: No event NOPE on this file (known: EXPO-PLG-2026-11)."


@pytest.mark.parametrize(
    ("change", "says"),
    [('kind = "today"', "kind 'hari'"), ('sector = "perdagangan"', "unknown sector")],
)
def test_a_broken_slide_file(seeded_path: Path, tmp_path: Path, change: str, says: str) -> None:
    from outreach_tui.tui.kiosk.deck import shipped_text

    text, _ = shipped_text("id")
    broken = {'kind = "today"': 'kind = "hari"', 'sector = "perdagangan"': 'sector = "warung"'}
    path = tmp_path / "slides.toml"
    path.write_text(text.replace(change, broken[change], 1), encoding="utf-8")
    code, out = run("kiosk", "--db", str(seeded_path), "--slides", str(path))
    assert code == 1
    assert says in one_line(out)


def test_a_bad_language(seeded_path: Path) -> None:
    code, out = run("kiosk", "--db", str(seeded_path), "--lang", "fr")
    assert code == 2
    assert "'fr'" in one_line(out)
