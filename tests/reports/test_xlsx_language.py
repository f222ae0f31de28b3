"""Issue 15, observation 11: an XLSX is read by people, so it speaks their language.
Opened back with openpyxl: headers and sheet names in Bahasa Indonesia (default) or
English (--lang en, OUTREACH_LANGUAGE=en), sectors, paths and roles as words, the day a
date cell. CSV keeps the stable codes (scripts read it)."""

from __future__ import annotations

import csv
from datetime import date, datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from typer.testing import CliRunner

from outreach_tui.cli.main import app
from tests.reports.seed import Seeded

runner = CliRunner()
HEADERS = {
    "id": ["Jenis", "UUID", "Versi", "No. tanda terima", "Hari (waktu acara)", "Dibuat (UTC)",
           "Acara", "Petugas", "Laptop", "Peran", "Skema", "Jalur", "Sektor", "Program",
           "Iuran/bulan (Rp)", "Dibatalkan", "Jadi daftar", "UUID pemilik", "Jenis pekerjaan",
           "Jam kerja", "Kode pos", "Kantor cabang", "Kelompok penghasilan"],
    "en": ["Kind", "UUID", "Version", "Receipt no.", "Day (event time)", "Created (UTC)",
           "Event", "Officer", "Laptop", "Role", "Scheme", "Path", "Sector", "Programs",
           "Monthly due (Rp)", "Voided", "Converted", "Owner UUID", "Occupation",
           "Working hours", "Postal code", "Branch", "Income band"],
}  # fmt: skip
# The seeded worker W2 (tests/reports/test_export.py): PU micro, perdagangan, 23 Nov.
W2 = {
    "id": ["Pendaftaran", "Pekerja", "PU mikro (penerima upah)", "PU mikro pekerja",
           "Perdagangan (pedagang, warung, toko)", "JKK + JKM", "Tidak"],
    "en": ["Registration", "Worker", "PU micro (wage-earning)", "PU micro worker",
           "Trade (vendor, stall, shop)", "JKK + JKM", "No"],
}  # fmt: skip


def workbook(path: Path) -> dict[str, list[list[Any]]]:
    book = openpyxl.load_workbook(path, read_only=True)
    try:
        return {
            name: [list(row) for row in book[name].iter_rows(values_only=True)]
            for name in book.sheetnames
        }
    finally:
        book.close()


def export(tmp_path: Path, seeded: Seeded, *args: str, lang: str | None = None,
           env: dict[str, str] | None = None) -> Path:  # fmt: skip
    out = tmp_path / f"report-{lang}-{len(list(tmp_path.iterdir()))}.xlsx"
    prefix = ["--lang", lang] if lang else []
    result = runner.invoke(
        app, [*prefix, "export-report", "--db", str(seeded.path), "--out", str(out), *args],
        env=env,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    return out


@pytest.mark.parametrize("lang", ["id", "en"])
def test_record_sheet_speaks_the_chosen_language(
    lang: str, seeded: Seeded, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("OUTREACH_LANGUAGE", raising=False)
    sheets = workbook(export(tmp_path, seeded, lang=lang))
    assert list(sheets) == [{"id": "Data", "en": "Records"}[lang]]
    (rows,) = sheets.values()
    assert rows[0] == HEADERS[lang]
    header = rows[0]
    w2 = next(r for r in rows[1:] if r[1] == seeded.uuids["W2"])
    shown = [w2[header.index(h)] for h in (header[0], header[9], header[10], header[11],
                                            header[12], header[13], header[15])]  # fmt: skip
    assert shown == W2[lang]
    assert w2[4] == datetime(2026, 11, 23)  # a date cell: the day in the event's zone
    assert w2[5] == datetime(2026, 11, 23, 4, 0, 0, 1000)  # created_at, UTC (…04:00:00.001Z)
    # Issue 20's details: the occupation and the income band as words (O1: kuliner's
    # "Pedagang", data/occupations.toml 84; the lowest band of contributions.toml).
    o1 = next(r for r in rows[1:] if r[1] == seeded.uuids["O1"])
    assert (
        o1[18:]
        == {
            "id": ["Pedagang", "08:00-17:00", "30126", "PLG", "s.d. Rp1.000.000"],
            "en": ["Vendor / trader", "08:00-17:00", "30126", "PLG", "up to Rp1.000.000"],
        }[lang]
    )
    # Every registration names its sector and path in words, never a code.
    codes = {"bpu", "pu_micro", "owner", "worker", "kuliner", "perdagangan", "registration"}
    assert not codes & {cell for row in rows[1:] for cell in row}


def test_default_is_bahasa_indonesia_and_the_environment_switches_to_english(
    seeded: Seeded, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("OUTREACH_LANGUAGE", raising=False)
    assert workbook(export(tmp_path, seeded))["Data"][0] == HEADERS["id"]
    english = export(tmp_path, seeded, env={"OUTREACH_LANGUAGE": "en"})
    assert workbook(english)["Records"][0] == HEADERS["en"]


@pytest.mark.parametrize(
    ("lang", "sheet", "header", "kuliner"),
    [("id", "Rekap", ["Hari", "Sektor", "Jalur", "Pemilik", "Pekerja", "Pendaftaran", "Calon",
                      "Jadi daftar", "Konversi", "Dibatalkan", "Iuran/bulan"],
      "Kuliner / makanan dan minuman"),
     ("en", "Tally", ["Day", "Sector", "Path", "Owners", "Workers", "Registrations", "Leads",
                      "Converted", "Conversion", "Voided", "Monthly due"], "Food and drink")],
)  # fmt: skip
def test_tally_sheet_names_days_sectors_and_paths(
    lang: str, sheet: str, header: list[str], kuliner: str, seeded: Seeded, tmp_path: Path
) -> None:
    out = export(tmp_path, seeded, "--by", "day", "--by", "sector", "--by", "path", lang=lang)
    rows = workbook(out)[sheet]
    assert rows[0] == header
    days = {r[0] for r in rows[1:]}
    assert days == {datetime(2026, 11, 22), datetime(2026, 11, 23)}
    assert kuliner in {r[1] for r in rows[1:]}
    paths = {r[2] for r in rows[1:]}
    assert ({"BPU pemilik", "PU mikro pekerja", "Calon"} if lang == "id"
            else {"BPU owner", "PU micro worker", "Lead"}) <= paths  # fmt: skip


def test_csv_keeps_the_stable_codes_in_any_language(seeded: Seeded, tmp_path: Path) -> None:
    out = tmp_path / "records.csv"
    result = runner.invoke(app, ["--lang", "en", "export-report", "--db", str(seeded.path),
                                 "--out", str(out)])  # fmt: skip
    assert result.exit_code == 0, result.output
    with open(out, encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    assert rows[0][:3] == ["entity", "uuid", "version"]
    assert {"pu_micro", "perdagangan"} <= {cell for row in rows for cell in row}
    assert rows[0][-5:] == ["occupation", "working_hours", "postal_code", "branch_code",
                            "income_band"]  # fmt: skip
    assert {"84", "bpu-band-lowest", "bpu-band-declared"} <= {c for row in rows for c in row}
    assert date.fromisoformat(rows[1][4])  # ISO day, as documented
