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

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.widgets import Checkbox, Input, Label, Static

from outreach_tui.domain import consent
from outreach_tui.domain.household import household_problems
from outreach_tui.domain.models import MAX_WORKERS, Path, Registration, RegistrationDraft, Role
from outreach_tui.domain.occupations import default_for_sector
from outreach_tui.domain.problems import Problem, Severity
from outreach_tui.domain.validation import ValidationResult, validate_registration
from outreach_tui.tui.draft_forms import workers_keeper
from outreach_tui.tui.drafts import DraftForm
from outreach_tui.tui.keys import MOVES_ON_TICK, TICK_AND_MOVE
from outreach_tui.tui.save_problem import save_problem
from outreach_tui.tui.screens.base import BoothScreen
from outreach_tui.tui.widgets.booth_footer import BoothFooter
from outreach_tui.tui.widgets.booth_header import BoothHeader
from outreach_tui.tui.widgets.choice import Choice
from outreach_tui.tui.widgets.compact import compact
from outreach_tui.tui.widgets.field_input import FieldInput, too_long
from outreach_tui.tui.widgets.tick_box import TickBox

if TYPE_CHECKING:
    from outreach_tui.store.drafts import Draft, DraftKey
    from outreach_tui.tui.duplicates import DuplicateHit

COLUMNS = ("nik", "full_name", "phone", "declared_income")
# No birth-date column: a worker's birth date comes from the NIK, so its problems are the
# NIK's (a missing birth date is an invalid NIK, already said under it).
FIELD_LABEL = {"birth_date": "nik", "province_code": "nik", "consent_version": "consent"}


def cell_id(index: int, column: str) -> str:
    return f"worker-{index}-{column.replace('_', '-')}"


@dataclass
class WorkersSaved(Message):
    count: int


@dataclass
class WorkersSaveFailed(Message):
    reason: str


@dataclass
class HouseholdLoaded(Message):
    owner_name: str
    owner_nik: str | None
    worker_niks: list[str]
    uuids: set[str]  # the owner's and the live workers' (duplicate hits inside the house)


@dataclass
class RowDuplicatesChecked(Message):
    index: int
    nik: str
    hits: list[DuplicateHit]


@dataclass
class RowState:
    touched: set[str] = field(default_factory=set)
    nik: str | None = None  # normalised, once the row's NIK is valid
    duplicates_for: str = ""
    duplicates: list[DuplicateHit] = field(default_factory=list)
    errors: list[Problem] = field(default_factory=list)
    pasted: Problem | None = None  # a paste refused as too long, said in the row


