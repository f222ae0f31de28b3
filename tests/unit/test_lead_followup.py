"""Leads after the booth: edits, call-backs and conversion on a real store file; the
call-back list paged with SQL; the WhatsApp link and message."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest

from outreach_tui.domain import callbacks
from outreach_tui.domain.models import Lead, LeadDraft, SavedRecord
from outreach_tui.domain.validation import validate_lead
from outreach_tui.store import Store, StoreError
from tests.conftest import OFFICER, TODAY


def lead(**overrides: Any) -> Lead:
    fields = {
        "full_name": "Andi Wijaya",
        "phone": "0821-7777-8888",
        "interest": "JKK untuk ojek",
        "follow_up_on": f"{TODAY:%d-%m-%Y}",
        "consent_contact": True,
        "consent_version": "2026.1",
        **overrides,
    }
    result = validate_lead(LeadDraft(**fields), today=TODAY)
    assert result.record is not None, [p.code for p in result.errors]
    return result.record


@pytest.fixture
def save_lead(store: Store, event_id: str) -> Callable[..., SavedRecord]:
    return lambda **o: store.leads.save(lead(**o), officer_code=OFFICER, event_id=event_id)


def row(path: Path, uuid: str) -> dict[str, Any]:
    conn = sqlite3.connect(path)
    conn.row_factory = sqlite3.Row
    try:
        return dict(conn.execute("SELECT * FROM leads WHERE uuid = ?", [uuid]).fetchone())
    finally:
        conn.close()


def history_versions(path: Path, uuid: str) -> list[int]:
    conn = sqlite3.connect(path)
    try:
        return [
            r[0]
            for r in conn.execute(
                "SELECT version FROM record_history WHERE uuid = ? ORDER BY version", [uuid]
            )
        ]
    finally:
        conn.close()  # fmt: skip


def test_an_edit_is_a_new_version_that_syncs_again(
    store: Store, save_lead: Callable[..., SavedRecord], db_path: Path
) -> None:
    saved = save_lead()
    _mark_synced(db_path, saved.uuid)
    edited = store.leads.edit(saved.uuid, lead(phone="0813-1111-2222"), officer_code=OFFICER)
    after = row(db_path, saved.uuid)
    assert edited.version == 2 and after["version"] == 2
    assert after["phone"] == "+6281311112222"
    assert after["sync_state"] == "pending" and after["base_version"] == 1
    assert history_versions(db_path, saved.uuid) == [1]
    assert store.audit.entries(entity_uuid=saved.uuid)[0].action == "lead.edit"
    # The same values again change nothing.
    again = store.leads.edit(saved.uuid, lead(phone="0813-1111-2222"), officer_code=OFFICER)
    assert again.version == 2 and history_versions(db_path, saved.uuid) == [1]


def test_a_voided_lead_cannot_be_edited_or_called_back(
    store: Store, save_lead: Callable[..., SavedRecord]
) -> None:
    saved = save_lead()
    store.leads.void(saved.uuid, "salah input", officer_code=OFFICER)
    with pytest.raises(StoreError):
        store.leads.edit(saved.uuid, lead(full_name="Andi W."), officer_code=OFFICER)
    with pytest.raises(StoreError):
        store.leads.record_callback(
            saved.uuid, "no_answer", next_follow_up_on=TODAY, officer_code=OFFICER
        )
    store.leads.void(saved.uuid, "dua kali", officer_code=OFFICER)  # a second void: no-op


def test_call_backs_move_or_close_the_follow_up(
    store: Store, save_lead: Callable[..., SavedRecord], db_path: Path
) -> None:
    first, second = save_lead(), save_lead(full_name="Dewi Lestari", phone="0812-9999-0000")
    later = TODAY + timedelta(days=2)
    store.leads.record_callback(
        first.uuid, "no_answer", next_follow_up_on=later, officer_code=OFFICER
    )
    store.leads.record_callback(
        second.uuid, "declined", next_follow_up_on=later, officer_code=OFFICER
    )
    assert row(db_path, first.uuid)["follow_up_on"] == later.isoformat()
    assert row(db_path, first.uuid)["version"] == 2
    assert row(db_path, second.uuid)["follow_up_on"] is None  # closed: off the list
    assert [h["outcome"] for h in store.callbacks.history(first.uuid)] == ["no_answer"]
    assert store.callbacks.due(TODAY).total == 0
    assert [r["uuid"] for r in store.callbacks.due(later).rows] == [first.uuid]
    with pytest.raises(StoreError):  # an open outcome needs the next date
        store.leads.record_callback(
            first.uuid, "call_again", next_follow_up_on=None, officer_code=OFFICER
        )
    with pytest.raises(StoreError):
        store.leads.record_callback(
            first.uuid, "'; DROP TABLE leads; --", next_follow_up_on=later, officer_code=OFFICER
        )


def test_conversion_links_the_registration_and_leaves_the_list(
    store: Store,
    save_lead: Callable[..., SavedRecord],
    register: Callable[..., Any],
    db_path: Path,
) -> None:
    saved = save_lead()
    owner = register().owner
    store.leads.mark_converted(saved.uuid, owner.uuid, officer_code=OFFICER)
    after = row(db_path, saved.uuid)
    assert after["converted_uuid"] == owner.uuid and after["follow_up_on"] is None
    assert after["version"] == 2 and after["sync_state"] == "pending"
    assert store.callbacks.due(None).total == 0
    assert [h["outcome"] for h in store.callbacks.history(saved.uuid)] == ["registered"]
    with pytest.raises(StoreError):
        store.leads.record_callback(
            saved.uuid, "interested", next_follow_up_on=TODAY, officer_code=OFFICER
        )


def test_the_call_back_list_pages_with_sql_most_overdue_first(
    store: Store, save_lead: Callable[..., SavedRecord]
) -> None:
    names = {5: "Ani", 0: "Eko", 4: "Budi", 2: "Citra", 9: "Nanti"}  # days from TODAY
    for days, name in names.items():
        save_lead(full_name=name, follow_up_on=f"{TODAY + timedelta(days=days):%d-%m-%Y}")
    save_lead(full_name="Tanpa Tanggal", follow_up_on="")
    every = store.callbacks.due(None, limit=2)
    assert every.total == 5  # the one without a date is never due
    assert [r["full_name"] for r in every.rows] == ["Eko", "Citra"]
    on_day_5 = TODAY + timedelta(days=5)
    due = store.callbacks.due(on_day_5, limit=2)
    assert due.total == 4
    assert [r["full_name"] for r in due.rows] == ["Eko", "Citra"]
    rest = store.callbacks.due(on_day_5, limit=2, offset=2)
    assert [r["full_name"] for r in rest.rows] == ["Budi", "Ani"]
    assert due.rows[0]["event_name"] == "Expo UMKM Palembang"
    assert due.rows[0]["officer_name"] == "Rina Marlina"
    assert store.callbacks.due(TODAY - timedelta(days=1)).total == 0


def test_purging_a_lead_keeps_no_follow_up_and_the_list_skips_it(
    store: Store, save_lead: Callable[..., SavedRecord], db_path: Path
) -> None:
    saved = save_lead()
    _mark_synced(db_path, saved.uuid, synced_at="2026-01-01T00:00:00.000Z")
    store.purge(older_than_days=7, officer_code=OFFICER)
    assert row(db_path, saved.uuid)["purged_at"] is not None
    assert store.callbacks.due(None).total == 0
    with pytest.raises(StoreError):
        store.leads.edit(saved.uuid, lead(), officer_code=OFFICER)


def test_whatsapp_link_carries_the_number_and_the_message() -> None:
    message = callbacks.whatsapp_message(
        name="Andi Wijaya", officer_name="Rina Marlina", event_name="Expo UMKM Palembang"
    )
    assert "Andi Wijaya" in message and "Rina Marlina" in message and "KTP" in message
    link = callbacks.whatsapp_link("+6282177778888", message)
    assert link is not None
    parsed = urlparse(link)
    assert (parsed.scheme, parsed.netloc, parsed.path) == ("https", "wa.me", "/6282177778888")
    assert parse_qs(parsed.query)["text"] == [message]
    assert callbacks.whatsapp_link("0821 7777", message) is None
    assert callbacks.whatsapp_link("", message) is None
    english = callbacks.whatsapp_message(
        name="Andi", officer_name="Rina", event_name="Expo", language="en"
    )
    assert english.startswith("Hello Andi")


@pytest.mark.parametrize(
    ("follow_up", "today", "expected"),
    [
        ("2026-11-23", date(2026, 11, 23), 0),
        ("2026-11-20", date(2026, 11, 23), 3),
        ("2026-11-24", date(2026, 11, 23), None),
        (None, date(2026, 11, 23), None),
        ("not a date", date(2026, 11, 23), None),
    ],
)
def test_due_on(follow_up: str | None, today: date, expected: int | None) -> None:
    due = callbacks.due_on(follow_up, today)
    assert (due.days_overdue if due else None) == expected


def _mark_synced(path: Path, uuid: str, synced_at: str = "2026-11-23T01:00:00.000Z") -> None:
    conn = sqlite3.connect(path)
    try:
        conn.execute(
            "UPDATE leads SET sync_state = 'synced', synced_at = ?, base_version = version"
            " WHERE uuid = ?",
            [synced_at, uuid],
        )
        conn.commit()
    finally:
        conn.close()
