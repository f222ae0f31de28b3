"""The booth shows every save's receipt on one screen it keeps (issue #15's bench: ctrl+s
→ receipt drawn): the next visitor's receipt is theirs, never the one before, with or
without workers, and the receipt's QR and household follow."""

from __future__ import annotations

from textual.widgets import Static

from outreach_tui.tui.screens.receipt import ReceiptScreen
from outreach_tui.tui.screens.registration import RegistrationScreen
from outreach_tui.tui.screens.workers import WorkersScreen
from tests.conftest import synthetic_nik
from tests.tui.conftest import settle, wait_until
from tests.tui.test_registration import fill_owner, rows
from tests.tui.test_save_failures import fill_worker

REFERENCES = "SELECT reference_no FROM registrations WHERE role = 'owner' ORDER BY seq"


def receipt(app) -> str:  # type: ignore[no-untyped-def]
    return str(app.screen.query_one("#receipt-text", Static).render())


async def test_each_save_shows_its_own_receipt_on_the_kept_screen(make_app, booth_store):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        shown = []
        for workers in (0, 0, 1):
            await fill_owner(pilot, nik=synthetic_nik(sex="F"), workers=workers)
            await pilot.press("ctrl+s")
            if workers:
                await wait_until(pilot, lambda: isinstance(app.screen, WorkersScreen))
                await settle(pilot)
                await fill_worker(pilot, 0, synthetic_nik(sex="M"), "Budi Santoso")
                await pilot.press("ctrl+s")
            await wait_until(pilot, lambda: isinstance(app.screen, ReceiptScreen))
            await settle(pilot)
            shown.append((app.screen, receipt(app)))
            await pilot.press("enter")  # the next visitor
            await wait_until(pilot, lambda: isinstance(app.screen, RegistrationScreen))
            await settle(pilot)
    references = [r for (r,) in rows(booth_store, REFERENCES)]
    assert len(references) == 3
    for (_screen, text), reference in zip(shown, references, strict=True):
        assert reference in text
        assert [r for r in references if r in text] == [reference]  # none of another's
    assert shown[0][0] is shown[1][0] is shown[2][0]  # one screen, kept and updated
    assert "Budi Santoso" in shown[2][1] and "Budi Santoso" not in shown[1][1]
