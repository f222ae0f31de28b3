"""A laptop id is bound to one enrolled device and one key, explicitly (issues 21.1, 14.2).

Real uvicorn on SQLite and PostgreSQL. A second token of the same officer, or another
officer's token, never claims or changes a bound laptop id (403, nothing written); only a
supervisor's ``outreach hub rebind`` moves it; an id first seen through a signed bundle is
bound to that bundle's key.
"""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
from conftest import Hub
from hub_builders import batch, edited, record, registration_data, signed_bundle
from typer.testing import CliRunner

from outreach_tui.cli.main import app
from outreach_tui.domain import origin
from outreach_tui.domain.ids import new_uuid
from outreach_tui.hub.storage import open_storage
from tests.support.hub_schema import migrate_to

PUSH = "/api/v1/batches"
REGISTER = "/api/v1/laptops"
TABLES = ("batches", "records", "record_versions", "daily_rollup", "laptops", "audit_log")


def counts(hub: Hub) -> list[int]:
    return [hub.count(table) for table in TABLES]


def code_of(response: httpx.Response, status: int = 403) -> str:
    assert response.status_code == status, response.text
    return str(response.json()["error"]["code"])


def hub_id(client: httpx.Client) -> str:
    return str(client.get("/api/v1/capabilities").json()["hub_id"])


def proof(client: httpx.Client, laptop: str, key: bytes) -> dict[str, str]:
    public = origin.public_key(key)
    signature = origin.sign(key, origin.register_message(hub_id(client), laptop, public))
    return {"laptop_id": laptop, "public_key": public, "signature": signature}


def name_of(hub: Hub, laptop_uuid: str) -> str:
    (row,) = hub.rows("SELECT data FROM records WHERE uuid = ?", (laptop_uuid,))
    return str(json.loads(str(row["data"]))["full_name"])


def cli(*args: str) -> Any:
    return CliRunner().invoke(app, ["--lang", "en", "hub", *args], catch_exceptions=False)


def test_a_second_token_of_the_same_officer_cannot_take_over_a_laptop_id(
    hub: Hub, client: httpx.Client
) -> None:
    laptop = new_uuid()
    _, first = hub.device(officer="PLG-01")
    original = record(registration_data(device_id=laptop))
    assert client.post(PUSH, json=batch(laptop, [original]), headers=first).status_code == 200
    _, sibling = hub.device(officer="PLG-01")  # never used, same officer
    before = counts(hub)
    forged = record(edited(original["data"], full_name="Overwritten By Sibling"),
                    uuid=original["uuid"], version=2, base_version=1)  # fmt: skip
    refused = client.post(PUSH, json=batch(laptop, [forged]), headers=sibling)
    assert code_of(refused) == "batch.device_not_yours"
    assert "rebind" in refused.json()["error"]["message"]
    assert counts(hub) == before  # nothing written, not even the batch row or an audit line
    assert name_of(hub, original["uuid"]) == "Siti Aminah"
    # Registering the id with a key is refused to the sibling as well.
    assert code_of(client.post(REGISTER, json=proof(client, laptop, origin.new_private_key()),
                               headers=sibling)) == "laptop.bound_elsewhere"  # fmt: skip
    assert counts(hub) == before


def test_registration_binds_one_key_and_refuses_everyone_else(
    hub: Hub, client: httpx.Client
) -> None:
    laptop, key = new_uuid(), origin.new_private_key()
    device, token = hub.device(officer="PLG-01")
    answer = client.post(REGISTER, json=proof(client, laptop, key), headers=token)
    assert answer.status_code == 200, answer.text
    assert answer.json()["device_id"] == device
    assert answer.json()["public_key"] == origin.public_key(key)
    (row,) = hub.rows("SELECT device_id, public_key, bound_by FROM laptops WHERE laptop_id = ?",
                      (laptop,))  # fmt: skip
    assert row == {
        "device_id": device,
        "public_key": origin.public_key(key),
        "bound_by": "register",
    }
    audits = hub.rows("SELECT detail FROM audit_log WHERE action = 'laptop.bind'")
    assert any(json.loads(str(a["detail"]))["laptop"] == laptop for a in audits)
    _, stranger = hub.device(officer="PLG-09")
    before = counts(hub)
    # Again: idempotent, nothing written.
    assert client.post(REGISTER, json=proof(client, laptop, key), headers=token).status_code == 200
    # The same token for another laptop id, or another key for this one: refused.
    other = proof(client, new_uuid(), key)
    assert code_of(client.post(REGISTER, json=other, headers=token)) == "laptop.token_bound"
    fresh = proof(client, laptop, origin.new_private_key())
    assert code_of(client.post(REGISTER, json=fresh, headers=token)) == "laptop.key_mismatch"
    # Another officer's token, even with the laptop's own public key and a valid proof.
    stolen = proof(client, laptop, key)
    assert code_of(client.post(REGISTER, json=stolen, headers=stranger)) == "laptop.bound_elsewhere"
    # A proof that does not verify.
    bad = {**proof(client, new_uuid(), key), "laptop_id": new_uuid()}
    assert code_of(client.post(REGISTER, json=bad, headers=stranger)) == "laptop.bad_proof"
    assert counts(hub) == before


