"""Ask why a record is being voided. Returns the reason, or None when the officer backs out.

A void is never a delete: the record stays, marked void, and the reason syncs with it.
"""

from __future__ import annotations

from dataclasses import replace

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Footer, Input, Label, Static

from outreach_tui.tui.dialogs.answer_dialog import CANCEL_BINDING, AnswerDialog
from outreach_tui.tui.textual_private import node_bindings

MIN_REASON = 3


class VoidReasonDialog(AnswerDialog[str | None]):
    DEFAULT_CSS = """
    VoidReasonDialog {
        align: center middle;
    }
    VoidReasonDialog > Vertical {
        width: 64;
        max-width: 95%;
        height: auto;
        border: thick $error;
        background: $surface;
        padding: 1 2;
    }
    VoidReasonDialog #void-title {
        text-style: bold;
    }
    VoidReasonDialog #void-explain {
        color: $text-muted;
        margin: 1 0;
    }
    """
    BINDINGS = [
        Binding("ctrl+s", "confirm", "Batalkan data", id="void-confirm", priority=True),
        CANCEL_BINDING,
    ]

    def __init__(
        self, what: str, *, language: str = "id", title: str | None = None,
        explain: str | None = None, confirm_label: str | None = None,
    ) -> None:  # fmt: skip
        """``title``/``explain``/``confirm_label``: the same question for another purpose
        (a withdrawal of consent); the void's words by default."""
        super().__init__(id="void-dialog", language=language)
        self.what = what
        self.title_text = title or self.t("void.title")
        self.explain_text = explain or self.t("void.explain")
        if confirm_label:
            bindings = node_bindings(self)  # tui/textual_private.py
            bindings["ctrl+s"] = [replace(b, description=confirm_label)
                                  for b in bindings["ctrl+s"]]  # fmt: skip

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self.title_text, id="void-title")
            yield Static(self.what, id="void-what", markup=False)
            yield Static(self.explain_text, id="void-explain")
            yield Label(self.t("void.reason"))
            yield Input(placeholder=self.t("void.reason_hint"), id="void-reason",
                        max_length=500)  # fmt: skip
            yield Static("", id="void-problem", classes="answer-problem")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#void-reason", Input).focus()

    def action_confirm(self) -> None:
        reason = " ".join(self.query_one("#void-reason", Input).value.split())
        if len(reason) < MIN_REASON:
            self.query_one("#void-problem", Static).update(self.t("void.reason_missing"))
            return
        self.dismiss(reason)
