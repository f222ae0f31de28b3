"""Interactive `outreach init` asks in the officer's language (Bahasa Indonesia first)."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from outreach_tui.cli.main import app

ANSWERS = (
    "PLG-09\nRina Marlina\nPLG\nPalembang\nPalembang\nEXPO-X\nExpo X\nPIM\n2026-12-06\n2026-12-08\n"
)


def test_init_asks_in_bahasa_indonesia(tmp_path: Path) -> None:
    db = tmp_path / "booth.db"
    result = CliRunner().invoke(app, ["--db", str(db), "init", "--json"], input=ANSWERS)
    assert result.exit_code == 0, result.output
    for prompt in ("Kode petugas", "Nama lengkap petugas", "Kota kantor cabang",
                   "Nama acara", "Hari terakhir"):  # fmt: skip
        assert prompt in result.output
    assert "Officer" not in result.output
    made = json.loads(result.output[result.output.index("{") :])
    assert (made["officer"], made["event"], made["event_created"]) == ("PLG-09", "EXPO-X", True)


def test_init_asks_in_english_with_lang_en(tmp_path: Path) -> None:
    db = tmp_path / "booth.db"
    result = CliRunner().invoke(app, ["--db", str(db), "--lang", "en", "init"], input=ANSWERS)
    assert result.exit_code == 0, result.output
    assert "Officer code" in result.output and "Kode petugas" not in result.output


def test_flags_given_are_not_asked(tmp_path: Path) -> None:
    db = tmp_path / "booth.db"
    flags = ["--officer", "PLG-09", "--officer-name", "Rina", "--branch", "PLG",
             "--branch-name", "Palembang", "--city", "Palembang", "--event", "EXPO-X",
             "--event-name", "Expo X", "--venue", "PIM"]  # fmt: skip
    result = CliRunner().invoke(app, ["--db", str(db), "init", *flags],
                                input="2026-12-06\n2026-12-08\n")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "Kode petugas" not in result.output and "Hari pertama" in result.output
