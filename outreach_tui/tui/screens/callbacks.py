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
from outreach_tui.tui.paged_table import past_the_end, refill
from outreach_tui.tui.save_problem import save_problem
from outreach_tui.tui.screens.base import STYLES, BoothScreen
from outreach_tui.tui.widgets.booth_footer import BoothFooter
from outreach_tui.tui.widgets.booth_header import BoothHeader

CHROME_LINES = 10  # header, title, table header, detail (4), page line, footer (2)
COLUMNS = (("col_due", 10), ("col_status", 19), ("col_name", 18), ("col_phone", 13),
           ("col_interest", 24), ("col_last", 22))  # fmt: skip


@dataclass
class CallbacksLoaded(Message):
    page: RecordsPage


@dataclass
class CallbackRecorded(Message):
    text: str
    error: bool = False


class CallbackScreen(BoothScreen):
    CSS_PATH = STYLES / "callbacks.tcss"
    BINDINGS = [
        Binding("enter", "outcome", "Hasil", id="callback-outcome", priority=True),
        Binding("ctrl+e", "edit", "Ubah", id="callback-edit", priority=True),
        Binding("ctrl+r", "convert", "Daftarkan", id="callback-convert", priority=True),
        Binding("ctrl+y", "copy_link", "Salin tautan", id="callback-copy", priority=True),
        Binding("f8", "open_unpaid", "Belum bayar", id="open-unpaid", priority=True),
        Binding("pageup", "page(-1)", "Hal. sebelum", id="page-previous", priority=True),
        Binding("pagedown", "page(1)", "Hal. berikut", id="page-next", priority=True),
        Binding("escape", "close", "Kembali", id="close"),
    ]

    def __init__(self) -> None:
        super().__init__(id="callbacks")
        self.first_row = 0
        self.page_size = 10
        self.page: RecordsPage | None = None

    def compose(self) -> ComposeResult:
        yield BoothHeader(self.language)
        yield Static("", id="callbacks-title")
        yield DataTable(id="callbacks-table", cursor_type="row", zebra_stripes=True)
        yield Static("", id="callbacks-detail")
        yield Static("", id="callbacks-page")
        yield BoothFooter(compact=True)

    def on_mount(self) -> None:
        super().on_mount()
        self.page_size = max(3, self.app.size.height - CHROME_LINES)
        table = self.query_one("#callbacks-table", DataTable)
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
        page = message.page
        last = past_the_end(page, self.page_size)
        if last is not None:
            self.first_row = last
            self.reload()
            return
        self.page = page
        refill(self.query_one("#callbacks-table", DataTable), page.rows, self._cells)
        self.query_one("#callbacks-title", Static).update(
            Text(self.t("lead.callback.title", count=page.total), style="bold")
        )
        if page.total:
            pages = (page.total + self.page_size - 1) // self.page_size
            line = self.t("records.page", page=page.offset // self.page_size + 1, pages=pages,
                          first=page.offset + 1, last=page.offset + len(page.rows),
                          total=page.total)  # fmt: skip
        else:
            line = self.t("lead.callback.empty")
        self.query_one("#callbacks-page", Static).update(line)
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
        detail = self.query_one("#callbacks-detail", Static)
        if row is None:
            detail.update("")
            return
        message, link = self._whatsapp(row)
        text = Text()
        if link:
            # The whole link (with the message) is long: the number is shown, ctrl+y
            # copies the link itself.
            short = link.split("?", 1)[0].removeprefix("https://")
            text.append(self.t("lead.callback.link_short", link=short), style="bold")
        else:
            text.append(self.t("lead.callback.no_link"), style="bold")
        text.append("\n" + message, style="dim")
        detail.update(text)

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
        if row is None:
            return
        _, link = self._whatsapp(row)
        if link is None:
            self.notify(self.t("lead.callback.no_link"), severity="warning")
            return
        self.app.copy_to_clipboard(link)
        self.notify(self.t("lead.callback.copied", name=row["full_name"]))

    def selected(self) -> dict[str, Any] | None:
        table = self.query_one("#callbacks-table", DataTable)
        if self.page is None or not self.page.rows or table.cursor_row < 0:
            return None
        return self.page.rows[min(table.cursor_row, len(self.page.rows) - 1)]

    # -- keys -----------------------------------------------------------------------------

    def action_page(self, step: int) -> None:
        if self.page is None:
            return
        first = self.first_row + step * self.page_size
        if 0 <= first < self.page.total:
            self.first_row = first
            self.reload()

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
