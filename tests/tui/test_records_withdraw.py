"""Withdrawal of consent from the records screen (issue 20; source: UU 27/2022 — the
right to withdraw, processing stops within 3×24 hours: ../shared/reference/bpjstk-bpu.md,
"Corrections and additions (audit of December 2026)", "Consent")."""

from __future__ import annotations

from datetime import datetime, timedelta

from outreach_tui.tui.dialogs.void_reason import VoidReasonDialog
from outreach_tui.tui.screens.records import RecordsScreen
from tests.tui.conftest import settle
from tests.tui.test_records import open_records, page_line, query, search, table_rows


async def test_ctrl_w_records_the_withdrawal_with_its_deadline(
    make_app, booth_store, register
) -> None:  # type: ignore[no-untyped-def]
    saved = register(full_name="Siti Aminah")
    app = make_app(language="en")
    async with app.run_test(size=(120, 40)) as pilot:
        await open_records(pilot)
        await search(pilot, "Aminah")
        await pilot.press("down", "ctrl+w")
        await settle(pilot)
        assert isinstance(app.screen, VoidReasonDialog)
        assert "3×24 hours" in str(app.screen.query_one("#void-explain").render())
        await pilot.press(*"asked to stop", "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, RecordsScreen)
        [shown] = table_rows(app)
        assert "withdrawn" in shown
        assert "Consent withdrawn" in page_line(app) and "stop deadline" in page_line(app)
    [row] = query(booth_store, "SELECT * FROM registrations WHERE uuid = ?", saved.owner.uuid)
    assert row["withdrawal_reason"] == "asked to stop" and row["version"] == 2
    assert row["sync_state"] == "pending"  # it goes to the hub at the next sync
    parse = lambda s: datetime.fromisoformat(s.replace("Z", "+00:00"))  # noqa: E731
    assert parse(row["withdrawal_due_at"]) - parse(row["withdrawn_at"]) == timedelta(hours=72)
    [audit] = query(booth_store, "SELECT * FROM audit_log WHERE action = 'consent.withdraw'")
    assert audit["entity_uuid"] == saved.owner.uuid and "asked to stop" in audit["detail"]
