"""Consent on the owner's form, through the real app (issue 20). Sources: UU 27/2022 art.
25 (a parent's or guardian's consent under 18) and art. 22(4) (reminders: a separate
consent) — ../shared/reference/bpjstk-bpu.md, audit of December 2026, "Consent"/"Under 18"."""

from __future__ import annotations

from datetime import date

from textual.widgets import Input

from outreach_tui.domain.consent import current
from outreach_tui.tui.screens.receipt import ReceiptScreen
from outreach_tui.tui.widgets.field_form import FieldForm
from tests.conftest import TODAY, synthetic_nik
from tests.tui.conftest import settle, wait_until
from tests.tui.test_registration import fill_owner, rows, type_into


def _problem(app, field: str) -> str:  # type: ignore[no-untyped-def]
    line = app.screen.query_one(FieldForm)._problems.get(field)
    return "" if line is None else str(line.text)


async def test_a_minor_needs_the_guardian_and_the_save_refuses_without(
    make_app, booth_store
) -> None:  # type: ignore[no-untyped-def]
    """UU 27/2022 art. 25: the NIK says 16 on the booth day, so the form asks for the
    parent's or guardian's name, relation and consent, and will not save without them."""
    app = make_app(language="en")
    minor = synthetic_nik(sex="F", birth=date(TODAY.year - 16, 3, 1))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        guardian = app.screen.query_one("#reg-guardian-name", Input)
        assert not guardian.display  # an empty form: nothing to ask yet
        await fill_owner(pilot, nik=minor)
        assert guardian.display
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert rows(booth_store, "SELECT count(*) FROM registrations") == [(0,)]
        assert "parent's or guardian's name" in _problem(app, "guardian_name")
        assert "must consent" in _problem(app, "guardian_consent")
        await type_into(pilot, "#reg-guardian-name", "Rahmat Hidayat")
        app.screen.query_one("#reg-guardian-relation").focus()
        await pilot.press("enter", "enter")  # the first choice: parent
        app.screen.query_one("#reg-guardian-consent").focus()
        await pilot.press("space")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, ReceiptScreen))
    assert rows(booth_store, "SELECT guardian_name, guardian_relation, guardian_consent,"
                             " reminder_consent_version FROM registrations") == [
        ("Rahmat Hidayat", "parent", 1, None)]  # fmt: skip


async def test_an_adult_sees_no_guardian_and_reminders_are_their_own_tick(
    make_app, booth_store
) -> None:  # type: ignore[no-untyped-def]
    """UU 27/2022 art. 22(4): the reminder consent is ticked on its own and stored with
    its own text's version and time; an adult is asked for no guardian."""
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await fill_owner(pilot, nik=synthetic_nik(sex="F"))
        assert not app.screen.query_one("#reg-guardian-name", Input).display
        app.screen.query_one("#reg-reminder").focus()
        await pilot.press("space")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, ReceiptScreen))
    ((version, at, registration),) = rows(
        booth_store, "SELECT reminder_consent_version, reminder_consent_at, consent_version"
                     " FROM registrations")  # fmt: skip
    assert version == current("reminder").version and at and at.endswith("Z")
    assert registration == current().version != version
