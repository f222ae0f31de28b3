"""What every booth screen shares: the header, the footer, translated keys and text."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from textual.screen import Screen

from outreach_tui.i18n import t
from outreach_tui.tui.keys import localize_bindings

if TYPE_CHECKING:
    from outreach_tui.tui.app import OutreachApp


class BoothScreen(Screen[Any]):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._localized = False

    @property
    def booth(self) -> OutreachApp:
        return cast("OutreachApp", self.app)

    @property
    def language(self) -> str:
        return self.booth.language

    def t(self, key: str, **params: Any) -> str:
        return t(key, self.language, **params)

    def on_mount(self) -> None:
        if not self._localized:
            localize_bindings(self, self.language)
            self._localized = True
            # No refresh_bindings() here: the screen is resumed right after it mounts, and
            # resuming refreshes the footer (one footer rebuild fewer at start-up).
