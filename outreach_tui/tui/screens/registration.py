"""Register an owner: the form validates as the officer types, warns about duplicates
before the save, saves durably in a worker, then hands over to workers and the receipt.

The same screen corrects a saved registration (owner or worker) when opened with a row.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Checkbox, Input, Static

from outreach_tui.domain.models import Registration, RegistrationDraft, Role
from outreach_tui.tui.draft_forms import RegistrationDrafts, fill_registration, row_values
from outreach_tui.tui.messages import LeadPrefill
from outreach_tui.tui.screens.base import BoothScreen
from outreach_tui.tui.screens.booth_form import FieldsForm
from outreach_tui.tui.screens.registration_checks import RegistrationChecks
from outreach_tui.tui.screens.registration_fields import (
    DETAIL_FIELDS,
    GUARDIAN_FIELDS,
    OWNER_ONLY,
    TEXT_FIELDS,
    first_to_fix,
    focus_target,
    form_fields,
    read_draft,
)
from outreach_tui.tui.screens.registration_save import (
    RegistrationSaved,
    RegistrationSaveFailed,
    SaveRequest,
    write_registration,
)
from outreach_tui.tui.widgets.booth_footer import BoothFooter
from outreach_tui.tui.widgets.booth_header import BoothHeader
from outreach_tui.tui.widgets.choice import Choice
from outreach_tui.tui.widgets.field_form import FieldForm
from outreach_tui.tui.widgets.summary_panel import SummaryPanel

if TYPE_CHECKING:
    from outreach_tui.domain.validation import ValidationResult
    from outreach_tui.tui.duplicates import DuplicateHit

WARM_UP_AFTER_S = 1.0  # once the form is up and the officer has started


class RegistrationScreen(RegistrationChecks, FieldsForm, RegistrationDrafts, BoothScreen):
    BINDINGS = [
        Binding("ctrl+s", "save", "Simpan", id="save", priority=True),
        Binding("ctrl+n", "clear", "Kosongkan", id="clear"),
        Binding("escape", "close", "Tutup", id="close", show=False),
    ]
    # Focus lands on NIK as the screen is composed; the default ("*") would focus the
    # scrolling form first and then move, re-styling every field twice.
    AUTO_FOCUS = "#reg-nik"

    def __init__(self, *, edit_row: dict[str, Any] | None = None) -> None:
        super().__init__(id="registration-edit" if edit_row else "registration")
        self.edit_row = edit_row
        self.role = Role(edit_row["role"]) if edit_row else Role.OWNER
        self.touched: set[str] = set()
        self.chosen: set[str] = set()  # detail choices the officer picked (not offered)
        self.show_all = False
        self.result: ValidationResult[Registration] | None = None
        self._validated: tuple[Any, ...] | None = None  # what self.result was computed from
        self.duplicates: list[DuplicateHit] = []
        self.duplicates_for = ""
        self._loaded_draft: RegistrationDraft | None = None  # a correction's starting point
        self.from_lead: LeadPrefill | None = None  # the lead this registration converts
        self._guardian_shown = True  # composed shown; hidden at mount unless under 18

    # -- layout ---------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield BoothHeader(self.language)
        with Horizontal(id="reg-body"):
            with FieldForm(id="reg-form") as form:
                yield Static(self._title(), id="reg-title")
                yield from form_fields(self, form)
            yield SummaryPanel(id="reg-summary")
        yield Static("", id="reg-save-problem", classes="save-problem")
        yield BoothFooter(compact=True)

    def _title(self) -> str:
        if self.edit_row is None:
            return self.t("reg.title_new")
        return self.t("reg.title_edit", reference=self.edit_row["reference_no"])

    def on_mount(self) -> None:
        super().on_mount()
        self.booth.forms.add(self)  # ctrl+q asks before losing what is typed here
        self.start_drafts()  # a new registration is kept as a draft (tui/drafts.py)
        if self.edit_row is not None:
            self._load_row(self.edit_row)
            if self.role is Role.OWNER:
                # The number of live worker rows, not a typed number: workers are added
                # from the records screen (ctrl+w), voided there one by one.
                count = self.query_one("#reg-workers-count", Input)
                with self.prevent(Input.Changed):
                    count.value = str(
                        self.edit_row.get("live_workers", self.edit_row["workers_count"])
                    )
                count.disabled = True
            self._loaded_draft = self.draft()
        form = self.query_one(FieldForm)
        for field in GUARDIAN_FIELDS:
            form.set_field_display(field, False)
        if self.role is Role.WORKER:
            for field in OWNER_ONLY:
                form.set_field_display(field, False)
        self.query_one("#reg-nik", Input).focus()
        if self.edit_row is not None:
            self._revalidate()
        else:
            # An empty form has nothing to mark yet; its first check (and the validation
            # and reference imports behind it) fills the side panel right after the first
            # paint, so the officer sees the form and can type a frame sooner.
            self.call_after_refresh(self._revalidate)
            self.set_timer(WARM_UP_AFTER_S, self.warm_up)

    @work(thread=True, group="warm-up")
    def warm_up(self) -> None:
        """Load what the first save needs while the officer is still typing: the writer
        and its imports, the duplicate lookup, the receipt and its QR encoder (once)."""
        from outreach_tui.reports.receipt import qr_rows
        from outreach_tui.tui import duplicates  # noqa: F401
        from outreach_tui.tui.screens import receipt  # noqa: F401

        self.booth.store.registrations  # noqa: B018 (builds the writer)
        qr_rows("R00000000000", light_on_dark=True)  # the QR encoder's first run

    # -- reading and writing the form -----------------------------------------------------

    def draft(self) -> RegistrationDraft:
        return read_draft(self, self.role, path=(self.edit_row or {}).get("path", "bpu"))

    def _load_row(self, row: dict[str, Any]) -> None:
        fill_registration(self, row_values(row))
        self.touched = set(TEXT_FIELDS)

    def prefill_lead(self, lead: LeadPrefill) -> None:
        """A lead registering after all: a fresh form with their name and phone; the save
        links the registration to the lead."""
        self.action_clear()
        with self.prevent(Input.Changed):
            self.query_one("#reg-full-name", Input).value = lead.full_name
            self.query_one("#reg-phone", Input).value = lead.phone
        self.touched |= {"full_name", "phone"}
        self.from_lead = lead

    def prefill(self, *, sector: str | None, declared_income: int | None, jht: bool) -> None:
        """Choices carried over from the benefits explainer."""
        with self.prevent(Input.Changed, Choice.Changed, Checkbox.Changed):
            if sector:
                self.query_one("#reg-sector", Choice).value = sector
            if declared_income:
                self.query_one(
                    "#reg-declared-income", Input
                ).value = f"{declared_income:,}".replace(",", ".")
            self.query_one("#reg-jht", Checkbox).value = jht
        self._offer_band()
        self._offer_occupation()
        self._revalidate()
        self.query_one("#reg-nik", Input).focus()

    def has_unsaved_input(self) -> bool:
        """Anything typed or chosen that a clear or a quit would lose (a correction: any
        change from the saved row), or a save still on its way."""
        if self.saving:
            return True
        draft = self.draft()
        if self.edit_row is not None:
            return self._loaded_draft is not None and draft != self._loaded_draft
        typed = any(getattr(draft, f) for f in (*TEXT_FIELDS, *DETAIL_FIELDS))
        return typed or bool(draft.sector) or bool(draft.consent_version)

    def unsaved_description(self) -> str:
        return self.t("unsaved.owner_form")

    def clear_form(self) -> None:
        fill_registration(self, {})
        if self.drafts is not None:
            self.drafts.discard()  # ctrl+n, or the next visitor after a save
        self.touched.clear()
        self.chosen.clear()
        self.show_all = False
        self.duplicates, self.duplicates_for = [], ""
        self.from_lead = None
        self._revalidate()
        self.query_one("#reg-nik", Input).focus()

    # -- validation as you type (the checks: registration_checks.py) ----------------------

    @on(Input.Changed)
    def _input_changed(self, event: Input.Changed) -> None:
        if event.value:
            self.touch(event.input.id, "reg-")
        if event.input.id == "reg-declared-income":
            self._offer_band()
        self._revalidate()

    @on(Choice.Changed)
    @on(Checkbox.Changed)
    def _choice_changed(self, event: Choice.Changed | Checkbox.Changed) -> None:
        if event.control.id == "reg-sector":
            self.touched.add("sector")
            self._offer_occupation()
        elif event.control.id in ("reg-occupation", "reg-income-band"):
            self.chosen.add(event.control.id)  # the officer's own pick: no longer follows
        elif event.control.id == "reg-consent":
            self.touched.add("consent_version")
        elif event.control.id and event.control.id.startswith("reg-guardian-"):
            self.touch(event.control.id, "reg-")
        self._revalidate()

    # -- saving ---------------------------------------------------------------------------

    def action_save(self) -> None:
        if self.officer_for_save() is None:
            return
        assert self.result is not None
        if not self.result.ok:
            fields = {p.field for p in self.result.errors}
            self.focus_field(focus_target(first_to_fix(fields)))
            self.notify(self.t("reg.cannot_save", count=len(fields)), severity="error")
            return
        if self.duplicates:
            from outreach_tui.tui.dialogs.confirm import ConfirmDialog

            hit = self.duplicates[0]
            self.app.push_screen(
                ConfirmDialog(
                    self.t("dup.title"),
                    hit.describe(self.language),
                    confirm=self.t("dup.save_anyway"),
                    cancel=self.t("dup.go_back"),
                ),
                self._after_duplicate_answer,
            )
            return
        self._save()

    def _after_duplicate_answer(self, save_anyway: bool | None) -> None:
        if save_anyway:
            self._save()

    def _save(self) -> None:
        assert self.result is not None and self.result.record is not None
        status = self.booth.status
        assert status is not None and status.officer_code
        self.begin_save()
        drafts = self.drafts.hand_over() if self.drafts is not None else []
        self.save_record(SaveRequest(
            self.result.record, status.officer_code, status.event_id, drafts,
            edit_uuid=self.edit_row["uuid"] if self.edit_row is not None else None,
        ))  # fmt: skip

    @work(thread=True, group="save")  # never exclusive: a save is never cancelled
    def save_record(self, request: SaveRequest) -> None:
        if request.edit_uuid is None:
            request = replace(request, lead=self.from_lead)
        self.post_message(write_registration(
            self.booth.store, request, language=self.language, time_zone=self.booth.time_zone
        ))  # fmt: skip

    def on_registration_save_failed(self, message: RegistrationSaveFailed) -> None:
        self.save_ended(saved=False)
        self.show_save_problem(self.t("save_problem.line", reason=message.reason))

    def on_registration_saved(self, message: RegistrationSaved) -> None:
        from outreach_tui.tui.screens.receipt import ReceiptScreen
        from outreach_tui.tui.screens.workers import WorkersScreen

        self.save_ended(saved=True)
        self.clear_save_problem()
        self.booth.refresh_status()
        if message.lead_note:
            self.notify(message.lead_note)
        if message.edited:
            self.notify(self.t("reg.edited", reference=message.reference_no))
            self.dismiss(True)
            return
        draft = self.draft()
        if message.workers_wanted:
            self.clear_form()
            self.app.push_screen(
                WorkersScreen(
                    owner_uuid=message.owner_uuid,
                    count=message.workers_wanted,
                    sector=draft.sector,
                    payment_months=draft.payment_months,
                ),
                lambda _: self.app.push_screen(ReceiptScreen.reuse(self.app, message.owner_uuid)),
            )
        else:
            # The form is emptied when the officer comes back from the receipt, so the
            # receipt's first frame does not wait for it.
            self.app.push_screen(
                ReceiptScreen.reuse(self.app, message.owner_uuid, receipt=message.receipt),
                lambda _: self.clear_form(),
            )

    def action_close(self) -> None:
        if self.edit_row is not None:
            self.dismiss(False)
