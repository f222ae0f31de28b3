"""Key bindings that speak the booth's language.

Bindings carry ids (so users can remap them); their footer labels come from the message
catalogue under ``binding.<id>``, applied per instance after construction.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from textual.actions import SkipAction
from textual.binding import Binding
from textual.dom import DOMNode
from textual.events import DescendantFocus
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Checkbox, Input

from outreach_tui.i18n import t


def localize_bindings(node: DOMNode, language: str) -> None:
    bindings = node._bindings.key_to_bindings  # per-instance copy made by Textual
    for key, items in bindings.items():
        localized = []
        for binding in items:
            if binding.id:
                code = f"binding.{binding.id}"
                text = t(code, language)
                if text != code:
                    binding = replace(binding, description=text)
            localized.append(binding)
        bindings[key] = localized


# -- moving between fields at a reader's speed -------------------------------------------------
#
# A key reaches the app, which hands it to the widget focused *at that moment*; Tab then
# bubbles up from that widget to the screen's binding, in the widget's own turn. Keys that
# arrive together (a KTP or barcode reader types a few ms apart, a terminal delivers a
# burst in one read) were therefore all handed to the field being left: "Jl." typed after
# Tab into the phone lost its "J" to the phone's restrict. Priority bindings run in the
# app's own turn, before the next key is handed on, so the focus has moved by then.

FIELD_BINDINGS = [
    Binding("tab", "next_field", "Berikutnya", id="next-field", show=False, priority=True),
    Binding("shift+tab", "previous_field", "Sebelumnya", id="previous-field", show=False,
            priority=True),
]  # fmt: skip
# A tick box that moves on once ticked (the last cell of a worker's row): space here,
# for the same reason, decided where the key arrives.
TICK_AND_MOVE = Binding("space", "tick_and_move", show=False, priority=True)
MOVES_ON_TICK = "moves-on-tick"  # the class of a tick box that moves on once ticked


class FieldMoves:
    """Tab, shift+tab and auto-advance for a screen (mixed into ``Screen``).

    A field that completes itself (``FieldInput.Completed``: the NIK's 16th digit) moves
    the focus on. The officer's habitual Tab right after it (or a reader's own Tab
    suffix) would then skip the next field: one Tab into a field just reached that way,
    still empty, is absorbed. The move happens once the NIK has taken its last digit (a
    Tab of the same burst has moved the focus by then, and the move is dropped); what
    follows it is typed by a person, each key handled before the next, so "still empty"
    is true. A tick box that moves on once ticked moves as the key arrives, before the
    keys after it are handled: an emptiness test there could absorb a Tab typed after
    them, so a Tab after a tick is always a move.
    """

    _advanced_to: Widget | None = None
    if TYPE_CHECKING:  # Screen's, which this is mixed into
        focused: Widget | None

        def focus_next(self, selector: str = "*") -> Widget | None: ...
        def focus_previous(self, selector: str = "*") -> Widget | None: ...

    def action_next_field(self) -> None:
        reached, self._advanced_to = self._advanced_to, None
        if reached is not None and reached is self.focused and not _has_text(reached):
            return  # the Tab after an auto-advance
        self.focus_next()

    def action_previous_field(self) -> None:
        self._advanced_to = None
        self.focus_previous()

    def on_descendant_focus(self, event: DescendantFocus) -> None:
        if event.widget is not self._advanced_to:  # the officer went elsewhere
            self._advanced_to = None

    def on_field_input_completed(self, message: Message) -> None:
        field = getattr(message, "input", None)
        if field is not None and field is self.focused:  # a Tab may have moved on already
            self._advanced_to = self.focus_next()

    def action_tick_and_move(self) -> None:
        box = self.focused
        if not isinstance(box, Checkbox) or not box.has_class(MOVES_ON_TICK):
            raise SkipAction  # space goes to the focused widget as usual
        box.toggle()
        self._advanced_to = None  # no Tab absorbed here: see the class's note
        if box.value:
            self.focus_next()


def _has_text(widget: Widget) -> bool:
    return not isinstance(widget, Input) or bool(widget.value)
