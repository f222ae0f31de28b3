"""What every booth screen shares: the header, the footer, translated keys and text."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from textual.events import ScreenResume
from textual.screen import Screen

from outreach_tui.i18n import t
from outreach_tui.tui.keys import FIELD_BINDINGS, FieldMoves, localize_bindings

STYLES = Path(__file__).resolve().parents[1] / "styles"  # the screens' own sheets

if TYPE_CHECKING:
    from outreach_tui.tui.app import OutreachApp


def store_problem(exc: Exception, language: str) -> str:
    """Why the store refused, as the officer reads it (a locked key in their language)."""
    from outreach_tui.store.crypto import StoreLocked

    if isinstance(exc, StoreLocked):
        return t("reg.store_locked", language)
    return str(exc)


class BoothText:
    """The booth app and its language, for any screen (booth or full-screen dialog)."""

    app: Any  # a Textual screen's app

    @property
    def booth(self) -> OutreachApp:
        return cast("OutreachApp", self.app)

    @property
    def language(self) -> str:
        return self.booth.language

    def t(self, key: str, **params: Any) -> str:
        return t(key, self.language, **params)


class BoothScreen(BoothText, FieldMoves, Screen[Any]):
    BINDINGS = FIELD_BINDINGS  # Tab moves the focus before the next key is handed on

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._localized = False
        self._resumed = False

    def officer_on_duty(self, *, event: bool = False) -> str | None:
        """The officer's code once the day is started (and an event chosen, ``event``);
        None after telling the officer to start the day first."""
        status = self.booth.status
        if status is None or not status.officer_code or (event and not status.event_id):
            self.notify(self.t("reg.need_start_of_day"), severity="error")
            return None
        return status.officer_code

    def on_mount(self) -> None:
        if not self._localized:
            localize_bindings(self, self.language)
            self._localized = True
            # No refresh_bindings() here: the screen is resumed right after it mounts, and
            # resuming refreshes the footer (one footer rebuild fewer at start-up).

    def on_screen_resume(self, event: ScreenResume) -> None:
        # Runs before Screen's own handler (subclass handlers are dispatched first). The
        # first resume follows the mount, which has just styled every widget; restyling
        # the whole screen again costs ~10 ms at start-up and changes nothing.
        if not self._resumed:
            self._resumed = True
            event.refresh_styles = False
