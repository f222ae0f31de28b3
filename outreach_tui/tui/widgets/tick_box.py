"""A checkbox whose two states differ in shape, not only in colour: ``[✓]`` and ``[ ]``.

Textual's checkbox draws an ``X`` in both states (a dim one when off), which on many
terminals reads as ticked either way.
"""

from __future__ import annotations

from textual.widgets import Checkbox

TICKED, EMPTY = "✓", " "


class TickBox(Checkbox):
    BUTTON_INNER = EMPTY

    def __init__(self, label: str = "", value: bool = False, **kwargs: object) -> None:
        super().__init__(label, value, **kwargs)  # type: ignore[arg-type]
        self.BUTTON_INNER = TICKED if value else EMPTY

    def watch_value(self) -> None:
        self.BUTTON_INNER = TICKED if self.value else EMPTY
        super().watch_value()
