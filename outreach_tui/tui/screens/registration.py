"""Register an owner: the form validates as the officer types, warns about duplicates
before the save, saves durably in a worker, then hands over to workers and the receipt.

The same screen corrects a saved registration (owner or worker) when opened with a row.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import Checkbox, Input, Static

from outreach_tui.domain import consent
from outreach_tui.domain.models import (
    GUARDIAN_RELATIONS,
    PAYMENT_PERIODS,
    Registration,
    RegistrationDraft,
    Role,
)
from outreach_tui.tui.draft_forms import RegistrationDrafts, fill_registration, row_values
from outreach_tui.tui.messages import LeadPrefill
from outreach_tui.tui.save_problem import save_problem
from outreach_tui.tui.screens.base import BoothScreen
from outreach_tui.tui.widgets.booth_footer import BoothFooter
from outreach_tui.tui.widgets.booth_header import BoothHeader
from outreach_tui.tui.widgets.choice import Choice
from outreach_tui.tui.widgets.compact import compact
from outreach_tui.tui.widgets.disclosure import Disclosure
from outreach_tui.tui.widgets.field_form import FieldForm, FieldInput
from outreach_tui.tui.widgets.summary_panel import SummaryPanel

if TYPE_CHECKING:
    from outreach_tui.domain.validation import ValidationResult
    from outreach_tui.reports.receipt import Receipt
    from outreach_tui.store.drafts import DraftKey
    from outreach_tui.tui.duplicates import DuplicateHit

# (field, widget id) in tab order; owner-only fields are hidden when correcting a worker.
TEXT_FIELDS = (
    "nik", "full_name", "birth_date", "birth_place", "phone", "email", "address",
    "business_name", "workers_count", "declared_income",
)  # fmt: skip
WARM_UP_AFTER_S = 1.0  # once the form is up and the officer has started
# UU 27/2022 art. 25: shown only for a registrant under 18 (domain.validation.is_minor).
GUARDIAN_FIELDS = ("guardian_name", "guardian_relation", "guardian_consent")
OWNER_ONLY = ("birth_place", "email", "address", "business_name", "workers_count", "postal_code")
# What the core system needs (issue 20), after the consent: the usual path saves before
# them, with the occupation offered from the sector, the band from the typed income and
# the branch from the laptop's set-up (the store fills it); typed only when known.
DETAIL_FIELDS = ("postal_code", "work_location", "working_hours")


def widget_id(field: str) -> str:
    return "reg-" + field.replace("_", "-")


@dataclass
class DuplicatesChecked(Message):
    nik: str
    hits: list[DuplicateHit]


@dataclass
class RegistrationSaved(Message):
    owner_uuid: str
    reference_no: str
    workers_wanted: int
    edited: bool
    receipt: Receipt | None = None  # built in the worker when there are no workers to add
    lead_note: str | None = None  # a lead converted by this save, or why it could not be


@dataclass
class RegistrationSaveFailed(Message):
    reason: str


class RegistrationScreen(RegistrationDrafts, BoothScreen):
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
        self.saving = False
        self._loaded_draft: RegistrationDraft | None = None  # a correction's starting point
        self.from_lead: LeadPrefill | None = None  # the lead this registration converts
        self._guardian_shown = True  # composed shown; hidden at mount unless under 18

    # -- layout ---------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield BoothHeader(self.language)
        with Horizontal(id="reg-body"):
            with FieldForm(id="reg-form") as form:
                yield Static(self._title(), id="reg-title")
                for field in TEXT_FIELDS:
                    label = self.t(f"reg.label.{field}")
                    yield form.labelled(self._input(field), label, field=field)
                yield form.labelled(
                    Choice[str](
                        self._sector_options,
                        id="reg-sector",
                        prompt=self.t("reg.choose_sector"),
                        title=self.t("reg.label.sector"),
                    ),
                    self.t("reg.label.sector"),
                    field="sector",
                )
                yield form.labelled(
                    Choice[int](
                        [(self.t("reg.months", n=n), n) for n in PAYMENT_PERIODS],
                        id="reg-payment-months",
                        value=1,
                        allow_blank=False,
                        title=self.t("reg.label.payment_months"),
                    ),
                    self.t("reg.label.payment_months"),
                    field="payment_months",
                )
                yield form.labelled(
                    compact(Checkbox(self.t("reg.label.jht"), id="reg-jht")),
                    self.t("reg.label.programs"),
                    field="programs",
                )
                current = consent.current()
                yield Disclosure(
                    self.t("reg.consent_text", version=current.version),
                    current.text(self.language),
                    id="reg-consent-text",
                )
                yield form.labelled(
                    compact(Checkbox(self.t("reg.consent_given"), id="reg-consent")),
                    self.t("reg.label.consent"),
                    field="consent_version",
                )
                yield from self._consent_extras(form)
                yield form.labelled(  # PP 50/2025 art. 3; after consent: no key on the usual path
                    compact(Checkbox(self.t("money.state_funded_box"), id="reg-state-funded")),
                    self.t("money.state_funded_label"),
                    field="state_funded",
                )
                yield from self._detail_fields(form)
            yield SummaryPanel(id="reg-summary")
        yield Static("", id="reg-save-problem", classes="save-problem")
        yield BoothFooter(compact=True)

    def _detail_fields(self, form: FieldForm) -> ComposeResult:
        from outreach_tui.reports.details import band_options, occupation_options

        label = self.t("reg.label.income_band")
        band = Choice[str](band_options(self.language), id="reg-income-band",
                           prompt=self.t("reg.hint.income_band"), title=label)  # fmt: skip
        yield form.labelled(band, label, field="income_band")
        label = self.t("reg.label.occupation")
        occupation = Choice[str](occupation_options(self.language), id="reg-occupation",
                                 prompt=self.t("reg.hint.occupation"), title=label)  # fmt: skip
        yield form.labelled(occupation, label, field="occupation")
        for field in DETAIL_FIELDS:
            yield form.labelled(self._input(field), self.t(f"reg.label.{field}"), field=field)

    def _consent_extras(self, form: FieldForm) -> ComposeResult:
        """UU 27/2022: a registrant under 18 needs a parent's or guardian's consent (art.
        25; shown only when the NIK says so), and payment reminders are a consent of their
        own (art. 22(4)), optional, with their own text."""
        yield form.labelled(
            compact(FieldInput(id="reg-guardian-name", max_length=100,
                               placeholder=self.t("guardian.notice"))),
            self.t("guardian.label_name"), field="guardian_name",
        )  # fmt: skip
        yield form.labelled(
            Choice[str](
                [(self.t(f"guardian.relation_{r}"), r) for r in GUARDIAN_RELATIONS],
                id="reg-guardian-relation", title=self.t("guardian.label_relation"),
            ),
            self.t("guardian.label_relation"), field="guardian_relation",
        )  # fmt: skip
        yield form.labelled(
            compact(Checkbox(self.t("guardian.consent_box"), id="reg-guardian-consent")),
            self.t("guardian.label_consent"), field="guardian_consent",
        )  # fmt: skip
        reminder = consent.current("reminder")
        yield Disclosure(
            self.t("reminder.disclosure", version=reminder.version),
            reminder.text(self.language), id="reg-reminder-text",
        )  # fmt: skip
        yield form.labelled(
            compact(Checkbox(self.t("reminder.box"), id="reg-reminder")),
            self.t("reminder.label"), field="reminder_consent_version",
        )  # fmt: skip

    def _show_guardian(self, shown: bool) -> None:
        """The guardian's fields, only for a registrant under 18 on the booth day."""
        if shown == self._guardian_shown:
            return
        self._guardian_shown = shown
        form = self.query_one(FieldForm)
        for field in GUARDIAN_FIELDS:
            form.set_field_display(field, shown)

    def _sector_options(self) -> list[tuple[str, str]]:
        from outreach_tui.domain import reference
        from outreach_tui.tui.summary import sector_label

        return [(sector_label(s.code, self.language), s.code) for s in reference.sectors()]

    def _title(self) -> str:
        if self.edit_row is None:
            return self.t("reg.title_new")
        return self.t("reg.title_edit", reference=self.edit_row["reference_no"])

    def _input(self, field: str) -> Input:
        kwargs: dict[str, Any] = {
            "id": widget_id(field),
            "placeholder": self.t(f"reg.hint.{field}"),
        }
        if field == "nik":
            kwargs.update(restrict=r"[0-9 ]*", max_length=24, complete_at=16)
        elif field in ("workers_count",):
            kwargs.update(restrict=r"[0-9]*", max_length=2)
        elif field == "declared_income":
            kwargs.update(restrict=r"[0-9., Rrp]*", max_length=20)
        elif field == "phone":
            kwargs.update(restrict=r"[0-9 +\-().]*", max_length=24)
        elif field == "postal_code":
            kwargs.update(restrict=r"[0-9 ]*", max_length=6)
        elif field == "working_hours":
            kwargs.update(max_length=40)
        else:
            kwargs.update(max_length=320)
        return compact(FieldInput(**kwargs))

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
        typed = (*TEXT_FIELDS, *DETAIL_FIELDS)
        values = {f: self.query_one(f"#{widget_id(f)}", Input).value for f in typed}
        sector = self.query_one("#reg-sector", Choice).selection
        months = self.query_one("#reg-payment-months", Choice).selection
        jht = self.query_one("#reg-jht", Checkbox).value
        consented = self.query_one("#reg-consent", Checkbox).value
        row = self.edit_row or {}
        return RegistrationDraft(
            **values,
            sector=sector or "",
            payment_months=months or "",
            programs=("JKK", "JKM", "JHT") if jht else ("JKK", "JKM"),
            consent_version=consent.current().version if consented else "",
            role=self.role,
            path=row.get("path", "bpu"),
            state_funded=self.query_one("#reg-state-funded", Checkbox).value,
            occupation=self.query_one("#reg-occupation", Choice).selection or "",
            income_band=self.query_one("#reg-income-band", Choice).selection or "",
            reminder_consent_version=(
                consent.current("reminder").version
                if self.query_one("#reg-reminder", Checkbox).value
                else ""
            ),
            guardian_name=self.query_one("#reg-guardian-name", Input).value,
            guardian_relation=self.query_one("#reg-guardian-relation", Choice).selection or "",
            guardian_consent=self.query_one("#reg-guardian-consent", Checkbox).value,
        )

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

    def action_clear(self) -> None:
        """ctrl+n: an empty form for the next visitor, asking first when it is filled."""
        if not self.has_unsaved_input():
            self.clear_form()
            return
        from outreach_tui.tui.dialogs.confirm import ConfirmDialog

        self.app.push_screen(
            ConfirmDialog(self.t("unsaved.clear_title"), self.t("unsaved.clear_body"),
                          confirm=self.t("unsaved.clear_yes"), cancel=self.t("unsaved.stay")),
            lambda clear: self.clear_form() if clear else None,
        )  # fmt: skip

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

    # -- validation as you type -----------------------------------------------------------

    @on(Input.Changed)
    def _input_changed(self, event: Input.Changed) -> None:
        if event.input.id and event.input.id.startswith("reg-") and event.value:
            self.touched.add(event.input.id.removeprefix("reg-").replace("-", "_"))
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
            self.touched.add(event.control.id.removeprefix("reg-").replace("-", "_"))
        self._revalidate()

    def _offer_band(self) -> None:
        """The band of the typed income, preselected until the officer picks one."""
        from outreach_tui.domain.validation import parse_int
        from outreach_tui.reports.details import band_for_income

        if "reg-income-band" in self.chosen:
            return
        income = parse_int(self.query_one("#reg-declared-income", Input).value)
        band = band_for_income(income) if income and income > 0 else None
        choice = self.query_one("#reg-income-band", Choice)
        with self.prevent(Choice.Changed):
            if band is None:
                choice.clear()
            else:
                choice.value = band

    def _offer_occupation(self) -> None:
        """The sector's usual occupation, preselected until the officer picks one."""
        from outreach_tui.domain.occupations import default_for_sector

        if "reg-occupation" in self.chosen:
            return
        sector = self.query_one("#reg-sector", Choice).selection
        code = default_for_sector(sector) if sector else None
        choice = self.query_one("#reg-occupation", Choice)
        with self.prevent(Choice.Changed):
            if code is None:
                choice.clear()
            else:
                choice.value = code

    def _revalidate(self) -> None:
        from outreach_tui.domain.nik import parse_nik
        from outreach_tui.domain.validation import is_minor, validate_registration

        draft = self.draft()
        state = (draft, frozenset(self.touched), self.show_all, self.booth.today())
        if state == self._validated:
            return  # e.g. a Select announcing its first value as it mounts: nothing to redo
        self._validated = state
        if self.drafts is not None:
            self.drafts.changed()  # written a moment after the last change
        self.result = validate_registration(draft, today=self.booth.today())
        form = self.query_one(FieldForm)
        for field in form.controls:
            shown = self.show_all or field in self.touched
            problems = self.result.for_field(field) if shown else ()
            if field == "workers_count" and self.role is Role.WORKER:
                problems = ()
            form.show(field, problems, self.language)
        nik = parse_nik(draft.nik, today=self.booth.today())
        self._show_guardian(is_minor(nik.birth_date, self.booth.today()))
        if nik.is_valid and nik.nik != self.duplicates_for:
            self.duplicates_for = nik.nik or ""
            self.duplicates = []
            self.check_duplicates(nik.nik or "")
        elif not nik.is_valid:
            self.duplicates, self.duplicates_for = [], ""
        self._render_summary()

    @work(thread=True, exclusive=True, group="duplicates")
    def check_duplicates(self, nik: str) -> None:
        from outreach_tui.tui.duplicates import find_duplicates  # first valid NIK only

        itself = self.edit_row["uuid"] if self.edit_row is not None else None
        hits = find_duplicates(self.booth.store, nik, itself=itself)
        self.post_message(DuplicatesChecked(nik, hits))

    def on_duplicates_checked(self, message: DuplicatesChecked) -> None:
        if message.nik == self.duplicates_for:
            self.duplicates = message.hits
            self._render_summary()

    def _render_summary(self) -> None:
        from outreach_tui.tui.summary import registration_summary

        assert self.result is not None
        draft = self.draft()
        text: Text = registration_summary(
            draft, self.result, self.duplicates, language=self.language,
            today=self.booth.today(), show_errors=self.show_all,
        )  # fmt: skip
        self.query_one("#reg-summary", SummaryPanel).update(text)

    # -- saving ---------------------------------------------------------------------------

    def action_save(self) -> None:
        if self.saving:
            return
        self.show_all = True
        self._revalidate()
        assert self.result is not None
        status = self.booth.status
        if status is None or not status.officer_code or not status.event_id:
            self.notify(self.t("reg.need_start_of_day"), severity="error")
            return
        if not self.result.ok:
            order = [*TEXT_FIELDS, "sector", "payment_months", "programs", "consent_version",
                     "income_band", "occupation", *DETAIL_FIELDS,
                     *GUARDIAN_FIELDS, "reminder_consent_version"]  # fmt: skip
            fields = {p.field for p in self.result.errors}
            first = min(fields, key=lambda f: order.index(f) if f in order else len(order))
            self._focus_field(first)
            self.notify(
                self.t("reg.cannot_save", count=len({p.field for p in self.result.errors})),
                severity="error",
            )
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
        self.saving = True
        # A save takes milliseconds; past a second (a file locked by another process, up
        # to the busy timeout) the officer is told it is still on its way.
        self.set_timer(1.0, self._still_saving)
        drafts = self.drafts.hand_over() if self.drafts is not None else []
        self.save_record(self.result.record, status.officer_code, status.event_id, drafts)

    @work(thread=True, group="save")  # never exclusive: a save is never cancelled
    def save_record(
        self, record: Registration, officer_code: str, event_id: str | None,
        drafts: list[DraftKey],
    ) -> None:  # fmt: skip
        store = self.booth.store
        try:
            if self.edit_row is not None:
                saved = store.registrations.edit(
                    self.edit_row["uuid"], record, officer_code=officer_code
                )
            else:
                result = store.registrations.save(
                    record, officer_code=officer_code, event_id=event_id, discard_drafts=drafts
                )
        except Exception as exc:  # a locked or full disk: the form stays
            # Every failure, not only the store's own: a file locked past the busy
            # timeout, a full disk, an I/O error. The transaction was rolled back.
            self.post_message(RegistrationSaveFailed(save_problem(exc, self.language)))
            return
        if self.edit_row is not None:
            self.post_message(RegistrationSaved(saved.uuid, saved.reference_no, 0, True))
            return
        lead_note = self._convert_lead(result.owner.uuid, officer_code)
        receipt = None
        if not record.workers_count:
            # The receipt straight from the saved row: the screen shows it at once, without
            # a second trip through a worker. The save is committed by now: a failure here
            # leaves the receipt screen to read it again, never a second save.
            try:
                from outreach_tui.reports.receipt import build_receipt

                owner = store.registrations.get(result.owner.uuid)
                receipt = (
                    build_receipt(owner, [], zone_name=self.booth.time_zone)
                    if owner is not None
                    else None
                )
            except Exception:
                receipt = None
        self.post_message(
            RegistrationSaved(
                result.owner.uuid, result.owner.reference_no, record.workers_count,
                False, receipt, lead_note,
            )
        )  # fmt: skip

    def _convert_lead(self, owner_uuid: str, officer_code: str) -> str | None:
        """In the save worker: link the lead this form was filled from. The registration is
        saved already; a failure here only leaves the lead unconverted, and says so."""
        lead = self.from_lead
        if lead is None:
            return None
        try:
            self.booth.store.leads.mark_converted(
                lead.lead_uuid, owner_uuid, officer_code=officer_code
            )
        except Exception as exc:  # the registration stands; only the link is missing
            return self.t("lead.callback.convert_failed", reason=save_problem(exc, self.language))
        return self.t("lead.callback.converted", name=lead.full_name)

    def on_registration_save_failed(self, message: RegistrationSaveFailed) -> None:
        self.saving = False
        if self.drafts is not None:
            self.drafts.save_failed()
        self._show_save_problem(self.t("save_problem.line", reason=message.reason))

    def _still_saving(self) -> None:
        if self.saving:
            self._show_save_problem(self.t("save_problem.saving"), error=False)

    def _show_save_problem(self, line: str, *, error: bool = True) -> None:
        widget = self.query_one("#reg-save-problem", Static)
        widget.update(line)
        widget.set_class(bool(line), "-shown")
        widget.set_class(error, "-error")

    def on_registration_saved(self, message: RegistrationSaved) -> None:
        from outreach_tui.tui.screens.receipt import ReceiptScreen
        from outreach_tui.tui.screens.workers import WorkersScreen

        self.saving = False
        if self.drafts is not None:
            self.drafts.saved()
        if self.query_one("#reg-save-problem", Static).has_class("-shown"):
            self._show_save_problem("")
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

    def _focus_field(self, field: str) -> None:
        target = {
            "sector": "#reg-sector",
            "payment_months": "#reg-payment-months",
            "consent_version": "#reg-consent",
            "programs": "#reg-jht",
            "income_band": "#reg-income-band",
            "occupation": "#reg-occupation",
            "guardian_relation": "#reg-guardian-relation",
            "guardian_consent": "#reg-guardian-consent",
            "reminder_consent_version": "#reg-reminder",
        }.get(field, f"#{widget_id(field)}")
        widgets = self.query(target)
        if widgets:
            widgets.first().focus()

    def action_close(self) -> None:
        if self.edit_row is not None:
            self.dismiss(False)
