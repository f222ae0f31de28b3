"""Calling leads back: which are due, and the WhatsApp message an officer sends.

Pure: dates in, text out. The message template lives in the catalogue
(``lead.callback.message``) so a branch can reword it without code.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from urllib.parse import quote

from outreach_tui.i18n import DEFAULT_LANGUAGE, t

# What came of a call-back (the store's lead_callbacks.outcome). The closing ones take the
# lead off the call-back list; "registered" is written by a conversion only.
OUTCOMES = ("interested", "call_again", "no_answer", "declined", "wrong_number", "registered")
CLOSING = frozenset({"declined", "wrong_number"})
# Default next call-back after an outcome that keeps the lead open, in days.
NEXT_CALL_DAYS = {"interested": 7, "call_again": 7, "no_answer": 2}


@dataclass(frozen=True)
class Due:
    """Where a lead's follow-up date stands on ``today``."""

    follow_up_on: date
    days_overdue: int  # 0: due today

    @property
    def overdue(self) -> bool:
        return self.days_overdue > 0


def due_on(follow_up_on: str | None, today: date) -> Due | None:
    """The lead's standing, or None when it is not due yet (or has no date)."""
    if not follow_up_on:
        return None
    try:
        when = date.fromisoformat(follow_up_on)
    except ValueError:
        return None
    if when > today:
        return None
    return Due(when, (today - when).days)


def default_next_call(outcome: str, today: date) -> date | None:
    days = NEXT_CALL_DAYS.get(outcome)
    return today + timedelta(days=days) if days is not None else None


def whatsapp_message(
    *, name: str, officer_name: str, event_name: str, language: str = DEFAULT_LANGUAGE
) -> str:
    return t(
        "lead.callback.message",
        language,
        name=name.strip() or "-",
        officer=officer_name.strip() or "-",
        event=event_name.strip() or "-",
    )


def whatsapp_link(phone_e164: str, message: str) -> str | None:
    """A ``wa.me`` click-to-chat link (digits of the E.164 number, no ``+``), with the
    message prefilled; None for a number that is not E.164."""
    digits = phone_e164.removeprefix("+")
    if not phone_e164.startswith("+") or not digits.isdigit():
        return None
    return f"https://wa.me/{digits}?text={quote(message, safe='')}"
