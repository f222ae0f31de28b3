"""The product's one XLSX writer (``reports/xlsx.py``, issue 17), read back with openpyxl:
typed cells, text that never turns into a formula or a link, control characters, sheets
continued past Excel's row limit, and a failure part-way that leaves nothing behind."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook

from outreach_tui.reports import xlsx


def _cells(path: Path) -> list[list[object]]:
    book = load_workbook(path)
    return [[c.value for c in row] for sheet in book.worksheets for row in sheet.iter_rows()]


def test_cells_keep_their_types_and_text_stays_text(tmp_path: Path) -> None:
    out = tmp_path / "t.xlsx"
    rows = [[
        '=HYPERLINK("http://x.example","klik")', "https://x.example", "a\x01b", 16800, 2.5,
        True, date(2026, 11, 23), datetime(2026, 11, 23, 4, 0, 0), None, "",
        datetime(2026, 11, 23, 4, 0, tzinfo=UTC), float("nan"),
    ]]  # fmt: skip
    assert xlsx.write_rows(out, rows, [f"h{i}" for i in range(12)], sheet="Data") == 1
    sheet = load_workbook(out)["Data"]
    formula, link, control = sheet["A2"], sheet["B2"], sheet["C2"]
    assert formula.data_type == "s" and formula.value.startswith("=HYPERLINK")  # not a formula
    assert link.hyperlink is None and link.value == "https://x.example"
    assert control.value == "a\ufffdb"
    assert [sheet.cell(2, c).value for c in range(4, 9)] == [
        16800, 2.5, True, datetime(2026, 11, 23), datetime(2026, 11, 23, 4, 0, 0)]  # fmt: skip
    assert sheet["G2"].number_format == "yyyy-mm-dd"
    assert sheet["H2"].number_format == "yyyy-mm-dd hh:mm:ss"
    assert sheet["I2"].value is None and sheet["J2"].value is None
    assert sheet["K2"].value == datetime(2026, 11, 23, 4, 0)  # a zone is dropped, not an abort
    assert sheet["L2"].value == "=#NUM!"  # NaN as Excel's error, not an abort part-way
    assert sheet["A1"].value == "h0" and sheet["A1"].font.bold


def test_sheets_continue_past_the_row_limit_with_the_headers_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(xlsx, "SHEET_ROWS", 3)
    out = tmp_path / "t.xlsx"
    seen: list[int] = []
    name = "Pendaftaran: yang sangat panjang sekali"  # too long, and a ':' Excel refuses
    count = xlsx.write_rows(out, ([n] for n in range(7)), ["n"], sheet=name,
                            progress=seen.append)  # fmt: skip
    book = load_workbook(out)
    assert count == 7 and seen[-1] == 7
    assert book.sheetnames == ["Pendaftaran_ yang sangat panjan",
                               "Pendaftaran_ yang sangat pan_2",
                               "Pendaftaran_ yang sangat pan_3"]  # fmt: skip
    assert [[c.value for c in r] for r in book.worksheets[2].iter_rows()] == [["n"], [6]]
    assert [v for s in book.worksheets for (v,) in s.iter_rows(min_row=2, values_only=True)] == [
        0, 1, 2, 3, 4, 5, 6]  # fmt: skip


def test_no_rows_is_a_sheet_of_headers(tmp_path: Path) -> None:
    out = tmp_path / "t.xlsx"
    assert xlsx.write_rows(out, iter(()), ["a", "b"], sheet="Data") == 0
    assert _cells(out) == [["a", "b"]]


def test_a_failure_part_way_leaves_no_row_files(tmp_path: Path) -> None:
    def rows():  # type: ignore[no-untyped-def]
        yield ["one"]
        raise RuntimeError("the database went away")

    out = tmp_path / "t.xlsx"
    with pytest.raises(RuntimeError, match="went away"):
        xlsx.write_rows(out, rows(), ["h"], sheet="Data")
    assert [p.name for p in tmp_path.iterdir()] == []  # no scratch folder, no half a file
