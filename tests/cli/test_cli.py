"""The `outreach` command as a user runs it: output, JSON shapes, exit codes, files."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from outreach_tui import __version__
from outreach_tui.cli.main import app

runner = CliRunner()

INIT = [
    "init", "--officer", "plg-01", "--officer-name", "Rina Marlina", "--branch", "PLG",
    "--branch-name", "Palembang", "--city", "Palembang", "--event", "EXPO-PIM-2026",
    "--event-name", "Pekan UMKM Sumsel 2026", "--venue", "Palembang Indah Mall",
    "--starts", "2026-11-16", "--ends", "2026-11-29", "--target", "100",
]  # fmt: skip


def run(*args: str, db: Path | None = None, lang: str = "id"):
    prefix = ["--lang", lang] + (["--db", str(db)] if db else [])
    return runner.invoke(app, [*prefix, *args], catch_exceptions=False)


def one_line_error(result) -> str:
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("outreach: ")
    assert "Traceback" not in result.output
    return lines[0]


def test_version() -> None:
    result = run("--version")
    assert result.exit_code == 0
    assert __version__ in result.stdout


def test_nik_decodes_a_woman_and_her_birth_date() -> None:
    result = run("nik", "1671 0145 1290 0001")
    assert result.exit_code == 0
    assert "Sumatera Selatan" in result.stdout
    assert "Perempuan" in result.stdout
    assert "1990-12-05" in result.stdout


def test_nik_json_shape_is_stable() -> None:
    result = run("nik", "9103011203950001", "--birth-date", "1995-03-13", "--json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert set(data) == {
        "nik", "valid", "province_code", "province_name", "regency_code", "regency_kind",
        "regency_name", "district_code", "sex", "birth_date", "serial", "errors", "warnings",
    }  # fmt: skip
    assert data["province_name"] == "Papua"
    assert data["regency_name"] == "Kabupaten Jayapura"  # Kepmendagri 300.2.2-2138/2025
    assert data["sex"] == "M"
    assert data["valid"] is True
    assert [w["code"] for w in data["warnings"]] == ["nik.birth_day_mismatch"]


@pytest.mark.parametrize("bad", ["12345", "1671014512900000", "16710145129000ab", "x" * 10_000])
def test_invalid_nik_exits_1_with_the_reason(bad: str) -> None:
    result = run("nik", bad, "--json")
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert data["valid"] is False and data["errors"]


def test_calc_shows_normal_and_discounted_amounts() -> None:
    result = run("calc", "--income", "1000000", "--sector", "kuliner", "--month", "2026-05")
    assert result.exit_code == 0
    assert "Rp16.800" in result.stdout and "Rp8.400" in result.stdout
    assert "PP 50/2025" in result.stdout


def test_calc_json_for_transport_with_jht() -> None:
    result = run("calc", "--income", "1.000.000", "--sector", "ojek", "--jht",
                 "--month", "2027-03", "--json")  # fmt: skip
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["normal_total"] == 36_800
    assert data["due_total"] == 28_400  # JKK+JKM halved, JHT full
    assert data["discount"]["id"].startswith("pp50")
    assert data["discount"]["ends_on"] == "2027-03-31"
    assert data["estimate"] is False
    assert {p["program"]: p["due"] for p in data["programs"]} == {
        "JKK": 5_000, "JKM": 3_400, "JHT": 20_000,
    }  # fmt: skip


def test_calc_in_english() -> None:
    result = run("calc", "--income", "2500000", "--sector", "kuliner", "--month", "2027-06",
                 lang="en")  # fmt: skip
    assert result.exit_code == 0
    assert "Estimate" in result.stdout
    assert "Rp25.000" in result.stdout


@pytest.mark.parametrize(
    "args",
    [
        ["--income", "-5", "--sector", "kuliner"],
        ["--income", "banyak", "--sector", "kuliner"],
        ["--income", "1000000", "--sector", "astronaut"],
        ["--income", "1000000", "--sector", "kuliner", "--month", "2026-13"],
        ["--income", "1000000"],
    ],
)
def test_calc_bad_input_is_one_line(args: list[str]) -> None:
    result = run("calc", *args)
    assert result.exit_code == 1
    one_line_error(result)


def test_benefits_json_death_at_work() -> None:
    result = run("benefits", "--income", "1000000", "--json")
    assert result.exit_code == 0
    lines = {line["code"]: line["amount"] for line in json.loads(result.stdout)["lines"]}
    assert lines["benefit.jkk_death"] == 70_000_000
    assert lines["benefit.jkk_scholarship"] == 174_000_000


def test_init_then_doctor(tmp_path: Path) -> None:
    db = tmp_path / "booth.db"
    result = run(*INIT, "--json", db=db)
    assert result.exit_code == 0, result.output
    created = json.loads(result.stdout)
    assert created["officer"] == "PLG-01" and created["event_created"] is True
    assert oct(db.stat().st_mode & 0o777) == "0o600"
    # Running init again switches to the same event rather than duplicating it.
    again = json.loads(run(*INIT, "--json", db=db).stdout)
    assert again["event_id"] == created["event_id"] and again["event_created"] is False

    doctor = run("doctor", "--json", db=db)
    assert doctor.exit_code == 0
    report = json.loads(doctor.stdout)
    assert report["integrity"] == "ok"
    assert report["schema_version"] == report["latest_schema_version"] >= 1
    assert (report["owners"], report["workers"], report["leads"]) == (0, 0, 0)
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM events").fetchone() == (1,)
        assert conn.execute("SELECT value FROM settings WHERE key='officer_code'").fetchone() == (
            "PLG-01",
        )


def test_init_rejects_bad_dates_and_codes(tmp_path: Path) -> None:
    db = tmp_path / "booth.db"
    bad_dates = [a if a != "2026-11-29" else "2026-11-01" for a in INIT]
    result = run(*bad_dates, db=db)
    assert result.exit_code == 1
    one_line_error(result)
    bad_code = [a if a != "plg-01" else "PLG 01; DROP" for a in INIT]
    assert run(*bad_code, db=db).exit_code == 1


def test_doctor_on_missing_file(tmp_path: Path) -> None:
    result = run("doctor", db=tmp_path / "nope.db")
    assert result.exit_code == 3
    assert "nope.db" in one_line_error(result)


def test_doctor_on_a_file_that_is_not_a_database(tmp_path: Path) -> None:
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"\xff\xfe not sqlite at all " * 100)
    result = run("doctor", db=junk)
    assert result.exit_code == 3
    one_line_error(result)
    assert junk.read_bytes().startswith(b"\xff\xfe")  # left untouched


def test_bad_config_file_is_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "config.toml"
    config.write_text("db = [unclosed", encoding="utf-8")
    monkeypatch.setenv("OUTREACH_CONFIG", str(config))
    result = runner.invoke(app, ["nik", "1671014512900001"])
    assert result.exit_code == 2
    assert "config.toml" in one_line_error(result)


def test_config_file_env_and_flag_precedence(tmp_path: Path, monkeypatch) -> None:
    config = tmp_path / "config.toml"
    config.write_text('language = "en"\n', encoding="utf-8")
    monkeypatch.setenv("OUTREACH_CONFIG", str(config))
    from_file = runner.invoke(app, ["nik", "1671014512900001"])
    assert "Female" in from_file.stdout
    monkeypatch.setenv("OUTREACH_LANGUAGE", "id")
    from_env = runner.invoke(app, ["nik", "1671014512900001"])
    assert "Perempuan" in from_env.stdout
    from_flag = runner.invoke(app, ["--lang", "en", "nik", "1671014512900001"])
    assert "Female" in from_flag.stdout


def test_backup_is_a_consistent_copy(tmp_path: Path) -> None:
    db = tmp_path / "booth.db"
    run(*INIT, db=db)
    result = run("backup", "--out", str(tmp_path / "copy.db"), "--json", db=db)
    assert result.exit_code == 0
    with sqlite3.connect(tmp_path / "copy.db") as conn:
        assert conn.execute("SELECT count(*) FROM officers").fetchone() == (1,)


def test_audit_lists_setup_and_backup_newest_first(tmp_path: Path) -> None:
    db = tmp_path / "booth.db"
    run(*INIT, db=db)
    run("backup", "--out", str(tmp_path / "copy.db"), db=db)
    result = run("audit", "--json", db=db)
    assert result.exit_code == 0
    actions = [e["action"] for e in json.loads(result.stdout)["entries"]]
    assert actions[:2] == ["store.backup", "setup.init"]
    table = run("audit", db=db)
    assert "laptop disiapkan" in table.stdout and "PLG-01" in table.stdout  # setup.init, named
