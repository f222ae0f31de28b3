"""What UU 27/2022 asks of a record's consent before it is saved: a known consent text
for a registration and for a lead's contact, the separate and optional consent to payment
reminders (art. 22(4)), and a parent's or guardian's consent for a registrant under 18
(art. 25). Each check adds its problems and returns what is stored."""

from __future__ import annotations

from datetime import date

from outreach_tui.domain import consent
from outreach_tui.domain.models import ADULT_AGE, GUARDIAN_RELATIONS, LeadDraft, RegistrationDraft
from outreach_tui.domain.problems import Problem, error
from outreach_tui.domain.typed_input import clean_text, name_field


def age_on(birth_date: date, day: date) -> int:
    """Whole years of age on ``day`` (a birthday on ``day`` counts; 29 Feb turns on 1 Mar)."""
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def is_minor(birth_date: date | None, day: date) -> bool:
    """Under 18 on ``day`` (UU 27/2022 art. 25: a parent's or guardian's consent)."""
    return birth_date is not None and age_on(birth_date, day) < ADULT_AGE


def registration_consent(problems: list[Problem], draft: RegistrationDraft) -> str:
    """The version of the consent text the registrant agreed to: given, and one we know."""
    version = clean_text(draft.consent_version)
    if not version:
        problems.append(error("consent.missing", "consent_version"))
    elif not consent.is_known(version):
        problems.append(error("consent.unknown_version", "consent_version"))
    return version


def contact_consent(problems: list[Problem], draft: LeadDraft) -> str:
    """A lead is kept only with the visitor's yes to be contacted, under a known text."""
    version = clean_text(draft.consent_version)
    if not draft.consent_contact or not version:
        problems.append(error("consent.contact_missing", "consent_contact"))
    elif not consent.is_known(version):
        problems.append(error("consent.unknown_version", "consent_version"))
    return version


def reminder_consent(
    problems: list[Problem], draft: RegistrationDraft, phone: str | None
) -> str | None:
    """Payment reminders: a separate, optional consent (UU 27/2022 art. 22(4)) — a known
    "reminder" text, and a mobile number to send them to."""
    version = clean_text(getattr(draft, "reminder_consent_version", ""))
    if not version:
        return None
    text = consent.get(version)
    if text is None or text.kind != "reminder":
        problems.append(error("consent.unknown_version", "reminder_consent_version"))
        return None
    if not phone:
        problems.append(error("reminder.no_phone", "reminder_consent_version"))
        return None
    return version


def guardian_consent(
    problems: list[Problem], draft: RegistrationDraft, birth_date: date | None, today: date
) -> tuple[str | None, str | None, bool]:
    """A registrant under 18 on the registration day needs a parent's or guardian's name,
    relation and consent (UU 27/2022 art. 25); an adult's guardian fields are dropped
    (minimisation). Returns the guardian's name, relation and consent as stored."""
    if not is_minor(birth_date, today):
        return None, None, False
    name: str | None = clean_text(getattr(draft, "guardian_name", ""))
    relation = clean_text(getattr(draft, "guardian_relation", ""))
    if not name:
        problems.append(error("guardian.required", "guardian_name"))
    else:
        name = name_field(problems, "guardian_name", name)
    if relation not in GUARDIAN_RELATIONS:
        problems.append(error("guardian.relation", "guardian_relation"))
    if getattr(draft, "guardian_consent", False) is not True:
        problems.append(error("guardian.consent_missing", "guardian_consent"))
    return name or None, relation or None, True
