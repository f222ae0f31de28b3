"""The footer every booth screen shows: Textual's, rebuilt only when its keys change."""

from __future__ import annotations

from typing import Any

from textual.screen import Screen
from textual.widgets import Footer


class BoothFooter(Footer):
    """Textual's Footer queues a full rebuild (a widget per key) for every bindings change.

    When a screen opens, focus, mount and resume each report a change before the first
    refresh, and focus moves report one after it, so the same keys were rebuilt three
    times. Here one queued rebuild serves every request made before it runs, and a rebuild
    that would show exactly the keys already shown is skipped.
    """

    _rebuild_queued = False
    _shown: Any = None

    def bindings_changed(self, screen: Screen) -> None:
        # The conditions under which Footer.bindings_changed queues a rebuild.
        queues = screen.app.app_focus and self.is_attached and screen is self.screen
        if queues and self._rebuild_queued:
            return
        super().bindings_changed(screen)
        if queues:
            self._rebuild_queued = True

    def _keys(self) -> Any:
        """Everything Footer.compose reads, to tell whether a rebuild would change it."""
        if not self._bindings_ready:
            return None
        return (
            self.compact,
            self.show_command_palette,
            tuple(
                (binding, enabled, tooltip)
                for (_, binding, enabled, tooltip) in self.screen.active_bindings.values()
            ),
        )

    async def recompose(self) -> None:
        self._rebuild_queued = False
        if not self.is_attached:
            return  # its screen has gone (Footer.recompose does nothing then either)
        keys = self._keys()
        if keys is not None and keys == self._shown:
            return
        self._shown = keys
        await super().recompose()
