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
        signed_in = getattr(self.app, "signed_in", None)
        code = signed_in or status.officer_code or t("home.not_set_up", lang)
        # A shared laptop shows who is signed in (name once the status follows) and the
        # lock key; a single officer's laptop just the officer code.
        name = status.officer_name if signed_in and status.officer_code == signed_in else ""
        hint = t("header.lock_hint", lang) if signed_in else ""
        event = status.event_name or ""
        today = t("header.today", lang, owners=status.today_owners,
                  workers=status.today_workers, leads=status.today_leads)  # fmt: skip
        pending = t("header.pending", lang, pending=status.pending_sync)

        # The officer code, today's counts and what waits for sync always show. When the
        # line is too long (80 columns) the rest gives way in this order: the app's name,
        # the event name (cut, then dropped), the lock hint, the officer's name.
        width = self.content_region.width or 10_000
        show_brand = True
        shown = {"event": event, "hint": hint, "name": name}

        def line() -> Text:
            who = Text(code, style="bold" if signed_in else "")
            for extra, style in ((shown["name"], "bold"), (shown["hint"], "italic")):
                if extra:
                    who.append(" " + extra, style=style)
            text = Text(no_wrap=True, overflow="ellipsis")
            for part in (brand if show_brand else "", who, shown["event"], today):
                if part:
                    text.append(" · " if text else "")
                    text.append(part)
            text.append(" · ")
            text.append(pending, style="bold" if status.pending_sync else "")
            return text

        text = line()
        for give_way in ("brand", "event", "hint", "name"):
            if text.cell_len <= width:
                break
            if give_way == "event" and event:
                room = len(event) - (text.cell_len - width)
                shown["event"] = event[: room - 1] + "…" if room >= 8 else ""
            elif give_way == "brand":
                show_brand = False
            else:
                shown[give_way] = ""
            text = line()
        return text
