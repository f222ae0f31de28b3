"""The WhatsApp panel under a list of people to contact (call-backs, payment reminders).

It shows the selected person's number and the prefilled message; ctrl+y on the screen
copies the whole link, which carries the message and is too long to show.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.screen import Screen
from textual.widgets import Static

from outreach_tui.i18n import t


class WhatsAppDetail(Static):
    def __init__(self, language: str, *, link_key: str, id: str) -> None:
        super().__init__("", id=id)
        self.language = language
        self.link_key = link_key  # the line naming the number, with {link}

    def show(self, contact: tuple[str, str | None] | None) -> None:
        """The number of the (message, link) ``contact`` over its message (a link of None:
        the phone has no WhatsApp); an empty panel for None (no row selected)."""
        if contact is None:
            self.update("")
            return
        message, link = contact
        text = Text()
        if link:
            short = link.split("?", 1)[0].removeprefix("https://")
            text.append(t(self.link_key, self.language, link=short), style="bold")
        else:
            text.append(t("lead.callback.no_link", self.language), style="bold")
        text.append("\n" + message, style="dim")
        self.update(text)


def copy_whatsapp_link(
    screen: Screen[Any], link: str | None, *, copied: str, language: str
) -> None:
    """Put ``link`` on the clipboard and say ``copied``, or warn that there is none."""
    if link is None:
        screen.notify(t("lead.callback.no_link", language), severity="warning")
        return
    screen.app.copy_to_clipboard(link)
    screen.notify(copied)
