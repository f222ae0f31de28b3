"""Bundles carry proof of origin (issue 14, finding 2): `outreach hub import` checks the
signature against the laptop's bound key, record by record after that the API's rules.

Real uvicorn hubs on SQLite and PostgreSQL; the victim's record is made through the API
exactly as a laptop does (register at login, push), the forger writes bundle files.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
from conftest import Hub
from hub_builders import batch, edited, record, registration_data, signed_bundle
from typer.testing import CliRunner

from outreach_tui.cli.main import app
from outreach_tui.domain import origin, wire
from outreach_tui.domain.ids import new_uuid

PUSH = "/api/v1/batches"
REGISTER = "/api/v1/laptops"
TABLES = ("batches", "records", "record_versions", "daily_rollup", "laptops", "audit_log")


def counts(hub: Hub) -> list[int]:
    return [hub.count(table) for table in TABLES]


def imported(hub: Hub, path: Path, body: dict[str, Any]) -> Any:
    path.write_text(json.dumps(body), encoding="utf-8")
    return CliRunner().invoke(
        app, ["--lang", "en", "hub", "import", str(path), "--db", hub.db, "--json"],
        catch_exceptions=False,
    )  # fmt: skip


def refused_line(result: Any) -> str:
    assert result.exit_code != 0, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("outreach: "), result.stderr
    assert "Traceback" not in result.output
    return lines[0]


def victim(hub: Hub, client: httpx.Client) -> tuple[str, bytes, str, dict[str, Any], dict]:
    """A laptop logged in (key registered) that pushed one registration."""
    laptop, key = new_uuid(), origin.new_private_key()
    device, token = hub.device(officer="PLG-01")
    hub_id = client.get("/api/v1/capabilities").json()["hub_id"]
    public = origin.public_key(key)
    proof = origin.sign(key, origin.register_message(hub_id, laptop, public))
    bound = client.post(
        REGISTER,
        headers=token,
        json={"laptop_id": laptop, "public_key": public, "signature": proof},
    )
    assert bound.status_code == 200, bound.text
    original = record(registration_data(device_id=laptop))
    assert client.post(PUSH, json=batch(laptop, [original]), headers=token).status_code == 200
    return laptop, key, device, original, token


def name_of(hub: Hub, uuid: str) -> tuple[int, str]:
    (row,) = hub.rows("SELECT version, data FROM records WHERE uuid = ?", (uuid,))
    return int(row["version"]), str(json.loads(str(row["data"]))["full_name"])


def test_a_forged_bundle_cannot_overwrite_another_laptops_record(
    hub: Hub, client: httpx.Client, tmp_path: Path
) -> None:
    laptop, key, _, original, _ = victim(hub, client)
    forged_data = edited(original["data"], full_name="Nama Palsu")
    forged = record(forged_data, uuid=original["uuid"], version=2, base_version=1)
    body = batch(laptop, [forged])
    before = counts(hub)
    # Unsigned (what any file could be), signed by the forger's key, or the laptop's own
    # signature over other content: each refused whole, one line, nothing written.
    unsigned = {"kind": "outreach-bundle", "protocol": 1, **body}
    assert "not signed" in refused_line(imported(hub, tmp_path / "a.json", unsigned))
    wrong_key = signed_bundle(body)
    assert "another key" in refused_line(imported(hub, tmp_path / "b.json", wrong_key))
    genuine = signed_bundle(batch(laptop, [original]), key)
    tampered = json.loads(json.dumps(genuine))
    tampered["records"][0]["data"]["full_name"] = "Nama Palsu"
    tampered["records"][0]["content_hash"] = wire.content_hash(tampered["records"][0]["data"])
    assert "changed after export" in refused_line(imported(hub, tmp_path / "c.json", tampered))
    assert counts(hub) == before
    assert name_of(hub, original["uuid"]) == (1, "Siti Aminah")
    # The laptop's own signed bundle of its edit goes in, with the API's rules.
    own = imported(hub, tmp_path / "d.json", signed_bundle(body, key))
    assert own.exit_code == 0, own.output
    assert json.loads(own.stdout)["counts"]["accepted"] == 1
    assert name_of(hub, original["uuid"]) == (2, "Nama Palsu")


def test_a_bundle_of_a_revoked_device_is_refused(
    hub: Hub, client: httpx.Client, tmp_path: Path
) -> None:
    laptop, key, device, _, _ = victim(hub, client)
    revoked = CliRunner().invoke(app, ["hub", "revoke", device, "--db", hub.db])
    assert revoked.exit_code == 0, revoked.output
    before = counts(hub)
    body = signed_bundle(batch(laptop, [record(registration_data(device_id=laptop))]), key)
    assert "revoked" in refused_line(imported(hub, tmp_path / "r.json", body))
    assert counts(hub) == before


def test_the_same_ownership_rules_apply_record_by_record_on_import(
    hub: Hub, client: httpx.Client, tmp_path: Path
) -> None:
    """Laptop B's properly signed bundle cannot change laptop A's record."""
    _, _, _, original, _ = victim(hub, client)
    laptop_b, key_b = new_uuid(), origin.new_private_key()
    change = record(edited(original["data"], full_name="Orang Lain", device_id=laptop_b),
                    uuid=original["uuid"], version=2, base_version=1)  # fmt: skip
    own = record(registration_data(device_id=laptop_b))
    result = imported(
        hub, tmp_path / "b.json", signed_bundle(batch(laptop_b, [change, own]), key_b)
    )
    assert result.exit_code == 0, result.output
    results = {
        r["uuid"]: (r["outcome"], r["code"])
        for r in json.loads(result.stdout)["receipt"]["results"]
    }
    assert results == {original["uuid"]: ("conflict", "record.not_yours"),
                       own["uuid"]: ("accepted", None)}  # fmt: skip
    assert name_of(hub, original["uuid"]) == (1, "Siti Aminah")
    # Laptop B's id is now bound to B's key: a bundle for it signed otherwise is refused.
    again = signed_bundle(batch(laptop_b, [record(registration_data(device_id=laptop_b))]))
    assert "another key" in refused_line(imported(hub, tmp_path / "c.json", again))
