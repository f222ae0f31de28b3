"""The footer every booth screen shows: Textual's, rebuilt only when its keys change."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.widgets import Footer


class BoothFooter(Footer):
    """Textual's Footer rebuilds itself (a widget per key) for every bindings change.

    When a screen opens, its focus, mount and resume each report a change, and later focus
    moves between inputs report more, mostly with the same keys to show. A rebuild that
    would show exactly the keys already shown is skipped.
    """

    _shown: Any = None

    def _keys(self) -> Any:
        """Everything Footer.compose reads, to tell whether a rebuild would change it."""
        if not self._bindings_ready:
            return None
        active = self.screen.active_bindings
        palette = active.get(self.app.COMMAND_PALETTE_BINDING)
        return (
            self.compact,
            self.show_command_palette,
            palette[1:] if palette else None,
            tuple(
                (binding, enabled, tooltip)
                for (_, binding, enabled, tooltip) in active.values()
                if binding.show
            ),
        )

    def compose(self) -> ComposeResult:
        self._shown = self._keys()  # what this build shows
        yield from super().compose()

    async def recompose(self) -> None:
        if not self.is_attached:
            return  # its screen has gone (Footer.recompose does nothing then either)
        keys = self._keys()
        if keys is not None and keys == self._shown:
            return
        await super().recompose()
