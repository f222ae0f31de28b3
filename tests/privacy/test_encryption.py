"""Optional field encryption: with it on, a copy of the file (and its WAL) shows no NIK,
phone or name of anyone; the booth, sync and purge keep working while unlocked; locked,
nothing personal can be read or written; a forgotten passphrase is recovered with the
printed recovery code."""

from __future__ import annotations

import json
import stat
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from outreach_tui.sampledata.generator import generate
from outreach_tui.store import Store, StoreError
from outreach_tui.store.crypto import MASK, CryptoError, StoreLocked
from outreach_tui.store.outbox import SyncQueue
from tests.conftest import OFFICER
from tests.privacy.conftest import found_in_file, rows, run, write
from tests.sync.helpers import receipt

PASS = "kopi susu gula aren"


def people(path: Path, limit: int = 40) -> list[str]:
    """NIKs, phones and full names (those unlikely to appear inside an officer's name)."""
    officers = " ".join(r["name"] for r in rows(path, "SELECT name FROM officers"))
    found = rows(path, "SELECT nik, phone, full_name FROM registrations"
                       " WHERE phone IS NOT NULL LIMIT ?", (limit,))  # fmt: skip
    names = [r["full_name"] for r in found if " " in r["full_name"]]
    return (
        [r["nik"] for r in found]
        + [r["phone"] for r in found]
        + [n for n in names if n not in officers]
    )


def test_enabling_encryption_seals_every_personal_field_in_the_file(tmp_path: Path) -> None:
    path = tmp_path / "booth.db"
    generate(path, seed=11)
    secrets = people(path, 1000)
    lead_phones = [r["phone"] for r in rows(path, "SELECT phone FROM leads")]
    assert found_in_file(path, *secrets[:3])  # the scan does find plaintext
    with Store(path) as store:
        code = store.crypto.enable(PASS)
        assert len(code.replace("-", "")) == 32
        owners = store.summary().owners
    assert found_in_file(path, *secrets, *lead_phones) == []
    with Store(path) as store:  # a new process: locked
        assert store.crypto.status().as_dict() == {
            "enabled": True, "unlocked": False, "session_until": None,
            "enabled_at": store.crypto.status().enabled_at}  # fmt: skip
        assert store.summary().owners == owners  # counts and tallies need no key
        page = store.queries.page("registrations", limit=5)
        assert {r["nik"] for r in page.rows} == {MASK}
        store.crypto.unlock(PASS)
        page = store.queries.page("registrations", limit=5)
        assert all(len(r["nik"]) == 16 and r["nik"].isdigit() for r in page.rows)
        nik = page.rows[0]["nik"]
        assert store.registrations.find_by_nik(nik)
        assert store.queries.page("registrations", search=nik).total >= 1


def test_saves_while_unlocked_are_sealed_and_read_back_plain(
    store: Store, person: Callable, lead: Callable
) -> None:
    store.crypto.enable(PASS)
    owner = person("Sealed Siti", workers=1)
    saved_lead = lead("Sealed Lead", notes="rumah dekat pasar")
    row = store.registrations.get(owner["uuid"])
    assert row is not None and row["full_name"] == "Sealed Siti" and row["phone"] == owner["phone"]
    raw = rows(store.path, "SELECT * FROM registrations WHERE uuid = ?", (owner["uuid"],))[0]
    assert raw["full_name"].startswith("enc1:") and raw["nik"].startswith("enc1:")
    assert raw["nik_digest"] and raw["monthly_due"] == row["monthly_due"]
    assert store.leads.get(saved_lead.uuid)["notes"] == "rumah dekat pasar"
    store.database.compact()
    assert found_in_file(store.path, row["nik"], owner["phone"], "Sealed Siti",
                         "rumah dekat pasar") == []  # fmt: skip
    # a sealed value moved to another row does not open there
    other = person("Other Person")
    write(store.path, "UPDATE registrations SET full_name = ? WHERE uuid = ?",
          (raw["full_name"], other["uuid"]))  # fmt: skip
    with pytest.raises(CryptoError):
        store.registrations.get(other["uuid"])


