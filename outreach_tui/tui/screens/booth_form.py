"""What the booth's data-entry forms share (registration, workers, leads): a save that
runs in a worker, its outcome said under the form, and a clear that asks first.

A save takes milliseconds; past a second (a file locked by another process, up to the
busy timeout) the line under the form says it is still on its way, and a failure's reason
stays there until the next try (the form keeps what was typed).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.widgets import Static

if TYPE_CHECKING:
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

        def has_unsaved_input(self) -> bool: ...
        def clear_form(self) -> None: ...

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

    CLEAR_QUESTION = "unsaved.clear_body"  # the catalogue key of the clear question's body
