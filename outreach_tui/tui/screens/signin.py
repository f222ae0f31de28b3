"""Officer sign-in on a shared laptop, and the lock screen that covers the booth.

The booth opens here when any officer on this laptop has a PIN; the same screen covers
everything when the booth locks (idle, or "lock now"). It is the base screen of its own
mode (``OutreachApp.LOCK_MODE``), so the screens underneath keep every typed character.
The PIN is checked in a thread worker (scrypt takes tens of milliseconds); the outcome
goes to the app as ``SignedIn``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Input, Label, Static

from outreach_tui.store import StoreError
from outreach_tui.tui.screens.base import STYLES, BoothText

if TYPE_CHECKING:
    from outreach_tui.store.officers_auth import PinCheck


@dataclass
class SignedIn(Message):
    """An officer gave the right PIN (and, taking over a locked screen, confirmed)."""

    officer_code: str
    switched_from: str | None  # the officer whose unsaved input is to be discarded


@dataclass
class PinChecked(Message):
    check: PinCheck | None
    error: str | None = None


class SignInScreen(BoothText, Screen[None]):
    # Loaded when the screen first opens: booths without PINs never parse it.
    CSS_PATH = STYLES / "signin.tcss"
    AUTO_FOCUS = None  # on_mount focuses the code or, when it is known, the PIN

    def __init__(
        self,
        *,
        officer_code: str | None = None,
        locked_by: str | None = None,
        locked_by_name: str | None = None,
        reason: str = "start",
        idle_minutes: int = 0,
    ) -> None:
        """``locked_by``: the officer whose session this screen covers (None at start-up);
        ``reason``: ``start``, ``idle`` or ``manual``."""
        super().__init__(id="signin")
        self.prefill = officer_code or locked_by or ""
        self.locked_by = locked_by
        self.locked_by_name = locked_by_name
        self.reason = reason
        self.idle_minutes = idle_minutes
        self.checking = False

    def compose(self) -> ComposeResult:
        with Vertical(id="signin-box"):
            if self.locked_by:
                who = " ".join(filter(None, [self.locked_by, self.locked_by_name]))
                yield Label(self.t("signin.locked_title", officer=who), id="signin-title")
                intro = self.t("signin.locked_intro")
                if self.reason == "idle":
                    intro = self.t("signin.idle", minutes=self.idle_minutes) + " " + intro
            else:
                yield Label(self.t("signin.title"), id="signin-title")
                intro = self.t("signin.intro")
            yield Static(intro, id="signin-intro")
            yield Label(self.t("signin.officer"), classes="signin-label")
            yield Input(self.prefill, id="signin-officer", max_length=20)
            yield Label(self.t("signin.pin"), classes="signin-label")
            yield Input(id="signin-pin", password=True, restrict=r"[0-9]*", max_length=12)
            yield Static("", id="signin-message")
            yield Static(self.t("signin.hint"), id="signin-hint")

    def on_mount(self) -> None:
        target = "#signin-pin" if self.prefill else "#signin-officer"
        self.query_one(target, Input).focus()

    def say(self, text: str, *, error: bool = True) -> None:
        message = self.query_one("#signin-message", Static)
        message.update(text)
        message.set_class(error, "-error")

    @on(Input.Submitted, "#signin-officer")
    def _code_entered(self) -> None:
        self.query_one("#signin-pin", Input).focus()

    @on(Input.Submitted, "#signin-pin")
    def _pin_entered(self) -> None:
        self.attempt()

    def attempt(self) -> None:
        if self.checking:
            return
        code = self.query_one("#signin-officer", Input).value.strip().upper()
        pin = self.query_one("#signin-pin", Input)
        if not code:
            self.say(self.t("signin.need_code"))
            self.query_one("#signin-officer", Input).focus()
            return
        if not pin.value:
            self.say(self.t("signin.need_pin"))
            pin.focus()
            return
        self.checking = True
        self.say(self.t("signin.checking"), error=False)
        self.check_pin(code, pin.value)
        pin.clear()  # the PIN never stays on screen, right or wrong

    @work(thread=True, exclusive=True, group="signin")
    def check_pin(self, code: str, pin: str) -> None:
        try:
            check = self.booth.store.officers.verify_pin(code, pin)
        except StoreError as exc:
            self.post_message(PinChecked(None, str(exc)))
            return
        self.post_message(PinChecked(check))

    def on_pin_checked(self, message: PinChecked) -> None:
        self.checking = False
        check = message.check
        if check is None:
            self.say(self.t("signin.failed", detail=message.error))
            return
        if not check.ok:
            self.say(self._reason(check))
            self.query_one("#signin-pin", Input).focus()
            return
        self.say("", error=False)
        previous = self.locked_by
        if previous is None or previous == check.officer_code:
            self.app.post_message(SignedIn(check.officer_code, None))
            return
        self._confirm_switch(check.officer_code, previous)

    def _reason(self, check: PinCheck) -> str:
        if check.reason == "locked":
            until = check.locked_until
            shown = (
                datetime.fromisoformat(until).astimezone().strftime("%H:%M:%S") if until else "?"
            )
            return self.t("signin.locked", officer_code=check.officer_code, until=shown,
                          seconds=check.retry_after_s)  # fmt: skip
        return self.t(f"signin.{check.reason}", officer_code=check.officer_code,
                      attempts_left=check.attempts_left)  # fmt: skip

    def _confirm_switch(self, officer: str, previous: str) -> None:
        """Another officer takes over a locked booth: the first officer's unsaved input is
        discarded, but only after the new officer says so (the PIN was right already)."""
        from outreach_tui.tui.dialogs.confirm import ConfirmDialog

        def answered(yes: bool | None) -> None:
            if yes:
                self.app.post_message(SignedIn(officer, previous))
            else:
                self.say(self.t("signin.switch_cancelled", previous=previous), error=False)
                self.query_one("#signin-officer", Input).value = previous

        dialog = ConfirmDialog(
            self.t("signin.switch_title", officer=officer),
            self.t("signin.switch_body", previous=previous),
            confirm=self.t("signin.switch_yes"),
            cancel=self.t("signin.switch_no"),
        )
        # Into the lock's own stack: while locked, other pushes go under the lock.
        self.app.push_screen(dialog, answered, mode=self.booth.LOCK_MODE)
