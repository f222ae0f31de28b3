"""Consent rules (domain/consent_rules.py, issue 20). Sources: UU 27/2022 art. 25 (a
registrant under 18 needs a parent's or guardian's consent) and art. 22(4) (payment
reminders are a separate consent) — ../shared/reference/bpjstk-bpu.md, audit Dec 2026."""

from __future__ import annotations

from datetime import date

import pytest

from outreach_tui.domain import consent
from outreach_tui.domain.consent_rules import age_on
from outreach_tui.domain.validation import validate_registration
from tests.conftest import owner_draft, synthetic_nik

DAY = date(2026, 11, 23)  # the registration day
GUARDIAN = {"guardian_name": "Rahmat Hidayat", "guardian_relation": "parent",
            "guardian_consent": True}  # fmt: skip


@pytest.mark.parametrize(
    ("birth", "minor"),
    [
        (date(2008, 11, 23), False),  # 18th birthday today: an adult
        (date(2008, 11, 22), False),  # turned 18 yesterday
        (date(2008, 11, 24), True),  # turns 18 tomorrow: still 17
        (date(2010, 5, 1), True),  # 16
        (date(1990, 12, 5), False),
    ],
)
def test_under_18_on_the_registration_day_needs_a_guardian(birth: date, minor: bool) -> None:
    """UU 27/2022 art. 25, at the age boundary (birthday today, yesterday, tomorrow)."""
    draft = owner_draft(nik=synthetic_nik(birth=birth))
    checked = validate_registration(draft, today=DAY)
    codes = {p.code for p in checked.problems}
    assert ("guardian.required" in codes) is minor
    assert (checked.record is None) is minor
    with_guardian = validate_registration(owner_draft(nik=synthetic_nik(birth=birth), **GUARDIAN),
                                          today=DAY)  # fmt: skip
    assert with_guardian.record is not None, with_guardian.problems
    stored = (with_guardian.record.guardian_name, with_guardian.record.guardian_relation,
              with_guardian.record.guardian_consent)  # fmt: skip
    # An adult's guardian fields are dropped (minimisation); a minor's are kept.
    assert stored == (("Rahmat Hidayat", "parent", True) if minor else (None, None, False))


@pytest.mark.parametrize(
    ("fields", "code", "english"),
    [
        ({"guardian_name": ""}, "guardian.required", "parent's or guardian's name"),
        ({"guardian_relation": "uncle"}, "guardian.relation", "relation"),
        ({"guardian_consent": False}, "guardian.consent_missing", "must consent"),
    ],
)
def test_a_minor_without_each_guardian_part_is_refused_with_a_clear_line(
    fields: dict[str, object], code: str, english: str
) -> None:
    """UU 27/2022 art. 25: name, relation and the guardian's consent are each required."""
    draft = owner_draft(nik=synthetic_nik(birth=date(2010, 5, 1)), **{**GUARDIAN, **fields})
    checked = validate_registration(draft, today=DAY)
    assert checked.record is None
    (problem,) = [p for p in checked.problems if p.code == code]
    assert english in problem.message("en") and "\n" not in problem.message("en")
    assert "Pasal 25" in problem.message("id") or "wali" in problem.message("id")


def test_age_on_counts_a_29_february_birthday_from_1_march() -> None:
    assert age_on(date(2008, 2, 29), date(2026, 2, 28)) == 17
    assert age_on(date(2008, 2, 29), date(2026, 3, 1)) == 18


def test_reminders_are_a_separate_optional_consent() -> None:
    """UU 27/2022 art. 22(4): the registration stands without the reminder consent; with it
    the record keeps the reminder text's version; a registration text is not one."""
    reminder = consent.current("reminder")
    assert reminder.kind == "reminder" and reminder.version != consent.current().version
    plain = validate_registration(owner_draft(), today=DAY).record
    assert plain is not None and plain.reminder_consent_version is None
    ticked = validate_registration(owner_draft(reminder_consent_version=reminder.version),
                                   today=DAY).record  # fmt: skip
    assert ticked is not None and ticked.reminder_consent_version == reminder.version
    wrong = validate_registration(
        owner_draft(reminder_consent_version=consent.current().version), today=DAY
    )
    assert wrong.record is None
    no_phone = validate_registration(owner_draft(role="worker", phone="", workers_count=0,
                                                 reminder_consent_version=reminder.version),
                                     today=DAY)  # fmt: skip
    assert "reminder.no_phone" in {p.code for p in no_phone.problems}
