"""Nothing typed is lost: a form in progress is kept as a draft in the laptop's file.

``DraftKeeper`` belongs to one form screen (the owner's registration, the workers' rows,
the lead form). The screen tells it about every change; ``DEBOUNCE_S`` after the last
one it collects the form's values on the UI thread and writes them in a thread worker
(store/drafts.py; sealed when encryption is on), so a key press never waits for the
disk. It also writes at once when the screen is covered (a dialog, another mode, the
idle lock) and, synchronously, when the booth quits.

The first time the form shows with the booth unlocked, the keeper reads the officer's
draft in a worker and the screen refills itself from it, with a one-line notice.

Ordering: every write or delete gets the next *revision* on the UI thread and runs only
if, inside its transaction (under the store's writer lock), no newer revision ran and no
save took the form over since (``hand_over``): a late write can never bring back a draft
that the record's save (which deletes it in its own transaction) or ctrl+n removed.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from textual.events import ScreenResume, ScreenSuspend
from textual.message import Message

from outreach_tui.domain import localtime
from outreach_tui.store.drafts import Draft, DraftKey

if TYPE_CHECKING:
    from textual.timer import Timer

    from outreach_tui.tui.app import OutreachApp
    from outreach_tui.tui.screens.base import BoothScreen

DEBOUNCE_S = 0.6  # after the last change; a burst of typing costs one write
NOTICE_TIMEOUT_S = 12.0


@dataclass
class DraftChecked(Message):
    """The officer's draft of one form kind was read (``draft`` None: there is none)."""

    kind: str
    officer_code: str
    draft: Draft | None


def current_officer(app: OutreachApp) -> str | None:
    """The officer whose draft this is: the one signed in, else today's officer."""
    if app.signed_in:
        return app.signed_in
    return app.status.officer_code if app.status is not None else None


def officer_known(app: OutreachApp) -> bool:
    """Whose drafts to show is settled: the booth is open, not under the passphrase or a
    lock, and signed in when officers have PINs (at start-up the form may show before
    the cover is up: another officer must never see this one's draft)."""
    if app.locked or app.key_required:
        return False
    return not (app.signin_required and app.signed_in is None)


def restored_at(updated_at: str, app: OutreachApp) -> str:
    """When the draft was last changed, in the booth's zone: ``23:41`` today, else with
    the date."""
    moment = localtime.local_time(updated_at, app.time_zone)
    if moment.date() == app.today():
        return f"{moment:%H:%M}"
    return f"{moment:%d-%m-%Y %H:%M}"


