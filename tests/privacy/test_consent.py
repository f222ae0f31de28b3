"""Consent (UU 27/2022): versioned texts of two kinds, and no record without consent —
refused by the store first, and by the schema for any other code path."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import replace

import pytest

from outreach_tui.domain import consent
from outreach_tui.domain.models import Lead, Registration
from outreach_tui.store import Store, StoreError
from tests.conftest import OFFICER
from tests.privacy.conftest import rows, write


def test_consent_texts_are_versioned_by_kind_in_both_languages() -> None:
    registration, lead = consent.current(), consent.current("lead")
    assert consent.current("registration") == registration
    assert registration.kind == "registration" and lead.kind == "lead"
    assert registration.version != lead.version
    for text in (registration, lead):
        assert text.text("id") != text.text("en")
        assert text.retention_days_on_device == 7
        assert "7" in text.text("id") and "7" in text.text("en")
    assert "hubungi" in lead.text("id").lower() and "contact" in lead.text("en").lower()
    assert consent.is_known(lead.version, "lead")
    assert not consent.is_known(lead.version, "registration")
    assert consent.is_known(registration.version)  # any kind
    assert [t.version for t in consent.texts("lead")][-1] == lead.version
    with pytest.raises(ValueError):
        consent.current("newsletter")


def test_every_record_keeps_its_consent_version_time_officer_and_device(
    store: Store, person: Callable, lead: Callable
) -> None:
    owner = person("Dewi Lestari", workers=2)
    saved_lead = lead()
    regs = rows(store.path, "SELECT * FROM registrations")
    assert len(regs) == 3  # the owner and both workers each gave (or were given) consent
    for row in regs:
        assert row["consent_version"] == consent.current().version
        assert row["consent_at"] and row["consent_at"].endswith("Z")
        assert row["officer_code"] == OFFICER
        assert row["device_id"] == store.device_id
    (lead_row,) = rows(store.path, "SELECT * FROM leads WHERE uuid = ?", (saved_lead.uuid,))
    assert lead_row["consent_contact"] == 1
    assert lead_row["consent_version"] == consent.current("lead").version
    assert lead_row["consent_at"] and lead_row["officer_code"] == OFFICER
    assert lead_row["device_id"] == store.device_id
    assert owner["uuid"] in {r["uuid"] for r in regs}


@pytest.mark.parametrize("version", ["", "   ", "1999.9", "lead-2026.1"])
def test_the_store_refuses_a_registration_without_registration_consent(
    store: Store, event_id: str, make_owner: Callable, version: str
) -> None:
    # A Registration built in code, past validation: the store itself must refuse it.
    record: Registration = replace(make_owner(), consent_version=version)
    with pytest.raises(StoreError, match="consent required"):
        store.registrations.save(record, officer_code=OFFICER, event_id=event_id)
    assert rows(store.path, "SELECT count(*) AS n FROM registrations")[0]["n"] == 0


def test_a_worker_without_consent_stops_the_whole_save(
    store: Store, event_id: str, make_owner: Callable, make_worker: Callable
) -> None:
    worker = replace(make_worker(), consent_version="")
    with pytest.raises(StoreError, match="consent required"):
        store.registrations.save(make_owner(), [worker], officer_code=OFFICER, event_id=event_id)
    assert rows(store.path, "SELECT count(*) AS n FROM registrations")[0]["n"] == 0


def test_an_edit_cannot_drop_consent(store: Store, person: Callable, make_owner: Callable) -> None:
    owner = person("Rina Wati")
    with pytest.raises(StoreError, match="consent required"):
        store.registrations.edit(
            owner["uuid"], replace(make_owner(), consent_version=""), officer_code=OFFICER
        )


@pytest.mark.parametrize(
    ("contact", "version"), [(False, "lead-2026.1"), (True, ""), (True, "2099.1")]
)
def test_the_store_refuses_a_lead_without_consent_to_be_contacted(
    store: Store, event_id: str, contact: bool, version: str
) -> None:
    lead = Lead("Andi", "+6281377778888", None, None, contact, version, None, None)
    with pytest.raises(StoreError, match="consent required"):
        store.leads.save(lead, officer_code=OFFICER, event_id=event_id)
    assert rows(store.path, "SELECT count(*) AS n FROM leads")[0]["n"] == 0


def test_the_schema_refuses_records_without_consent_on_any_code_path(
    store: Store, person: Callable, lead: Callable
) -> None:
    owner, saved_lead = person("Sari Indah"), lead()
    columns = [r["name"] for r in rows(store.path, "PRAGMA table_info(registrations)")]
    picked = ", ".join(
        {"uuid": "'x-uuid'", "seq": "seq + 1000", "reference_no": "'XXXX-XXXX-XXXX'",
         "consent_version": "''"}.get(c, c) for c in columns
    )  # fmt: skip
    with pytest.raises(sqlite3.IntegrityError, match="consent required"):
        write(store.path, f"INSERT INTO registrations ({', '.join(columns)})"
              f" SELECT {picked} FROM registrations WHERE uuid = ?", (owner["uuid"],))  # fmt: skip
    for sql in (
        "UPDATE registrations SET consent_version = '' WHERE uuid = ?",
        "UPDATE registrations SET consent_at = '  ' WHERE uuid = ?",
    ):
        with pytest.raises(sqlite3.IntegrityError, match="consent required"):
            write(store.path, sql, (owner["uuid"],))
    for sql in (
        "UPDATE leads SET consent_contact = 0 WHERE uuid = ?",
        "UPDATE leads SET consent_version = '' WHERE uuid = ?",
    ):
        with pytest.raises(sqlite3.IntegrityError, match="consent required"):
            write(store.path, sql, (saved_lead.uuid,))
    lead_columns = [r["name"] for r in rows(store.path, "PRAGMA table_info(leads)")]
    lead_pick = ", ".join(
        {"uuid": "'y-uuid'", "seq": "seq + 1000", "consent_contact": "0"}.get(c, c)
        for c in lead_columns
    )
    with pytest.raises(sqlite3.IntegrityError, match="consent required"):
        write(store.path, f"INSERT INTO leads ({', '.join(lead_columns)})"
              f" SELECT {lead_pick} FROM leads WHERE uuid = ?", (saved_lead.uuid,))  # fmt: skip
