"""`outreach tally`, `outreach targets`, `outreach export-report` as a user runs them: every
format with the exact numbers of the seeded file (tests/reports/seed.py)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from outreach_tui.cli.main import app
from tests.reports import seed
from tests.reports.conftest import ServedHub
from tests.reports.seed import Seeded

runner = CliRunner()


def run(*args: str, code: int = 0, env: dict[str, str] | None = None) -> str:
    result = runner.invoke(app, list(args), env=env)
    assert result.exit_code == code, (result.exit_code, result.output)
    return result.output


def test_tally_json_is_the_documented_shape(seeded: Seeded) -> None:
    out = json.loads(run("--db", str(seeded.path), "tally", "--by", "officer", "--json"))
    assert out == {"source": "laptop", "by": ["officer"], "from": None, "to": None,
                   "rows": seed.BY_OFFICER, "totals": seed.TOTALS}  # fmt: skip


def test_tally_csv_has_a_header_and_exact_numbers(seeded: Seeded) -> None:
    out = run("tally", "--db", str(seeded.path), "--by", "day", "--by", "officer",
              "--format", "csv")  # fmt: skip
    assert out.splitlines() == [
        "day,officer,owners,workers,registrations,leads,converted,conversion,voided,monthly_due",
        "2026-11-22,PLG-01,1,2,3,0,0,,0,25200",
        "2026-11-22,PLG-02,0,0,0,1,0,0.0,0,0",
        "2026-11-23,PLG-01,1,1,2,2,1,0.5,0,47300",
        "2026-11-23,PLG-02,1,0,1,0,0,,1,65900",
    ]


def test_tally_table_in_english_and_in_bahasa_indonesia(seeded: Seeded) -> None:
    out = run("--lang", "en", "tally", "--db", str(seeded.path), "--by", "path",
              "--from", "2026-11-22", "--to", "2026-11-23")  # fmt: skip
    assert "Tally by Path (2026-11-22 to 2026-11-23)" in out
    wanted = ("BPU", "PU", "Lead", "Total")
    lines = {" ".join(line.split()[:2]): line.split()[2:] for line in out.splitlines()
             if line.strip().startswith(wanted)}  # fmt: skip
    assert lines["BPU owner"] == ["3", "0", "0", "—", "Rp102.700"]
    assert lines["BPU worker"] == ["0", "2", "0", "—", "Rp16.800"]
    assert lines["PU micro"] == ["worker", "0", "1", "0", "—", "Rp18.900"]
    assert lines["Lead 0"] == ["0", "3", "33,3%", "Rp0"]
    assert out.splitlines()[-2].split() == ["Total", "3", "3", "3", "33,3%", "Rp138.400"]
    indonesian = run("tally", "--db", str(seeded.path), "--by", "program")
    assert "Rekap per Program" in indonesian and "Pemilik" in indonesian
    assert "JKK+JKM+JHT" in indonesian and "Rp94.300" in indonesian


def test_tally_chart_draws_one_bar_per_group(seeded: Seeded) -> None:
    out = run("--lang", "en", "tally", "--db", str(seeded.path), "--by", "officer", "--chart",
              "--metric", "monthly_due")  # fmt: skip
    lines = out.splitlines()
    assert lines[0].strip() == "Monthly due by Officer"
    one, two = lines[1], lines[2]
    assert one.startswith("PLG-01") and one.rstrip().endswith("Rp72.500")
    assert two.startswith("PLG-02") and two.rstrip().endswith("Rp65.900")
    assert one.count("█") == 40  # the largest value fills the bar
    assert 34 <= two.count("█") <= 37  # 65,900 / 72,500 of 40 cells
    registrations = run("tally", "--db", str(seeded.path), "--by", "day", "--chart")
    assert registrations.splitlines()[1].rstrip().endswith(" 3")


def test_charts_name_sectors_and_paths_not_codes(seeded: Seeded) -> None:
    by_sector = run("tally", "--db", str(seeded.path), "--by", "sector", "--chart",
                    "--metric", "leads", env={"COLUMNS": "80"})  # fmt: skip
    assert "Kuliner" in by_sector and "kuliner" not in by_sector
    assert all(len(line) <= 80 for line in by_sector.splitlines())
    by_path = run("--lang", "en", "tally", "--db", str(seeded.path), "--by", "path", "--chart")
    assert "bpu_owner" not in by_path and "BPU owner" in by_path


def test_targets_json_table_and_chart(seeded: Seeded) -> None:
    out = json.loads(run("targets", "--db", str(seeded.path), "--today", "2026-11-23",
                         "--json"))  # fmt: skip
    assert out["source"] == "laptop" and out["today"] == "2026-11-23"
    first = out["targets"][0]
    assert first == {"kind": "event", "code": seed.EVENT, "name": "Expo UMKM Palembang",
                     "measure": "owners", "target": 5, "value": 3, "percent": 60.0,
                     "remaining": 2, "from": "2026-11-22", "to": "2026-11-25",
                     "days_left": 3, "pace_per_day": 1, "status": "on_track"}  # fmt: skip
    assert [(t["measure"], t["value"], t["remaining"]) for t in out["targets"][3:]] == [
        ("new_employers", 3, 7), ("informal", 5, 15),
    ]  # fmt: skip
    table = run("--lang", "en", "targets", "--db", str(seeded.path), "--today", "2026-11-23")
    assert "Branch PLG" in table and "3/10" in table and "30,0%" in table and "behind" in table
    chart = run("--lang", "en", "targets", "--db", str(seeded.path), "--today", "2026-11-23",
                "--chart")  # fmt: skip
    assert "3/5 (60,0%)" in chart and "needs 1/day" in chart and "reached" in chart


def test_hub_sources_answer_like_the_laptop(
    seeded: Seeded, hub_sqlite: str, served_hub: ServedHub, tmp_path: Path
) -> None:
    laptop = json.loads(run("tally", "--db", str(seeded.path), "--by", "sector", "--json"))
    on_hub = json.loads(run("tally", "--hub-db", hub_sqlite, "--by", "sector", "--json"))
    env = {"OUTREACH_TOKEN_PATH": str(tmp_path / "none.toml")}
    over_http = json.loads(run("tally", "--hub", served_hub.url, "--token", served_hub.token,
                               "--by", "sector", "--json", env=env))  # fmt: skip
    assert laptop["rows"] == on_hub["rows"] == over_http["rows"] == seed.BY_SECTOR
    assert (on_hub["source"], over_http["source"]) == ("hub-db", "hub")
    denied = run("tally", "--hub", served_hub.url, "--token", served_hub.device_token,
                 code=6, env=env)  # fmt: skip
    assert denied.startswith("outreach:")
    assert "token" in run("tally", "--hub", served_hub.url, code=6, env=env).lower()


@pytest.mark.parametrize(
    ("args", "code", "needle"),
    [
        (["tally", "--by", "colour"], 2, "colour"),
        (["tally", "--format", "csv", "--chart"], 2, "--chart"),
        (["tally", "--from", "2026-11-30", "--to", "2026-11-01"], 2, "--from"),
        (["tally", "--from", "kemarin"], 2, "kemarin"),
        (["tally", "--by", ""], 2, "--by"),  # not "no grouping": it said "Rekap per —"
        (["tally", "--by", " , "], 2, "--by"),
        (["tally", "--hub-db", "x.db"], 2, "--hub-db"),
        (["export-report", "--out", "r.pdf"], 2, "pdf"),
    ],
)
def test_mistakes_are_one_line_with_a_usage_exit_code(
    seeded: Seeded, args: list[str], code: int, needle: str
) -> None:
    out = run(*args, "--db", str(seeded.path), code=code)
    assert out.startswith("outreach:") and needle in out and len(out.strip().splitlines()) == 1


def test_a_missing_file_is_a_database_error(tmp_path: Path) -> None:
    out = run("tally", "--db", str(tmp_path / "nope.db"), code=3)
    assert "nope.db" in out
    out = run("targets", "--hub-db", str(tmp_path / "nope-hub.db"), code=3)
    assert "nope-hub.db" in out


def test_export_report_csv_records_and_tally_groups(seeded: Seeded, tmp_path: Path) -> None:
    out = tmp_path / "records.csv"
    summary = json.loads(run("export-report", "--db", str(seeded.path), "--out", str(out),
                             "--json"))  # fmt: skip
    assert (summary["rows"], summary["format"], summary["source"]) == (10, "csv", "laptop")
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert list(rows[0]) == list(summary["columns"])
    assert [r["entity"] for r in rows] == ["registration"] * 7 + ["lead"] * 3
    by_uuid = {r["uuid"]: r for r in rows}
    o4 = by_uuid[seeded.uuids["O4"]]
    assert (o4["day"], o4["officer_code"], o4["registration_path"], o4["programs"],
            o4["monthly_due"], o4["voided"]) == ("2026-11-23", "PLG-02", "bpu_owner",
                                                 "JKK,JKM,JHT", "65900", "0")  # fmt: skip
    assert by_uuid[seeded.uuids["O3"]]["voided"] == "1"
    assert by_uuid[seeded.uuids["L1"]]["converted"] == "1"
    assert by_uuid[seeded.uuids["W2"]]["owner_uuid"] == seeded.uuids["O2"]
    assert "nik" not in rows[0] and "full_name" not in rows[0]
    run("export-report", "--db", str(seeded.path), "--out", str(out), code=2)  # exists
    grouped = tmp_path / "by-day.csv"
    run("export-report", "--db", str(seeded.path), "--out", str(grouped), "--by", "day")
    assert grouped.read_text().splitlines()[1] == "2026-11-22,1,2,3,1,0,0.0,0,25200"
