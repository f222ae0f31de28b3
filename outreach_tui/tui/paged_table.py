"""A DataTable showing one SQL page (records, call-backs): refilled in place, the cursor
kept, and a page past the end (rows voided or called back meanwhile) stepped back."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from rich.text import Text
from textual.widgets import DataTable

from outreach_tui.store.queries import RecordsPage


def past_the_end(page: RecordsPage, page_size: int) -> int | None:
    """The first row of the last page when ``page`` came back empty beyond it, else None."""
    if not page.rows and page.offset > 0 and page.total:
        return max(0, (page.total - 1) // page_size * page_size)
    return None


def refill(
    table: DataTable[Any],
    rows: Iterable[dict[str, Any]],
    cells: Callable[[dict[str, Any]], list[Text]],
) -> None:
    """Replace the table's rows (keyed by uuid), the cursor on the same line if it exists."""
    cursor = table.cursor_row
    table.clear()
    count = 0
    for row in rows:
        table.add_row(*cells(row), key=row["uuid"])
        count += 1
    if count:
        table.move_cursor(row=min(cursor, count - 1))
