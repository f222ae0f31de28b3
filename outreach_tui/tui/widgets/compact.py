"""Compact (borderless) controls, switched on the way Textual's own Footer does it."""

from __future__ import annotations

from typing import Any, TypeVar

from textual.widgets import Checkbox, Input, Select

Control = TypeVar("Control", Input, Select[Any], Checkbox)


def compact(control: Control) -> Control:
    """``control`` in its compact style, as ``compact=True`` would make it.

    The constructor argument sets a reactive whose class toggle re-styles the widget on the
    spot, before it is even mounted (~0.5 ms an Input; a form has a dozen), and mounting
    styles it again. Setting the value and the class without that update is what Footer
    does in its own constructor.
    """
    control.set_reactive(type(control).compact, True)
    control.set_class(True, "-textual-compact", update=False)
    return control