def test_locked_store_refuses_personal_writes_and_masks_reads(
    store: Store, person: Callable, make_owner: Callable, event_id: str, lead: Callable
) -> None:
    owner = person("Before Lock")
    store.crypto.enable(PASS)
    store.crypto.lock()
    with pytest.raises(StoreLocked):
        store.registrations.save(make_owner(), officer_code=OFFICER, event_id=event_id)
    with pytest.raises(StoreLocked):
        lead()
    row = store.registrations.get(owner["uuid"])
    assert row is not None and row["full_name"] == MASK and row["nik"] == MASK
    queue = SyncQueue(store.database, store.device_id)
    with pytest.raises(StoreLocked):
        queue.next_batch(10, hub_id="hub-test")
    with pytest.raises(StoreLocked):
        queue.export_bundle()
    assert queue.pending_count() == 1  # nothing lost, still waiting
    result = run("export", "--out", str(store.path.parent / "b.json"), db=store.path)
    assert result.exit_code == 3 and "outreach unlock" in result.stderr


def test_sync_sends_plain_records_but_keeps_only_sealed_copies(
    store: Store, person: Callable
) -> None:
    owner = person("Synced Sealed")
    plain_hash = None
    queue = SyncQueue(store.database, store.device_id)
    bundle = queue.export_bundle()
    assert bundle is not None
    plain_hash = bundle["records"][0]["content_hash"]
    store.crypto.enable(PASS)
    batch = queue.next_batch(10, hub_id="hub-test")
    assert batch is not None
    assert batch.records[0]["data"]["full_name"] == "Synced Sealed"
    assert batch.records[0]["content_hash"] == plain_hash  # encryption is storage only
    stored = rows(store.path, "SELECT body FROM sync_batches")[0]["body"]
    assert stored.startswith("enc1:")
    assert [b.batch_id for b in queue.open_batches()] == [batch.batch_id]
    queue.apply_receipt(batch.batch_id, receipt(batch))
    assert rows(store.path, "SELECT sync_state FROM registrations WHERE uuid = ?",
                (owner["uuid"],))[0]["sync_state"] == "synced"  # fmt: skip


def test_purge_works_on_an_encrypted_file_even_locked(
    store: Store, person: Callable, acknowledge: Callable
) -> None:
    owner = person("Purge Sealed")
    nik = store.registrations.get(owner["uuid"])["nik"]
    store.crypto.enable(PASS)
    acknowledge(days_ago=8)
    store.crypto.lock()
    report = store.purge(older_than_days=7)
    assert report.registrations == 1
    raw = rows(store.path, "SELECT nik, full_name, nik_digest FROM registrations")[0]
    assert raw["nik"] is None and raw["full_name"] == "—" and raw["nik_digest"]
    store.crypto.unlock(PASS)
    assert [r["uuid"] for r in store.registrations.find_by_nik(nik)] == [owner["uuid"]]
    # the digest key is sealed in the file too: without the key no NIK can be tried
    ring = rows(store.path, "SELECT value FROM settings WHERE key = 'nik_digest_keys'")
    assert ring[0]["value"].startswith("enc1:")


def test_wrong_passphrase_recovery_code_and_change(store: Store, person: Callable) -> None:
    owner = person("Recover Me")
    code = store.crypto.enable(PASS)
    store.crypto.lock()
    with pytest.raises(CryptoError):
        store.crypto.unlock("not the passphrase")
    with pytest.raises(CryptoError):
        store.crypto.recover("AAAA-BBBB-CCCC-DDDD-EEEE-FFFF-GGGG-HHHH", "a brand new phrase")
    status = store.crypto.recover(code.lower().replace("-", " "), "a brand new phrase")
    assert status.unlocked
    store.crypto.lock()
    with pytest.raises(CryptoError):
        store.crypto.unlock(PASS)  # the old passphrase no longer opens it
    store.crypto.unlock("a brand new phrase")
    store.crypto.change_passphrase("a brand new phrase", "third phrase here")
    store.crypto.lock()
    store.crypto.unlock("third phrase here")
    assert store.registrations.get(owner["uuid"])["full_name"] == "Recover Me"
    actions = [a.action for a in store.audit.entries(limit=20)]
    for action in ("crypto.enable", "crypto.unlock_failed", "crypto.recover_failed",
                   "crypto.recover", "crypto.passphrase_changed", "crypto.unlock"):  # fmt: skip
        assert action in actions
    with pytest.raises(StoreError, match="at least"):
        store.crypto.change_passphrase("third phrase here", "short")


def test_disable_restores_plaintext(store: Store, person: Callable, lead: Callable) -> None:
    owner, saved_lead = person("Round Trip"), lead("Lead Trip")
    before = rows(store.path, "SELECT uuid, nik, phone, full_name FROM registrations")
    store.crypto.enable(PASS)
    counts = store.crypto.disable(PASS)
    assert counts["registrations"] == 1 and counts["leads"] == 1
    assert rows(store.path, "SELECT uuid, nik, phone, full_name FROM registrations") == before
    assert not store.crypto.status().enabled
    assert store.leads.get(saved_lead.uuid)["full_name"] == "Lead Trip"
    assert owner["uuid"] == before[0]["uuid"]