def test_an_id_known_from_an_import_is_bound_to_the_bundles_key(
    hub: Hub, client: httpx.Client, tmp_path: Path
) -> None:
    laptop, key = new_uuid(), origin.new_private_key()
    original = record(registration_data(device_id=laptop))
    path = tmp_path / "bundle.json"
    path.write_text(json.dumps(signed_bundle(batch(laptop, [original]), key)), encoding="utf-8")
    result = cli("import", str(path), "--db", hub.db, "--json")
    assert result.exit_code == 0, result.output
    (row,) = hub.rows("SELECT device_id, public_key, bound_by FROM laptops WHERE laptop_id = ?",
                      (laptop,))  # fmt: skip
    assert row == {"device_id": None, "public_key": origin.public_key(key), "bound_by": "import"}
    _, thief = hub.device(officer="PLG-09")
    before = counts(hub)
    # Another officer's token claims the id (issue 21, finding 1b): refused, record intact.
    stolen = record(edited(original["data"], full_name="Stolen Record"), uuid=original["uuid"],
                    version=2, base_version=1)  # fmt: skip
    assert code_of(client.post(PUSH, json=batch(laptop, [stolen]), headers=thief)) == (
        "batch.device_not_yours"
    )
    assert code_of(client.post(REGISTER, json=proof(client, laptop, origin.new_private_key()),
                               headers=thief)) == "laptop.bound_elsewhere"  # fmt: skip
    assert counts(hub) == before and name_of(hub, original["uuid"]) == "Siti Aminah"
    # The laptop itself logs in (proves the bundle's key) and pushes its edit.
    device, own = hub.device(officer="PLG-01")
    assert client.post(REGISTER, json=proof(client, laptop, key), headers=own).status_code == 200
    mine = record(edited(original["data"], full_name="Siti Aminah Putri"), uuid=original["uuid"],
                  version=2, base_version=1)  # fmt: skip
    answer = client.post(PUSH, json=batch(laptop, [mine]), headers=own)
    assert answer.json()["results"][0]["outcome"] == "accepted"
    assert name_of(hub, original["uuid"]) == "Siti Aminah Putri"
    assert hub.rows("SELECT device_id FROM laptops WHERE laptop_id = ?", (laptop,)) == [
        {"device_id": device}
    ]


def test_a_supervisor_rebinds_a_laptop_to_a_new_device(hub: Hub, client: httpx.Client) -> None:
    laptop, key = new_uuid(), origin.new_private_key()
    old_device, old = hub.device(officer="PLG-01")
    assert client.post(REGISTER, json=proof(client, laptop, key), headers=old).status_code == 200
    name = f"laptop-baru-{new_uuid()[-8:]}"
    new_device, new = hub.device(officer="PLG-01", name=name)
    body = batch(laptop, [record(registration_data(device_id=laptop))])
    assert code_of(client.post(PUSH, json=body, headers=new)) == "batch.device_not_yours"
    result = cli("rebind", laptop, "--db", hub.db, "--device", name, "--json")
    assert result.exit_code == 0, result.output
    moved = json.loads(result.stdout)["laptop"]
    assert (moved["laptop_id"], moved["device_id"], moved["previous_device_id"]) == (
        laptop, new_device, old_device,
    )  # fmt: skip
    assert moved["public_key"] is None and moved["bound_by"] == "rebind"
    (entry,) = [e for e in hub.rows("SELECT detail FROM audit_log WHERE action = 'laptop.rebind'")
                if json.loads(str(e["detail"]))["laptop"] == laptop]  # fmt: skip
    assert json.loads(str(entry["detail"]))["to_device"] == new_device
    # The new device pushes (and registers its key at its next login); the old one cannot.
    assert client.post(PUSH, json=body, headers=new).json()["results"][0]["outcome"] == "accepted"
    other = batch(laptop, [record(registration_data(device_id=laptop))])
    assert code_of(client.post(PUSH, json=other, headers=old)) == "batch.device_not_yours"
    replaced = origin.new_private_key()
    assert (
        client.post(REGISTER, json=proof(client, laptop, replaced), headers=new).status_code == 200
    )
    # Unknown ids and devices: one line, non-zero exit, nothing changed.
    for args in ([new_uuid(), "--device", name], [laptop, "--device", "no-such-laptop"]):
        refused = cli("rebind", *args, "--db", hub.db)
        assert refused.exit_code != 0
        assert len(refused.stderr.strip().splitlines()) == 1, refused.stderr


