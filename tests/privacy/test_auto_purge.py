"""Minimisation runs by itself: after `outreach sync` against the real hub (under uvicorn)
and when the booth starts. Only rows the hub acknowledged more than `retention_days` ago
lose their personal data; anything unsynced (refused by the hub, or waiting) keeps it."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from outreach_tui.store import Store
from outreach_tui.tui.app import OutreachApp
from tests.conftest import TODAY
from tests.privacy.conftest import rows, run, write
from tests.support.hub_server import HubServer, enroll_device
from tests.tui.conftest import settle, wait_until

BAD_NIK = "9901010101900001"  # province 99 does not exist: the hub refuses the record


@pytest.fixture
def hub(tmp_path: Path) -> Iterator[HubServer]:
    with HubServer(tmp_path / "hub.db") as server:
        yield server


@pytest.fixture
def logged_in(hub: HubServer, isolated: Path, store: Store) -> HubServer:
    _, token = enroll_device(hub.db)
    result = run("login", hub.url, token, db=store.path)  # registers this laptop's key
    assert result.exit_code == 0, result.output
    return hub


def age_acknowledged(path: Path, days: float = 8) -> None:
    """Time passes behind the app's back: every ack so far happened ``days`` ago."""
    stamp = (datetime.now(UTC) - timedelta(days=days)).isoformat(timespec="milliseconds")
    stamp = stamp.replace("+00:00", "Z")
    for table in ("registrations", "leads"):
        write(path, f"UPDATE {table} SET synced_at = ? WHERE synced_at IS NOT NULL", (stamp,))
    write(path, "UPDATE sync_batches SET acked_at = ? WHERE acked_at IS NOT NULL", (stamp,))


def record(path: Path, table: str, uuid: str) -> dict[str, Any]:
    return rows(path, f"SELECT * FROM {table} WHERE uuid = ?", (uuid,))[0]


@pytest.fixture
def synced_once(
    logged_in: HubServer, store: Store, person: Callable, lead: Callable
) -> dict[str, Any]:
    """An owner with a worker and a lead the hub accepted 8 days ago, and an owner the hub
    refused (a damaged NIK) whose row is just as old. Returns their uuids."""
    old = person("Purnama Sari Dewi", workers=1)
    old_lead = lead("Bambang Old Lead")
    refused = person("Ratna Ditolak")
    write(store.path, "UPDATE registrations SET nik = ? WHERE uuid = ?", (BAD_NIK, refused["uuid"]))
    first = run("sync", "--json", db=store.path)
    assert first.exit_code == 4, first.output  # partial: one record refused
    report = json.loads(first.stdout)
    assert report["counts"]["accepted"] == 3 and report["counts"]["rejected"] == 1
    assert report["purge"]["registrations"] == 0  # acknowledged just now: kept for 7 days
    age_acknowledged(store.path)
    write(store.path, "UPDATE registrations SET created_at = ?, updated_at = ? WHERE uuid = ?",
          ("2026-01-01T00:00:00.000Z", "2026-01-01T00:00:00.000Z", refused["uuid"]))  # fmt: skip
    return {"old": old, "lead": old_lead.uuid, "refused": refused}


def test_sync_purges_what_the_hub_acknowledged_long_ago_and_nothing_unsynced(
    store: Store, person: Callable, synced_once: dict[str, Any]
) -> None:
    waiting = person("Kartika Ayu Baru")  # saved now: sent by this run, acked just now

    result = run("sync", "--json", db=store.path)

    assert result.exit_code == 4, result.output  # the refused record still needs fixing
    report = json.loads(result.stdout)
    assert report["counts"]["accepted"] == 1
    purge = report["purge"]
    assert (purge["registrations"], purge["leads"], purge["dry_run"]) == (2, 1, False)
    assert purge["older_than_days"] == 7 and purge["compacted"]
    owner = record(store.path, "registrations", synced_once["old"]["uuid"])
    assert owner["nik"] is None and owner["phone"] is None and owner["full_name"] == "—"
    assert owner["purged_at"] and owner["nik_digest"]
    assert record(store.path, "leads", synced_once["lead"])["full_name"] == "—"
    refused = record(store.path, "registrations", synced_once["refused"]["uuid"])
    assert refused["sync_state"] == "rejected" and refused["purged_at"] is None
    assert (refused["nik"], refused["full_name"]) == (BAD_NIK, "Ratna Ditolak")
    fresh = record(store.path, "registrations", waiting["uuid"])
    assert fresh["sync_state"] == "synced" and fresh["full_name"] == "Kartika Ayu Baru"
    actions = [r["action"] for r in rows(store.path, "SELECT action FROM audit_log")]
    assert actions.count("store.purge") == 1


