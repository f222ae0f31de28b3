"""XLSX and CSV exports: opened back with openpyxl and checked cell by cell; the same file
from the officer's file and from a hub database; memory that does not grow with rows."""

from __future__ import annotations

import sqlite3
import tracemalloc
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from typer.testing import CliRunner

from outreach_tui.cli.main import app
from outreach_tui.reports import export
from tests.reports.seed import EVENT, Seeded

runner = CliRunner()
# name: (officer, local day, role, path, sector, programs, monthly_due, voided, converted, owner)
EXPECTED = {
    "O1": ("PLG-01", "2026-11-22", "owner", "bpu", "kuliner", "JKK,JKM", 8400, 0, 0, None),
    "W1a": ("PLG-01", "2026-11-22", "worker", "bpu", "kuliner", "JKK,JKM", 8400, 0, 0, "O1"),
    "W1b": ("PLG-01", "2026-11-22", "worker", "bpu", "kuliner", "JKK,JKM", 8400, 0, 0, "O1"),
    "O4": ("PLG-02", "2026-11-23", "owner", "bpu", "kuliner", "JKK,JKM,JHT", 65900, 0, 0, None),
    "O2": ("PLG-01", "2026-11-23", "owner", "bpu", "perdagangan", "JKK,JKM,JHT", 28400, 0, 0,
           None),
    "W2": ("PLG-01", "2026-11-23", "worker", "pu_micro", "perdagangan", "JKK,JKM", 18900, 0, 0,
           "O2"),
    "O3": ("PLG-02", "2026-11-23", "owner", "bpu", "kuliner", "JKK,JKM", 15900, 1, 0, None),
    "L3": ("PLG-02", "2026-11-22", "lead", "", "", "", 0, 0, 0, None),
    "L1": ("PLG-01", "2026-11-23", "lead", "", "kuliner", "", 0, 0, 1, None),
    "L2": ("PLG-01", "2026-11-23", "lead", "", "kuliner", "", 0, 0, 0, None),
}  # fmt: skip
CREATED = {
    "O1": "2026-11-22T03:00:00.000Z", "W1a": "2026-11-22T03:00:00.001Z",
    "W1b": "2026-11-22T03:00:00.002Z", "L3": "2026-11-22T04:00:00.000Z",
    "O4": "2026-11-22T17:30:00.000Z", "L1": "2026-11-23T03:30:00.000Z",
    "O2": "2026-11-23T04:00:00.000Z", "W2": "2026-11-23T04:00:00.001Z",
    "L2": "2026-11-23T05:00:00.000Z", "O3": "2026-11-23T06:00:00.000Z",
}  # fmt: skip
# name: (occupation, working_hours, postal_code, branch_code, income_band): issue 20's
# details; the branch is the event's (PLG), the band the one each quote used.
LOW, DECLARED = "bpu-band-lowest", "bpu-band-declared"
DETAILS = {
    "O1": ("84", "08:00-17:00", "30126", "PLG", LOW), "W1a": (None, None, None, "PLG", LOW),
    "W1b": (None, None, None, "PLG", LOW), "O4": (None, None, None, "PLG", DECLARED),
    "O2": (None, None, None, "PLG", LOW), "W2": (None, None, None, "PLG", None),
    "O3": (None, None, None, "PLG", DECLARED),
}  # fmt: skip
REGISTRATIONS = ("O1", "W1a", "W1b", "O4", "O2", "W2", "O3")  # oldest first
LEADS = ("L3", "L1", "L2")


def expected_rows(seeded: Seeded) -> list[list[Any]]:
    conn = sqlite3.connect(seeded.path)
    refs = dict(conn.execute("SELECT uuid, reference_no FROM registrations").fetchall())
    conn.close()
    rows = []
    for name in REGISTRATIONS + LEADS:
        officer, day, role, path, sector, programs, due, voided, converted, owner = EXPECTED[name]
        uuid = seeded.uuids[name]
        label = "lead" if role == "lead" else f"{path}_{role}"
        rows.append([
            "lead" if role == "lead" else "registration", uuid, 2 if name == "O3" else 1,
            refs.get(uuid), day, CREATED[name], EVENT, officer, seeded.device_id, role,
            path or None, label, sector or None, programs or None, due, voided, converted,
            seeded.uuids[owner] if owner else None, *DETAILS.get(name, (None,) * 5),
        ])  # fmt: skip
    return rows


