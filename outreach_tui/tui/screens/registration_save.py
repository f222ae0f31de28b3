"""What the registration form's save worker writes, and the reply it posts to the screen.

A new owner is saved with the officer's drafts discarded in the same transaction; then
the lead the form was filled from is linked (a failure there only says so), and when no
workers follow, the receipt is built from the saved row so the receipt screen shows at
once. A correction saves a new version of the row. Every failure, not only the store's
own (a file locked past the busy timeout, a full disk, an I/O error), becomes one line:
the transaction was rolled back and the form stays as typed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.message import Message

from outreach_tui.i18n import t
from outreach_tui.tui.save_problem import save_problem

if TYPE_CHECKING:
    from outreach_tui.domain.models import Registration
    from outreach_tui.reports.receipt import Receipt
    from outreach_tui.store import Store
    from outreach_tui.store.drafts import DraftKey
    from outreach_tui.tui.messages import LeadPrefill


@dataclass
class RegistrationSaved(Message):
    owner_uuid: str
    reference_no: str
    workers_wanted: int
    edited: bool
    receipt: Receipt | None = None  # built in the worker when there are no workers to add
    lead_note: str | None = None  # a lead converted by this save, or why it could not be


@dataclass
class RegistrationSaveFailed(Message):
    reason: str


@dataclass(frozen=True)
class SaveRequest:
    record: Registration
    officer_code: str
    event_id: str | None
    drafts: list[DraftKey]
    edit_uuid: str | None = None  # a correction of this saved row
    lead: LeadPrefill | None = None  # the lead the form was filled from


def write_registration(
    store: Store, request: SaveRequest, *, language: str, time_zone: str
) -> RegistrationSaved | RegistrationSaveFailed:
    """In the save worker: the writes, and the message that tells the screen how they went."""
    record, officer_code = request.record, request.officer_code
    try:
        if request.edit_uuid is not None:
            saved = store.registrations.edit(request.edit_uuid, record, officer_code=officer_code)
        else:
            result = store.registrations.save(
                record, officer_code=officer_code, event_id=request.event_id,
                discard_drafts=request.drafts,
            )  # fmt: skip
    except Exception as exc:  # a locked or full disk: the form stays
        return RegistrationSaveFailed(save_problem(exc, language))
    if request.edit_uuid is not None:
        return RegistrationSaved(saved.uuid, saved.reference_no, 0, True)
    owner = result.owner
    lead_note = convert_lead(store, request.lead, owner.uuid, officer_code, language)
    receipt = None if record.workers_count else saved_receipt(store, owner.uuid, time_zone)
    return RegistrationSaved(
        owner.uuid, owner.reference_no, record.workers_count, False, receipt, lead_note
    )


def convert_lead(
    store: Store, lead: LeadPrefill | None, owner_uuid: str, officer_code: str, language: str
) -> str | None:
    """Link the lead this form was filled from. The registration is saved already; a
    failure here only leaves the lead unconverted, and says so."""
    if lead is None:
        return None
    try:
        store.leads.mark_converted(lead.lead_uuid, owner_uuid, officer_code=officer_code)
    except Exception as exc:  # the registration stands; only the link is missing
        return t("lead.callback.convert_failed", language, reason=save_problem(exc, language))
    return t("lead.callback.converted", language, name=lead.full_name)


def saved_receipt(store: Store, owner_uuid: str, time_zone: str) -> Receipt | None:
    """The receipt straight from the saved row: the screen shows it at once, without a
    second trip through a worker. The save is committed by now: a failure here leaves the
    receipt screen to read it again, never a second save."""
    try:
        from outreach_tui.reports.receipt import build_receipt

        owner = store.registrations.get(owner_uuid)
        return build_receipt(owner, [], zone_name=time_zone) if owner is not None else None
    except Exception:
        return None
