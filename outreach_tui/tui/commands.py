"""Command palette: the booth's main actions, searchable by name (ctrl+p)."""

from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

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