def sheet_values(path: Path, sheet: str) -> list[list[Any]]:
    book = openpyxl.load_workbook(path, read_only=True)
    try:
        rows = [list(row) for row in book[sheet].iter_rows(values_only=True)]
    finally:
        book.close()
    width = len(rows[0])  # a row's trailing empty cells are not stored in the file
    return [row + [None] * (width - len(row)) for row in rows]


@pytest.mark.parametrize("source", ["laptop", "hub_sqlite", "hub_postgres"])
def test_xlsx_records_cell_by_cell(
    source: str, seeded: Seeded, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    option = ["--db", str(seeded.path)] if source == "laptop" else [
        "--hub-db", request.getfixturevalue(source)]  # fmt: skip
    out = tmp_path / "report.xlsx"
    result = runner.invoke(app, ["export-report", *option, "--out", str(out), "--format", "xlsx"])
    assert result.exit_code == 0, result.output
    # For people, in Bahasa Indonesia (tests/reports/test_xlsx_language.py checks the words).
    shown = export.records_presentation("id")
    values = sheet_values(out, "Data")
    assert values[0] == list(shown.headers)
    expected = expected_rows(seeded)
    assert len(values) == 1 + len(expected)
    for r, (got, want) in enumerate(zip(values[1:], expected, strict=True), start=2):
        for c, column in enumerate(export.RECORD_COLUMNS):
            cell = shown.cell(column, want[c])
            if type(cell) is date:  # a date cell reads back as midnight
                cell = datetime.combine(cell, datetime.min.time())
            assert got[c] == cell, f"row {r} column {column}: {got[c]!r} != {cell!r}"


def test_xlsx_tally_groups_and_a_day_range(seeded: Seeded, tmp_path: Path) -> None:
    out = tmp_path / "tally.xlsx"
    args = ["export-report", "--db", str(seeded.path), "--out", str(out), "--by", "officer",
            "--from", "2026-11-23", "--to", "2026-11-23"]  # fmt: skip
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert sheet_values(out, "Rekap") == [
        ["Petugas", "Pemilik", "Pekerja", "Pendaftaran", "Calon", "Jadi daftar", "Konversi",
         "Dibatalkan", "Iuran/bulan"],
        ["PLG-01", 1, 1, 2, 2, 1, 0.5, 0, 47300],
        ["PLG-02", 1, 0, 1, 0, 0, None, 1, 65900],
    ]  # fmt: skip


def _rows(n: int) -> Iterator[dict[str, Any]]:
    for i in range(n):
        yield {"entity": "registration", "uuid": f"0196{i:028x}", "version": 1,
               "reference_no": "ABCD-EFGH-IJKL", "day": "2026-11-23",
               "created_at": "2026-11-23T03:00:00.000Z", "event_code": EVENT,
               "officer_code": "PLG-01", "device_id": "laptop", "role": "owner", "path": "bpu",
               "sector": "kuliner", "programs": "JKK,JKM", "monthly_due": 8400, "voided": 0,
               "converted": 0, "owner_uuid": None}  # fmt: skip


def _peak(fmt: str, n: int, out: Path) -> int:
    tracemalloc.start()
    try:
        result = export.write(export.record_rows(_rows(n)), export.RECORD_COLUMNS, out, fmt)
        assert result.rows == n
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize(("fmt", "small", "large"), [("csv", 2_000, 40_000),
                                                     ("xlsx", 500, 5_000)])  # fmt: skip
def test_memory_does_not_grow_with_the_number_of_rows(
    fmt: str, small: int, large: int, tmp_path: Path
) -> None:
    few = _peak(fmt, small, tmp_path / f"few.{fmt}")
    many = _peak(fmt, large, tmp_path / f"many.{fmt}")
    assert many < few + 1_000_000, (few, many)  # 10-20x the rows, not 10-20x the memory
    assert not list(tmp_path.glob(".*.part"))


def test_a_failed_export_leaves_no_file(tmp_path: Path) -> None:
    def broken() -> Iterator[dict[str, Any]]:
        yield from _rows(3)
        raise RuntimeError("disk gone")

    out = tmp_path / "broken.csv"
    with pytest.raises(RuntimeError):
        export.write(broken(), export.RECORD_COLUMNS, out, "csv")
    assert not out.exists() and not list(tmp_path.iterdir())
