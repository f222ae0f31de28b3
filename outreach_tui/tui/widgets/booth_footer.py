"""The footer every booth screen shows: the keys that work here, wrapped to fit.

One widget that draws its keys itself. Textual's Footer builds a widget per key and
rebuilds them all whenever the bindings change (every focus move), and it cuts keys off
at 80 columns; a booth screen lists its keys on one or two lines instead, each key whole.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

from rich.style import Style
from rich.text import Text
from textual import events
from textual.widget import Widget

from outreach_tui.i18n import t

if TYPE_CHECKING:
    from textual.screen import Screen

GAP = 2  # columns between two keys
DISABLED = Style(dim=True)


class FooterKey(NamedTuple):
    key: str  # what to press, as Textual names it
    shown: str  # how it is shown, e.g. "^s"
    description: str
    enabled: bool


class BoothFooter(Widget):
    COMPONENT_CLASSES = {"booth-footer--key", "booth-footer--description"}
    DEFAULT_CSS = """
    BoothFooter {
        dock: bottom;
        height: auto;
        max-height: 3;
        background: $footer-background;
        padding: 0 1;
    }
    BoothFooter > .booth-footer--key {
        color: $footer-key-foreground;
        text-style: bold;
    }
    BoothFooter > .booth-footer--description {
        color: $footer-description-foreground;
    }
    """

    def __init__(self, *, compact: bool = True, id: str | None = None) -> None:
        super().__init__(id=id)
        self.compact = compact  # kept for the screens' call; the booth is always compact
        self.keys: tuple[FooterKey, ...] = ()
        # (line, first column, last column) of each key as last drawn, for mouse clicks.
        self._places: list[tuple[int, int, int, str]] = []

    def on_mount(self) -> None:
        # The keys known now size the footer's first layout, so a screen opening is not
        # laid out a second time when the bindings are announced (usually the same keys).
        self.keys = self._active_keys()
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)

    def _bindings_changed(self, screen: Screen[object]) -> None:
        if not self.is_attached or screen is not self.screen:
            return
        keys = self._active_keys()
        if keys != self.keys:
            width = self.content_region.width
            lines = len(self._layout(width)) if width else 0
            self.keys = keys
            # A new height needs a layout of the screen; the same height just a repaint.
            self.refresh(layout=not width or len(self._layout(width)) != lines)

    def _active_keys(self) -> tuple[FooterKey, ...]:
        seen: set[str] = set()
        keys = []
        palette: FooterKey | None = None
        for _node, binding, enabled, _tooltip in self.screen.active_bindings.values():
            if binding.key == self.app.COMMAND_PALETTE_BINDING and self.app.ENABLE_COMMAND_PALETTE:
                shown = self.app.get_key_display(binding)
                # Textual adds this binding itself, labelled in English.
                label = t("binding.command-palette", getattr(self.app, "language", "id"))
                palette = FooterKey(binding.key, shown, label, enabled)
                continue
            if not binding.show or binding.action in seen:
                continue  # one key per action, as Textual's footer shows it
            seen.add(binding.action)
            shown = self.app.get_key_display(binding)
            keys.append(FooterKey(binding.key, shown, binding.description, enabled))
        if palette is not None:
            keys.append(palette)  # last, as the least used
        return tuple(keys)

    def _layout(self, width: int) -> list[list[FooterKey]]:
        """Keys in lines no wider than `width`; a key is never split across lines."""
        lines: list[list[FooterKey]] = [[]]
        used = 0
        for key in self.keys:
            size = len(key.shown) + 1 + len(key.description)
            if lines[-1] and used + GAP + size > width:
                lines.append([])
                used = 0
            used += size + (GAP if lines[-1] else 0)
            lines[-1].append(key)
        return lines

    def get_content_height(self, container: object, viewport: object, width: int) -> int:
        return len(self._layout(width)) if self.keys else 1

    def render(self) -> Text:
        key_style = self.get_component_rich_style("booth-footer--key")
        description_style = self.get_component_rich_style("booth-footer--description")
        text = Text(no_wrap=True, overflow="crop", end="")
        self._places = []
        for row, line in enumerate(self._layout(self.content_region.width or self.size.width)):
            if row:
                text.append("\n")
            column = 0
            for index, key in enumerate(line):
                if index:
                    text.append(" " * GAP)
                    column += GAP
                off = Style() if key.enabled else DISABLED
                text.append(key.shown, style=key_style + off)
                text.append(" " + key.description, style=description_style + off)
                end = column + len(key.shown) + 1 + len(key.description)
                self._places.append((row, column, end, key.key))
                column = end
        return text

    def on_click(self, event: events.Click) -> None:
        # Mouse users may click a key; the booth is keyboard-first, so this only mirrors it.
        x, y = event.x - self.styles.padding.left, event.y
        for row, start, end, key in self._places:
            if row == y and start <= x < end:
                event.stop()
                self.app.simulate_key(key)
                return
