"""A title that opens to show a longer text in place (the consent text on the form).

One widget; Textual's Collapsible is four (itself, its title, its contents and the text),
and the form pays for every widget at start-up while this text is opened only on request.
"""

from __future__ import annotations

from rich.text import Text
from textual.binding import Binding
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget


class Disclosure(Widget, can_focus=True):
    COMPONENT_CLASSES = {"disclosure--title"}
    DEFAULT_CSS = """
    Disclosure {
        height: auto;
        padding: 0 1;
    }
    Disclosure:focus > .disclosure--title {
        background: $block-cursor-background;
        color: $block-cursor-foreground;
        text-style: $block-cursor-text-style;
    }
    """
    BINDINGS = [Binding("enter,space", "toggle_open", show=False)]

    open: reactive[bool] = reactive(False, layout=True)

    class Toggled(Message):
        """Opened or closed: what is below it has moved."""

    def __init__(self, title: str, text: str, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.title = title
        self.text = text

    def action_toggle_open(self) -> None:
        self.open = not self.open
        self.post_message(self.Toggled())

    def on_click(self) -> None:
        self.action_toggle_open()

    def render(self) -> Text:
        title_style = self.get_component_rich_style("disclosure--title")
        shown = Text(("▼ " if self.open else "▶ ") + self.title, style=title_style)
        if self.open:
            shown.append("\n" + self.text)
        return shown
