"""What covers the booth: the officer sign-in and screen lock, and the passphrase of an
encrypted file. A mixin of ``OutreachApp`` (Textual dispatches the message handlers of
every class in the MRO, and ``@work`` methods run on mixins too).

Each cover is the base screen of a mode of its own (``LOCK_MODE`` for the sign-in,
``KEY_MODE`` for the passphrase): the other modes' screens stay mounted underneath with
every typed character, and while one is up no mode key, palette or dialog opens over it
(``check_action`` in app.py, and the overrides of ``push_screen``, ``pop_screen`` and
``switch_mode`` here send those to the hidden mode).

- **Sign-in** (any officer has a PIN): at start-up, after ``idle_lock_minutes`` without a
  key, or on ctrl+l. The same officer's PIN returns exactly where they were; another
  officer confirms first, and the unsaved input of the one who locked it is discarded.
- **Passphrase** (the file is encrypted and no key is open in this process): at start-up
  only, before anything else. The key is opened for this process only (nothing is left
  for later commands) and forgotten when the booth quits. The sign-in, when PINs are set,
  then takes over from it directly, so nothing underneath shows in between.

Without PINs and without encryption none of the screens or the hashing code is imported.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any, ClassVar

from textual import events, work
from textual.app import App
from textual.message import Message
from textual.widget import AwaitMount

from outreach_tui.tui.messages import BoothStatusLoaded

if TYPE_CHECKING:
    from textual.await_complete import AwaitComplete
    from textual.screen import Screen
    from textual.timer import Timer

    from outreach_tui.store import Store
    from outreach_tui.store.queries import BoothStatus
    from outreach_tui.tui.screens.signin import SignedIn
    from outreach_tui.tui.screens.unlock import KeyUnlocked

    _AppBase = App[None]  # what the mixin relies on, for type checkers
else:
    _AppBase = object


@dataclass
class PinsChecked(Message):
    """Whether any officer has a PIN (asked again by "lock now" when none had at start)."""

    configured: bool


class BoothLock(_AppBase):
    """Sign-in, idle lock and passphrase for ``OutreachApp`` (see the module docstring)."""

    LOCK_MODE = "locked"  # added while locked: the sign-in covers everything
    KEY_MODE = "locked-key"  # added while the passphrase of an encrypted file is asked

    # Provided by OutreachApp.
    store: Store
    status: BoothStatus | None
    signed_in: str | None
    language: str
    ask_start_of_day: bool
    MODES: ClassVar[dict[str, str | Callable[[], Screen[Any]]]]

    def _init_lock(
        self,
        *,
        idle_lock_minutes: int = 5,
        idle_clock: Callable[[], float] = time.monotonic,
        idle_check_seconds: float = 15.0,
    ) -> None:
        self.idle_lock_minutes = idle_lock_minutes
        self.idle_check_seconds = idle_check_seconds
        self._idle_clock = idle_clock
        self._last_input = idle_clock()
        self._idle_timer: Timer | None = None
        self.signin_required = False  # any officer has a PIN (read in on_load)
        self.key_enabled = False  # the file is encrypted (read in on_load)
        self.key_required = False  # ... and its key is not open in this process
        self._locked_from: str | None = None  # while locked: the mode to go back to
        self._remembered_officer: str | None = None

    if TYPE_CHECKING:  # OutreachApp's

        def t(self, key: str, **params: object) -> str: ...
        def _read_status(self) -> BoothStatus: ...
        def booth_opened(self) -> None: ...
        def action_start_of_day(self) -> None: ...

    # -- the cover --------------------------------------------------------------------------

    @property
    def locked(self) -> bool:
        return self._locked_from is not None

    def _cover(self, screen: Callable[[], Screen[Any]], mode: str) -> AwaitMount:
        """Open ``screen`` as the base of ``mode`` (a lock mode) over everything; the mode
        to go back to is the one under the lock (or under the cover it replaces)."""
        if self._locked_from is None:
            self._locked_from = self.current_mode
        self.add_mode(mode, screen)
        return super().switch_mode(mode)

    async def _uncover(self, back_to: str, mode: str) -> None:
        self._locked_from = None
        await self.switch_mode(back_to)
        await self.remove_mode(mode)

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, (events.Key, events.MouseDown)):
            self._last_input = self._idle_clock()
        await super().on_event(event)

    # -- the passphrase of an encrypted file ------------------------------------------------

    def ask_passphrase(self) -> None:
        """Cover everything with the passphrase screen (start-up, encrypted and locked)."""
        from outreach_tui.tui.screens.unlock import UnlockScreen

        self._cover(UnlockScreen, self.KEY_MODE)

    async def on_key_unlocked(self, message: KeyUnlocked) -> None:
        self.key_required = False
        if message.recovered:
            self.notify(self.t("unlock.recovered"))
        if self.signin_required:
            # From one cover straight to the other: the form underneath never shows before
            # the PIN. The start of day follows the sign-in.
            await self._cover(self._sign_in_screen("start")[0], self.LOCK_MODE)
            await self.remove_mode(self.KEY_MODE)
        else:
            await self._uncover(self._locked_from or self.DEFAULT_MODE, self.KEY_MODE)
            if self.ask_start_of_day:
                self.action_start_of_day()
        self.booth_opened()

    def forget_key(self) -> None:
        """Forget the key this process holds (a session left by ``outreach unlock`` for
        later commands stays: the booth did not make it, and ``outreach lock`` ends it)."""
        if self.key_enabled:
            self.store.crypto.forget()

    # -- sign-in and the screen lock --------------------------------------------------------

    def _sign_in_screen(self, reason: str) -> tuple[Callable[[], Screen[Any]], str | None]:
        """The sign-in screen's factory for ``reason`` and the officer it is locked for."""
        from outreach_tui.tui.screens.signin import SignInScreen

        status = self.status
        officer = None
        if reason != "start":
            officer = self.signed_in or (status.officer_code if status else None)
        name = status.officer_name if status and status.officer_code == officer else None
        factory = partial(SignInScreen, officer_code=officer or self._remembered_officer,
                          locked_by=officer, locked_by_name=name, reason=reason,
                          idle_minutes=self.idle_lock_minutes)  # fmt: skip
        return factory, officer

    def lock(self, reason: str) -> None:
        """Cover everything with the sign-in screen (``reason``: start, idle, manual)."""
        if self.locked:
            return
        factory, officer = self._sign_in_screen(reason)
        self._cover(factory, self.LOCK_MODE)
        if officer is not None:
            self.record_session("officer.locked", officer, reason)

    def action_lock_now(self) -> None:
        if self.locked:
            return
        if self.signin_required:
            self.lock("manual")
        else:
            self.check_pins()  # a PIN may have been set since the booth started

    @work(thread=True, exclusive=True, group="pins")
    def check_pins(self) -> None:
        from outreach_tui.store.officer_pins import pins_configured

        self.post_message(PinsChecked(pins_configured(self.store.database)))

    def on_pins_checked(self, message: PinsChecked) -> None:
        self.signin_required = message.configured
        if message.configured:
            self.lock("manual")
        else:
            self.notify(self.t("signin.no_pins"), severity="warning")

    async def on_signed_in(self, message: SignedIn) -> None:
        back_to = self._locked_from or self.DEFAULT_MODE
        first = self.signed_in is None and message.switched_from is None
        self._locked_from = None
        # Before the screens underneath show again: their forms look for this officer's
        # draft as they resume (tui/drafts.py).
        self.signed_in = message.officer_code
        if message.switched_from is not None:
            self.record_session("officer.sign_out", message.switched_from, "switched")
            await self._discard_open_screens()
            back_to = "register"
        await self._uncover(back_to, self.LOCK_MODE)
        self._last_input = self._idle_clock()
        if self._idle_timer is None and self.idle_lock_minutes > 0:
            self._idle_timer = self.set_interval(self.idle_check_seconds, self.lock_if_idle)
        if self.status is None or self.status.officer_code != message.officer_code:
            self.set_officer(message.officer_code)
        if message.switched_from is not None:
            self.notify(self.t("signin.welcome", officer=message.officer_code))
        if first and self.ask_start_of_day:
            self.action_start_of_day()

    async def _discard_open_screens(self) -> None:
        """Another officer took over: every mode starts again from its base screen."""
        from outreach_tui.tui.screens.registration import RegistrationScreen

        for mode, base in {**self.MODES, "register": RegistrationScreen}.items():
            await self.remove_mode(mode)
            self.add_mode(mode, base)

    def lock_if_idle(self) -> None:
        """Lock after ``idle_lock_minutes`` without a key press (runs on a timer)."""
        if self.locked or self.signed_in is None or self.idle_lock_minutes <= 0:
            return
        if self._idle_clock() - self._last_input >= self.idle_lock_minutes * 60:
            self.lock("idle")

    @work(thread=True, group="signin-officer")
    def set_officer(self, officer_code: str) -> None:
        """Signing in sets today's officer, as the start of day does."""
        self.store.settings.set("officer_code", officer_code)
        self.post_message(BoothStatusLoaded(self._read_status()))

    @work(thread=True, group="session-audit")
    def record_session(self, action: str, officer_code: str, reason: str) -> None:
        self.store.officers.record_session(action, officer_code, reason=reason)

    async def action_quit(self) -> None:
        if self.signed_in is not None:
            # Synchronous: a worker would not outlive the exit. One small write.
            self.store.officers.record_session("officer.sign_out", self.signed_in, reason="quit")
        self.forget_key()
        await super().action_quit()

    def on_unmount(self) -> None:
        self.forget_key()  # every other way out (app.exit(), an error) forgets it too

    # While locked, screens underneath may still finish work (a save's worker) and push or
    # dismiss a screen: those go to the hidden mode, never on top of the lock.
    def push_screen(
        self,
        screen: Screen[Any] | str,
        callback: Callable[[Any], Any] | None = None,
        wait_for_dismiss: bool = False,
        *,
        mode: str | None = None,
    ) -> Any:
        if mode is None and self._locked_from is not None:
            mode = self._locked_from
        return super().push_screen(screen, callback, wait_for_dismiss, mode=mode)  # type: ignore[call-overload]

    def pop_screen(self) -> AwaitComplete:
        covered = self.current_mode in (self.LOCK_MODE, self.KEY_MODE)
        if self.locked and covered and len(self.screen_stack) == 1:
            # Only a screen under the lock can ask for this (Screen.dismiss pops the top of
            # the current stack): pop it from its own stack.
            from outreach_tui.tui.textual_private import pop_hidden_screen

            return pop_hidden_screen(self, self._locked_from or "")
        return super().pop_screen()

    def switch_mode(self, mode: str) -> AwaitMount:
        if self._locked_from is not None and mode not in (self.LOCK_MODE, self.KEY_MODE):
            self._locked_from = mode  # shown once unlocked
            return AwaitMount(self.screen, [])
        return super().switch_mode(mode)
