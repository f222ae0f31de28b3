"""Laptop -> hub for real: the hub under uvicorn (SQLite and PostgreSQL), sample officer
files, the CLI and the runner. Every test counts rows on both sides."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from typer.testing import CliRunner

from outreach_tui.cli.main import app
from outreach_tui.hub.auth import revoke
from outreach_tui.store import Store
from outreach_tui.store.outbox import SyncQueue
from outreach_tui.sync import credentials as creds
from outreach_tui.sync.runner import SyncReport
from tests.support.hub_server import enroll_device
from tests.sync.helpers import (
    Hub,
    assert_in_step,
    device_id,
    execute,
    laptop_sync,
    local_states,
    rows,
    scalar,
    total_records,
)

pytestmark = pytest.mark.e2e
cli = CliRunner()


# -- the happy path, on both engines --------------------------------------------------------


def test_cli_login_and_sync_of_a_sample_laptop(
    hub: Hub, make_laptop: Callable[..., Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OUTREACH_CONFIG", str(tmp_path / "config.toml"))
    monkeypatch.setenv("OUTREACH_TOKEN_PATH", str(tmp_path / "credentials.toml"))
    laptop = make_laptop(300)
    total = total_records(laptop)
    login = cli.invoke(app, ["--db", str(laptop), "login", hub.url, hub.token(), "--json"])
    assert login.exit_code == 0, login.output
    assert json.loads(login.stdout)["hub_id"] == hub.hub_id

    result = cli.invoke(app, ["--db", str(laptop), "sync", "--batch-size", "40", "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["counts"] == {"accepted": total, "duplicate": 0, "conflict": 0, "rejected": 0}
    assert report["batches"] == -(-total // 40) and report["still_pending"] == 0
    assert report["reconciliation"] and all(d["matches"] for d in report["reconciliation"])
    assert sum(d["hub_registrations"] + d["hub_leads"] for d in report["reconciliation"]) == total
    assert report["downlink"]["known_participants"] > 0
    assert_in_step(laptop, hub)
    assert scalar(laptop, "SELECT count(*) FROM sync_receipts") == total
    assert hub.count("batches", "client_device_id = ?", (device_id(laptop),)) == report["batches"]
    checkpoint = rows(laptop, "SELECT * FROM sync_checkpoints")[0]
    assert checkpoint["last_acked_seq"] == scalar(laptop, "SELECT value FROM counters")

    again = cli.invoke(app, ["--db", str(laptop), "sync"])
    assert again.exit_code == 0, again.output
    assert "Tidak ada yang perlu dikirim" in again.stdout
    assert "Hub menyimpan" in again.stdout
    assert hub.count("batches", "client_device_id = ?", (device_id(laptop),)) == report["batches"]


def test_an_edit_after_sync_travels_as_the_next_version(
    hub: Hub, make_laptop: Callable[..., Path]
) -> None:
    laptop, token = make_laptop(20), hub.token()
    assert laptop_sync(laptop, hub, token).exit_code == 0
    with Store(laptop) as store:
        owner = rows(laptop, "SELECT uuid FROM registrations WHERE role = 'owner' LIMIT 1")[0]
        store.registrations.void(owner["uuid"], "double entry", officer_code="PLG-01")
    report = laptop_sync(laptop, hub, token)
    assert report.exit_code == 0 and report.counts["accepted"] == 1
    assert hub.records_of(device_id(laptop))[owner["uuid"]] == 2
    assert_in_step(laptop, hub)


def test_one_bad_record_is_rejected_and_the_rest_go_through(
    hub: Hub, make_laptop: Callable[..., Path]
) -> None:
    laptop = make_laptop(30)
    bad = rows(laptop, "SELECT uuid FROM registrations WHERE role = 'worker' LIMIT 1")[0]["uuid"]
    execute(laptop, "UPDATE registrations SET nik = '9901010101900001' WHERE uuid = ?", (bad,))
    report = laptop_sync(laptop, hub, hub.token(), batch_size=10)
    assert report.exit_code == 4
    assert report.counts["rejected"] == 1 and report.counts["accepted"] == total_records(laptop) - 1
    (problem,) = report.problems
    assert (problem["uuid"], problem["field"]) == (bad, "nik")
    row = rows(laptop, "SELECT * FROM registrations WHERE uuid = ?", (bad,))[0]
    assert row["sync_state"] == "rejected" and row["sync_code"] and row["sync_message"]
    assert bad not in hub.records_of(device_id(laptop))
    assert len(hub.records_of(device_id(laptop))) == total_records(laptop) - 1


def test_a_conflicting_version_is_never_a_silent_overwrite(
    hub: Hub, make_laptop: Callable[..., Path]
) -> None:
    laptop, token = make_laptop(10), hub.token()
    assert laptop_sync(laptop, hub, token).exit_code == 0
    uuid = rows(laptop, "SELECT uuid FROM registrations LIMIT 1")[0]["uuid"]
    # v2 that claims to be based on nothing the hub knows (as after restoring an old backup)
    execute(laptop, "UPDATE registrations SET version = 2, base_version = NULL,"
            " sync_state = 'pending', full_name = 'Nama Lain' WHERE uuid = ?", (uuid,))  # fmt: skip
    report = laptop_sync(laptop, hub, token)
    assert report.exit_code == 4 and report.counts["conflict"] == 1
    assert scalar(laptop, "SELECT sync_state FROM registrations WHERE uuid = ?", (uuid,)) == (
        "conflict"
    )
    assert hub.records_of(device_id(laptop))[uuid] == 1  # the hub kept its version


def _sync_at_once(laptops: list[Path], hub: Hub, batch_size: int) -> None:
    """Every laptop syncs on its own thread at the same time; each must end in step."""
    reports: list[SyncReport] = []
    threads = [
        threading.Thread(target=lambda p=p: reports.append(laptop_sync(p, hub, hub.token(),
                                                                       batch_size=batch_size)))
        for p in laptops
    ]  # fmt: skip
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert [r.exit_code for r in reports] == [0] * len(laptops)
    for laptop in laptops:
        assert_in_step(laptop, hub)


def test_two_laptops_pushing_at_once(hub: Hub, make_laptop: Callable[..., Path]) -> None:
    _sync_at_once([make_laptop(150), make_laptop(150)], hub, batch_size=20)


def test_a_hub_on_two_worker_processes_takes_three_laptops_at_once(
    own_hub: Callable[..., Hub], make_laptop: Callable[..., Path]
) -> None:
    hub = own_hub("--workers", "2")
    _sync_at_once([make_laptop(120) for _ in range(3)], hub, batch_size=15)
    workers = {line.split("[")[1].split("]")[0] for line in hub.server.log().splitlines()
               if "Started server process" in line}  # fmt: skip
    assert len(workers) == 2, hub.server.log()
    assert "hub.busy" not in hub.server.log()


def test_an_old_batch_sent_again_is_replayed_and_changes_nothing(
    hub: Hub, make_laptop: Callable[..., Path]
) -> None:
    laptop, token = make_laptop(30), hub.token()
    assert laptop_sync(laptop, hub, token, batch_size=10).exit_code == 0
    first = rows(
        laptop, "SELECT batch_id, body, receipt FROM sync_batches ORDER BY created_at LIMIT 1"
    )[0]
    # The laptop keeps each record's outcome in sync_receipts and a summary in the batch.
    stored = rows(
        laptop,
        "SELECT uuid, version, outcome, code, field, message FROM sync_receipts"
        " WHERE batch_id = ? ORDER BY rowid",
        (first["batch_id"],),
    )
    before = hub.count("records"), hub.count("batches"), hub.count("record_versions")
    answer = httpx.post(
        f"{hub.url}/api/v1/batches", content=first["body"].encode(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )  # fmt: skip
    assert answer.status_code == 200
    assert answer.json()["replayed"] is True
    assert answer.json()["results"] == stored
    summary = json.loads(first["receipt"])
    assert summary["batch_id"] == first["batch_id"] and summary["result_count"] == len(stored)
    assert summary["counts"] == {"accepted": 10, "duplicate": 0, "conflict": 0, "rejected": 0}
    assert (hub.count("records"), hub.count("batches"), hub.count("record_versions")) == before
    assert_in_step(laptop, hub)


def test_a_token_of_another_laptop_is_refused_with_exit_8_and_nothing_lost(
    hub: Hub, make_laptop: Callable[..., Path]
) -> None:
    first, second, token = make_laptop(12), make_laptop(12), hub.token()
    assert laptop_sync(first, hub, token, batch_size=5).exit_code == 0
    report = laptop_sync(second, hub, token, batch_size=5)  # a copied credentials file
    assert report.exit_code == 8 and report.error is not None
    assert report.error.params["code"] == "batch.device_mismatch"
    assert local_states(second) == {"pending": total_records(second)}  # nothing stuck
    assert scalar(second, "SELECT count(*) FROM sync_batches WHERE status = 'open'") == 0
    assert hub.records_of(device_id(second)) == {}
    assert laptop_sync(second, hub, hub.token(), batch_size=5).exit_code == 0  # its own token
    assert_in_step(second, hub)


# -- authentication: the right exit code, local data untouched ------------------------------


def _snapshot(path: Path) -> list[Any]:
    """The officer's records and every acknowledgement (a refused batch may leave a row
    marked failed in sync_batches: bookkeeping, not data)."""
    return [rows(path, f"SELECT * FROM {t} ORDER BY rowid")
            for t in ("registrations", "leads", "sync_receipts", "sync_checkpoints")]  # fmt: skip


@pytest.mark.parametrize("case", ["unknown", "expired", "revoked"])
def test_bad_tokens_stop_with_exit_6_and_touch_nothing(
    case: str, hub: Hub, make_laptop: Callable[..., Path], tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    laptop = make_laptop(10)
    monkeypatch.setenv("OUTREACH_CONFIG", str(tmp_path / "config.toml"))
    token_path = tmp_path / "credentials.toml"
    monkeypatch.setenv("OUTREACH_TOKEN_PATH", str(token_path))
    device, token = enroll_device(hub.db)
    assert (
        cli.invoke(app, ["--db", str(laptop), "login", hub.url, token]).exit_code == 0
    )  # the token was good
    if case == "unknown":  # e.g. the hub database was rebuilt since
        token = "otk_" + "x" * 43
        refused = cli.invoke(app, ["--db", str(laptop), "--lang", "en", "login", hub.url, token])
        assert refused.exit_code == 6 and "does not know" in refused.stderr
        assert creds.load(token_path).token != token  # type: ignore[union-attr]
        creds.save(token_path, creds.Credentials(hub.url, token, hub.hub_id, hub_key=hub.hub_key))
    elif case == "expired":
        expire = "UPDATE devices SET expires_at = '2020-01-01T00:00:00.000Z' WHERE id = ?"
        hub.storage.write(lambda tx: tx.execute(expire, (device,)))
    else:
        revoke(hub.storage, device)
    before, hub_before = _snapshot(laptop), hub.count("records")
    result = cli.invoke(app, ["--db", str(laptop), "sync"])
    assert result.exit_code == 6
    words = {"unknown": "tidak dikenal", "expired": "kedaluwarsa", "revoked": "dicabut"}[case]
    line = result.stderr.strip()
    assert words in line and f"{total_records(laptop)} catatan menunggu" in line
    assert len(line.splitlines()) == 1 and "Traceback" not in result.output
    assert _snapshot(laptop) == before
    assert scalar(laptop, "SELECT count(*) FROM sync_batches WHERE status <> 'failed'") == 0
    assert hub.count("records") == hub_before


# -- no network: export, hub import twice ---------------------------------------------------


def test_export_then_hub_import_twice_then_sync_agrees(
    hub: Hub, make_laptop: Callable[..., Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OUTREACH_CONFIG", str(tmp_path / "config.toml"))
    laptop = make_laptop(120)
    total = total_records(laptop)
    bundle = tmp_path / "usb" / "bundle.json"
    exported = cli.invoke(app, ["--db", str(laptop), "export", "--out", str(bundle), "--json"])
    assert exported.exit_code == 0, exported.output
    assert json.loads(exported.stdout)["records"] == total
    for attempt in range(2):
        imported = cli.invoke(app, ["hub", "import", str(bundle), "--db", hub.db, "--json"])
        assert imported.exit_code == 0, imported.output
        receipt = json.loads(imported.stdout)["receipt"]
        assert receipt["replayed"] is bool(attempt)
        assert len(hub.records_of(device_id(laptop))) == total
    assert hub.count("batches", "batch_id = ?", (json.loads(bundle.read_text())["batch_id"],)) == 1
    # The import bound the laptop id to the bundle's key: the laptop's login proves that
    # key and takes the id (another token could not, test_hub_binding.py).
    monkeypatch.setenv("OUTREACH_TOKEN_PATH", str(tmp_path / "credentials.toml"))
    token = hub.token()
    login = cli.invoke(app, ["--db", str(laptop), "login", hub.url, token])
    assert login.exit_code == 0, login.output
    # the laptop never heard of the import: its next sync finds everything already there
    report = laptop_sync(laptop, hub, token)
    assert report.exit_code == 0
    assert report.counts == {"accepted": 0, "duplicate": total, "conflict": 0, "rejected": 0}
    assert_in_step(laptop, hub)


# -- what comes back: known NIKs and review outcomes ----------------------------------------


def test_the_downlink_teaches_a_laptop_what_the_branch_knows(
    hub: Hub, make_laptop: Callable[..., Path]
) -> None:
    first, second = make_laptop(20), make_laptop(10)
    assert laptop_sync(first, hub, hub.token()).exit_code == 0
    owner = rows(first, "SELECT uuid, nik FROM registrations WHERE role = 'owner' LIMIT 1")[0]
    supervisor = hub.token(role="supervisor")
    review = httpx.post(
        f"{hub.url}/api/v1/reviews", json={"uuid": owner["uuid"], "outcome": "same_person"},
        headers={"Authorization": f"Bearer {supervisor}"},
    )  # fmt: skip
    assert review.status_code == 201, review.text
    report = laptop_sync(second, hub, hub.token())
    assert report.exit_code == 0 and report.downlink
    assert report.downlink["review_outcomes"] >= 1
    with Store(second) as store:
        known = SyncQueue(store.database, store.device_id).known_participant(owner["nik"])
    assert known is not None and known["branch_code"]  # an offline duplicate warning
    assert rows(second, "SELECT outcome FROM review_outcomes WHERE uuid = ?", (owner["uuid"],)) == [
        {"outcome": "same_person"}
    ]
    cursor = rows(second, "SELECT downlink_cursor FROM sync_checkpoints")[0]["downlink_cursor"]
    assert cursor and int(cursor) > 0
    # the next run asks only for what is new since that cursor
    assert laptop_sync(second, hub, hub.token()).downlink == {
        "reference": 0, "known_participants": 0, "review_outcomes": 0, "activation_outcomes": 0,
    }  # fmt: skip


def test_a_batch_the_hub_refuses_whole_is_exit_8_and_set_aside(
    hub: Hub, make_laptop: Callable[..., Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    laptop = make_laptop(10)
    # an event code the hub's strict batch model refuses (a space): the whole batch is 422
    execute(laptop, "UPDATE events SET code = 'EXPO PLG' WHERE id IN"
            " (SELECT event_id FROM registrations LIMIT 1)")  # fmt: skip
    monkeypatch.setenv("OUTREACH_CONFIG", str(tmp_path / "config.toml"))
    monkeypatch.setenv("OUTREACH_TOKEN_PATH", str(tmp_path / "credentials.toml"))
    assert cli.invoke(app, ["--db", str(laptop), "login", hub.url, hub.token()]).exit_code == 0
    before = _snapshot(laptop)
    result = cli.invoke(app, ["--db", str(laptop), "--lang", "en", "sync"])
    assert result.exit_code == 8
    line = result.stderr.strip()
    assert len(line.splitlines()) == 1 and "refused this batch" in line and "events" in line
    assert _snapshot(laptop) == before  # every record still pending, nothing lost
    assert scalar(laptop, "SELECT count(*) FROM sync_batches WHERE status = 'open'") == 0
    assert hub.records_of(device_id(laptop)) == {}
