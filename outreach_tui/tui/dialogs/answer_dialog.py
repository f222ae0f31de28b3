"""A dialog that asks for an answer in the booth's language (a void's reason, what came
of a call-back, a new event): ctrl+s or Enter in its input confirms once the dialog has
checked the answer, Esc backs out with None."""

from __future__ import annotations

from typing import Any, TypeVar

from textual.screen import ModalScreen

from outreach_tui.i18n import t
from outreach_tui.tui.keys import localize_bindings

AnswerT = TypeVar("AnswerT")


class AnswerDialog(ModalScreen[AnswerT]):
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
