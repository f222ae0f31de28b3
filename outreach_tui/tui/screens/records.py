"""Records: today's (or all) registrations and leads, one SQL page at a time.

The page size follows the screen height; PageUp/PageDown fetch the next page from SQL
(never every row), the search box is debounced in an exclusive worker, Enter opens a
registration or a lead for correction and ctrl+d voids the selected record with a reason.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.events import Resize, ScreenResume
from textual.message import Message
from textual.widgets import DataTable, Input, Static
from textual.worker import get_current_worker

from outreach_tui.domain import activation_status
from outreach_tui.domain.phone import national_digits as national_phone
from outreach_tui.domain.sync_reasons import NEEDS_FIXING, field_label, reason
from outreach_tui.store import StoreError, activations
from outreach_tui.store.queries import Kind, RecordsPage
from outreach_tui.tui.clock import local_clock, local_day_bounds
from outreach_tui.tui.dialogs.void_reason import VoidReasonDialog
from outreach_tui.tui.screens.base import STYLES, store_problem
from outreach_tui.tui.screens.paged import PAGE_BINDINGS, PagedScreen
from outreach_tui.tui.screens.records_columns import fit_columns
from outreach_tui.tui.summary import sector_label
from outreach_tui.tui.widgets.booth_footer import BoothFooter
from outreach_tui.tui.widgets.booth_header import BoothHeader

DEBOUNCE_SECONDS = 0.3
Scope = Literal["today", "all"]
# ctrl+e steps through these sync-state filters; the last is what the officer must fix.
STATE_FILTERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("all", ()),
    ("waiting", ("pending", "uploading")),
    ("sent", ("synced", "duplicate")),
    ("fix", NEEDS_FIXING),
)


@dataclass
class RecordsLoaded(Message):
    request: int
    kind: Kind
    page: RecordsPage


@dataclass
class OwnerChosen(Message):
    owner: dict[str, Any]
    live_workers: int


@dataclass
class RecordVoided(Message):
    label: str


@dataclass
class RecordVoidFailed(Message):
    reason: str


@dataclass
class ConsentWithdrawn(Message):
    line: str
    error: bool = False


class RecordsScreen(PagedScreen):
    CSS_PATH = STYLES / "records.tcss"
    TABLE_ID = "records-table"
    CHROME_LINES = 5  # header, search bar, table header, page line, footer
    BINDINGS = [
        Binding("enter", "open", "Buka", id="open-record", priority=True),
        Binding("ctrl+d", "void", "Batalkan data", id="void-record", priority=True),
        Binding("ctrl+w", "withdraw", "Tarik persetujuan", id="withdraw-consent", priority=True),
        Binding("ctrl+t", "add_workers", "Tambah pekerja", id="add-workers", priority=True),
        Binding("ctrl+r", "reprint", "Tanda terima", id="reprint-receipt", priority=True),
        Binding("ctrl+f", "focus_search", "Cari", id="focus-search", priority=True),
        Binding("f7", "toggle_kind", "Daftar/Calon", id="toggle-kind", priority=True),
        Binding("f8", "toggle_scope", "Hari ini/Semua", id="toggle-scope", priority=True),
        Binding("ctrl+e", "cycle_state", "Status", id="cycle-state", priority=True),
        *PAGE_BINDINGS,
        Binding("down", "focus_table", "Ke tabel", id="focus-table", show=False),
    ]

    def __init__(self) -> None:
        super().__init__(id="records", page_size=15)
        self.kind: Kind = "registrations"
        self.scope: Scope = "today"
        self.state_filter = 0  # index into STATE_FILTERS
        self.search = ""
        self.request = 0
        self.columns: list[tuple[str, int]] = []

    def compose(self) -> ComposeResult:
        yield BoothHeader(self.language)
        with Horizontal(id="records-bar"):
            yield Static("", id="records-tabs")
            yield Input(placeholder=self.t("records.search_hint"), id="records-search",
                        max_length=60, compact=True)  # fmt: skip
        yield DataTable(id=self.TABLE_ID, cursor_type="row", zebra_stripes=True)
        yield Static(self.t("records.loading"), id="records-page")
        yield BoothFooter(compact=True)

    def on_mount(self) -> None:
        super().on_mount()
        self.page_size = self.rows_for(self.app.size.height)
        self._set_columns()
        self._render_tabs()
        self.query_one("#records-search", Input).focus()

    def on_screen_resume(self, event: ScreenResume) -> None:
        # First show, back from a correction or a dialog, or from another mode: fresh data.
        self.reload()

    def on_resize(self, event: Resize) -> None:
        if fit_columns(self.kind, event.size.width - 2, today=self.scope == "today") != (
            self.columns
        ):
            self._set_columns()
            self.reload()
        size = self.rows_for(event.size.height)
        if size != self.page_size:
            self.page_size = size
            self.first_row -= self.first_row % size
            self.reload()

    # -- loading a page ---------------------------------------------------------------------

    def reload(self, *, debounce: bool = False) -> None:

        since = until = None
        if self.scope == "today":
            since, until = local_day_bounds(self.booth.today(), self.booth.time_zone)
        self.request += 1
        states = STATE_FILTERS[self.state_filter][1]
        self.load_page(self.request, self.kind, self.search, since, until,
                       self.page_size, self.first_row, debounce, states)  # fmt: skip

    @work(thread=True, exclusive=True, group="records")
    def load_page(
        self, request: int, kind: Kind, search: str, since: str | None, until: str | None,
        limit: int, offset: int, debounce: bool, states: tuple[str, ...] = (),
    ) -> None:  # fmt: skip
        worker = get_current_worker()
        if debounce:
            time.sleep(DEBOUNCE_SECONDS)
            if worker.is_cancelled:
                return
        page = self.booth.store.queries.page(
            kind,
            search=search,
            since_utc=since,
            until_utc=until,
            limit=limit,
            offset=offset,
            states=states,
        )
        if kind == "registrations":  # issue 18: what the core system answered, if anything
            activations.attach_outcomes(self.booth.store.database, page.rows)
        if not worker.is_cancelled:
            self.post_message(RecordsLoaded(request, kind, page))

    def on_records_loaded(self, message: RecordsLoaded) -> None:
        if message.request != self.request:
            return  # a newer request is on its way
        if self.show_page(message.page, self._cells):
            self._render_page_line()

    def _cells(self, row: dict[str, Any]) -> list[Text]:
        voided = bool(row["voided_at"])
        style = "dim" if voided else ""
        created = local_clock(row["created_at"], self.booth.time_zone)
        values: dict[str, str | Text] = {
            "time": f"{created:%H:%M}" if self.scope == "today" else f"{created:%d-%m %H:%M}",
            "name": Text(row["full_name"], style="dim strike" if voided else "bold"),
            "phone": national_phone(row["phone"]),
            "sync": self._sync_cell(row),
        }
        if self.kind == "registrations":
            values |= {"nik": row["nik"], "reference": row["reference_no"],
                       "role": self.t(f"records.{row['role']}")}  # fmt: skip
        else:
            follow = row["follow_up_on"]
            values |= {
                "follow_up": f"{datetime.fromisoformat(follow):%d-%m-%Y}" if follow else "",
                "sector": sector_label(row["sector"], self.language) if row["sector"] else "",
            }
        cells = (values[key] for key, _ in self.columns)
        return [v if isinstance(v, Text) else Text(v, style=style) for v in cells]

    def _sync_cell(self, row: dict[str, Any]) -> Text:
        if row["voided_at"]:
            return Text(self.t("records.voided"), style="dim")
        if row.get("withdrawn_at"):  # consent withdrawn (UU 27/2022): processing stops
            return Text(self.t("withdrawal.cell"), style="bold")
        state = row["sync_state"]
        if row.get("activation") and state in ("synced", "duplicate"):  # issue 18
            return Text(activation_status.cell(row["activation"], self.language), style="bold")
        needs_action = state in ("conflict", "rejected")  # the officer has to look at these
        return Text(self.t(f"records.sync.{state}"), style="bold reverse" if needs_action else "")

    def _set_columns(self) -> None:
        table = self.table
        table.clear(columns=True)
        width = self.app.size.width - 2  # room for the vertical scrollbar
        self.columns = fit_columns(self.kind, width, today=self.scope == "today")
        for key, size in self.columns:
            table.add_column(self.t(f"records.col.{key}"), width=size, key=key)

    def _render_tabs(self) -> None:
        text = Text(no_wrap=True)
        for group in (
            (("registrations", "records.registrations"), ("leads", "records.leads")),
            (("today", "records.today"), ("all", "records.all")),
        ):
            for value, key in group:
                active = value in (self.kind, self.scope)
                text.append(f" {self.t(key)} ", style="reverse bold" if active else "dim")
            text.append("  ")
        name = STATE_FILTERS[self.state_filter][0]
        if name != "all":
            style = "reverse bold $warning" if name == "fix" else "reverse bold"
            text.append(
                f" {self.t(f'records.state.{name}')} ", style=style.replace(" $warning", "")
            )
        self.query_one("#records-tabs", Static).update(text)

    @on(DataTable.RowHighlighted, "#records-table")
    def _render_page_line(self) -> None:
        page = self.page
        if page is None:
            return
        row = self.selected()
        if row is not None and row["sync_state"] in NEEDS_FIXING and not row["voided_at"]:
            # Why the hub refused it, in the officer's language, and how to fix it.
            why = reason(row["sync_code"], row["sync_message"], self.language)
            self.query_one("#records-page", Static).update(
                Text(self.t(f"records.why.{row['sync_state']}", why=why,
                            field=field_label(row["sync_field"], self.language)), style="bold")
            )  # fmt: skip
            return
        if row is not None and row.get("withdrawn_at"):
            self.query_one("#records-page", Static).update(Text(self.t(
                "withdrawal.shown", at=self._when(row["withdrawn_at"]),
                due=self._when(row["withdrawal_due_at"])), style="bold"))  # fmt: skip
            return
        if row is not None and row.get("activation"):
            self.query_one("#records-page", Static).update(
                Text(activation_status.label(row["activation"], self.language), style="bold")
            )
            return
        self.query_one("#records-page", Static).update(self.page_line("records.empty"))

    # -- keys -------------------------------------------------------------------------------

    @on(Input.Changed, "#records-search")
    def _search_changed(self, event: Input.Changed) -> None:
        self.search = event.value.strip()
        self.first_row = 0
        self.reload(debounce=True)

    def action_focus_search(self) -> None:
        self.query_one("#records-search", Input).focus()

    def action_focus_table(self) -> None:
        self.table.focus()

    def action_toggle_kind(self) -> None:
        self.kind = "leads" if self.kind == "registrations" else "registrations"
        self.first_row = 0
        self.page = None
        self._set_columns()
        self._render_tabs()
        self.reload()

    def action_cycle_state(self) -> None:
        self.state_filter = (self.state_filter + 1) % len(STATE_FILTERS)
        self.first_row = 0
        self._render_tabs()
        self.reload()

    def action_toggle_scope(self) -> None:
        self.scope = "all" if self.scope == "today" else "today"
        self.first_row = 0
        self._set_columns()
        self._render_tabs()
        self.reload()

    @on(DataTable.RowSelected)
    def _row_selected(self) -> None:
        self.action_open()

    def action_open(self) -> None:
        table = self.table
        if not table.has_focus:
            table.focus()
            return
        row = self.selected()
        if row is None:
            return
        if row["voided_at"]:
            self.notify(self.t("records.cannot_edit_voided"), severity="warning")
        elif self.kind == "registrations":
            from outreach_tui.tui.screens.registration import RegistrationScreen

            self.app.push_screen(RegistrationScreen(edit_row=row))  # reloads on resume
        elif row["purged_at"]:
            self.notify(self.t("records.lead_detail", name=row["full_name"],
                               phone=national_phone(row["phone"]),
                               interest=row["interest"] or "-",
                               follow_up=row["follow_up_on"] or "-"))  # fmt: skip
        else:
            from outreach_tui.tui.screens.leads import LeadScreen

            self.app.push_screen(LeadScreen(edit_row=row))  # reloads on resume

    def action_add_workers(self) -> None:
        """ctrl+t: more workers under the selected owner (or the selected worker's owner),
        in the same workers' form as right after a registration."""
        row = self.selected()
        if row is None or self.kind != "registrations":
            self.notify(self.t("records.choose_owner"), severity="warning")
            return
        if self.officer_on_duty() is None:
            return
        self.open_workers_form(row["owner_uuid"] or row["uuid"])

    @work(thread=True, group="records-owner")
    def open_workers_form(self, owner_uuid: str) -> None:
        store = self.booth.store
        try:
            owner = store.registrations.get(owner_uuid)
            live = store.registrations.live_workers(owner_uuid)
        except Exception as exc:  # a busy file: say so, change nothing
            from outreach_tui.tui.save_problem import save_problem

            self.post_message(RecordVoidFailed(save_problem(exc, self.language)))
            return
        if owner is not None:
            self.post_message(OwnerChosen(owner, live))

    def on_owner_chosen(self, message: OwnerChosen) -> None:
        from outreach_tui.domain.models import MAX_WORKERS
        from outreach_tui.tui.screens.workers import WorkersScreen

        owner, live = message.owner, message.live_workers
        if owner["voided_at"]:
            self.notify(self.t("records.cannot_edit_voided"), severity="warning")
            return
        if live >= MAX_WORKERS:
            self.notify(self.t("records.workers_full", max=MAX_WORKERS), severity="warning")
            return
        self.app.push_screen(
            WorkersScreen(
                owner_uuid=owner["uuid"],
                count=MAX_WORKERS - live,
                sector=owner["sector"],
                payment_months=owner["payment_months"],
                live_workers=live,
                owner_name=owner["full_name"] or owner["reference_no"],
            )
        )  # reloads on resume

    def action_reprint(self) -> None:
        """The selected registration's receipt again (a worker's row: its owner's), rebuilt
        from the stored rows (ctrl+r here; ctrl+t there writes it to a file for the printer)."""
        row = self.selected() if self.kind == "registrations" else None
        owner_uuid = row and (row.get("owner_uuid") if row.get("role") == "worker" else row["uuid"])
        if not owner_uuid:
            self.notify(self.t("money.reprint_owner_only"), severity="warning")
            return
        from outreach_tui.tui.screens.receipt import ReceiptScreen

        self.app.push_screen(ReceiptScreen(owner_uuid))

    def action_void(self) -> None:
        row = self.selected()
        if row is None:
            self.notify(self.t("records.nothing_selected"), severity="warning")
            return
        if row["voided_at"]:
            return
        officer = self.officer_on_duty()
        if officer is None:
            return
        kind = self.kind
        label = row.get("reference_no") or national_phone(row["phone"])
        what = self.t("void.what", name=row["full_name"], reference=label)

        def answered(reason: str | None) -> None:
            if reason:
                self.void_record(kind, row["uuid"], reason, officer, label)

        self.app.push_screen(VoidReasonDialog(what, language=self.language), answered)

    def action_withdraw(self) -> None:
        """ctrl+w: the participant withdraws their consent (UU 27/2022): asked for the
        reason, recorded with its 3×24-hour deadline, synced to the hub like a void."""
        row = self.selected() if self.kind == "registrations" else None
        if row is None:
            self.notify(self.t("records.nothing_selected"), severity="warning")
            return
        officer = self.officer_on_duty()
        if officer is None:
            return
        reference = row["reference_no"]

        def answered(reason: str | None) -> None:
            if reason:
                self.withdraw_consent(reference, reason, officer)

        self.app.push_screen(
            VoidReasonDialog(self.t("void.what", name=row["full_name"], reference=reference),
                             language=self.language, title=self.t("withdrawal.title",
                             reference=reference), explain=self.t("withdrawal.explain"),
                             confirm_label=self.t("withdrawal.confirm")),
            answered,
        )  # fmt: skip

    @work(thread=True, group="save")
    def withdraw_consent(self, reference: str, reason: str, officer: str) -> None:
        from outreach_tui.store.consent_withdrawal import WithdrawalError

        try:
            done = self.booth.store.withdraw_consent(reference, reason, officer_code=officer)
        except WithdrawalError as exc:
            self.post_message(
                ConsentWithdrawn(
                    self.t(f"withdrawal.{exc.code}", reference=exc.reference), error=True
                )
            )
            return
        except StoreError as exc:
            self.post_message(ConsentWithdrawn(store_problem(exc, self.language), error=True))
            return
        key = "withdrawal.already" if done.already else "withdrawal.done"
        self.post_message(ConsentWithdrawn(self.t(
            key, reference=reference, at=self._when(done.withdrawn_at),
            due=self._when(done.due_at))))  # fmt: skip

    def _when(self, moment: str) -> str:
        """A stored UTC instant on the booth's clock (the event's zone)."""
        return f"{local_clock(moment, self.booth.time_zone):%d-%m-%Y %H:%M}"

    def on_consent_withdrawn(self, message: ConsentWithdrawn) -> None:
        self.notify(message.line, severity="error" if message.error else "information")
        self.reload()

    @work(thread=True, group="save")  # never exclusive: a write is never cancelled
    def void_record(self, kind: Kind, uuid: str, reason: str, officer: str, label: str) -> None:
        store = self.booth.store
        try:
            if kind == "registrations":
                store.registrations.void(uuid, reason, officer_code=officer)
            else:
                store.leads.void(uuid, reason, officer_code=officer)
        except StoreError as exc:
            self.post_message(RecordVoidFailed(store_problem(exc, self.language)))
            return
        self.post_message(RecordVoided(label))

    def on_record_voided(self, message: RecordVoided) -> None:
        self.notify(self.t("records.voided_done", reference=message.label))
        self.booth.refresh_status()
        self.reload()

    def on_record_void_failed(self, message: RecordVoidFailed) -> None:
        self.notify(self.t("records.void_failed", reason=message.reason), severity="error")
