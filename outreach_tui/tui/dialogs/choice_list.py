"""The whole list of a Choice, to pick from with the arrows or by typing a letter."""

from __future__ import annotations

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList

from outreach_tui.tui.widgets.choice import next_starting_with


class ChoiceList(ModalScreen[int | None]):
    """Returns the index picked, or None when the officer backs out."""

    DEFAULT_CSS = """
    ChoiceList {
        align: center middle;
    }
    ChoiceList > Vertical {
        width: 48;
        max-width: 90%;
        height: auto;
        max-height: 90%;
        border: round $primary;
        background: $surface;
        padding: 0 1;
    }
    ChoiceList #choice-title {
        text-style: bold;
    }
    ChoiceList OptionList, ChoiceList OptionList:focus {
        height: auto;
        max-height: 20;
        border: none;
        padding: 0;
    }
    """
    BINDINGS = [Binding("escape", "cancel", "Kembali", id="cancel")]

    def __init__(self, title: str, labels: list[str], current: int | None) -> None:
        super().__init__()
        self.title_text = title
        self.labels = labels
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical():
            if self.title_text:
                yield Label(self.title_text, id="choice-title")
            yield OptionList(*self.labels, id="choice-options")

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        options.highlighted = self.current or 0
        options.focus()

    @on(OptionList.OptionSelected)
    def _picked(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option_index)

    def on_key(self, event: events.Key) -> None:
        # A letter moves to the next option that starts with it, as in the closed Choice.
        options = self.query_one(OptionList)
        index = next_starting_with(self.labels, options.highlighted, event.character)
        if index is not None:
            options.highlighted = index

    def action_cancel(self) -> None:
        self.dismiss(None)