def test_sync_prints_one_line_about_the_minimisation(
    store: Store, synced_once: dict[str, Any]
) -> None:
    result = run("sync", db=store.path, lang="id")
    assert result.exit_code == 4, result.output
    lines = [line for line in result.stdout.splitlines() if "Minimisasi data" in line]
    assert lines == [
        "Minimisasi data: 2 pendaftaran dan 1 calon peserta yang diterima hub lebih dari 7"
        " hari lalu kini hanya menyimpan data untuk rekap."
    ]
    again = run("sync", db=store.path, lang="en")
    assert "Data minimisation: nothing the hub acknowledged more than 7 days ago." in again.stdout


@pytest.mark.parametrize("switch", ["--no-purge", "config", "env"])
def test_auto_purge_can_be_switched_off(
    store: Store,
    synced_once: dict[str, Any],
    switch: str,
    isolated: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    args = ["sync", "--json"]
    if switch == "--no-purge":
        args.append("--no-purge")
    elif switch == "config":
        (isolated / "config.toml").write_text("auto_purge = false\n", encoding="utf-8")
    else:
        monkeypatch.setenv("OUTREACH_AUTO_PURGE", "0")
    result = run(*args, db=store.path)
    assert json.loads(result.stdout)["purge"] is None
    owner = record(store.path, "registrations", synced_once["old"]["uuid"])
    assert owner["purged_at"] is None and owner["full_name"] == "Purnama Sari Dewi"


def test_a_flag_wins_over_the_config_and_the_retention_setting_applies(
    store: Store, synced_once: dict[str, Any], isolated: Path
) -> None:
    (isolated / "config.toml").write_text("auto_purge = false\nretention_days = 9\n")
    result = run("sync", "--purge", "--json", db=store.path)
    purge = json.loads(result.stdout)["purge"]
    assert purge["older_than_days"] == 9 and purge["registrations"] == 0  # 8 days < 9
    assert "retention_exceeds_consent" in purge["warnings"]


def test_a_failed_sync_purges_nothing(
    store: Store, person: Callable, acknowledge: Callable, isolated: Path
) -> None:
    from outreach_tui.sync import credentials as creds
    from tests.support.postgres import free_port
    from tests.sync.helpers import HUB_ID

    person("Purnama Sari Dewi")
    acknowledge(days_ago=8)
    creds.save(isolated / "secret" / "credentials.toml",
               creds.Credentials(f"http://127.0.0.1:{free_port()}", "otk_x", HUB_ID))  # fmt: skip
    result = run("sync", "--retries", "1", "--json", db=store.path)
    assert result.exit_code == 5
    assert json.loads(result.stdout)["purge"] is None
    purged = rows(store.path, "SELECT uuid FROM registrations WHERE purged_at IS NOT NULL")
    assert purged == []


# -- at booth start-up ----------------------------------------------------------------------


async def test_the_booth_purges_in_the_background_and_says_so(
    store: Store, event_id: str, person: Callable, acknowledge: Callable
) -> None:
    store.settings.set("officer_code", "PLG-01")
    store.settings.set("event_id", event_id)
    old = person("Purnama Sari Dewi", workers=1)
    acknowledge(days_ago=8)
    waiting = person("Kartika Ayu Pending")
    app = OutreachApp(store, ask_start_of_day=False, today=lambda: TODAY, auto_purge=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: any(
            "Minimisasi data: 2 pendaftaran" in n.message for n in app._notifications
        ))  # fmt: skip
        await settle(pilot)
    assert record(store.path, "registrations", old["uuid"])["full_name"] == "—"
    kept = record(store.path, "registrations", waiting["uuid"])
    assert kept["full_name"] == "Kartika Ayu Pending" and kept["purged_at"] is None


async def test_the_booth_does_not_purge_when_switched_off(
    store: Store, event_id: str, person: Callable, acknowledge: Callable
) -> None:
    old = person("Purnama Sari Dewi")
    acknowledge(days_ago=8)
    app = OutreachApp(store, ask_start_of_day=False, today=lambda: TODAY, auto_purge=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert not app._notifications
    assert record(store.path, "registrations", old["uuid"])["purged_at"] is None
