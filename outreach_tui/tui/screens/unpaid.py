"""Registered but not paid yet (issue 18): the payment-reminder list of the call-back list.

Opened from the call-back list (F8). The people the core system enrolled (a KPJ) whose
first payment has not arrived, who gave the separate reminder consent (UU 27/2022 art.
22(4)) and whose phone is still on this laptop; the WhatsApp link of the selected one
carries a prefilled reminder (ctrl+y copies it). Protection starts with the first payment
(shared/reference/bpjstk-bpu.md), so this is the list that turns registrations into
protection. Those whose phone the purge already removed are counted, not listed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.events import ScreenResume
from textual.message import Message
from textual.widgets import DataTable, Static

from outreach_tui.domain import activation_status, callbacks
from outreach_tui.domain.phone import national_digits as national_phone
from outreach_tui.store import activations
from outreach_tui.store.queries import RecordsPage
from outreach_tui.tui.screens.base import STYLES, BoothScreen
from outreach_tui.tui.screens.paged import past_the_end, refill
from outreach_tui.tui.widgets.booth_footer import BoothFooter
from outreach_tui.tui.widgets.booth_header import BoothHeader

CHROME_LINES = 10
COLUMNS = (("col_name", 24), ("col_phone", 14), ("col_kpj", 14), ("col_enrolled", 11))


@dataclass
class UnpaidLoaded(Message):
    page: RecordsPage
    minimised: int


class UnpaidScreen(BoothScreen):
    CSS_PATH = STYLES / "unpaid.tcss"
    BINDINGS = [
        Binding("ctrl+y", "copy_link", "Salin tautan", id="unpaid-copy", priority=True),
        Binding("pageup", "page(-1)", "Hal. sebelum", id="page-previous", priority=True),
        Binding("pagedown", "page(1)", "Hal. berikut", id="page-next", priority=True),
        Binding("escape", "close", "Kembali", id="close"),
    ]

    def __init__(self) -> None:
        super().__init__(id="unpaid")
        self.first_row = 0
        self.page_size = 10
        self.page: RecordsPage | None = None

    def compose(self) -> ComposeResult:
        yield BoothHeader(self.language)
        yield Static("", id="unpaid-title")
        yield DataTable(id="unpaid-table", cursor_type="row", zebra_stripes=True)
        yield Static("", id="unpaid-detail")
        yield Static("", id="unpaid-page")
        yield BoothFooter(compact=True)

    def on_mount(self) -> None:
        super().on_mount()
        self.page_size = max(3, self.app.size.height - CHROME_LINES)
        table = self.query_one("#unpaid-table", DataTable)
        for key, width in COLUMNS:
            table.add_column(self.t(f"handoff.booth.{key}"), width=width, key=key)
        table.focus()

    def on_screen_resume(self, event: ScreenResume) -> None:
        self.reload()

    def reload(self) -> None:
        self.load_page(self.page_size, self.first_row)

    @work(thread=True, exclusive=True, group="unpaid")
    def load_page(self, limit: int, offset: int) -> None:
        database = self.booth.store.database
        page = activations.unpaid_reminders(database, limit=limit, offset=offset)
        self.post_message(UnpaidLoaded(page, activations.unpaid_minimised(database)))

    def on_unpaid_loaded(self, message: UnpaidLoaded) -> None:
        page = message.page
        last = past_the_end(page, self.page_size)
        if last is not None:
            self.first_row = last
            self.reload()
            return
        self.page = page
        refill(self.query_one("#unpaid-table", DataTable), page.rows, self._cells)
        self.query_one("#unpaid-title", Static).update(
            Text(self.t("handoff.booth.unpaid_title", count=page.total), style="bold")
        )
        line = self.t("handoff.booth.unpaid_empty") if not page.total else self.t(
            "records.page", page=page.offset // self.page_size + 1,
            pages=(page.total + self.page_size - 1) // self.page_size, first=page.offset + 1,
            last=page.offset + len(page.rows), total=page.total)  # fmt: skip
        if message.minimised:
            line += "  " + self.t("handoff.booth.unpaid_minimised", count=message.minimised)
        self.query_one("#unpaid-page", Static).update(line)
        self._render_detail()

    def _cells(self, row: dict[str, Any]) -> list[Text]:
        return [
            Text(row["full_name"] or "", style="bold"),
            Text(national_phone(row["phone"])),
            Text(row["kpj"] or ""),
            Text(row["enrolled_on"] or ""),
        ]

    def _whatsapp(self, row: dict[str, Any]) -> tuple[str, str | None]:
        message = activation_status.reminder_message(
            name=row["full_name"] or "", kpj=row["kpj"] or "",
            officer_name=row["officer_name"] or row["officer_code"] or "",
            language=self.language,
        )  # fmt: skip
        return message, callbacks.whatsapp_link(row["phone"] or "", message)

    @on(DataTable.RowHighlighted)
    def _render_detail(self) -> None:
        row = self.selected()
        detail = self.query_one("#unpaid-detail", Static)
        if row is None:
            detail.update("")
            return
        message, link = self._whatsapp(row)
        text = Text()
        if link:
            short = link.split("?", 1)[0].removeprefix("https://")
            text.append(self.t("handoff.booth.link", link=short), style="bold")
        else:
            text.append(self.t("lead.callback.no_link"), style="bold")
        text.append("\n" + message, style="dim")
        detail.update(text)

    def selected(self) -> dict[str, Any] | None:
        table = self.query_one("#unpaid-table", DataTable)
        if self.page is None or not self.page.rows or table.cursor_row < 0:
            return None
        return self.page.rows[min(table.cursor_row, len(self.page.rows) - 1)]

    def action_copy_link(self) -> None:
        row = self.selected()
        if row is None:
            return
        _, link = self._whatsapp(row)
        if link is None:
            self.notify(self.t("lead.callback.no_link"), severity="warning")
            return
        self.app.copy_to_clipboard(link)
        self.notify(self.t("handoff.booth.copied", name=row["full_name"]))

    def action_page(self, step: int) -> None:
        if self.page is None:
            return
        first = self.first_row + step * self.page_size
        if 0 <= first < self.page.total:
            self.first_row = first
            self.reload()

    def action_close(self) -> None:
        self.dismiss()
