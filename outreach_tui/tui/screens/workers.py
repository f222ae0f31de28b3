"""The owner's workers (1–15): one short row each, saved together under the owner.

Each row is NIK, name, phone (optional), income and the worker's consent. The path (BPU,
or PU through the micro business at the minimum package) applies to the whole group.
Empty rows are skipped, so an owner who named five workers may register three today.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.widgets import Checkbox, Input, Label, Static

from outreach_tui.domain import consent
from outreach_tui.domain.models import MAX_WORKERS, Path, Registration, RegistrationDraft, Role
from outreach_tui.domain.validation import ValidationResult, validate_registration
from outreach_tui.store import StoreError
from outreach_tui.tui.screens.base import BoothScreen, store_problem
from outreach_tui.tui.widgets.booth_footer import BoothFooter
from outreach_tui.tui.widgets.booth_header import BoothHeader
from outreach_tui.tui.widgets.choice import Choice

COLUMNS = ("nik", "full_name", "phone", "declared_income")


@dataclass
class WorkersSaved(Message):
    count: int


@dataclass
class WorkersSaveFailed(Message):
    reason: str


class WorkersScreen(BoothScreen):
    BINDINGS = [
        Binding("ctrl+s", "save", "Simpan pekerja", id="save-workers", priority=True),
        Binding("escape", "skip", "Lewati", id="skip-workers"),
    ]

    def __init__(self, *, owner_uuid: str, count: int, sector: str, payment_months: object) -> None:
        super().__init__(id="workers")
        self.owner_uuid = owner_uuid
        self.count = max(1, min(int(count), MAX_WORKERS))
        self.sector = sector
        self.payment_months = payment_months
        self.saving = False

    def compose(self) -> ComposeResult:
        yield BoothHeader(self.language)
        yield Static(self.t("workers.title", count=self.count), id="workers-title")
        with Horizontal(id="workers-path-row"):
            yield Label(self.t("workers.path"))
            yield Choice[str](
                [(self.t("workers.path_bpu"), Path.BPU.value),
                 (self.t("workers.path_pu"), Path.PU_MICRO.value)],
                id="workers-path", value=Path.BPU.value, allow_blank=False,
                title=self.t("workers.path"),
            )  # fmt: skip
        with VerticalScroll(id="workers-rows"):
            for index in range(self.count):
                with Horizontal(classes="worker-row", id=f"worker-row-{index}"):
                    yield Label(f"{index + 1:>2}", classes="worker-number")
                    for column in COLUMNS:
                        yield Input(
                            placeholder=self.t(f"workers.hint.{column}"),
                            id=f"worker-{index}-{column.replace('_', '-')}",
                            classes=f"worker-{column.replace('_', '-')}",
                            max_length=100 if column == "full_name" else 24,
                        )
                    yield Checkbox(self.t("workers.consent"), id=f"worker-{index}-consent",
                                   classes="worker-consent")  # fmt: skip
                yield Static("", id=f"worker-{index}-problem", classes="worker-problem")
        yield Static(self.t("workers.help"), id="workers-help")
        yield BoothFooter(compact=True)

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#worker-0-nik", Input).focus()

    def _draft(self, index: int, path: str) -> RegistrationDraft | None:
        values = {
            c: self.query_one(f"#worker-{index}-{c.replace('_', '-')}", Input).value.strip()
            for c in COLUMNS
        }
        if not any(values.values()):
            return None
        consented = self.query_one(f"#worker-{index}-consent", Checkbox).value
        return RegistrationDraft(
            **values,
            sector=self.sector,
            payment_months=self.payment_months,  # type: ignore[arg-type]
            consent_version=consent.current().version if consented else "",
            role=Role.WORKER,
            path=path,
        )

    def _validate_rows(self) -> tuple[list[Registration], int]:
        path = self.query_one("#workers-path", Choice).selection or Path.BPU.value
        records, failed = [], 0
        for index in range(self.count):
            draft = self._draft(index, path)
            problem = self.query_one(f"#worker-{index}-problem", Static)
            if draft is None:
                problem.update("")
                continue
            result: ValidationResult[Registration] = validate_registration(
                draft, today=self.booth.today()
            )
            if result.record is None:
                failed += 1
                text = Text(style="red")
                text.append("; ".join(
                    f"{self.t(f'reg.label.{p.field}')}: {p.message(self.language)}"
                    for p in result.errors[:3]))  # fmt: skip
                problem.update(text)
            else:
                records.append(result.record)
                warnings = "; ".join(p.message(self.language) for p in result.warnings[:2])
                problem.update(Text(warnings, style="yellow") if warnings else "")
        return records, failed

    @on(Input.Changed)
    def _changed(self) -> None:
        self._validate_rows()

    def action_save(self) -> None:
        if self.saving:
            return
        records, failed = self._validate_rows()
        if failed:
            self.notify(self.t("workers.fix_rows", count=failed), severity="error")
            return
        if not records:
            self.notify(self.t("workers.none"), severity="warning")
            return
        status = self.booth.status
        assert status is not None and status.officer_code
        self.saving = True
        self.save_workers(records, status.officer_code)

    @work(thread=True, group="save")  # never exclusive: a save is never cancelled
    def save_workers(self, records: list[Registration], officer_code: str) -> None:
        try:
            saved = self.booth.store.registrations.add_workers(
                self.owner_uuid, records, officer_code=officer_code
            )
        except StoreError as exc:
            self.post_message(WorkersSaveFailed(store_problem(exc, self.language)))
            return
        self.post_message(WorkersSaved(len(saved)))

    def on_workers_saved(self, message: WorkersSaved) -> None:
        self.saving = False
        self.booth.refresh_status()
        self.notify(self.t("workers.saved", count=message.count))
        self.dismiss(message.count)

    def on_workers_save_failed(self, message: WorkersSaveFailed) -> None:
        self.saving = False
        self.notify(self.t("reg.save_failed", reason=message.reason), severity="error")

    def action_skip(self) -> None:
        self.dismiss(0)
