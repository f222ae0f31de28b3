"""Drafts hold personal data (issue 15): sealed like every personal field when encryption
is on (the NIK is not in the file's bytes), never in a sync batch or a bundle, and
removed by the purge once untouched for longer than the retention."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Input

from outreach_tui.store import Store
from outreach_tui.store.crypto import StoreLocked
from outreach_tui.store.drafts import DraftKey
from outreach_tui.store.outbox import SyncQueue
from outreach_tui.tui.app import OutreachApp
from outreach_tui.tui.dialogs.confirm import ConfirmDialog
from outreach_tui.tui.screens.registration import RegistrationScreen
from outreach_tui.tui.screens.unlock import UnlockScreen
from tests.conftest import OFFICER, TODAY, synthetic_nik
from tests.privacy.conftest import file_bytes, found_in_file, run, write
from tests.tui.conftest import settle, wait_until

PASS = "kopi susu gula aren"
KEY = DraftKey("registration", OFFICER)


def stored(path: Path) -> list[tuple[str, str]]:
    with sqlite3.connect(path) as conn:
        return conn.execute("SELECT kind, data FROM form_drafts").fetchall()


def half_typed(nik: str, name: str = "Purnama Sari Dewi") -> dict[str, Any]:
    return {"nik": nik, "full_name": name, "phone": "0813-5555-0101", "sector": ""}


@pytest.fixture
def booth_file(store: Store, event_id: str) -> Store:
    store.settings.set("officer_code", OFFICER)
    store.settings.set("event_id", event_id)
    return store


async def test_with_encryption_on_the_draft_is_sealed_and_still_comes_back(
    booth_file: Store,
) -> None:
    booth_file.crypto.enable(PASS)  # unlocked in this process, as the booth after the passphrase
    nik = synthetic_nik(sex="F")
    app = OutreachApp(booth_file, ask_start_of_day=False, today=lambda: TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.screen.query_one("#reg-nik").focus()
        await pilot.press(*nik)
        app.screen.query_one("#reg-full-name").focus()
        await pilot.press(*"Purnama Sari")
        await wait_until(pilot, lambda: bool(stored(booth_file.path)))
        await wait_until(pilot, lambda: booth_file.drafts.get(KEY).values["full_name"]
                         == "Purnama Sari")  # fmt: skip
        ((kind, data),) = stored(booth_file.path)
        assert kind == "registration" and data.startswith("enc1:")
        assert found_in_file(booth_file.path, nik, "Purnama Sari") == []  # nor in the WAL
        await pilot.press("ctrl+q")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: not app.is_running)
    assert found_in_file(booth_file.path, nik, "Purnama Sari") == []
    # Another process without the key.
    with Store(booth_file.path) as reopened, pytest.raises(StoreLocked):
        reopened.drafts.get(KEY)
    with Store(booth_file.path) as reopened:  # the next start of `outreach`: locked
        app = OutreachApp(reopened, ask_start_of_day=False, today=lambda: TODAY)
        async with app.run_test(size=(80, 24)) as pilot:
            await wait_until(pilot, lambda: isinstance(app.screen, UnlockScreen))
            await settle(pilot)
            await pilot.press(*PASS, "enter")  # the passphrase first, then the draft
            await wait_until(pilot, lambda: isinstance(app.screen, RegistrationScreen))
            form = app.screen
            await wait_until(pilot, lambda: form.query_one("#reg-nik", Input).value == nik)
            assert form.query_one("#reg-full-name", Input).value == "Purnama Sari"


def test_encrypt_enable_seals_drafts_already_there_and_disable_opens_them(
    booth_file: Store,
) -> None:
    nik = synthetic_nik(sex="M")
    booth_file.drafts.put(KEY, half_typed(nik))
    assert found_in_file(booth_file.path, nik)  # plaintext while encryption is off
    booth_file.crypto.enable(PASS)
    assert stored(booth_file.path)[0][1].startswith("enc1:")
    assert found_in_file(booth_file.path, nik) == []  # sealed and the old pages wiped
    assert booth_file.drafts.get(KEY).values["nik"] == nik
    booth_file.crypto.disable(PASS)
    assert json.loads(stored(booth_file.path)[0][1])["nik"] == nik


def test_drafts_are_never_in_a_sync_batch_or_a_bundle(
    booth_file: Store, person: Callable[..., dict[str, Any]], tmp_path: Path
) -> None:
    saved = person("Sri Wahyuni")
    draft_nik = synthetic_nik(sex="F")
    booth_file.drafts.put(KEY, half_typed(draft_nik, "Kartika Draf Sari"))
    booth_file.drafts.put(DraftKey("lead", OFFICER), {"full_name": "Lestari Draf Ayu"})
    queue = SyncQueue(booth_file.database, booth_file.device_id)
    batch = queue.next_batch(10_000, hub_id="hub-test")
    assert batch is not None
    assert [r["uuid"] for r in batch.records] == [saved["uuid"]]
    with sqlite3.connect(booth_file.path) as conn:
        bodies = [row[0] for row in conn.execute("SELECT body FROM sync_batches")]
    sent = json.dumps(batch.records, ensure_ascii=False) + "".join(bodies)
    assert "Sri Wahyuni" in sent
    for needle in (draft_nik, "Kartika Draf Sari", "Lestari Draf Ayu"):
        assert needle not in sent
    out = tmp_path / "bundle.json"
    assert run("export", "--out", str(out), db=booth_file.path).exit_code == 0
    bundle = out.read_text(encoding="utf-8")
    assert "Sri Wahyuni" in bundle or saved["uuid"] in bundle
    for needle in (draft_nik, "Kartika Draf Sari", "Lestari Draf Ayu"):
        assert needle not in bundle


def test_purge_removes_drafts_untouched_longer_than_the_retention(booth_file: Store) -> None:
    old_nik, fresh_nik = synthetic_nik(sex="F"), synthetic_nik(sex="M")
    booth_file.drafts.put(KEY, half_typed(old_nik, "Abandoned Owner"))
    booth_file.drafts.put(DraftKey("lead", OFFICER), {"full_name": "Fresh Lead"})
    booth_file.drafts.put(DraftKey("workers", OFFICER), {"rows": [{"nik": fresh_nik}]})
    eight_days = (datetime.now(UTC) - timedelta(days=8)).isoformat(timespec="milliseconds")
    write(booth_file.path, "UPDATE form_drafts SET updated_at = ? WHERE kind = 'registration'",
          (eight_days.replace("+00:00", "Z"),))  # fmt: skip

    dry = run("purge", "--dry-run", "--json", db=booth_file.path)
    assert dry.exit_code == 0 and json.loads(dry.stdout)["drafts"] == 1
    assert len(stored(booth_file.path)) == 3

    done = run("purge", "--json", db=booth_file.path)
    assert done.exit_code == 0, done.output
    report = json.loads(done.stdout)
    assert report["drafts"] == 1 and report["compacted"] is True
    assert sorted(kind for kind, _ in stored(booth_file.path)) == ["lead", "workers"]
    assert found_in_file(booth_file.path, old_nik, "Abandoned Owner") == []  # wiped from disk
    assert found_in_file(booth_file.path, fresh_nik)  # the fresh ones stay
    text = run("purge", "--older-than", "0", db=booth_file.path)
    assert "2 draft" in text.stdout  # --older-than 0: every draft goes
    assert stored(booth_file.path) == []
    assert file_bytes(booth_file.path)  # the file is still there and readable
