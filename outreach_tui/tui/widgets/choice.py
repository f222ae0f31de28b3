"""A one-line choice among a few options, for forms typed at speed.

←/→ step through the options, a letter or digit jumps to the next option starting with
it, Enter opens the whole list, and Backspace empties an optional choice. One widget:
Textual's Select is six (its current value, its overlay list, their labels), which a form
pays for at start-up even though the list is rarely opened. The list here is built when
first opened.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any, Generic, TypeVar

from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget

from outreach_tui.tui.keys import localize_bindings

Value = TypeVar("Value")


def next_starting_with(
    labels: Sequence[str], current: int | None, character: str | None
) -> int | None:
    """Type-ahead: the next label after `current` (wrapping) that starts with `character`."""
    if not character or not character.isalnum() or not labels:
        return None
    wanted = character.casefold()
    start = -1 if current is None else current
    for step in range(1, len(labels) + 1):
        index = (start + step) % len(labels)
        if labels[index].casefold().startswith(wanted):
            return index
    return None


class Choice(Widget, Generic[Value], can_focus=True):
    COMPONENT_CLASSES = {"choice--prompt", "choice--arrow"}
    DEFAULT_CSS = """
    Choice {
        height: 1;
        width: 1fr;
        background: $boost;
    }
    Choice:focus {
        background: $primary 30%;
    }
    Choice > .choice--prompt {
        color: $text-muted;
    }
    Choice > .choice--arrow {
        color: $text-muted;
    }
    """
    BINDINGS = [
        Binding("enter,space", "open", "Pilih", id="choice-open"),
        Binding("left", "step(-1)", show=False),
        Binding("right", "step(1)", show=False),
        Binding("backspace,delete", "clear", show=False),
    ]

    value: reactive[Value | None] = reactive(None, init=False)

    class Changed(Message):
        """The chosen value changed (None: nothing chosen)."""

        def __init__(self, choice: Choice[Any], value: Any) -> None:
            super().__init__()
            self.choice = choice
            self.value = value

        @property
        def control(self) -> Choice[Any]:
            return self.choice

    def __init__(
        self,
        options: Sequence[tuple[str, Value]] | Callable[[], Sequence[tuple[str, Value]]],
        *,
        prompt: str = "",
        value: Value | None = None,
        allow_blank: bool = True,
        title: str = "",
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self._options_source = options
        self._options: list[tuple[str, Value]] | None = None
        self.prompt = prompt
        self.allow_blank = allow_blank
        self.title = title or prompt
        # Textual's documented form; mypy cannot tell the generic descriptor's type on the class
        self.set_reactive(Choice.value, value)  # type: ignore[misc]

    def on_mount(self) -> None:
        localize_bindings(self, getattr(self.app, "language", "id"))

    @property
    def options(self) -> list[tuple[str, Value]]:
        """(label, value) pairs; a callable source is read the first time it is needed."""
        if self._options is None:
            source = self._options_source
            self._options = list(source() if callable(source) else source)
        return self._options

    def set_options(self, options: Iterable[tuple[str, Value]]) -> None:
        """New options; the value is kept if it is still one of them."""
        self._options = list(options)
        if self.value is not None and self._index() is None:
            self.value = None
        self.refresh()

    @property
    def selection(self) -> Value | None:
        return self.value

    def clear(self) -> None:
        self.value = None

    def action_clear(self) -> None:
        if self.allow_blank:
            self.clear()

    def _index(self) -> int | None:
        for index, (_label, value) in enumerate(self.options):
            if value == self.value:
                return index
        return None

    def watch_value(self, value: Value | None) -> None:
        self.post_message(self.Changed(self, value))

    def render(self) -> Text:
        index = self._index() if self.value is not None else None
        if index is None:
            label = self.prompt
            style = self.get_component_rich_style("choice--prompt")
        else:
            label, style = self.options[index][0], Style()
        width = max(self.content_region.width - 2, 1)  # the arrow sits at the right edge
        text = Text(no_wrap=True, overflow="ellipsis", end="")
        text.append(label, style=style)
        text.truncate(width, overflow="ellipsis", pad=True)
        text.append(" ▾", style=self.get_component_rich_style("choice--arrow"))
        return text

    def action_step(self, delta: int) -> None:
        if not self.options:
            return
        index = self._index()
        if index is None:
            index = 0 if delta > 0 else len(self.options) - 1
        else:
            index = (index + delta) % len(self.options)
        self.value = self.options[index][1]

    def on_key(self, event: events.Key) -> None:
        labels = [label for label, _value in self.options]
        index = next_starting_with(labels, self._index(), event.character)
        if index is not None:
            event.stop()
            self.value = self.options[index][1]

    def on_click(self, event: events.Click) -> None:
        event.stop()
        self.focus()
        self.action_open()

    def action_open(self) -> None:
        from outreach_tui.tui.dialogs.choice_list import ChoiceList  # first opening only

        labels = [label for label, _value in self.options]
        self.app.push_screen(ChoiceList(self.title, labels, self._index()), self._chosen)

    def _chosen(self, index: int | None) -> None:
        if index is not None:
            self.value = self.options[index][1]
