"""The line at the top of every booth screen: who, where, today's count, waiting for sync.

With officer PINs (a shared laptop) it names the officer signed in, with the lock key."""

from __future__ import annotations

from rich.text import Text
from textual.reactive import reactive
from textual.widgets import Static

from outreach_tui.i18n import t
from outreach_tui.store.queries import BoothStatus


class BoothHeader(Static):
    DEFAULT_CSS = """
    BoothHeader {
        dock: top;
        height: 1;
        background: $primary;
        color: $text;
        padding: 0 1;
    }
    """

    status: reactive[BoothStatus | None] = reactive(None)

    def __init__(self, language: str, *, id: str | None = "booth-header") -> None:
        super().__init__(id=id)
        self.language = language

    def on_mount(self) -> None:
        # Every screen has its own header; all follow the app's status and sign-in.
        self.watch(self.app, "status", self._follow, init=True)
        if hasattr(self.app, "signed_in"):
            self.watch(self.app, "signed_in", self._signed_in, init=False)

    def _follow(self, status: BoothStatus | None) -> None:
        self.status = status

    def _signed_in(self, _: str | None) -> None:
        self.refresh()

    def render(self) -> Text:
        lang = self.language
        brand = Text("outreach", style="bold")
        status = self.status
        if status is None:
            return brand + Text(" · " + t("home.loading", lang))
        who = Text()
        signed_in = getattr(self.app, "signed_in", None)
        if signed_in is not None:
            # A shared laptop: who is signed in (name from the status once it follows).
            name = status.officer_name if status.officer_code == signed_in else None
            who.append(" ".join(filter(None, [signed_in, name])), style="bold")
            who.append(" " + t("header.lock_hint", lang), style="italic")
        else:
            who.append(status.officer_code or t("home.not_set_up", lang))
        today = t("header.today", lang, owners=status.today_owners,
                  workers=status.today_workers, leads=status.today_leads)  # fmt: skip
        pending = t("header.pending", lang, pending=status.pending_sync)
        event = status.event_name or ""

        # Who, today's counts and what waits for sync always show; when the line is too
        # long (80 columns) the app's name gives way first, then the event name is cut.
        width = self.content_region.width or 10_000
        fixed = who.cell_len + len(today) + len(pending) + 6  # two " · " separators

        def length(with_brand: bool, event: str) -> int:
            return fixed + (len(brand) + 3 if with_brand else 0) + (len(event) + 3 if event else 0)

        with_brand = length(True, event) <= width
        if not with_brand and length(False, event) > width:
            room = width - length(False, "") - 3
            event = event[: room - 1] + "…" if room >= 8 else ""
        text = Text(no_wrap=True, overflow="ellipsis")
        for part in (brand if with_brand else None, who, event, today):
            if part:
                text.append(" · " if text else "")
                text.append(part)
        text.append(" · ")
        text.append(pending, style="bold" if status.pending_sync else "")
        return text
