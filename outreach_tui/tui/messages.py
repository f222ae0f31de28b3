"""Messages workers post back to the UI thread (past tense: something happened)."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message

from outreach_tui.store.queries import BoothStatus


@dataclass
class BoothStatusLoaded(Message):
    status: BoothStatus


@dataclass
class BoothChanged(Message):
    """Officer or event switched (start of day, or from the palette)."""

    officer_code: str
    event_id: str


@dataclass(frozen=True)
class LeadPrefill:
    """A lead who registers after all: the form starts from what they gave, and the saved
    registration is linked back to the lead."""

    lead_uuid: str
    full_name: str
    phone: str


@dataclass
class RegistrationPrefilled(Message):
    """The benefits explainer (or the call-back list) hands its choices to the form."""

    sector: str | None
    declared_income: int | None
    jht: bool
    lead: LeadPrefill | None = None
