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
from outreach_tui.tui.screens.base import STYLES
from outreach_tui.tui.screens.paged import PAGE_BINDINGS, PagedScreen
from outreach_tui.tui.widgets.booth_footer import BoothFooter
from outreach_tui.tui.widgets.booth_header import BoothHeader
from outreach_tui.tui.widgets.whatsapp_detail import WhatsAppDetail, copy_whatsapp_link

COLUMNS = (("col_name", 24), ("col_phone", 14), ("col_kpj", 14), ("col_enrolled", 11))


@dataclass
class UnpaidLoaded(Message):
    page: RecordsPage
    minimised: int


class UnpaidScreen(PagedScreen):
    CSS_PATH = STYLES / "unpaid.tcss"
    TABLE_ID = "unpaid-table"
    CHROME_LINES = 10
    BINDINGS = [
        Binding("ctrl+y", "copy_link", "Salin tautan", id="unpaid-copy", priority=True),
        *PAGE_BINDINGS,
        Binding("escape", "close", "Kembali", id="close"),
    ]

    def __init__(self) -> None:
        super().__init__(id="unpaid", page_size=10)

    def compose(self) -> ComposeResult:
        yield BoothHeader(self.language)
        yield Static("", id="unpaid-title")
        yield DataTable(id=self.TABLE_ID, cursor_type="row", zebra_stripes=True)
        yield WhatsAppDetail(self.language, link_key="handoff.booth.link", id="unpaid-detail")
        yield Static("", id="unpaid-page")
        yield BoothFooter(compact=True)

    def on_mount(self) -> None:
        super().on_mount()
        self.page_size = self.rows_for(self.app.size.height)
        table = self.table
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
        if not self.show_page(message.page, self._cells):
            return
        self.query_one("#unpaid-title", Static).update(
            Text(self.t("handoff.booth.unpaid_title", count=message.page.total), style="bold")
        )
        line = self.page_line("handoff.booth.unpaid_empty")
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
        self.query_one(WhatsAppDetail).show(self._whatsapp(row) if row else None)

    def action_copy_link(self) -> None:
        row = self.selected()
        if row is not None:
            copied = self.t("handoff.booth.copied", name=row["full_name"])
            copy_whatsapp_link(self, self._whatsapp(row)[1], copied=copied, language=self.language)

    def action_close(self) -> None:
        self.dismiss()
