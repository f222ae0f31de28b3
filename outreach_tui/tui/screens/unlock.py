"""The passphrase of an encrypted officer file, asked when the booth opens.

Shown (by ``BoothLock.ask_passphrase``) when the file is encrypted and no key is open in
this process, e.g. no valid session from ``outreach unlock``. It covers everything, as the
sign-in does, until the key opens. The key is opened for this process only
(``remember_minutes=0``): nothing is left on disk for later commands, and the booth
forgets it when it quits.

A lost passphrase: ctrl+r switches to the recovery code, which the store accepts only
together with a new passphrase (``store.crypto.recover``, as ``outreach encrypt recover``
does); the data key then opens the same way. scrypt takes ~0.1 s, so both run in a thread
worker; the outcome comes back as ``KeyChecked`` and, once open, goes to the app as
``KeyUnlocked``.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Input, Label, Static

from outreach_tui.store import StoreError
from outreach_tui.store.crypto import CryptoError
from outreach_tui.store.encryption import MIN_PASSPHRASE
from outreach_tui.tui.keys import localize_bindings
from outreach_tui.tui.screens.base import STYLES, BoothText

if TYPE_CHECKING:
    pass


@dataclass
class KeyUnlocked(Message):
    """The data key is open in this process (``recovered``: with a new passphrase)."""

    recovered: bool = False


@dataclass
class KeyChecked(Message):
    """A worker's answer: ``problem`` is None (open), ``wrong`` or ``failed``."""

    problem: str | None
    detail: str = ""
    recovery: bool = False


