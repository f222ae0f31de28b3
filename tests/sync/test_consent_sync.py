"""UU 27/2022 consent on the wire, against the real hub under uvicorn (issue 20; sources:
UU 27/2022 art. 22(4) separate consents, art. 25 guardians, withdrawal within 3×24 hours —
../shared/reference/bpjstk-bpu.md, "Corrections and additions (audit of December 2026)")."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from outreach_tui.cli.main import app
from outreach_tui.domain import consent
from outreach_tui.domain.validation import validate_registration
from outreach_tui.hub.storage import open_storage
from outreach_tui.hub.tallies import export_rows
from outreach_tui.store import Store
from tests.conftest import OFFICER, owner_draft, synthetic_nik
from tests.sync.helpers import Hub, laptop_sync, rows

pytestmark = pytest.mark.e2e
REMINDER = consent.current("reminder").version


def _save(store: Store, event_id: str, **fields: object) -> str:
    record = validate_registration(owner_draft(**fields), today=date.today()).record
    assert record is not None
    return store.registrations.save(record, officer_code=OFFICER, event_id=event_id).owner.uuid


def _hours(later: str, earlier: str) -> float:
    parse = lambda s: datetime.fromisoformat(s.replace("Z", "+00:00"))  # noqa: E731
    return (parse(later) - parse(earlier)) / timedelta(hours=1)


def test_reminder_consent_guardian_and_withdrawal_reach_the_hub(
    store: Store, event_id: str, own_hub: Callable[..., Hub]
) -> None:
    """Art. 22(4): the reminder consent travels as its own version; art. 25: the guardian
    of a minor travels with the record; a withdrawal made on the laptop reaches the hub,
    which records the 3×24-hour deadline and leaves the record out of its export."""
    today = date.today()
    minor_birth = today.replace(year=today.year - 16)
    with_reminders = _save(store, event_id, reminder_consent_version=REMINDER)
    minor = _save(store, event_id, nik=synthetic_nik(birth=minor_birth), guardian_name="Rahmat",
                  guardian_relation="parent", guardian_consent=True)  # fmt: skip
    withdrawn = _save(store, event_id)
    reference = store.registrations.get(withdrawn)["reference_no"]
    result = CliRunner().invoke(
        app,
        [
            "--db",
            str(store.path),
            "--lang",
            "en",
            "consent",
            "withdraw",
            reference,
            "--reason",
            "asked at the booth",
        ],
    )
    assert result.exit_code == 0, result.output
    assert f"Consent for {reference} withdrawn" in result.output and "3×24 hours" in result.output
    hub = own_hub()
    report = laptop_sync(store.path, hub, hub.token())
    assert report.counts["accepted"] == 3, report
    data = {r["uuid"]: json.loads(r["data"]) for r in rows(Path(hub.db), "SELECT * FROM records")}
    assert data[with_reminders]["reminder_consent_version"] == REMINDER
    assert data[with_reminders]["reminder_consent_at"].endswith("Z")
    assert "reminder_consent_version" not in data[minor]  # not ticked: nothing sent
    assert (data[minor]["guardian_name"], data[minor]["guardian_relation"],
            data[minor]["guardian_consent"]) == ("Rahmat", "parent", True)  # fmt: skip
    assert "guardian_name" not in data[with_reminders]  # an adult: no guardian
    assert data[withdrawn]["withdrawal_reason"] == "asked at the booth"
    (held,) = rows(Path(hub.db), "SELECT * FROM withdrawals")
    assert (held["uuid"], held["reference_no"], held["source"]) == (withdrawn, reference, "laptop")
    assert _hours(held["due_at"], held["requested_at"]) == 72
    listed = CliRunner().invoke(app, ["--lang", "en", "hub", "withdrawals", "--db", hub.db])
    assert listed.exit_code == 0 and reference in listed.output and "(laptop)" in listed.output
    with open_storage(hub.db, create=False) as storage:
        exported = {r["uuid"]: r for r in export_rows(storage)}
    assert withdrawn not in exported  # processing stops
    assert exported[with_reminders]["reminders"] == 1 and exported[minor]["reminders"] == 0
    audit = rows(Path(hub.db), "SELECT action, detail FROM audit_log WHERE action = ?",
                 ("consent.withdraw",))  # fmt: skip
    assert len(audit) == 1 and reference in audit[0]["detail"]
    # On the laptop too: the withdrawn record leaves the export, the audit has it.
    local = {r["uuid"] for r in store_export(store)}
    assert withdrawn not in local and with_reminders in local


def store_export(store: Store) -> list[dict[str, object]]:
    from outreach_tui.store.tallies import LaptopTallies

    return list(LaptopTallies(store.database).export_rows())


def test_a_withdrawal_at_the_hub_for_a_purged_laptop_record(
    store: Store, event_id: str, own_hub: Callable[..., Hub]
) -> None:
    """A participant asks at the branch after the laptop purged their data: the laptop
    refuses with a clear line, `outreach hub withdraw` records it with its deadline."""
    uuid = _save(store, event_id)
    reference = store.registrations.get(uuid)["reference_no"]
    hub = own_hub()
    assert laptop_sync(store.path, hub, hub.token()).counts["accepted"] == 1
    store.purge(older_than_days=0)
    laptop = CliRunner().invoke(
        app,
        [
            "--db",
            str(store.path),
            "--lang",
            "en",
            "consent",
            "withdraw",
            reference,
            "--reason",
            "by phone",
        ],
    )
    assert laptop.exit_code == 1
    assert "outreach hub withdraw" in laptop.output and "Traceback" not in laptop.output
    missing = CliRunner().invoke(
        app, ["--lang", "en", "hub", "withdraw", "ZZZZ-ZZZZ-ZZZZ", "--db", hub.db, "--reason", "x"]
    )
    assert missing.exit_code == 1 and "No registration" in missing.output
    done = CliRunner().invoke(
        app,
        [
            "--lang",
            "en",
            "hub",
            "withdraw",
            reference,
            "--db",
            hub.db,
            "--reason",
            "by phone to 175",
            "--json",
        ],
    )
    assert done.exit_code == 0, done.output
    row = json.loads(done.output)
    assert row["source"] == "hub" and row["already"] is False
    assert _hours(row["due_at"], row["requested_at"]) == 72
    again = CliRunner().invoke(
        app,
        [
            "--lang",
            "en",
            "hub",
            "withdraw",
            reference,
            "--db",
            hub.db,
            "--reason",
            "again",
            "--json",
        ],
    )
    assert json.loads(again.output)["already"] is True
    with open_storage(hub.db, create=False) as storage:
        assert uuid not in {r["uuid"] for r in export_rows(storage)}
    (entry,) = rows(Path(hub.db), "SELECT detail FROM audit_log WHERE action = 'consent.withdraw'")
    assert "by phone to 175" in entry["detail"]
