"""The registration form checked as the officer types: every change validates the draft
(each field's problems shown once it was touched, all of them after a save was tried),
a valid NIK is looked up for duplicates in a worker (a stale reply is dropped), a minor's
guardian fields appear, the detail choices follow the sector and the typed income until
the officer picks their own, and the side panel sums it all up.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from textual import work
from textual.message import Message
from textual.widgets import Input

from outreach_tui.domain.models import Role
from outreach_tui.tui.screens.registration_fields import GUARDIAN_FIELDS
from outreach_tui.tui.widgets.choice import Choice
from outreach_tui.tui.widgets.field_form import FieldForm
from outreach_tui.tui.widgets.summary_panel import SummaryPanel

if TYPE_CHECKING:
    from outreach_tui.domain.models import Registration, RegistrationDraft
    from outreach_tui.domain.validation import ValidationResult
    from outreach_tui.tui.drafts import DraftKeeper
    from outreach_tui.tui.duplicates import DuplicateHit
    from outreach_tui.tui.screens.booth_form import FieldsForm

    _Screen = FieldsForm
else:
    _Screen = object  # a mixin of RegistrationScreen


@dataclass
class DuplicatesChecked(Message):
    nik: str
    hits: list[DuplicateHit]


class RegistrationChecks(_Screen):
    """Mixed into RegistrationScreen, whose state it reads and keeps up to date."""

    if TYPE_CHECKING:
        role: Role
        edit_row: dict[str, Any] | None
        drafts: DraftKeeper | None
        touched: set[str]
        chosen: set[str]
        show_all: bool
        result: ValidationResult[Registration] | None
        _validated: tuple[Any, ...] | None
        duplicates: list[DuplicateHit]
        duplicates_for: str
        _guardian_shown: bool

        def draft(self) -> RegistrationDraft: ...

    def _offer_band(self) -> None:
        """The band of the typed income, preselected until the officer picks one."""
        from outreach_tui.domain.typed_input import parse_int
        from outreach_tui.reports.details import band_for_income

        income = parse_int(self.query_one("#reg-declared-income", Input).value)
        self._offer("reg-income-band", band_for_income(income) if income and income > 0 else None)

    def _offer_occupation(self) -> None:
        """The sector's usual occupation, preselected until the officer picks one."""
        from outreach_tui.domain.occupations import default_for_sector

        sector = self.query_one("#reg-sector", Choice).selection
        self._offer("reg-occupation", default_for_sector(sector) if sector else None)

    def _offer(self, choice_id: str, value: str | None) -> None:
        """``value`` (None: nothing) preselected in a detail choice the officer has not
        picked themself."""
        if choice_id in self.chosen:
            return
        choice = self.query_one(f"#{choice_id}", Choice)
        with self.prevent(Choice.Changed):
            if value is None:
                choice.clear()
            else:
                choice.value = value

    def _revalidate(self) -> None:
        from outreach_tui.domain.consent_rules import is_minor
        from outreach_tui.domain.nik import parse_nik
        from outreach_tui.domain.validation import validate_registration

        draft = self.draft()
        state = (draft, frozenset(self.touched), self.show_all, self.booth.today())
        if state == self._validated:
            return  # e.g. a Select announcing its first value as it mounts: nothing to redo
        self._validated = state
        if self.drafts is not None:
            self.drafts.changed()  # written a moment after the last change
        self.result = validate_registration(draft, today=self.booth.today())
        quiet = ("workers_count",) if self.role is Role.WORKER else ()
        self.show_problems(self.result, quiet=quiet)
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
        text = registration_summary(
            draft, self.result, self.duplicates, language=self.language,
            today=self.booth.today(), show_errors=self.show_all,
        )  # fmt: skip
        self.query_one("#reg-summary", SummaryPanel).update(text)

    def _show_guardian(self, shown: bool) -> None:
        """The guardian's fields, only for a registrant under 18 on the booth day."""
        if shown == self._guardian_shown:
            return
        self._guardian_shown = shown
        form = self.query_one(FieldForm)
        for field in GUARDIAN_FIELDS:
            form.set_field_display(field, shown)
