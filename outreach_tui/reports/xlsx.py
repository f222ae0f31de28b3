"""The product's one XLSX writer: every XLSX it makes (the record and tally exports, the
hand-off to the Perisai channel) goes through ``write_rows``.

xlsxwriter in ``constant_memory`` mode: each row is flushed to a temporary sheet file as
soon as the next one starts, so memory stays flat however many rows come (issue 17:
100,000 rows of a branch's month, or a region's). It was measured against openpyxl's
write-only mode on the same rows (``bench/bench_exports.py``, docs/BENCHMARKS.md
"Issue 17: exports") and writes them in about half the time, at the same flat memory.

What the cells are, whatever the caller hands in:

- ``None`` and ``""`` stay empty;
- text is always text, never a formula or a link (a name typed as ``=HYPERLINK(…)`` at a
  booth must not run in a supervisor's spreadsheet), and control characters, which XML
  1.0 cannot hold, show as U+FFFD;
- numbers are numbers (NaN/inf as Excel errors rather than an abort part-way), booleans
  booleans, a ``date`` a date cell (``yyyy-mm-dd``), a ``datetime`` a date-time cell
  (``yyyy-mm-dd hh:mm:ss``, naive: Excel has no zones, the header says which one);
- anything else its ``str``.

A sheet holds at most ``SHEET_ROWS`` data rows; longer files continue on ``NAME_2``,
``NAME_3``… each with the headers again.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

SHEET_ROWS = 1_048_575  # Excel's row limit less the header
PROGRESS_EVERY = 5_000
MAX_TEXT = 32_767  # Excel's longest cell text
# What XML 1.0 (so XLSX) cannot hold (openpyxl's ILLEGAL_CHARACTERS_RE).
_ILLEGAL = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")
_OPTIONS = {
    "constant_memory": True,  # one row in memory; rows must come in order (they do)
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
    "nan_inf_to_errors": True,
    "remove_timezone": True,
    "use_zip64": True,  # past 4 GiB of sheet XML (millions of rows) the archive needs it
}


def clean_text(value: str) -> str:
    """``value`` as an XLSX cell can hold it."""
    return _ILLEGAL.sub("\ufffd", value)[:MAX_TEXT]


def continuation_name(sheet: str, number: int) -> str:
    """The ``number``-th sheet of ``sheet``: Excel names are 1–31 characters without
    ``[]:*?/\\`` (and not quoted), so a name from a branch's mapping is made one."""
    name = re.sub(r"[\[\]:*?/\\]", "_", sheet).strip("'") or "Data"
    return name[:31] if number == 1 else f"{name[:28]}_{number}"


def write_rows(
    path: str | Path,
    rows: Iterable[Sequence[Any]],
    headers: Sequence[str],
    *,
    sheet: str,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Write ``headers`` then ``rows`` (lists of cell values, in order) to a new XLSX at
    ``path``; the number of data rows. ``progress(n)`` every ``PROGRESS_EVERY`` rows and
    at the end. On any failure the archive is closed as far as it goes (the caller, which
    writes through ``outreach_tui.files``, removes the half-made file)."""
    import shutil
    import tempfile

    import xlsxwriter  # only when an XLSX is asked for: the CLI starts without it

    target = Path(path)
    # xlsxwriter's row files (personal data, in a hand-off) go to a private folder beside
    # the target, removed whatever happens: never left in /tmp after a kill or a full disk.
    scratch = tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".parts", dir=target.parent)
    try:
        book = xlsxwriter.Workbook(str(target), {**_OPTIONS, "tmpdir": scratch})
        try:
            count = _fill(book, rows, headers, sheet, progress)
        except BaseException:
            _abandon(book)
            raise
        book.close()
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    if progress:
        progress(count)
    return count


def _fill(
    book: Any,
    rows: Iterable[Sequence[Any]],
    headers: Sequence[str],
    sheet: str,
    progress: Callable[[int], None] | None,
) -> int:
    day = book.add_format({"num_format": "yyyy-mm-dd"})
    moment = book.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
    title = book.add_format({"bold": True})
    titles = [clean_text(str(h)) for h in headers]
    count, number, line = 0, 0, SHEET_ROWS
    current: Any = None
    for row in rows:
        if line == SHEET_ROWS:
            number += 1
            current = book.add_worksheet(continuation_name(sheet, number))
            current.write_row(0, 0, titles, title)
            line = 0
        line += 1
        _write_row(current, line, row, day, moment)
        count += 1
        if progress and count % PROGRESS_EVERY == 0:
            progress(count)
    if current is None:  # no rows: the headers alone
        book.add_worksheet(continuation_name(sheet, 1)).write_row(0, 0, titles, title)
    return count


def _write_row(sheet: Any, line: int, row: Sequence[Any], day: Any, moment: Any) -> None:
    for column, value in enumerate(row):
        if value is None or value == "":
            continue
        if isinstance(value, str):
            sheet.write_string(line, column, clean_text(value))
        elif isinstance(value, bool):
            sheet.write_boolean(line, column, value)
        elif isinstance(value, int | float):
            sheet.write_number(line, column, value)
        elif isinstance(value, datetime):
            sheet.write_datetime(line, column, value, moment)
        elif isinstance(value, date):
            sheet.write_datetime(line, column, value, day)
        else:
            sheet.write_string(line, column, clean_text(str(value)))


def _abandon(book: Any) -> None:
    """Close the sheets' row files a failed write left open (their folder is removed by
    the caller), so nothing complains at exit after the one-line error."""
    import contextlib

    for worksheet in book.worksheets():
        handle = getattr(worksheet, "row_data_fh", None)
        if handle is not None:
            with contextlib.suppress(Exception):
                handle.close()
