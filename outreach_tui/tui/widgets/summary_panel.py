"""The side panel beside a form: redrawn on every key, so it never asks for a layout.

A Static's update() re-lays out the whole screen (its height may have changed), which is
most of the time between a key press and its frame on a form of forty widgets. This
panel has a fixed size set by CSS and only repaints; what does not fit is cut at the
bottom with a marker (the panel lists the most important things first).
"""

from __future__ import annotations

from rich.text import Text
from textual.widget import Widget

MORE = "…"


class SummaryPanel(Widget):
    DEFAULT_CSS = """
    SummaryPanel {
        height: 1fr;
        overflow: hidden hidden;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.text = Text()

    def update(self, text: Text) -> None:
        if text == self.text:
            return
        self.text = text
        self.refresh()

    def render(self) -> Text:
        width, height = self.content_region.width, self.content_region.height
        if width <= 0 or height <= 0:
            return self.text
        lines = self.text.wrap(self.app.console, width)
        if len(lines) <= height:
            return self.text
        shown = Text("\n").join(lines[: height - 1])
        shown.append("\n" + MORE, style="dim")
        return shown
