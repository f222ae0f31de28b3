"""What came of calling a lead back: an outcome and, for one that keeps the lead open,
the next call-back date. Returns ``(outcome, next_date)``, or None when the officer backs
out."""

from __future__ import annotations

from datetime import date

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Footer, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from outreach_tui.domain.callbacks import CLOSING, OUTCOMES, default_next_call
from outreach_tui.domain.typed_input import parse_date
from outreach_tui.tui.dialogs.answer_dialog import CANCEL_BINDING, AnswerDialog

CHOICES = tuple(o for o in OUTCOMES if o != "registered")  # conversion has its own key


class CallbackOutcomeDialog(AnswerDialog[tuple[str, date | None] | None]):
    DEFAULT_CSS = """
    CallbackOutcomeDialog {
        align: center middle;
    }
    CallbackOutcomeDialog > Vertical {
        width: 60;
        max-width: 95%;
        height: auto;
        border: thick $primary;
        background: $surface;
        padding: 1 2;
    }
    CallbackOutcomeDialog #outcome-title {
        text-style: bold;
    }
    CallbackOutcomeDialog OptionList {
        height: auto;
        max-height: 8;
        margin: 1 0;
    }
    """
    BINDINGS = [
        Binding("ctrl+s", "confirm", "Simpan", id="outcome-confirm", priority=True),
        CANCEL_BINDING,
    ]

    def __init__(self, name: str, *, today: date, language: str = "id") -> None:
        super().__init__(id="callback-outcome", language=language)
        self.lead_name = name
        self.today = today
        self.date_edited = False

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self.t("lead.callback.outcome_title", name=self.lead_name),
                        id="outcome-title", markup=False)  # fmt: skip
            yield OptionList(
                *(Option(self.t(f"lead.callback.outcome.{o}"), id=o) for o in CHOICES),
                id="outcome-choices",
            )
            yield Label(self.t("lead.callback.next_date"), id="outcome-next-label")
            yield Input(id="outcome-next", max_length=10, compact=True,
                        restrict=r"[0-9\-/.]*")  # fmt: skip
            yield Static("", id="outcome-problem", classes="answer-problem")
        yield Footer()

    def on_mount(self) -> None:
        choices = self.query_one("#outcome-choices", OptionList)
        choices.highlighted = 0
        choices.focus()
        self._follow_outcome()

    @property
    def outcome(self) -> str:
        index = self.query_one("#outcome-choices", OptionList).highlighted
        return CHOICES[index or 0]

    @on(OptionList.OptionHighlighted)
    def _follow_outcome(self) -> None:
        """The next date follows the outcome until the officer types one of their own."""
        closing = self.outcome in CLOSING
        box = self.query_one("#outcome-next", Input)
        box.disabled = closing
        if not self.date_edited:
            suggested = default_next_call(self.outcome, self.today)
            with self.prevent(Input.Changed):
                box.value = f"{suggested:%d-%m-%Y}" if suggested else ""

    @on(Input.Changed, "#outcome-next")
    def _date_typed(self) -> None:
        self.date_edited = True
        self.query_one("#outcome-problem", Static).update("")

    @on(OptionList.OptionSelected)
    def _picked(self) -> None:
        self.action_confirm()

    def action_confirm(self) -> None:
        outcome = self.outcome
        if outcome in CLOSING:
            self.dismiss((outcome, None))
            return
        when = parse_date(self.query_one("#outcome-next", Input).value)
        if when is None or when < self.today:
            self.query_one("#outcome-problem", Static).update(self.t("lead.callback.next_date_bad"))
            self.query_one("#outcome-next", Input).focus()
            return
        self.dismiss((outcome, when))