class WorkersScreen(DraftForm, BoothScreen):
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
        self.saving = False
        self.show_all = False
        self.rows = [RowState() for _ in range(self.count)]
        self.household: HouseholdLoaded | None = None
        self._restore = draft
        # Each worker consents for themself (UU 27/2022; audit Dec 2026): a row's tick
        # counts only once the worker, named, agreed in the dialog addressed to them.
        # row -> the name they agreed under; a changed name asks again.
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
            for index in range(self.count):
                with Horizontal(classes="worker-row", id=f"worker-row-{index}"):
                    yield Label(f"{index + 1:>2}", classes="worker-number")
                    for column in COLUMNS:
                        yield compact(FieldInput(**self._input_options(index, column)))
                    moves = f" {MOVES_ON_TICK}" if index < self.count - 1 else ""
                    yield compact(TickBox(id=f"worker-{index}-consent",
                                          classes="worker-consent" + moves))  # fmt: skip
                yield Static("", id=f"worker-{index}-info", classes="worker-info")
        yield Static(self.t("workers.help"), id="workers-help")
        yield Static("", id="workers-save-problem", classes="save-problem")
        yield BoothFooter(compact=True)

    def _title(self) -> str:
        if self.live_workers or self.owner_name:
            return self.t("workers.title_more", name=self.owner_name, saved=self.live_workers,
                          count=self.count)  # fmt: skip
        return self.t("workers.title", count=self.count)

    def _input_options(self, index: int, column: str) -> dict[str, Any]:
        options: dict[str, Any] = {
            "placeholder": self.t(f"workers.hint.{column}"),
            "id": cell_id(index, column),
            "classes": f"worker-{column.replace('_', '-')}",
        }
        if column == "nik":  # digits only, so all 16 fit the column
            options.update(restrict=r"[0-9]*", max_length=16, complete_at=16)
        elif column == "phone":
            options.update(restrict=r"[0-9 +\-().]*", max_length=24)
        elif column == "declared_income":
            options.update(restrict=r"[0-9., Rrp]*", max_length=20)
        else:
            options.update(max_length=100)
        return options

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
        store = self.booth.store
        try:
            owner = store.registrations.get(self.owner_uuid)
            workers = [w for w in store.registrations.workers_of(self.owner_uuid)
                       if not w["voided_at"]]  # fmt: skip
        except Exception:  # a busy file: the duplicate look-ups still cover it
            return
        if owner is None:
            return

        def plain(nik: object) -> str | None:
            text = str(nik or "")
            return text if len(text) == 16 and text.isdigit() else None  # not "•••" or purged

        self.post_message(
            HouseholdLoaded(
                owner_name=owner["full_name"] or "",
                owner_nik=plain(owner["nik"]),
                worker_niks=[n for n in (plain(w["nik"]) for w in workers) if n],
                uuids={self.owner_uuid, *(w["uuid"] for w in workers)},
            )
        )

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

    def _draft(self, index: int, path: str) -> RegistrationDraft | None:
        values = self._values(index)
        if not any(values.values()):
            return None
        consented = self.query_one(f"#worker-{index}-consent", Checkbox).value and (
            self.own_consent.get(index) == values["full_name"]
        )
        return RegistrationDraft(
            nik=values["nik"],
            full_name=values["full_name"],
            phone=values["phone"],
            declared_income=values["declared_income"],
            sector=self.sector,
            payment_months=self.payment_months,
            consent_version=consent.current().version if consented else "",
            role=Role.WORKER,
            path=path,
            # the sector's usual occupation (data/occupations.toml); the band follows the
            # income in validation and the branch is the laptop's (store)
            occupation=default_for_sector(self.sector) or "",
        )

    def _validate_rows(self) -> list[Registration]:
        """Check every row, show what each says; the records of rows without errors."""
        from outreach_tui.domain.nik import parse_nik

        path = self.query_one("#workers-path", Choice).selection or Path.BPU.value
        today = self.booth.today()
        results: dict[int, ValidationResult[Registration]] = {}
        for index, row in enumerate(self.rows):
            draft = self._draft(index, path)
            if draft is None:
                row.nik = None
                continue
            results[index] = validate_registration(draft, today=today)
            nik = parse_nik(str(draft.nik), today=today)
            row.nik = nik.nik if nik.is_valid else None
        house = self.household
        extra = household_problems(
            {index + 1: self.rows[index].nik for index in results},
            owner_nik=house.owner_nik if house else None,
            saved_worker_niks=house.worker_niks if house else (),
            live_workers=self.live_workers,
        )
        records = []
        for index, row in enumerate(self.rows):
            result = results.get(index)
            if result is None:
                row.errors = []
                self._show_row(index, None, [])
                continue
            problems = [*result.problems, *extra.get(index + 1, [])]
            problems += self._inside_household(row)
            row.errors = [p for p in problems if p.severity is Severity.ERROR]
            if not row.errors and result.record is not None:
                records.append(result.record)
            self._show_row(index, result.record, problems)
            if row.nik and row.nik != row.duplicates_for:
                row.duplicates_for, row.duplicates = row.nik, []
                self.check_duplicates(index, row.nik)
            elif not row.nik:
                row.duplicates_for, row.duplicates = "", []
        return records

    def _inside_household(self, row: RowState) -> list[Problem]:
        """A duplicate hit on the owner or a saved worker is the household rule (it finds
        them by keyed hash too, where their NIK is purged or still locked)."""
        from outreach_tui.domain.problems import error

        house = self.household
        if not house or not row.nik:
            return []
        if row.nik == house.owner_nik or row.nik in house.worker_niks:
            return []  # said already by household_problems
        if any(hit.uuid == self.owner_uuid for hit in row.duplicates):
            return [error("household.nik_is_owner", "nik")]
        if any(hit.uuid in house.uuids for hit in row.duplicates):
            return [error("household.nik_saved_worker", "nik")]
        return []

    def _outside_hits(self, row: RowState) -> list[DuplicateHit]:
        uuids = self.household.uuids if self.household else {self.owner_uuid}
        return [hit for hit in row.duplicates if hit.uuid not in uuids]

    def _show_row(self, index: int, record: Registration | None, problems: list[Problem]) -> None:
        row = self.rows[index]
        shown = [
            p for p in problems
            if p.field != "workers_count"
            and not (p.field == "birth_date" and p.code == "field.required")
            and (self.show_all or self._field_touched(row, p.field))
        ]  # fmt: skip
        if row.pasted is not None:
            shown.insert(0, row.pasted)
        text = Text(no_wrap=False)
        if record is not None or row.nik:
            text.append(self._derived(index), style="dim")
        errors = [p for p in shown if p.severity is Severity.ERROR]
        warnings = [p for p in shown if p.severity is Severity.WARNING]
        for problem in errors[:3]:
            text.append(("  " if text else "") + "✗ " + self._problem_text(problem), style="red")
        for problem in warnings[:2]:
            text.append(("  " if text else "") + "⚠ " + self._problem_text(problem),
                        style="yellow")  # fmt: skip
        for hit in self._outside_hits(row)[:1]:
            text.append(("  " if text else "") + "⚠ " + self.t("workers.maybe_registered",
                        what=hit.describe(self.language)), style="yellow")  # fmt: skip
        self.query_one(f"#worker-{index}-info", Static).update(text)

    def _field_touched(self, row: RowState, field_name: str) -> bool:
        column = FIELD_LABEL.get(field_name, field_name)
        return column in row.touched or field_name in row.touched

    def _derived(self, index: int) -> str:
        """What the row's NIK says: sex and birth date."""
        from outreach_tui.domain.nik import parse_nik

        nik = parse_nik(self._values(index)["nik"], today=self.booth.today())
        if not nik.is_valid or nik.birth_date is None:
            return ""
        sex = self.t(f"workers.sex.{nik.sex}")
        return f"{sex} · {nik.birth_date:%d-%m-%Y}"

    def _problem_text(self, problem: Problem) -> str:
        column = FIELD_LABEL.get(problem.field, problem.field)
        label_key = f"workers.col.{column}"
        label = self.t(label_key)
        if label == label_key:
            label = self.t(f"reg.label.{problem.field}")
        return f"{label}: {problem.message(self.language)}"

    @work(thread=True, group="worker-duplicates")
    def check_duplicates(self, index: int, nik: str) -> None:
        from outreach_tui.tui.duplicates import find_duplicates

        try:
            hits = find_duplicates(self.booth.store, nik)
        except Exception:  # a busy file: no warning rather than a crash
            return
        self.post_message(RowDuplicatesChecked(index, nik, hits))

    def on_row_duplicates_checked(self, message: RowDuplicatesChecked) -> None:
        row = self.rows[message.index]
        if message.nik == row.duplicates_for:  # a stale reply (the NIK changed) is dropped
            row.duplicates = message.hits
            self._validate_rows()

    @on(Input.Changed)
    def _changed(self, event: Input.Changed) -> None:
        self._touch(event.input.id, bool(event.value))
        index = self._row_of(event.input.id, "full-name")
        agreed = self.own_consent.get(index) if index is not None else None
        if index is not None and agreed is not None and agreed != event.value.strip():
            self._set_tick(index, False)  # another name: that person has not agreed yet
        self._validate_rows()

    @on(Checkbox.Changed)
    def _ticked(self, event: Checkbox.Changed) -> None:
        self._touch(event.checkbox.id, True)
        index = self._row_of(event.checkbox.id, "consent")
        if index is not None:
            name = self._values(index)["full_name"]
            if not event.value:
                self.own_consent.pop(index, None)
            elif self.own_consent.get(index) != name:
                self._set_tick(index, False)  # not until the worker agreed themself
                self._ask_worker(index, name)
        self._validate_rows()

    @staticmethod
    def _row_of(widget_id: str | None, column: str) -> int | None:
        parts = (widget_id or "").split("-", 2)
        if len(parts) == 3 and parts[0] == "worker" and parts[1].isdigit() and parts[2] == column:
            return int(parts[1])
        return None

    def _set_tick(self, index: int, value: bool) -> None:
        if not value:
            self.own_consent.pop(index, None)
        with self.prevent(Checkbox.Changed):
            self.query_one(f"#worker-{index}-consent", Checkbox).value = value

    def _worker_name(self, index: int, name: str) -> str:
        return name or self.t("worker_consent.unnamed", row=index + 1)

    def _ask_worker(self, index: int, name: str) -> None:
        """The consent text addressed to this worker by name; only their own yes ticks it."""
        from outreach_tui.tui.dialogs.worker_consent import WorkerConsentDialog

        who = self._worker_name(index, name)

        def answered(agreed: bool | None) -> None:
            if agreed and self._values(index)["full_name"] == name:
                self.own_consent[index] = name
                self._set_tick(index, True)
                if self._advanced_to is not None:  # the tick moved on to the next row:
                    self._advanced_at = self._arrived() or -1  # a habitual Tab is no move
                self._validate_rows()
                if self.drafts is not None:
                    self.drafts.changed()

        self.app.push_screen(
            WorkerConsentDialog(
                self.t("worker_consent.title", name=who),
                self.t("worker_consent.addressed", name=who),
                consent.current().text(self.language),
                confirm=self.t("worker_consent.confirm", name=who),
                cancel=self.t("worker_consent.cancel"),
            ),
            answered,
        )

    def _without_own_consent(self) -> list[int]:
        """Filled rows whose worker has not agreed themself (or agreed under another name)."""
        return [
            index for index in self.filled_rows()
            if any(self._values(index).values())
            and not (self.query_one(f"#worker-{index}-consent", Checkbox).value
                     and self.own_consent.get(index) == self._values(index)["full_name"])
        ]  # fmt: skip

    @on(Choice.Changed, "#workers-path")
    def _path_changed(self) -> None:
        self._validate_rows()

    def _touch(self, widget_id: str | None, filled: bool) -> None:
        parts = (widget_id or "").split("-", 2)
        if len(parts) == 3 and parts[0] == "worker" and parts[1].isdigit():
            row = self.rows[int(parts[1])]
            row.pasted = None  # a refused paste is said until the row's next change
            if filled:
                row.touched.add(parts[2].replace("-", "_"))

    @on(FieldInput.PasteTooLong)
    def _paste_refused(self, event: FieldInput.PasteTooLong) -> None:
        _worker, index, column = (event.input.id or "").split("-", 2)
        problem = too_long(column.replace("-", "_"), event.input, event.length)
        self.rows[int(index)].pasted = problem
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
            self._show_save_problem(self.t("worker_consent.missing", row=index + 1, name=name))
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
        status = self.booth.status
        if status is None or not status.officer_code:
            self.notify(self.t("reg.need_start_of_day"), severity="error")
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
                lambda anyway: self._save(records, status.officer_code) if anyway else None,
            )  # fmt: skip
            return
        self._save(records, status.officer_code)

    def _save(self, records: list[Registration], officer_code: str | None) -> None:
        assert officer_code
        self.saving = True
        self.set_timer(1.0, self._still_saving)
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

    def _still_saving(self) -> None:
        if self.saving:
            self._show_save_problem(self.t("save_problem.saving"), error=False)

    def _show_save_problem(self, line: str, *, error: bool = True) -> None:
        widget = self.query_one("#workers-save-problem", Static)
        widget.update(line)
        widget.set_class(bool(line), "-shown")
        widget.set_class(error, "-error")

    def on_workers_saved(self, message: WorkersSaved) -> None:
        self.saving = False
        if self.drafts is not None:
            self.drafts.saved()
        self._show_save_problem("")
        self.booth.refresh_status()
        self.notify(self.t("workers.saved", count=message.count))
        self.dismiss(message.count)

    def on_workers_save_failed(self, message: WorkersSaveFailed) -> None:
        self.saving = False
        if self.drafts is not None:
            self.drafts.save_failed()
        self._show_save_problem(self.t("save_problem.line", reason=message.reason))

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
