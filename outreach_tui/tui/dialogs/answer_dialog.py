"""A dialog that asks for an answer in the booth's language (a void's reason, what came
of a call-back, a new event): ctrl+s or Enter in its input confirms once the dialog has
checked the answer (what is wrong with it is said in a line of class ``answer-problem``),
Esc backs out with None."""

from __future__ import annotations

from typing import Any, TypeVar

from textual.binding import Binding
from textual.screen import ModalScreen

from outreach_tui.i18n import t
from outreach_tui.tui.keys import localize_bindings

AnswerT = TypeVar("AnswerT")
# Last in each dialog's BINDINGS, after its own confirm key (ctrl+s).
CANCEL_BINDING = Binding("escape", "cancel", "Kembali", id="cancel")


class AnswerDialog(ModalScreen[AnswerT]):
    DEFAULT_CSS = """
    AnswerDialog .answer-problem {
        color: $error;
        height: auto;
    }
    """

    def __init__(self, *, id: str, language: str) -> None:
        super().__init__(id=id)
        self.language = language
        localize_bindings(self, language)

    def t(self, key: str, **params: Any) -> str:
        return t(key, self.language, **params)

    def on_input_submitted(self) -> None:
        self.action_confirm()

    def action_confirm(self) -> None:
        raise NotImplementedError

    def action_cancel(self) -> None:
        self.dismiss(None)
