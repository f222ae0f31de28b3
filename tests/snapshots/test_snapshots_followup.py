"""Snapshots of the call-back list and of the records filtered to what needs fixing, at
80×24 and 120×40 (fixed clock, fixed data, WIB, no cursor blink)."""

from __future__ import annotations

import sqlite3
from datetime import timedelta

import pytest

from outreach_tui.domain.models import LeadDraft
from outreach_tui.domain.validation import validate_lead
from outreach_tui.tui.app import OutreachApp
from tests.conftest import OFFICER, TODAY
from tests.snapshots.test_snapshots_booth import SIZES, jakarta_time, no_blink, settle

__all__ = ["jakarta_time"]  # the autouse fixture, shared with the booth snapshots

LEADS = [("Andi Wijaya", "0821-7777-8888", "JKK untuk ojek", 0),
         ("Dewi Lestari", "0812-9999-0000", "Beasiswa anak", 1),
         ("Rudi Hartono", "0813-2222-3333", "Iuran pekerja warung", 2)]  # fmt: skip


@pytest.mark.parametrize("size", SIZES)
def test_call_back_list(snap_compare, booth_store, event_id, size) -> None:  # type: ignore[no-untyped-def]
    for name, phone, interest, days in LEADS:
        draft = LeadDraft(full_name=name, phone=phone, interest=interest, consent_contact=True,
                          consent_version="2026.1",
                          follow_up_on=f"{TODAY + timedelta(days=days):%d-%m-%Y}")  # fmt: skip
        record = validate_lead(draft, today=TODAY).record
        assert record is not None
        booth_store.leads.save(record, officer_code=OFFICER, event_id=event_id)
    app = OutreachApp(booth_store, ask_start_of_day=False,
                      today=lambda: TODAY + timedelta(days=2))  # fmt: skip

    async def open_list(pilot) -> None:  # type: ignore[no-untyped-def]
        await settle(pilot)
        await pilot.press("f4")
        await settle(pilot)
        await pilot.press("f9")
        await settle(pilot)
        no_blink(pilot)

    assert snap_compare(app, terminal_size=size, run_before=open_list)


@pytest.mark.parametrize("size", SIZES)
def test_records_that_need_fixing(snap_compare, booth_store, register, size) -> None:  # type: ignore[no-untyped-def]
    for name in ("Siti Aminah", "Dewi Kartika", "Rahmat Hidayat"):
        register(full_name=name)
    with sqlite3.connect(booth_store.path) as conn:
        conn.execute(
            "UPDATE registrations SET reference_no = 'R' || substr('00000000000' || seq, -11),"
            " nik = '167101' || substr(nik, 7, 6) || printf('%04d', seq),"
            " created_at = printf('2026-11-23T%02d:%02d:00.000Z', 2 + seq, (seq * 7) % 60)"
        )
        conn.execute(
            "UPDATE registrations SET sync_state = 'rejected', sync_code = 'address.incomplete',"
            " sync_field = 'address', sync_message = 'Alamat belum lengkap: tambahkan RT/RW'"
            " WHERE seq = 2"
        )
    app = OutreachApp(booth_store, ask_start_of_day=False, today=lambda: TODAY)

    async def filter_fixes(pilot) -> None:  # type: ignore[no-untyped-def]
        await settle(pilot)
        await pilot.press("f5")
        await settle(pilot)
        for _ in range(3):
            await pilot.press("ctrl+e")
            await settle(pilot)
        no_blink(pilot)
        await pilot.press("down")
        await settle(pilot)

    assert snap_compare(app, terminal_size=size, run_before=filter_fixes)