def test_cli_enable_unlock_session_and_lock(store: Store, person: Callable, isolated: Path) -> None:
    person("Cli Person")
    path = store.path
    store.close()
    result = run("encrypt", "enable", "--passphrase-stdin", db=path, stdin=PASS + "\n")
    assert result.exit_code == 0, result.output
    code = result.stdout.strip().splitlines()[-1]
    assert len(code) == 39 and code.count("-") == 7
    status = json.loads(run("encrypt", "status", "--json", db=path).stdout)
    assert status["enabled"] and not status["unlocked"]
    bad = run("unlock", "--passphrase-stdin", db=path, stdin="wrong passphrase!\n")
    assert bad.exit_code == 1 and "Wrong passphrase" in bad.stderr
    assert run("export", "--out", str(isolated / "x.json"), db=path).exit_code == 3
    ok = run("unlock", "--passphrase-stdin", "--minutes", "5", "--json", db=path, stdin=PASS + "\n")
    assert ok.exit_code == 0, ok.output
    session = next((isolated / "run").glob("unlock-*.json"))
    assert stat.S_IMODE(session.stat().st_mode) == 0o600
    assert stat.S_IMODE(session.parent.stat().st_mode) == 0o700
    exported = run("export", "--out", str(isolated / "x.json"), "--json", db=path)
    assert exported.exit_code == 0, exported.output
    assert "Cli Person" in (isolated / "x.json").read_text()
    assert run("lock", db=path).exit_code == 0
    assert not session.exists()
    assert run("export", "--out", str(isolated / "y.json"), db=path).exit_code == 3


def test_an_expired_session_is_not_used(store: Store, person: Callable) -> None:
    person("Expiring")
    store.crypto.enable(PASS)
    store.crypto.unlock(PASS, remember_minutes=5)
    session = store.crypto.session_path
    data: dict[str, Any] = json.loads(session.read_text())
    data["expires_at"] = (datetime.now(UTC) - timedelta(minutes=1)).isoformat()
    session.write_text(json.dumps(data))
    with Store(store.path) as again:
        assert not again.crypto.status().unlocked
    assert not session.exists()


def test_cli_change_passphrase_and_recover_set_the_new_passphrase(
    store: Store, person: Callable
) -> None:
    """`encrypt change-passphrase` and `encrypt recover` (stdin: what opens the key now,
    then the new one): only the new passphrase unlocks afterwards; a wrong
    passphrase or recovery code changes nothing (exit 1)."""
    person("Cli Rekey")
    path = store.path
    store.close()
    enabled = run("encrypt", "enable", "--passphrase-stdin", db=path, stdin=PASS + "\n")
    assert enabled.exit_code == 0, enabled.output
    code = enabled.stdout.strip().splitlines()[-1]

    def unlocks(phrase: str) -> bool:
        result = run("unlock", "--passphrase-stdin", db=path, stdin=phrase + "\n")
        run("lock", db=path)
        return result.exit_code == 0

    wrong = run("encrypt", "change-passphrase", "--passphrase-stdin", db=path,
                stdin="not the passphrase\nsecond phrase here\n")  # fmt: skip
    assert wrong.exit_code == 1 and "Wrong passphrase" in wrong.stderr
    assert unlocks(PASS)
    changed = run("encrypt", "change-passphrase", "--passphrase-stdin", db=path,
                  stdin=f"{PASS}\nsecond phrase here\n")  # fmt: skip
    assert changed.exit_code == 0, changed.output
    assert "Passphrase changed." in changed.stdout
    assert not unlocks(PASS) and unlocks("second phrase here")

    not_the_code = "AAAA-BBBB-CCCC-DDDD-EEEE-FFFF-GGGG-HHHH"
    bad_code = run("encrypt", "recover", "--passphrase-stdin", db=path,
                   stdin=f"{not_the_code}\nthird phrase here\n")  # fmt: skip
    assert bad_code.exit_code == 1 and "Wrong passphrase or recovery code" in bad_code.stderr
    assert unlocks("second phrase here")
    recovered = run("encrypt", "recover", "--passphrase-stdin", db=path,
                    stdin=f"{code}\nthird phrase here\n")  # fmt: skip
    assert recovered.exit_code == 0, recovered.output
    assert "the recovery code stays valid" in recovered.stdout
    assert not unlocks("second phrase here") and unlocks("third phrase here")
