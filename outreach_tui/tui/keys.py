"""Key bindings that speak the booth's language.

Bindings carry ids (so users can remap them); their footer labels come from the message
catalogue under ``binding.<id>``, applied per instance after construction.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

from textual.actions import SkipAction
from textual.binding import Binding, BindingType
from textual.dom import DOMNode
from textual.events import Event, Key
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Checkbox

from outreach_tui.i18n import t
from outreach_tui.tui.textual_private import node_bindings

if TYPE_CHECKING:
    from textual.css.query import QueryType


def localize_bindings(node: DOMNode, language: str) -> None:
    bindings = node_bindings(node)  # this node's own copy (tui/textual_private.py)
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

FIELD_BINDINGS: list[BindingType] = [
    Binding("tab", "next_field", "Berikutnya", id="next-field", show=False, priority=True),
    Binding("shift+tab", "previous_field", "Sebelumnya", id="previous-field", show=False,
            priority=True),
]  # fmt: skip
# A tick box that moves on once ticked (the last cell of a worker's row): space here,
# for the same reason, decided where the key arrives.
TICK_AND_MOVE = Binding("space", "tick_and_move", show=False, priority=True)
MOVES_ON_TICK = "moves-on-tick"  # the class of a tick box that moves on once ticked


class KeyArrivals:
    """Counts keys where they arrive (mixed into the ``App``): before a key is handed to
    the focused widget, so a screen can tell, in a key's own turn, whether any other key
    arrived since something it did. Handling lags behind arrival in a burst; this does not.
    """

    keys_arrived = 0

    async def on_event(self, event: Event) -> None:
        if isinstance(event, Key) and not event.is_forwarded:  # not one bubbling back up
            self.keys_arrived += 1
        await super().on_event(event)  # type: ignore[misc]


class FieldMoves:
    """Tab, shift+tab and automatic moves for a screen (mixed into ``Screen``).

    A field that completes itself (``FieldInput.Completed``: the NIK's 16th digit) and a
    tick box that moves on once ticked (a worker's consent) move the focus on. The
    officer's habitual Tab right after such a move (or a reader's own Tab suffix) would
    then skip the next field: a Tab that is the very next key to arrive after the move
    (``KeyArrivals``) is absorbed. A Tab after anything else was typed is a move, however
    fast the keys came, because the count is kept where keys arrive, not where they are
    handled.
    """

    _advanced_to: Widget | None = None
    _advanced_at = -1  # the app's keys_arrived when the focus moved by itself
    if TYPE_CHECKING:  # Screen's, which this is mixed into
        app: Any
        focused: Widget | None

        def focus_next(self, selector: str | type[QueryType] = "*") -> Widget | None: ...
        def focus_previous(self, selector: str | type[QueryType] = "*") -> Widget | None: ...

    def _arrived(self) -> int | None:
        return getattr(self.app, "keys_arrived", None)

    def _moved_by_itself(self) -> None:
        self._advanced_to = self.focus_next()
        self._advanced_at = self._arrived() or -1

    def action_next_field(self) -> None:
        reached, self._advanced_to = self._advanced_to, None
        arrived = self._arrived()
        if reached is self.focused and arrived is not None and arrived == self._advanced_at + 1:
            return  # the Tab right after an automatic move: it has been made
        self.focus_next()

    def action_previous_field(self) -> None:
        self._advanced_to = None
        self.focus_previous()

    def on_field_input_completed(self, message: Message) -> None:
        field = getattr(message, "input", None)
        if field is not None and field is self.focused:  # a Tab may have moved on already
            self._moved_by_itself()

    def action_tick_and_move(self) -> None:
        box = self.focused
        if not isinstance(box, Checkbox) or not box.has_class(MOVES_ON_TICK):
            raise SkipAction  # space goes to the focused widget as usual
        box.toggle()
        self._advanced_to = None
        if box.value:
            self._moved_by_itself()
