"""A form's text field: a paste too long for it is refused out loud, and a field with a
fixed length (the NIK's 16 digits) says when it is complete, so the form can move on.

Textual's Input refuses an insert past ``max_length`` without a word: a 5,000-character
paste simply vanished. Here the field keeps what it had and posts ``PasteTooLong``; the
form shows it where typing too much is shown (``FieldForm``, a worker's row).
"""

from __future__ import annotations

from dataclasses import dataclass

from textual import events
from textual.message import Message
from textual.widgets import Input

from outreach_tui.domain.problems import Problem, error


def too_long(field: str, widget: Input, length: int) -> Problem:
    """The problem typing too much gives (``field.too_long``), for ``length`` characters:
    the record's limit where the domain has one, else the field's own."""
    from outreach_tui.domain.typed_input import MAX_LENGTH  # a refused paste only

    limit = MAX_LENGTH.get(field) or widget.max_length
    return error("field.too_long", field, max=limit, length=length)


class FieldInput(Input):
    @dataclass
    class PasteTooLong(Message):
        """A paste was refused: the field would have held ``length`` characters."""

        input: FieldInput
        length: int

        @property
        def control(self) -> FieldInput:
            return self.input

    @dataclass
    class Completed(Message):
        """The field just reached its full length by typing at its end."""

        input: FieldInput

        @property
        def control(self) -> FieldInput:
            return self.input

    def __init__(self, *args: object, complete_at: int = 0, **kwargs: object) -> None:
        """``complete_at``: the number of digits that make the value complete (0: never)."""
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.complete_at = complete_at

    def _digits(self, value: str) -> int:
        return sum(ch.isdigit() for ch in value)

    def on_paste(self, event: events.Paste) -> None:
        # Runs before Input's own paste handler, which it replaces when the paste is too
        # long (prevent_default): the same first line Input would insert, measured whole.
        if not event.text or not self.max_length:
            return
        line = event.text.splitlines()[0] if event.text.splitlines() else ""
        start, end = sorted(self.selection)
        length = len(self.value) - (end - start) + len(line)
        if length > self.max_length:
            event.prevent_default()
            event.stop()
            self.post_message(self.PasteTooLong(self, length))

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input is not self or not self.complete_at or not self.has_focus:
            return
        if self.cursor_position == len(self.value) and self._digits(self.value) == (
            self.complete_at
        ):
            self.post_message(self.Completed(self))