class DraftKeeper:
    """Keeps one form's draft (see the module docstring). UI thread only, except
    ``_apply``, which runs in a worker."""

    def __init__(
        self,
        screen: BoothScreen,
        kind: str,
        *,
        collect: Callable[[], dict[str, Any] | None],
        fill: Callable[[Draft], bool],
        notice_key: str,
    ) -> None:
        """``collect``: the form's values, None when there is nothing worth keeping.
        ``fill``: refill the form from a draft; False when it does not apply (say, a
        workers' draft of another owner, or the officer has typed meanwhile)."""
        self.screen = screen
        self.kind = kind
        self._collect = collect
        self._fill = fill
        self._notice_key = notice_key
        self.checked = False  # the stored draft was looked for (writes wait until then)
        self._checking = False
        self._notice: str | None = None  # shown once the form is on top
        self._officer_fallback = ""  # today's officer from the file, before the status is in
        self._dirty = False
        self._changed_at = 0.0
        self._timer: Timer | None = None
        self._paused = False  # a save holds the form
        self._closed = False  # the form was given up (its screen is leaving): no more writes
        self._revision = 0
        self._applied = 0  # the newest revision written (set inside the transaction)
        self._barrier = 0  # revisions up to it were taken over by a save
        self._keys: set[DraftKey] = set()  # keys a draft of this form may be stored under
        self._maybe_stored = True  # unknown until checked

    @property
    def booth(self) -> OutreachApp:
        return cast("OutreachApp", self.screen.app)

    def key(self) -> DraftKey:
        return DraftKey(self.kind, current_officer(self.booth) or self._officer_fallback)

    # -- finding the draft --------------------------------------------------------------

    def resumed(self) -> None:
        """The screen is on top: look for the draft once (never under the lock, whose
        officer and key are not known yet), or show a notice kept for this moment."""
        if self._notice is not None:
            self.screen.notify(self._notice, timeout=NOTICE_TIMEOUT_S)
            self._notice = None
        if self.checked or self._checking or not officer_known(self.booth):
            return
        self._checking = True
        officer = current_officer(self.booth)
        self.screen.run_worker(
            lambda: self._look_up(officer), thread=True, group="draft-check", exit_on_error=False
        )

    def set_draft(self, draft: Draft) -> None:
        """A draft found elsewhere (the booth's start found the workers' draft for this
        screen): fill from it as if this keeper had looked it up."""
        self._checking = True
        self.found(DraftChecked(self.kind, draft.key.officer_code, draft))

    def _look_up(self, officer: str | None) -> None:
        store = self.booth.store
        try:
            officer = officer or store.settings.get("officer_code") or ""
            draft = store.drafts.get(DraftKey(self.kind, officer))
        except Exception:  # a busy or locked file: the form simply starts empty
            draft = None
            officer = officer or ""
        self.screen.post_message(DraftChecked(self.kind, officer, draft))

    def found(self, message: DraftChecked) -> None:
        """On the UI thread: refill the form from the draft, say so, then start keeping."""
        if message.kind != self.kind or self.checked:
            return
        self.checked, self._checking = True, False
        self._officer_fallback = message.officer_code
        draft = message.draft
        if draft is None:
            self._maybe_stored = False
        else:
            self._keys.add(draft.key)
            if self._fill(draft):
                text = self.screen.t(
                    self._notice_key, time=restored_at(draft.updated_at, self.booth)
                )
                if self.booth.screen is self.screen:
                    self.screen.notify(text, timeout=NOTICE_TIMEOUT_S)
                else:
                    self._notice = text  # under the start of day: when the form shows
        if self._dirty:
            self._arm(DEBOUNCE_S)

    # -- keeping it -----------------------------------------------------------------------

    def changed(self) -> None:
        """Something in the form changed: write it ``DEBOUNCE_S`` after the last change."""
        if self._closed:
            return
        self._dirty = True
        self._changed_at = time.monotonic()
        if self._timer is None and self.checked and not self._paused:
            self._arm(DEBOUNCE_S)

    def _arm(self, delay: float) -> None:
        self._timer = self.screen.set_timer(delay, self._due, name="draft-debounce")

    def _due(self) -> None:
        self._timer = None
        if not self._dirty or self._paused:
            return
        wait = DEBOUNCE_S - (time.monotonic() - self._changed_at)
        if wait > 0.02:
            self._arm(wait)  # typed again meanwhile: one timer per pause, not per key
            return
        self.flush()

    def flush(self, *, sync: bool = False) -> None:
        """Write what changed now (``sync``: on this thread, for the quit)."""
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        if not self._dirty or not self.checked or self._paused or self._closed:
            return
        self._dirty = False
        self._issue(self._collect(), sync=sync)

    def _issue(self, values: dict[str, Any] | None, *, sync: bool = False) -> None:
        if values is None and not self._maybe_stored:
            return  # an empty form and nothing stored: no write at all
        key = self.key()
        self._revision += 1
        revision, others = self._revision, set(self._keys) - {key}
        if values is None:
            self._keys.clear()
            self._maybe_stored = False
        else:
            self._keys = {key}
            self._maybe_stored = True

        def job() -> None:
            self._apply(revision, key, others, values)

        if sync:
            job()
        else:
            self.booth.run_worker(job, thread=True, group="draft-write", exit_on_error=False)

    def _apply(
        self, revision: int, key: DraftKey, others: set[DraftKey], values: dict[str, Any] | None
    ) -> None:
        def claim() -> bool:  # inside the write transaction, under the writer's lock
            if revision <= self._applied or revision <= self._barrier:
                return False
            self._applied = revision
            return True

        drafts = self.booth.store.drafts
        try:
            if values is None:
                drafts.discard({key, *others}, claim=claim)
            else:
                drafts.put(key, values, replaces=others, claim=claim)
        except Exception:  # a busy, full or locked file: the next change tries again
            self._dirty = not self._closed

    # -- saves and clears -------------------------------------------------------------------

    def hand_over(self) -> list[DraftKey]:
        """A save starts: no draft write from now on may land after it; returns the keys
        the save deletes in its own transaction."""
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        self._paused, self._dirty = True, False
        self._revision += 1
        self._barrier = self._revision
        return sorted({self.key(), *self._keys}, key=lambda k: k.officer_code)

    def save_failed(self) -> None:
        """The save was rolled back (its delete too): keep writing, from the form as it is."""
        self._paused = False
        self.changed()

    def saved(self) -> None:
        """The record and the deletion of its draft are committed. Writes stay paused
        until the form is cleared for the next visitor (``discard``)."""
        self._keys.clear()
        self._maybe_stored = False

    def discard(self, *, close: bool = False) -> None:
        """The form is emptied (ctrl+n, or after a save): delete its draft now. ``close``:
        the form is given up and its screen leaves with the values still in it, so no
        later change or suspend may write them back."""
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        self._paused, self._dirty = False, False
        if self.checked:
            self._issue(None)
        self._closed = close


class DraftForm:
    """Mixin for a form screen with a ``drafts`` keeper (None: no draft, e.g. a correction
    of a saved record). Textual calls the handlers of every class in the MRO."""

    drafts: DraftKeeper | None = None

    def on_screen_resume(self, _: ScreenResume) -> None:
        if self.drafts is not None:
            self.drafts.resumed()

    def on_screen_suspend(self, _: ScreenSuspend) -> None:
        if self.drafts is not None:
            self.drafts.flush()  # covered by a dialog, another mode or the lock

    # Every typed character, tick and choice (Textual calls these beside the screen's own).
    def on_input_changed(self, _: Message) -> None:
        if self.drafts is not None:
            self.drafts.changed()

    on_checkbox_changed = on_input_changed
    on_choice_changed = on_input_changed

    def on_draft_checked(self, message: DraftChecked) -> None:
        if self.drafts is not None:
            self.drafts.found(message)


def flush_all(forms: Any) -> None:
    """At quit: every open form's pending change, written before the process ends."""
    for form in list(forms):
        keeper = getattr(form, "drafts", None)
        if isinstance(keeper, DraftKeeper):
            try:
                keeper.flush(sync=True)
            except Exception:  # never keep the booth from quitting
                continue
