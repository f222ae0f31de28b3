"""Leads: visitors who listened but do not register today. A short form validated as the
officer types (domain.validation.validate_lead); ctrl+s saves in a worker, then clears.

The same form corrects a saved lead (``edit_row``, from the records screen or the
call-back list): ctrl+s then saves a new version and closes. F9 opens the call-back
list (leads due today or overdue)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.widgets import Checkbox, Input, Static

from outreach_tui.domain import consent, reference
from outreach_tui.domain.models import Lead, LeadDraft
from outreach_tui.domain.phone import national_digits as national_phone
from outreach_tui.domain.validation import ValidationResult, validate_lead
from outreach_tui.store.queries import BoothStatus
from outreach_tui.tui.clock import local_day_bounds
from outreach_tui.tui.draft_forms import lead_keeper
from outreach_tui.tui.drafts import DraftForm
from outreach_tui.tui.save_problem import save_problem
from outreach_tui.tui.screens.base import STYLES, BoothScreen
from outreach_tui.tui.screens.booth_form import FieldsForm
from outreach_tui.tui.summary import sector_label
from outreach_tui.tui.widgets.booth_footer import BoothFooter
from outreach_tui.tui.widgets.booth_header import BoothHeader
from outreach_tui.tui.widgets.choice import Choice
from outreach_tui.tui.widgets.field_form import FieldForm

if TYPE_CHECKING:
    from outreach_tui.store.drafts import DraftKey

TEXT_FIELDS = ("full_name", "phone", "interest", "follow_up_on", "notes")
INPUT_LIMITS = {"full_name": 100, "phone": 24, "interest": 200, "follow_up_on": 10, "notes": 500}
RECENT = 3  # names of today's latest leads shown under the form
CONSENT_KIND = "lead"  # consent to be contacted again, not the registration text


def widget_id(field: str) -> str:
    return "lead-" + field.replace("_", "-")


@dataclass
class LeadSaved(Message):
    name: str
    edited: bool = False


@dataclass
class LeadSaveFailed(Message):
    reason: str


@dataclass
class RecentLeadsLoaded(Message):
    names: list[str]


class LeadScreen(FieldsForm, DraftForm, BoothScreen):
    CSS_PATH = STYLES / "booth.tcss"
    BINDINGS = [
        Binding("ctrl+s", "save", "Simpan", id="save", priority=True),
        Binding("ctrl+n", "clear", "Kosongkan", id="clear"),
        Binding("f9", "callbacks", "Hubungi ulang", id="open-callbacks"),
        Binding("escape", "close", "Tutup", id="close", show=False),
    ]
    CLEAR_QUESTION = "unsaved.lead_clear_body"

    def __init__(self, *, edit_row: dict[str, Any] | None = None) -> None:
        super().__init__(id="lead-edit" if edit_row else "leads")
        self.edit_row = edit_row
        self.touched: set[str] = set()
        self.show_all = False
        self.result: ValidationResult[Lead] | None = None
        self.recent: list[str] = []
        self._loaded_draft: LeadDraft | None = None

    def compose(self) -> ComposeResult:
        yield BoothHeader(self.language)
        with FieldForm(id="lead-form") as form:
            title = self.t("lead.edit.title") if self.edit_row else self.t("lead.title")
            yield Static(title, id="lead-title")
            for field in ("full_name", "phone"):
                yield form.labelled(self._input(field), self.t(f"lead.label_{field}"), field=field)
            yield form.labelled(
                Choice[str](
                    self._sector_options, id="lead-sector", prompt=self.t("lead.choose_sector"),
                    title=self.t("lead.label_sector"),
                ),
                self.t("lead.label_sector"),
                field="sector",
            )  # fmt: skip
            yield form.labelled(
                self._input("interest"), self.t("lead.label_interest"), field="interest"
            )
            version = consent.current(CONSENT_KIND).version
            yield form.labelled(
                Checkbox(self.t("lead.consent_given", version=version), id="lead-consent",
                         compact=True),
                self.t("lead.label_consent_contact"),
                field="consent_contact",
            )  # fmt: skip
            yield Static(self.t("lead.consent_purpose"), id="lead-consent-purpose")
            for field in ("follow_up_on", "notes"):
                yield form.labelled(self._input(field), self.t(f"lead.label_{field}"), field=field)
        yield Static("", id="lead-status")
        yield BoothFooter(compact=True)

    def _sector_options(self) -> list[tuple[str, str]]:
        return [(sector_label(s.code, self.language), s.code) for s in reference.sectors()]

    def _input(self, field: str) -> Input:
        kwargs: dict[str, Any] = {
            "id": widget_id(field),
            "placeholder": self.t(f"lead.hint_{field}"),
            "max_length": INPUT_LIMITS[field],
            "compact": True,
        }
        if field == "phone":
            kwargs["restrict"] = r"[0-9 +\-().]*"
        elif field == "follow_up_on":
            kwargs["restrict"] = r"[0-9\-/.]*"
        return Input(**kwargs)

    def on_mount(self) -> None:
        super().on_mount()
        self.watch(self.app, "status", self._status_changed, init=True)
        if self.edit_row is not None:
            self._load_row(self.edit_row)
        else:
            self.clear_form()
        self._loaded_draft = self.draft()  # what a clear or a quit would not lose
        self.booth.forms.add(self)  # ctrl+q asks before losing what is typed here
        self.drafts = lead_keeper(self)  # a new lead is kept as a draft (tui/drafts.py)
        self.load_recent()

    def has_unsaved_input(self) -> bool:
        """Anything typed since the form was empty (or, for a correction, since it was
        loaded), or a save still on its way."""
        return self.saving or self.draft() != self._loaded_draft

    def unsaved_description(self) -> str:
        return self.t("unsaved.lead_form")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        editing = self.edit_row is not None
        if action in ("clear", "callbacks"):
            return not editing  # a correction is not a new lead; the list is one level up
        if action == "close":
            return editing
        return True

    def _load_row(self, row: dict[str, Any]) -> None:
        """A saved lead in the form. Consent was given once and stays as it was."""
        follow = row["follow_up_on"]
        values = {
            "full_name": row["full_name"] or "",
            "phone": national_phone(row["phone"]),
            "interest": row["interest"] or "",
            "follow_up_on": f"{date.fromisoformat(follow):%d-%m-%Y}" if follow else "",
            "notes": row["notes"] or "",
        }
        with self.prevent(Input.Changed, Choice.Changed, Checkbox.Changed):
            for field, value in values.items():
                self.query_one(f"#{widget_id(field)}", Input).value = value
            if row["sector"]:
                self.query_one("#lead-sector", Choice).value = row["sector"]
            consent_box = self.query_one("#lead-consent", Checkbox)
            consent_box.value = True
            consent_box.disabled = True
        self.touched = set(TEXT_FIELDS)
        self._revalidate()
        self.query_one("#lead-full-name", Input).focus()

    def validation_day(self) -> date:
        """Today, or for a correction of an overdue lead its stored date: a follow-up that
        has passed stays acceptable until the officer changes it."""
        today = self.booth.today()
        stored = (self.edit_row or {}).get("follow_up_on")
        return min(today, date.fromisoformat(stored)) if stored else today

    def action_callbacks(self) -> None:
        from outreach_tui.tui.screens.callbacks import CallbackScreen

        self.app.push_screen(CallbackScreen())

    def action_close(self) -> None:
        self.dismiss(False)

    # -- the form ---------------------------------------------------------------------------

    def default_follow_up(self) -> str:
        return f"{self.booth.today() + timedelta(days=7):%d-%m-%Y}"

    def draft(self) -> LeadDraft:
        values = {f: self.query_one(f"#{widget_id(f)}", Input).value for f in TEXT_FIELDS}
        sector = self.query_one("#lead-sector", Choice).selection
        consented = self.query_one("#lead-consent", Checkbox).value
        if self.edit_row is not None:
            version = self.edit_row["consent_version"]  # the text the visitor heard
        else:
            version = consent.current(CONSENT_KIND).version if consented else ""
        return LeadDraft(
            **values, sector=sector or "", consent_contact=consented, consent_version=version
        )

    def clear_form(self) -> None:
        with self.prevent(Input.Changed, Choice.Changed, Checkbox.Changed):
            for field in TEXT_FIELDS:
                self.query_one(f"#{widget_id(field)}", Input).value = ""
            self.query_one("#lead-follow-up-on", Input).value = self.default_follow_up()
            self.query_one("#lead-sector", Choice).clear()
            self.query_one("#lead-consent", Checkbox).value = False
        self.touched.clear()
        self.show_all = False
        if self.drafts is not None:
            self.drafts.discard()  # ctrl+n, or the next visitor after a save
        self._revalidate()
        self.query_one("#lead-full-name", Input).focus()

    @on(Input.Changed)
    def _input_changed(self, event: Input.Changed) -> None:
        if event.value:
            self.touch(event.input.id, "lead-")
        self._revalidate()

    @on(Choice.Changed)
    @on(Checkbox.Changed)
    def _choice_changed(self, event: Choice.Changed | Checkbox.Changed) -> None:
        self.touched.add("sector" if event.control.id == "lead-sector" else "consent_contact")
        self._revalidate()

    def _revalidate(self) -> None:
        self.result = validate_lead(self.draft(), today=self.validation_day())
        self.show_problems(self.result, merged={"consent_contact": "consent_version"})
        self._render_status()

    # -- saving -----------------------------------------------------------------------------

    def action_save(self) -> None:
        officer = self.officer_for_save()
        if officer is None:
            return
        assert self.result is not None
        if self.result.record is None:
            fields = list(dict.fromkeys(p.field for p in self.result.errors))
            self._focus_field(fields[0])
            self.notify(self.t("lead.cannot_save", count=len(fields)), severity="error")
            return
        self.saving = True
        drafts = self.drafts.hand_over() if self.drafts is not None else []
        event_id = self.booth.status.event_id if self.booth.status else None
        self.save_lead(self.result.record, officer, event_id, drafts)

    @work(thread=True, group="save")  # never exclusive: a save is never cancelled
    def save_lead(
        self, lead: Lead, officer_code: str, event_id: str | None, drafts: list[DraftKey]
    ) -> None:
        leads = self.booth.store.leads
        try:
            if self.edit_row is not None:
                leads.edit(self.edit_row["uuid"], lead, officer_code=officer_code)
            else:
                leads.save(lead, officer_code=officer_code, event_id=event_id,
                           discard_drafts=drafts)  # fmt: skip
        except Exception as exc:  # a locked or full disk as well: the form stays
            self.post_message(LeadSaveFailed(save_problem(exc, self.language)))
            return
        self.post_message(LeadSaved(lead.full_name, edited=self.edit_row is not None))

    def on_lead_saved(self, message: LeadSaved) -> None:
        self.saving = False
        if message.edited:
            self.notify(self.t("lead.edit.saved", name=message.name))
            self.booth.refresh_status()
            self.dismiss(True)
            return
        self.notify(self.t("lead.saved", name=message.name))
        if self.drafts is not None:
            self.drafts.saved()
        self.clear_form()
        self.booth.refresh_status()
        self.load_recent()

    def on_lead_save_failed(self, message: LeadSaveFailed) -> None:
        self.save_ended(saved=False)
        self.notify(self.t("reg.save_failed", reason=message.reason), severity="error")

    def _focus_field(self, field: str) -> None:
        target = {"sector": "#lead-sector", "consent_contact": "#lead-consent",
                  "consent_version": "#lead-consent"}  # fmt: skip
        self.focus_field(target.get(field, f"#{widget_id(field)}"))

    # -- today's leads under the form -------------------------------------------------------

    @work(thread=True, exclusive=True, group="recent-leads")
    def load_recent(self) -> None:

        start, end = local_day_bounds(self.booth.today(), self.booth.time_zone)
        page = self.booth.store.queries.page("leads", since_utc=start, until_utc=end, limit=RECENT)
        names = [row["full_name"] for row in page.rows if not row["voided_at"]]
        self.post_message(RecentLeadsLoaded(names))

    def on_recent_leads_loaded(self, message: RecentLeadsLoaded) -> None:
        self.recent = message.names
        self._render_status()

    def _status_changed(self, _: BoothStatus | None) -> None:
        self._render_status()

    def _render_status(self) -> None:
        status = self.booth.status
        text = Text()
        if self.result is not None and self.result.ok:
            text.append(self.t("lead.ready") + "  ", style="bold")
        text.append(self.t("lead.today", count=status.today_leads if status else 0))
        if self.recent:
            text.append(" · " + self.t("lead.recent", names=", ".join(self.recent)), style="dim")
        self.query_one("#lead-status", Static).update(text)