class UnlockScreen(BoothText, Screen[None]):
    # Loaded when the screen first opens: unencrypted files never parse it.
    CSS_PATH = STYLES / "unlock.tcss"
    AUTO_FOCUS = "#unlock-passphrase"
    BINDINGS = [
        Binding("ctrl+r", "toggle_recovery", "Kode pemulihan", id="unlock-recovery", show=False)
    ]

    def __init__(self) -> None:
        super().__init__(id="unlock")
        self.checking = False
        self.recovery = False  # asking the recovery code and a new passphrase

    def compose(self) -> ComposeResult:
        with Vertical(id="unlock-box"):
            yield Label(self.t("unlock.title"), id="unlock-title")
            yield Static(self.t("unlock.intro"), id="unlock-intro")
            with Vertical(id="unlock-with-passphrase"):
                yield Label(self.t("unlock.passphrase"), classes="unlock-label")
                yield Input(id="unlock-passphrase", password=True, max_length=200)
            with Vertical(id="unlock-with-code"):
                yield Label(self.t("unlock.code"), classes="unlock-label")
                yield Input(id="unlock-code", password=True, max_length=60)
                yield Label(self.t("unlock.new_passphrase", minimum=MIN_PASSPHRASE),
                            classes="unlock-label")  # fmt: skip
                yield Input(id="unlock-new", password=True, max_length=200)
                yield Label(self.t("unlock.repeat"), classes="unlock-label")
                yield Input(id="unlock-repeat", password=True, max_length=200)
            yield Static("", id="unlock-message")
            yield Static(self.t("unlock.hint"), id="unlock-hint")

    def on_mount(self) -> None:
        localize_bindings(self, self.booth.language)
        self.query_one("#unlock-with-code").display = False

    def say(self, text: str, *, error: bool = True) -> None:
        message = self.query_one("#unlock-message", Static)
        message.update(text)
        message.set_class(error, "-error")

    def field(self, name: str) -> Input:
        return self.query_one(f"#unlock-{name}", Input)

    def action_toggle_recovery(self) -> None:
        if self.checking:
            return
        self.recovery = not self.recovery
        for name in ("passphrase", "code", "new", "repeat"):
            self.field(name).clear()  # no secret stays behind the other view
        self.query_one("#unlock-with-passphrase").display = not self.recovery
        self.query_one("#unlock-with-code").display = self.recovery
        self.query_one("#unlock-box").set_class(self.recovery, "-recovery")
        prefix = "unlock.recovery_" if self.recovery else "unlock."
        self.query_one("#unlock-title", Label).update(self.t(prefix + "title"))
        self.query_one("#unlock-intro", Static).update(self.t(prefix + "intro"))
        self.query_one("#unlock-hint", Static).update(self.t(prefix + "hint"))
        self.say("", error=False)
        self.field("code" if self.recovery else "passphrase").focus()

    # -- the passphrase ---------------------------------------------------------------------

    @on(Input.Submitted, "#unlock-passphrase")
    def _passphrase_entered(self) -> None:
        if self.checking:
            return
        passphrase = self.field("passphrase")
        if not passphrase.value:
            self.say(self.t("unlock.need_passphrase"))
            return
        self.checking = True
        self.say(self.t("unlock.checking"), error=False)
        self.open_with_passphrase(passphrase.value, self._officer())
        passphrase.clear()  # never left on screen, right or wrong

    @work(thread=True, exclusive=True, group="unlock")
    def open_with_passphrase(self, passphrase: str, officer: str | None) -> None:
        try:
            self.booth.store.crypto.unlock(passphrase, remember_minutes=0, officer_code=officer)
        except CryptoError:
            self.post_message(KeyChecked("wrong"))
        except (StoreError, sqlite3.Error) as exc:
            self.post_message(KeyChecked("failed", str(exc)))
        else:
            self.post_message(KeyChecked(None))

    # -- the recovery code ------------------------------------------------------------------

    @on(Input.Submitted, "#unlock-code")
    def _code_entered(self) -> None:
        self.field("new").focus()

    @on(Input.Submitted, "#unlock-new")
    def _new_entered(self) -> None:
        self.field("repeat").focus()

    @on(Input.Submitted, "#unlock-repeat")
    def _repeat_entered(self) -> None:
        if self.checking:
            return
        code, new, repeat = self.field("code"), self.field("new"), self.field("repeat")
        problem, focus = None, None
        if not code.value.strip():
            problem, focus = self.t("unlock.need_code"), code
        elif len(new.value.strip()) < MIN_PASSPHRASE:
            problem, focus = self.t("unlock.too_short", minimum=MIN_PASSPHRASE), new
        elif new.value != repeat.value:
            problem, focus = self.t("unlock.mismatch"), new
            new.clear()
            repeat.clear()
        if problem is not None and focus is not None:
            self.say(problem)
            focus.focus()
            return
        self.checking = True
        self.say(self.t("unlock.recovering"), error=False)
        self.recover(code.value, new.value, self._officer())
        code.clear()

    @work(thread=True, exclusive=True, group="unlock")
    def recover(self, code: str, new_passphrase: str, officer: str | None) -> None:
        try:
            self.booth.store.crypto.recover(code, new_passphrase, officer_code=officer)
        except CryptoError:
            self.post_message(KeyChecked("wrong", recovery=True))
        except (StoreError, sqlite3.Error) as exc:
            self.post_message(KeyChecked("failed", str(exc), recovery=True))
        else:
            self.post_message(KeyChecked(None, recovery=True))

    # -- the outcome ------------------------------------------------------------------------

    def _officer(self) -> str | None:
        status = self.booth.status
        return status.officer_code if status else None  # for the audit log

    def on_key_checked(self, message: KeyChecked) -> None:
        self.checking = False
        if message.problem is None:
            for name in ("new", "repeat"):
                self.field(name).clear()
            self.say("", error=False)
            self.app.post_message(KeyUnlocked(recovered=message.recovery))
        elif message.problem == "wrong":
            self.say(self.t("unlock.wrong_code" if message.recovery else "unlock.wrong_passphrase"))
            self.field("code" if message.recovery else "passphrase").focus()
        else:
            self.say(self.t("unlock.failed", detail=message.detail))
