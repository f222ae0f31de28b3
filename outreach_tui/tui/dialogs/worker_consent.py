"""The consent text addressed to one worker by name (UU 27/2022: each worker consents for
themself; docs/PRIVACY.md section 1). Yes only when that worker agreed: ctrl+s or the
button naming them; Esc or "not yet" leaves their box empty.

The title and the line addressed to the worker stay in view at 80×24; the text scrolls
under them.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Label, Static

from outreach_tui.tui.dialogs.confirm import ConfirmDialog


class WorkerConsentDialog(ConfirmDialog):
    DEFAULT_CSS = """
    WorkerConsentDialog #worker-consent-addressed {
        text-style: bold;
        margin-bottom: 1;
    }
    WorkerConsentDialog #worker-consent-scroll {
        height: auto;
        max-height: 10;
    }
    """

    def __init__(self, title: str, addressed: str, text: str, *, confirm: str, cancel: str):
        super().__init__(title, text, confirm=confirm, cancel=cancel)
        self._addressed = addressed

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self._title, id="confirm-title")
            yield Static(self._addressed, id="worker-consent-addressed")
            with VerticalScroll(id="worker-consent-scroll"):
                yield Static(self._body, id="confirm-body")
            with Horizontal():
                yield Button(self._cancel, id="confirm-no")
                yield Button(self._confirm, id="confirm-yes", variant="warning")
