"""A booth screen that shows one SQL page of rows in a DataTable (records, call-backs).

The page size follows the screen height; PageUp/PageDown ask SQL for the next page (never
every row). The table is refilled in place with the cursor kept, and a page past the end
(rows voided or called back meanwhile) is stepped back to the last one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, ClassVar

from rich.text import Text
from textual.binding import Binding
from textual.widgets import DataTable

from outreach_tui.store.queries import RecordsPage
from outreach_tui.tui.screens.base import BoothScreen

# Spliced into each screen's BINDINGS where its footer shows them.
PAGE_BINDINGS = [
    Binding("pageup", "page(-1)", "Hal. sebelum", id="page-previous", priority=True),
    Binding("pagedown", "page(1)", "Hal. berikut", id="page-next", priority=True),
]


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


class PagedScreen(BoothScreen):
    """The paging of a screen whose ``reload`` asks SQL for ``page_size`` rows from
    ``first_row`` and hands the reply to ``show_page``."""

    TABLE_ID: ClassVar[str]  # the DataTable's id
    CHROME_LINES: ClassVar[int]  # the screen's lines that are not table rows

    def __init__(self, *, id: str, page_size: int) -> None:
        super().__init__(id=id)
        self.first_row = 0
        self.page_size = page_size
        self.page: RecordsPage | None = None

    def reload(self) -> None:
        raise NotImplementedError

    @property
    def table(self) -> DataTable[Any]:
        return self.query_one(f"#{self.TABLE_ID}", DataTable)

    def rows_for(self, height: int) -> int:
        """The page size that fills a screen ``height`` lines tall."""
        return max(3, height - self.CHROME_LINES)

    def show_page(self, page: RecordsPage, cells: Callable[[dict[str, Any]], list[Text]]) -> bool:
        """Fill the table with ``page``; False when it lay past the end and the last page
        has been asked for instead."""
        last = past_the_end(page, self.page_size)
        if last is not None:
            self.first_row = last
            self.reload()
            return False
        self.page = page
        refill(self.table, page.rows, cells)
        return True

    def page_line(self, empty_key: str) -> str:
        """The "page 2 of 5, rows 11–20 of 47" line, or the ``empty_key`` line for no rows."""
        page = self.page
        if page is None or not page.total:
            return self.t(empty_key)
        pages = (page.total + self.page_size - 1) // self.page_size
        return self.t("records.page", page=page.offset // self.page_size + 1, pages=pages,
                      first=page.offset + 1, last=page.offset + len(page.rows),
                      total=page.total)  # fmt: skip

    def selected(self) -> dict[str, Any] | None:
        """The row under the table's cursor."""
        table = self.table
        if self.page is None or not self.page.rows or table.row_count == 0 or table.cursor_row < 0:
            return None
        return self.page.rows[min(table.cursor_row, len(self.page.rows) - 1)]

    def action_page(self, step: int) -> None:
        total = self.page.total if self.page else 0
        first = self.first_row + step * self.page_size
        if 0 <= first < total:
            self.first_row = first
            self.reload()
