"""The call-back list: leads due today or overdue, one SQL page at a time.

Opened from the leads form (F9). Enter records what came of the call (the follow-up
date moves, or the lead is closed), ctrl+e corrects the lead, ctrl+r opens the
registration form filled from it (the registration is linked back, so conversion counts).
The WhatsApp link and message of the selected lead are shown under the table.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.events import ScreenResume
from textual.message import Message
from textual.widgets import DataTable, Static

from outreach_tui.domain import callbacks
from outreach_tui.domain.phone import national_digits as national_phone
from outreach_tui.store.queries import RecordsPage
from outreach_tui.tui.messages import LeadPrefill, RegistrationPrefilled
from outreach_tui.tui.save_problem import save_problem
from outreach_tui.tui.screens.base import STYLES
from outreach_tui.tui.screens.paged import PAGE_BINDINGS, PagedScreen
from outreach_tui.tui.widgets.booth_footer import BoothFooter
from outreach_tui.tui.widgets.booth_header import BoothHeader
from outreach_tui.tui.widgets.whatsapp_detail import WhatsAppDetail, copy_whatsapp_link

COLUMNS = (("col_due", 10), ("col_status", 19), ("col_name", 18), ("col_phone", 13),
           ("col_interest", 24), ("col_last", 22))  # fmt: skip


@dataclass
class CallbacksLoaded(Message):
    page: RecordsPage


@dataclass
class CallbackRecorded(Message):
    text: str
    error: bool = False


class CallbackScreen(PagedScreen):
    CSS_PATH = STYLES / "callbacks.tcss"
    TABLE_ID = "callbacks-table"
    CHROME_LINES = 10  # header, title, table header, detail (4), page line, footer (2)
    BINDINGS = [
        Binding("enter", "outcome", "Hasil", id="callback-outcome", priority=True),
        Binding("ctrl+e", "edit", "Ubah", id="callback-edit", priority=True),
        Binding("ctrl+r", "convert", "Daftarkan", id="callback-convert", priority=True),
        Binding("ctrl+y", "copy_link", "Salin tautan", id="callback-copy", priority=True),
        Binding("f8", "open_unpaid", "Belum bayar", id="open-unpaid", priority=True),
        *PAGE_BINDINGS,
        Binding("escape", "close", "Kembali", id="close"),
    ]

    def __init__(self) -> None:
        super().__init__(id="callbacks", page_size=10)

    def compose(self) -> ComposeResult:
        yield BoothHeader(self.language)
        yield Static("", id="callbacks-title")
        yield DataTable(id=self.TABLE_ID, cursor_type="row", zebra_stripes=True)
        yield WhatsAppDetail(self.language, link_key="lead.callback.link_short",
                             id="callbacks-detail")  # fmt: skip
        yield Static("", id="callbacks-page")
        yield BoothFooter(compact=True)

    def on_mount(self) -> None:
        super().on_mount()
        self.page_size = self.rows_for(self.app.size.height)
        table = self.table
        for key, width in COLUMNS:
            table.add_column(self.t(f"lead.callback.{key}"), width=width, key=key)
        table.focus()

    def on_screen_resume(self, event: ScreenResume) -> None:
        self.reload()  # first show, or back from a correction or a registration

    # -- loading ------------------------------------------------------------------------

    @property
    def today(self) -> date:
        return self.booth.today()

    def reload(self) -> None:
        self.load_page(self.today, self.page_size, self.first_row)

    @work(thread=True, exclusive=True, group="callbacks")
    def load_page(self, today: date, limit: int, offset: int) -> None:
        page = self.booth.store.callbacks.due(today, limit=limit, offset=offset)
        self.post_message(CallbacksLoaded(page))

    def on_callbacks_loaded(self, message: CallbacksLoaded) -> None:
        if not self.show_page(message.page, self._cells):
            return
        self.query_one("#callbacks-title", Static).update(
            Text(self.t("lead.callback.title", count=message.page.total), style="bold")
        )
        self.query_one("#callbacks-page", Static).update(self.page_line("lead.callback.empty"))
        self._render_detail()

    def _cells(self, row: dict[str, Any]) -> list[Text]:
        due = callbacks.due_on(row["follow_up_on"], self.today)
        when = Text(f"{date.fromisoformat(row['follow_up_on']):%d-%m-%Y}")
        standing = Text()
        if due is not None:
            label = (self.t("lead.callback.overdue", days=due.days_overdue) if due.overdue
                     else self.t("lead.callback.due_today"))  # fmt: skip
            standing.append(label, style="bold" if due.overdue else "")
        last = row["last_outcome"]
        return [
            when,
            standing,
            Text(row["full_name"] or "", style="bold"),
            Text(national_phone(row["phone"])),
            Text(row["interest"] or ""),
            Text(self.t(f"lead.callback.outcome.{last}") if last else ""),
        ]

    @on(DataTable.RowHighlighted)
    def _render_detail(self) -> None:
        row = self.selected()
        self.query_one(WhatsAppDetail).show(self._whatsapp(row) if row else None)

    def _whatsapp(self, row: dict[str, Any]) -> tuple[str, str | None]:
        """The call-back message for ``row`` and its WhatsApp link (None: no mobile)."""
        message = callbacks.whatsapp_message(
            name=row["full_name"] or "",
            officer_name=row["officer_name"] or row["officer_code"] or "",
            event_name=row["event_name"] or "",
            language=self.language,
        )
        return message, callbacks.whatsapp_link(row["phone"] or "", message)

    def action_copy_link(self) -> None:
        row = self.selected()
        if row is not None:
            copied = self.t("lead.callback.copied", name=row["full_name"])
            copy_whatsapp_link(self, self._whatsapp(row)[1], copied=copied, language=self.language)

    # -- keys -----------------------------------------------------------------------------

    def action_outcome(self) -> None:
        from outreach_tui.tui.dialogs.callback_outcome import CallbackOutcomeDialog

        row = self.selected()
        if row is None:
            return

        def answered(answer: tuple[str, date | None] | None) -> None:
            if answer is not None:
                self.save_outcome(row["uuid"], row["full_name"], *answer)

        self.app.push_screen(
            CallbackOutcomeDialog(row["full_name"], today=self.today, language=self.language),
            answered,
        )

    @work(thread=True, group="save")  # never exclusive: a save is never cancelled
    def save_outcome(self, uuid: str, name: str, outcome: str, next_on: date | None) -> None:
        officer = (self.booth.status.officer_code if self.booth.status else None) or ""
        try:
            self.booth.store.leads.record_callback(
                uuid, outcome, next_follow_up_on=next_on, officer_code=officer
            )
        except Exception as exc:  # a locked or full disk as well: nothing recorded
            self.post_message(CallbackRecorded(save_problem(exc, self.language), error=True))
            return
        label = self.t(f"lead.callback.outcome.{outcome}")
        self.post_message(CallbackRecorded(self.t("lead.callback.recorded", name=name,
                                                  outcome=label)))  # fmt: skip

    def on_callback_recorded(self, message: CallbackRecorded) -> None:
        self.notify(message.text, severity="error" if message.error else "information")
        if not message.error:
            self.reload()

    def action_edit(self) -> None:
        from outreach_tui.tui.screens.leads import LeadScreen

        row = self.selected()
        if row is not None:
            self.app.push_screen(LeadScreen(edit_row=row))  # reloads on resume

    def action_convert(self) -> None:
        row = self.selected()
        if row is None:
            return
        self.post_message(
            RegistrationPrefilled(
                sector=row["sector"], declared_income=None, jht=False,
                lead=LeadPrefill(row["uuid"], row["full_name"], national_phone(row["phone"])),
            )
        )  # fmt: skip

    def action_open_unpaid(self) -> None:
        """Registered but not paid yet (issue 18): the payment reminders."""
        from outreach_tui.tui.screens.unpaid import UnpaidScreen

        self.app.push_screen(UnpaidScreen())

    def action_close(self) -> None:
        self.dismiss()
