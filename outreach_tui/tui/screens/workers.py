"""The owner's workers (1–15): one short row each, saved together under the owner.

Each row is NIK, name, phone (optional), income and the worker's consent; under it, what
the NIK says (sex, birth date) and the row's problems. Every worker is checked as the
owner is (errors block, warnings do not), the same NIK twice in the household is an
error naming the other row (domain.household), and a NIK already on this laptop or known
to the branch is a warning before the save. The path (BPU, or PU through the micro
business at the minimum package) applies to the whole group. Empty rows are skipped, so
an owner who named five workers may register three today, and more later from the
records screen (the same form, opened for a saved owner).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.widgets import Checkbox, Input, Label, Static

from outreach_tui.domain.models import MAX_WORKERS, Path, Registration
from outreach_tui.tui.draft_forms import workers_keeper
from outreach_tui.tui.drafts import DraftForm
from outreach_tui.tui.keys import TICK_AND_MOVE
from outreach_tui.tui.save_problem import save_problem
from outreach_tui.tui.screens.base import BoothScreen
from outreach_tui.tui.screens.booth_form import BoothForm
from outreach_tui.tui.screens.worker_checks import WorkerChecks
from outreach_tui.tui.screens.worker_household import HouseholdLoaded, read_household
from outreach_tui.tui.screens.worker_own_consent import OwnConsent
from outreach_tui.tui.screens.worker_rows import COLUMNS, RowState, cell_id, cell_of, compose_rows
from outreach_tui.tui.widgets.booth_footer import BoothFooter
from outreach_tui.tui.widgets.booth_header import BoothHeader
from outreach_tui.tui.widgets.choice import Choice
from outreach_tui.tui.widgets.field_input import FieldInput, too_long

if TYPE_CHECKING:
    from outreach_tui.store.drafts import Draft, DraftKey


@dataclass
class WorkersSaved(Message):
    count: int


@dataclass
class WorkersSaveFailed(Message):
    reason: str


class WorkersScreen(WorkerChecks, OwnConsent, BoothForm, DraftForm, BoothScreen):
    BINDINGS = [
        Binding("ctrl+s", "save", "Simpan pekerja", id="save-workers", priority=True),
        Binding("escape", "skip", "Lewati", id="skip-workers"),
        TICK_AND_MOVE,  # the consent, the row's last cell: ticked, on to the next row
    ]

    def __init__(
        self, *, owner_uuid: str, count: int, sector: str, payment_months: str | int,
        live_workers: int = 0, owner_name: str = "", draft: Draft | None = None,
    ) -> None:  # fmt: skip
        """``count`` rows are offered (``live_workers`` are saved already, so at most
        ``MAX_WORKERS - live_workers``); ``draft``: rows kept from before (tui/drafts.py)."""
        super().__init__(id="workers")
        self.owner_uuid = owner_uuid
        self.live_workers = live_workers
        self.count = max(1, min(int(count), MAX_WORKERS - live_workers))
        self.sector = sector
        self.payment_months = payment_months
        self.owner_name = owner_name
        self.show_all = False
        self.rows = [RowState() for _ in range(self.count)]
        self.household: HouseholdLoaded | None = None
        self._restore = draft
        # row -> the name its worker agreed under, themself (worker_own_consent.py)
        self.own_consent: dict[int, str] = {}

    def compose(self) -> ComposeResult:
        yield BoothHeader(self.language)
        yield Static(self._title(), id="workers-title")
        with Horizontal(id="workers-path-row"):
            yield Label(self.t("workers.path"))
            yield Choice[str](
                [(self.t("workers.path_bpu"), Path.BPU.value),
                 (self.t("workers.path_pu"), Path.PU_MICRO.value)],
                id="workers-path", value=Path.BPU.value, allow_blank=False,
                title=self.t("workers.path"),
            )  # fmt: skip
        with Horizontal(id="workers-head"):
            yield Label("", classes="worker-number")
            for column in (*COLUMNS, "consent"):
                yield Label(self.t(f"workers.col.{column}"),
                            classes=f"worker-{column.replace('_', '-')}")  # fmt: skip
        with VerticalScroll(id="workers-rows"):
            yield from compose_rows(self, self.count)
        yield Static(self.t("workers.help"), id="workers-help")
        yield Static("", id="workers-save-problem", classes="save-problem")
        yield BoothFooter(compact=True)

    def _title(self) -> str:
        if self.live_workers or self.owner_name:
            return self.t("workers.title_more", name=self.owner_name, saved=self.live_workers,
                          count=self.count)  # fmt: skip
        return self.t("workers.title", count=self.count)

    def on_mount(self) -> None:
        super().on_mount()
        self.booth.forms.add(self)  # ctrl+q asks before losing what is typed here
        self.drafts = workers_keeper(self)  # the rows are kept as a draft as they are typed
        if self._restore is not None:
            self.drafts.set_draft(self._restore)
        self.query_one("#worker-0-nik", Input).focus()
        self.load_household()

    # -- the household: the owner and the workers saved before --------------------------------

    @work(thread=True, group="household")
    def load_household(self) -> None:
        household = read_household(self.booth.store, self.owner_uuid)
        if household is not None:
            self.post_message(household)

    def on_household_loaded(self, message: HouseholdLoaded) -> None:
        self.household = message
        self._validate_rows()

    # -- reading and checking the rows --------------------------------------------------------

    def _values(self, index: int) -> dict[str, str]:
        return {c: self.query_one(f"#{cell_id(index, c)}", Input).value.strip() for c in COLUMNS}

    def filled_rows(self) -> list[int]:
        """Rows with anything typed or ticked."""
        return [
            index for index in range(self.count)
            if any(self._values(index).values())
            or self.query_one(f"#worker-{index}-consent", Checkbox).value
        ]  # fmt: skip

    def has_unsaved_input(self) -> bool:
        """Rows a quit would lose (also while their save is still on its way)."""
        return self.saving or bool(self.filled_rows())

    def unsaved_description(self) -> str:
        return self.t("unsaved.workers_form", count=len(self.filled_rows()))

    @on(Input.Changed)
    def _changed(self, event: Input.Changed) -> None:
        self._touch(event.input.id, bool(event.value))
        cell = cell_of(event.input.id)
        if cell is not None and cell[1] == "full-name":
            self._name_typed(cell[0], event.value)
        self._validate_rows()

    @on(Checkbox.Changed)
    def _ticked(self, event: Checkbox.Changed) -> None:
        self._touch(event.checkbox.id, True)
        cell = cell_of(event.checkbox.id)
        if cell is not None and cell[1] == "consent":
            self._consent_ticked(cell[0], event.value)
        self._validate_rows()

    @on(Choice.Changed, "#workers-path")
    def _path_changed(self) -> None:
        self._validate_rows()

    def _touch(self, widget_id: str | None, filled: bool) -> None:
        cell = cell_of(widget_id)
        if cell is not None:
            row = self.rows[cell[0]]
            row.pasted = None  # a refused paste is said until the row's next change
            if filled:
                row.touched.add(cell[1].replace("-", "_"))

    @on(FieldInput.PasteTooLong)
    def _paste_refused(self, event: FieldInput.PasteTooLong) -> None:
        cell = cell_of(event.input.id)
        assert cell is not None  # the table's inputs are its cells
        index, column = cell
        self.rows[index].pasted = too_long(column.replace("-", "_"), event.input, event.length)
        self._validate_rows()

    # -- saving -------------------------------------------------------------------------------

    def action_save(self) -> None:
        if self.saving:
            return
        self.show_all = True
        records = self._validate_rows()
        missing = self._without_own_consent()
        if missing:
            index = missing[0]
            name = self._worker_name(index, self._values(index)["full_name"])
            self.show_save_problem(self.t("worker_consent.missing", row=index + 1, name=name))
            self.query_one(f"#worker-{index}-consent", Checkbox).focus()
            self.notify(self.t("workers.fix_rows", count=len(missing)), severity="error")
            return
        failed = [index for index, row in enumerate(self.rows) if row.errors]
        if failed:
            self.query_one(f"#worker-{failed[0]}-nik", Input).focus()
            self.notify(self.t("workers.fix_rows", count=len(failed)), severity="error")
            return
        if not records:
            self.notify(self.t("workers.none"), severity="warning")
            return
        officer = self.officer_on_duty()
        if officer is None:
            return
        warned = [(index, self._outside_hits(row)) for index, row in enumerate(self.rows)]
        warned = [(index, hits) for index, hits in warned if hits]
        if warned:
            from outreach_tui.tui.dialogs.confirm import ConfirmDialog

            body = "\n".join(
                self.t("workers.dup_row", row=index + 1, what=hits[0].describe(self.language))
                for index, hits in warned
            )
            self.app.push_screen(
                ConfirmDialog(self.t("dup.title"), body, confirm=self.t("dup.save_anyway"),
                              cancel=self.t("dup.go_back")),
                lambda anyway: self._save(records, officer) if anyway else None,
            )  # fmt: skip
            return
        self._save(records, officer)

    def _save(self, records: list[Registration], officer_code: str) -> None:
        self.begin_save()
        self.save_workers(records, officer_code, self.drafts.hand_over() if self.drafts else [])

    @work(thread=True, group="save")  # never exclusive: a save is never cancelled
    def save_workers(
        self, records: list[Registration], officer_code: str, drafts: list[DraftKey]
    ) -> None:
        try:
            saved = self.booth.store.registrations.add_workers(
                self.owner_uuid, records, officer_code=officer_code, discard_drafts=drafts
            )
        except Exception as exc:  # a locked or full disk: the rows stay
            self.post_message(WorkersSaveFailed(save_problem(exc, self.language)))
            return
        self.post_message(WorkersSaved(len(saved)))

    def on_workers_saved(self, message: WorkersSaved) -> None:
        self.save_ended(saved=True)
        self.clear_save_problem()
        self.booth.refresh_status()
        self.notify(self.t("workers.saved", count=message.count))
        self.dismiss(message.count)

    def on_workers_save_failed(self, message: WorkersSaveFailed) -> None:
        self.save_ended(saved=False)
        self.show_save_problem(self.t("save_problem.line", reason=message.reason))

    # -- leaving without saving ---------------------------------------------------------------

    def action_skip(self) -> None:
        if self.saving:
            return
        filled = self.filled_rows()
        if not filled:
            self._leave()
            return
        from outreach_tui.tui.dialogs.confirm import ConfirmDialog

        self.app.push_screen(
            ConfirmDialog(
                self.t("workers.leave_title"),
                self.t("workers.leave_body", count=len(filled)),
                confirm=self.t("workers.leave_yes"),
                cancel=self.t("unsaved.stay"),
            ),
            lambda leave: self._leave() if leave else None,
        )

    def _leave(self) -> None:
        """Esc, confirmed: the rows (and their draft) are given up."""
        if self.drafts is not None:
            self.drafts.discard(close=True)
        self.dismiss(0)