def test_a_record_naming_another_laptop_is_rejected_on_both_paths(
    hub: Hub, client: httpx.Client, tmp_path: Path
) -> None:
    laptop, elsewhere = new_uuid(), new_uuid()
    _, token = hub.device()
    own = record(registration_data(device_id=laptop))
    foreign = record(registration_data(device_id=elsewhere))
    answer = client.post(PUSH, json=batch(laptop, [own, foreign]), headers=token).json()
    outcomes = {r["uuid"]: (r["outcome"], r["code"], r["field"]) for r in answer["results"]}
    assert outcomes[own["uuid"]] == ("accepted", None, None)
    assert outcomes[foreign["uuid"]] == ("rejected", "record.device_mismatch", "device_id")
    assert hub.count("records", "uuid = ?", (foreign["uuid"],)) == 0
    # A retry of a record the hub holds, carried by another laptop: rejected too.
    second = new_uuid()
    _, other_token = hub.device()
    carried = client.post(PUSH, json=batch(second, [own]), headers=other_token).json()
    assert carried["results"][0]["code"] == "record.device_mismatch"
    # The import path: the same rule.
    bundle_laptop = new_uuid()
    path = tmp_path / "bundle.json"
    mixed = [record(registration_data(device_id=bundle_laptop)),
             record(registration_data(device_id=elsewhere))]  # fmt: skip
    path.write_text(json.dumps(signed_bundle(batch(bundle_laptop, mixed))), encoding="utf-8")
    result = cli("import", str(path), "--db", hub.db, "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["counts"] == {
        "accepted": 1, "duplicate": 0, "conflict": 0, "rejected": 1,
    }  # fmt: skip
    assert hub.count("records", "uuid = ?", (mixed[1]["uuid"],)) == 0


def test_a_hub_from_before_bindings_keeps_its_laptops_on_upgrade(db: str) -> None:
    """Schema v3 → v4: each bound laptop id goes to its newest live device; ids seen only
    through imports are held by nobody; a re-enrolled sibling token loses the id."""
    laptop, imported = new_uuid(), new_uuid()
    storage = open_storage(db, upgrade=False)
    with storage.transaction() as tx:
        migrate_to(tx, 3)
    storage.close()
    older, newer = new_uuid(), new_uuid()
    # Devices as a v3 hub enrolled them (no unit column).
    with open_storage(db, upgrade=False) as old, old.transaction() as tx:
        tx.execute("INSERT INTO officers (code, created_at, updated_at) "
                   "VALUES ('PLG-01', 'x', 'x')")  # fmt: skip
        for n, device in enumerate((older, newer)):
            tx.execute(
                "INSERT INTO devices (id, officer_code, name, token_hash, role, created_at, "
                "expires_at, client_device_id) VALUES (?, 'PLG-01', ?, ?, 'device', ?, "
                "'2999-01-01T00:00:00Z', ?)",
                (device, f"laptop-lama-{n}", f"hash-{n}", f"2026-01-0{n + 1}T00:00:00Z",
                 laptop),
            )  # fmt: skip
        tx.execute(
            "INSERT INTO batches (batch_id, device_id, client_device_id, source, digest, "
            "record_count, received_at) VALUES (?, NULL, ?, 'import', 'd', 0, 'x')",
            (new_uuid(), imported),
        )
    with open_storage(db) as upgraded, upgraded.read() as tx:
        rows = tx.all("SELECT laptop_id, device_id, public_key, bound_by FROM laptops "
                      "ORDER BY bound_by, laptop_id")  # fmt: skip
        devices = tx.all("SELECT id, client_device_id FROM devices ORDER BY created_at")
    assert {(r["laptop_id"], r["device_id"], r["public_key"]) for r in rows} == {
        (laptop, newer, None), (imported, None, None),
    }  # fmt: skip
    assert [d["client_device_id"] for d in devices] == [None, laptop]


def test_concurrent_first_pushes_of_one_device_all_land(hub: Hub) -> None:
    """The pipeline sends two batches at once; on PostgreSQL (read committed) the other
    batch's binding may commit between this batch's two reads. It is ours: no 403."""

    def push(headers: dict[str, str], body: dict[str, Any]) -> httpx.Response:
        with httpx.Client(base_url=hub.url, timeout=30) as own:
            return own.post(PUSH, json=body, headers=headers)

    refused: list[str] = []
    with ThreadPoolExecutor(6) as pool:
        for _ in range(25):
            laptop = new_uuid()
            _, headers = hub.device(officer="PLG-01")
            bodies = [batch(laptop, [record(registration_data(device_id=laptop))])
                      for _ in range(6)]  # fmt: skip
            for answer in pool.map(push, [headers] * len(bodies), bodies):
                if answer.status_code != 200:
                    refused.append(answer.text[:120])
    assert refused == []
