"""Command palette: the booth's main actions, searchable by name (ctrl+p), and Textual's
own entries (theme, keys, quit…) in the officer's language too: one palette, one language."""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial
from typing import Any

from textual.app import SystemCommand
from textual.command import CommandPalette, DiscoveryHit, Hit, Hits, Provider
from textual.screen import Screen

from outreach_tui.i18n import t

# (catalogue key, action on the app)
ACTIONS = (
    ("command.register", "switch_mode('register')"),
    ("command.benefits", "switch_mode('benefits')"),
    ("command.leads", "switch_mode('leads')"),
    ("command.callbacks", "open_callbacks"),
    ("command.records", "switch_mode('records')"),
    ("command.dashboard", "switch_mode('dashboard')"),
    ("command.start_of_day", "start_of_day"),
    ("command.lock_now", "lock_now"),
)


class BoothCommands(Provider):
    def _commands(self) -> list[tuple[str, str]]:
        language = getattr(self.app, "language", "id")
        booth = getattr(self.app, "store", None) is not None  # a hub's dashboard: no lock
        booth_only = ("lock_now", "open_callbacks")
        return [
            (t(key, language), action)
            for key, action in ACTIONS
            if booth or action not in booth_only
        ]

    async def discover(self) -> Hits:
        for name, action in self._commands():
            yield DiscoveryHit(name, partial(self.app.run_action, action))

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, action in self._commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), partial(self.app.run_action, action))


def system_commands(app: Any, screen: Screen[Any]) -> Iterable[SystemCommand]:
    """Textual's system entries, named from the catalogue. Quit goes through the app's
    ``action_quit`` (which asks first while something typed would be lost). Textual's
    "Screenshot" is left out: it writes an SVG of the screen, personal data included, to
    the working folder, outside the store's protections (UU 27/2022)."""
    language = getattr(app, "language", "id")

    def entry(key: str, callback: Any) -> SystemCommand:
        return SystemCommand(t(f"command.system.{key}", language),
                             t(f"command.system.{key}_help", language), callback)  # fmt: skip

    yield entry("theme", app.action_change_theme)
    yield entry("quit", app.action_quit)
    if screen.query("HelpPanel"):
        yield entry("hide_keys", app.action_hide_help_panel)
    else:
        yield entry("keys", app.action_show_help_panel)
    if screen.maximized is not None:
        yield entry("minimize", screen.action_minimize)
    elif screen.focused is not None and screen.focused.allow_maximize:
        yield entry("maximize", screen.action_maximize)


def command_palette(language: str) -> CommandPalette:
    """The palette with its search prompt in the officer's language."""
    return CommandPalette(id="--command-palette", placeholder=t("command.system.search", language))
