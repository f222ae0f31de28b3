"""What the booth's data-entry forms share: a save that runs in a worker with its outcome
said under the form (registration, workers, leads), and for the forms of labelled fields
(registration, leads) which problems show, the start of a save and a clear that asks.

A save takes milliseconds; past a second (a file locked by another process, up to the
busy timeout) the line under the form says it is still on its way, and a failure's reason
stays there until the next try (the form keeps what was typed).
"""

from __future__ import annotations

from collections.abc import Container, Mapping
from typing import TYPE_CHECKING, Any

from textual.widgets import Static

from outreach_tui.tui.widgets.field_form import FieldForm

if TYPE_CHECKING:
    from outreach_tui.domain.validation import ValidationResult
    from outreach_tui.tui.drafts import DraftKeeper
    from outreach_tui.tui.screens.base import BoothScreen

    _Screen = BoothScreen
else:
    _Screen = object  # a mixin: the screen it is mixed into is a BoothScreen

STILL_SAVING_AFTER_S = 1.0


class BoothForm(_Screen):
    """Mixed into a form screen with a ``drafts`` keeper (DraftForm) and, for the line
    under the form, a Static of class ``save-problem``."""

    saving = False  # a save is on its way: a second one waits, a quit asks
    if TYPE_CHECKING:
        drafts: DraftKeeper | None

    def begin_save(self) -> None:
        self.saving = True
        self.set_timer(STILL_SAVING_AFTER_S, self._still_saving)

    def save_ended(self, *, saved: bool) -> None:
        """The save worker's reply has come: the draft is done with, or kept for a retry."""
        self.saving = False
        if self.drafts is not None:
            if saved:
                self.drafts.saved()
            else:
                self.drafts.save_failed()

    def _still_saving(self) -> None:
        if self.saving:
            self.show_save_problem(self.t("save_problem.saving"), error=False)

    def show_save_problem(self, line: str, *, error: bool = True) -> None:
        """``line`` under the form ("": the line hidden)."""
        widget = self.query_one(".save-problem", Static)
        widget.update(line)
        widget.set_class(bool(line), "-shown")
        widget.set_class(error, "-error")

    def clear_save_problem(self) -> None:
        if self.query_one(".save-problem", Static).has_class("-shown"):
            self.show_save_problem("")

    def focus_field(self, selector: str) -> None:
        """The focus on the first widget ``selector`` matches (none: a hidden field)."""
        widgets = self.query(selector)
        if widgets:
            widgets.first().focus()


class FieldsForm(BoothForm):
    """A form of labelled fields (a FieldForm) that keeps which the officer has
    ``touched`` and whether to ``show_all`` problems (once a save was tried)."""

    CLEAR_QUESTION = "unsaved.clear_body"  # the catalogue key of the clear question's body
    if TYPE_CHECKING:
        touched: set[str]
        show_all: bool

        def has_unsaved_input(self) -> bool: ...
        def clear_form(self) -> None: ...
        def _revalidate(self) -> None: ...

    def touch(self, widget_id: str | None, prefix: str) -> None:
        """The field of a widget typed into (``prefix``-field-name) is touched: its
        problems show from now on."""
        if widget_id and widget_id.startswith(prefix):
            self.touched.add(widget_id.removeprefix(prefix).replace("-", "_"))

    def show_problems(
        self, result: ValidationResult[Any], *, merged: Mapping[str, str] | None = None,
        quiet: Container[str] = (),
    ) -> None:  # fmt: skip
        """Each field's problems under it once it was touched, or all once a save was
        tried. ``merged``: a field that also shows another's (a lead's consent, its
        version); ``quiet``: fields whose problems this form does not show."""
        merged = merged or {}
        form = self.query_one(FieldForm)
        for field in form.controls:
            shown = (self.show_all or field in self.touched) and field not in quiet
            problems = result.for_field(field) if shown else ()
            if shown and field in merged:
                problems += result.for_field(merged[field])
            form.show(field, problems, self.language)

    def officer_for_save(self) -> str | None:
        """ctrl+s: every problem shown from now on; the officer's code when a save may go
        ahead (None: one is on its way already, or the day has not started)."""
        if self.saving:
            return None
        self.show_all = True
        self._revalidate()
        return self.officer_on_duty(event=True)

    def action_clear(self) -> None:
        """ctrl+n: an empty form for the next visitor, asking first when it is filled."""
        if not self.has_unsaved_input():
            self.clear_form()
            return
        from outreach_tui.tui.dialogs.confirm import ConfirmDialog

        self.app.push_screen(
            ConfirmDialog(self.t("unsaved.clear_title"), self.t(self.CLEAR_QUESTION),
                          confirm=self.t("unsaved.clear_yes"), cancel=self.t("unsaved.stay")),
            lambda clear: self.clear_form() if clear else None,
        )  # fmt: skip
