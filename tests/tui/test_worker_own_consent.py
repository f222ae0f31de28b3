"""Each worker consents for themself (issue 20; source: ../shared/reference/bpjstk-bpu.md,
"Corrections and additions (audit of December 2026)", "Consent": "Workers registered by an
owner consent for themselves"; UU 27/2022 — consent of the data subject)."""

from __future__ import annotations

from textual.widgets import Checkbox, Static

from outreach_tui.tui.dialogs.confirm import ConfirmDialog
from outreach_tui.tui.screens.receipt import ReceiptScreen
from outreach_tui.tui.screens.workers import WorkersScreen
from tests.conftest import synthetic_nik
from tests.tui.conftest import settle, wait_until
from tests.tui.test_registration import rows, type_into
from tests.tui.test_workers import to_workers


async def tick_worker(pilot, index: int, *, agree: bool = True) -> None:  # type: ignore[no-untyped-def]
    """Tick row ``index``'s box, then answer the dialog addressed to that worker."""
    pilot.app.screen.query_one(f"#worker-{index}-consent").focus()
    await pilot.press("space")
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, ConfirmDialog))
    await pilot.press("ctrl+s" if agree else "escape")
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, WorkersScreen))
    await settle(pilot)


async def test_ticking_shows_the_text_to_that_worker_and_only_their_yes_counts(
    make_app, booth_store
) -> None:  # type: ignore[no-untyped-def]
    app = make_app(language="en")
    async with app.run_test(size=(120, 40)) as pilot:
        await to_workers(pilot, owner_nik=synthetic_nik(sex="F"), workers=1)
        await type_into(pilot, "#worker-0-nik", synthetic_nik(sex="M"))
        await type_into(pilot, "#worker-0-full-name", "Budi Santoso")
        await type_into(pilot, "#worker-0-declared-income", "1500000")
        app.screen.query_one("#worker-0-consent").focus()
        await pilot.press("space")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        dialog = app.screen
        title = str(dialog.query_one("#confirm-title").render())
        body = str(dialog.query_one("#worker-consent-addressed", Static).render()) + str(
            dialog.query_one("#confirm-body", Static).render()
        )
        assert "Consent of Budi Santoso" in title
        assert "For Budi Santoso: read this text to the worker themself" in body
        assert "cannot consent on the worker's behalf" in body
        assert "Data controller: BPJS Ketenagakerjaan" in body  # the registration text
        assert "Budi Santoso agreed themself" in str(dialog.query_one("#confirm-yes").render())
        await pilot.press("escape")  # not yet: the box stays empty
        await wait_until(pilot, lambda: isinstance(app.screen, WorkersScreen))
        assert app.screen.query_one("#worker-0-consent", Checkbox).value is False
        await pilot.press("ctrl+s")
        await settle(pilot)
        problem = str(app.screen.query_one("#workers-save-problem", Static).render())
        assert problem == ("Worker 1 (Budi Santoso): the consent must be given by that worker"
                           " themself.")  # fmt: skip
        assert rows(booth_store, "SELECT count(*) FROM registrations WHERE role = 'worker'") == [
            (0,)
        ]
        await tick_worker(pilot, 0)
        assert app.screen.query_one("#worker-0-consent", Checkbox).value is True
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, ReceiptScreen))
    assert rows(booth_store, "SELECT full_name FROM registrations WHERE role = 'worker'") == [
        ("Budi Santoso",)
    ]


async def test_a_changed_name_takes_the_tick_away(make_app, booth_store) -> None:  # type: ignore[no-untyped-def]
    """The consent was given by the person named: another name is another person."""
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await to_workers(pilot, owner_nik=synthetic_nik(sex="F"), workers=1)
        await type_into(pilot, "#worker-0-nik", synthetic_nik(sex="M"))
        await type_into(pilot, "#worker-0-full-name", "Budi")
        await type_into(pilot, "#worker-0-declared-income", "1500000")
        await tick_worker(pilot, 0)
        assert app.screen.query_one("#worker-0-consent", Checkbox).value is True
        await type_into(pilot, "#worker-0-full-name", "Rudi")  # typed over: another person
        await settle(pilot)
        assert app.screen.query_one("#worker-0-consent", Checkbox).value is False
        await pilot.press("ctrl+s")
        await settle(pilot)
        problem = str(app.screen.query_one("#workers-save-problem", Static).render())
        assert "Pekerja 1 (Rudi)" in problem and "pekerja itu sendiri" in problem


async def test_a_worker_under_18_is_refused_naming_the_guardian(make_app, booth_store) -> None:  # type: ignore[no-untyped-def]
    """UU 27/2022 art. 25: a worker under 18 needs a parent's or guardian's consent; the
    workers' rows cannot take it, so the row says why and nothing is saved."""
    from datetime import date

    from tests.conftest import TODAY
    from tests.tui.test_save_failures import fill_worker
    from tests.tui.test_workers import info

    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await to_workers(pilot, owner_nik=synthetic_nik(sex="F"), workers=1)
        minor = synthetic_nik(sex="M", birth=date(TODAY.year - 15, 1, 2))
        await fill_worker(pilot, 0, minor, "Adik Kecil")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "orang tua atau wali" in info(app, 0)
    assert rows(booth_store, "SELECT count(*) FROM registrations WHERE role = 'worker'") == [(0,)]
