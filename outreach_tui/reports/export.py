"""``outreach export-report``: records or tally groups to CSV or XLSX, streamed.

Rows come from an iterator and go straight to the file (``csv`` module; the product's
XLSX writer, ``reports/xlsx.py``, which keeps one row in memory), so a million rows take
bounded memory.
The file is written beside the target and renamed into place at the end (``outreach_tui.
files``): a failed or interrupted export, a full disk included, never leaves half a file.

Record columns (one row per registration or lead; registrations first, then leads, each
oldest first) — stable, documented in the README:

    entity · uuid · version · reference_no · day · created_at · event_code · officer_code ·
    device_id · role · path · registration_path · sector · programs · monthly_due ·
    voided · converted · owner_uuid · occupation · working_hours · postal_code ·
    branch_code · income_band

No name, NIK, phone, address or work location is exported (UU 27/2022: data
minimisation); the reference number and uuid find the record when someone needs it. The
registration details (issue 20) are codes in the CSV (occupation ``84``, income band
``bpu-band-declared``) and words in the XLSX; a record saved before them has them empty.

CSV is for scripts: these column names and codes, stable. XLSX is for people
(``Presentation``): headers and sheet names in the chosen language (Bahasa Indonesia by
default), sectors, paths, roles and yes/no as words, the day as a date cell (the record's
day in its event's zone, as everywhere) and ``created_at`` as a UTC date-time cell. XLSX
sheets hold at most 1,048,575 data rows; longer exports continue on ``Data_2``, ``Data_3``…
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from outreach_tui import files
from outreach_tui.i18n import t
from outreach_tui.reports.tally import DIMENSIONS, path_label

RECORD_COLUMNS = (
    "entity", "uuid", "version", "reference_no", "day", "created_at", "event_code",
    "officer_code", "device_id", "role", "path", "registration_path", "sector", "programs",
    "monthly_due", "voided", "converted", "owner_uuid",
    "occupation", "working_hours", "postal_code", "branch_code", "income_band",
)  # fmt: skip
FORMATS = ("csv", "xlsx")
PROGRESS_EVERY = 5_000


@dataclass(frozen=True)
class ExportResult:
    out: Path
    format: str
    rows: int
    columns: tuple[str, ...]
    written: files.Written | None = None  # the committed file (to take it back)

    def as_dict(self) -> dict[str, Any]:
        return {
            "out": str(self.out),
            "format": self.format,
            "rows": self.rows,
            "columns": list(self.columns),
            "bytes": self.out.stat().st_size,
        }


Cell = Callable[[str, Any], Any]


@dataclass(frozen=True)
class Presentation:
    """How an XLSX shows the rows to people: its sheet name, one header per column, and
    each (column, value) as the cell to write."""

    sheet: str
    headers: tuple[str, ...]
    cell: Cell


def _day_cell(value: Any) -> Any:
    try:
        return date.fromisoformat(str(value)) if value else None
    except ValueError:
        return value


def _utc_cell(value: Any) -> Any:
    """``2026-11-22T03:00:00.000Z`` as a (naive, UTC) date-time cell: Excel has no zones,
    the header says UTC."""
    try:
        return datetime.fromisoformat(str(value).replace("Z", "+00:00")).replace(tzinfo=None)
    except ValueError:
        return value


def _words(language: str) -> dict[str, Callable[[Any], Any]]:
    """Per column: code -> the word people read (None stays empty)."""
    from outreach_tui.domain.labels import sector_label
    from outreach_tui.reports.details import band_label, occupation_label

    def key(prefix: str) -> Callable[[Any], Any]:
        return lambda v: t(f"{prefix}.{v}", language) if v else v

    def answer(v: Any) -> str:
        return t("report.answer.yes" if v else "report.answer.no", language)

    return {
        "entity": key("report.entity"),
        "role": key("report.role"),
        "path": key("report.scheme"),
        "registration_path": key("report.path"),
        "sector": lambda v: sector_label(v, language) if v else v,
        "programs": lambda v: " + ".join(str(v).split(",")) if v else v,
        "day": _day_cell,
        "created_at": _utc_cell,
        "voided": answer,
        "converted": answer,
        "occupation": lambda v: occupation_label(v, language) if v else v,
        "income_band": lambda v: band_label(v, language) if v else v,
    }


def records_presentation(language: str) -> Presentation:
    words = _words(language)

    def cell(column: str, value: Any) -> Any:
        shown = words.get(column)
        return shown(value) if shown else value

    headers = tuple(t(f"report.xcol.{c}", language) for c in RECORD_COLUMNS)
    return Presentation(t("report.sheet.records", language), headers, cell)


def tally_presentation(columns: Sequence[str], language: str) -> Presentation:
    """A tally's columns: the dimensions (named as in the tables; day a date cell,
    sectors and paths as words), then the metrics (numbers)."""
    from outreach_tui.reports.render import dimension_value

    def cell(column: str, value: Any) -> Any:
        if column == "day":
            return _day_cell(value)
        if column in ("sector", "path"):
            return dimension_value(column, value, language) if value else None
        return value

    headers = tuple(
        t(f"report.dim.{c}" if c in DIMENSIONS else f"report.col.{c}", language) for c in columns
    )
    return Presentation(t("report.sheet.tally", language), headers, cell)


def record_rows(rows: Iterable[Mapping[str, Any]]) -> Iterable[dict[str, Any]]:
    """Source export rows with the derived columns, in RECORD_COLUMNS order."""
    for row in rows:
        item = dict(row)
        item["registration_path"] = path_label(row.get("path"), row.get("role"))
        item["voided"] = int(bool(row.get("voided")))
        item["converted"] = int(bool(row.get("converted")))
        yield {c: item.get(c) for c in RECORD_COLUMNS}


def write(
    rows: Iterable[Mapping[str, Any]],
    columns: Sequence[str],
    out: Path,
    fmt: str,
    *,
    sheet: str = "records",
    progress: Callable[[int], None] | None = None,
    force: bool = False,
    protect: Iterable[str | Path] = (),
    presentation: Presentation | None = None,
) -> ExportResult:
    """Write ``rows`` (dicts with ``columns``) to ``out`` as ``fmt`` through
    ``outreach_tui.files``: a new file (an existing regular one only with ``force``; never
    a device, a symlink or a database, ``protect``ed ones included), renamed into place
    when complete. An XLSX with a ``presentation`` is written for people (its sheet name,
    headers and cells); without one, as the CSV (``sheet``, the column names, the codes)."""
    if fmt not in FORMATS:
        raise ValueError(fmt)
    if fmt == "csv":
        written = files.write_with(
            out, lambda temp: _write_csv(rows, columns, temp, progress),
            force=force, protect=protect,
        )  # fmt: skip
    else:
        shown = presentation or Presentation(sheet, tuple(columns), lambda _c, v: v)
        written = files.write_with(
            out, lambda temp: _write_xlsx(rows, columns, temp, shown, progress),
            force=force, protect=protect,
        )  # fmt: skip
    return ExportResult(written.path, fmt, written.result, tuple(columns), written)


def _cell(value: Any) -> Any:
    return "" if value is None else value


def _write_csv(
    rows: Iterable[Mapping[str, Any]],
    columns: Sequence[str],
    path: Path,
    progress: Callable[[int], None] | None,
) -> int:
    count = 0
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(columns)
        for row in rows:
            writer.writerow([_cell(row.get(c)) for c in columns])
            count += 1
            if progress and count % PROGRESS_EVERY == 0:
                progress(count)
    if progress:
        progress(count)
    return count


def _write_xlsx(
    rows: Iterable[Mapping[str, Any]],
    columns: Sequence[str],
    path: Path,
    shown: Presentation,
    progress: Callable[[int], None] | None,
) -> int:
    from outreach_tui.reports import xlsx  # imported only when an XLSX is asked for

    cell = shown.cell
    cells = ([cell(c, row.get(c)) for c in columns] for row in rows)
    return xlsx.write_rows(path, cells, shown.headers, sheet=shown.sheet, progress=progress)
