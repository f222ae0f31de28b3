"""The sync API as a laptop meets it: real uvicorn, real SQLite and PostgreSQL."""

from __future__ import annotations

import httpx
import pytest
from conftest import Hub
from hub_builders import batch, edited, lead_data, record, registration_data

from outreach_tui.domain.ids import new_uuid
from outreach_tui.hub import auth as hub_auth

PUSH = "/api/v1/batches"


def push(client: httpx.Client, headers: dict[str, str], body: dict) -> httpx.Response:
    return client.post(PUSH, json=body, headers=headers)


def outcomes(response: httpx.Response) -> list[tuple[str, str | None]]:
    assert response.status_code == 200, response.text
    return [(r["outcome"], r["code"]) for r in response.json()["results"]]


def error_code(response: httpx.Response) -> str:
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "field"}
    assert body["error"]["message"]
    return body["error"]["code"]


def test_capabilities_describe_the_hub(hub: Hub, client: httpx.Client) -> None:
    response = client.get("/api/v1/capabilities")
    assert response.status_code == 200
    caps = response.json()
    assert set(caps) == {"hub_id", "protocol", "max_records", "max_bytes", "server_time",
                         "reference_version", "hub_key"}  # fmt: skip
    assert caps["protocol"] == 1 and caps["max_records"] == 1000 and caps["max_bytes"] == 5_000_000
    assert caps["server_time"].endswith("Z") and caps["reference_version"] == "2026.12"
    (meta,) = hub.rows("SELECT value FROM hub_meta WHERE key = 'hub_id'")
    assert caps["hub_id"] == meta["value"]


def test_the_openapi_description_documents_the_batch_body(client: httpx.Client) -> None:
    spec = client.get("/openapi.json").json()
    post = spec["paths"]["/api/v1/batches"]["post"]
    ref = post["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    batch = spec["components"]["schemas"][ref.rsplit("/", 1)[1]]
    assert {"batch_id", "device_id", "records"} <= set(batch["required"])
    record = spec["components"]["schemas"]["RecordIn"]
    assert record["additionalProperties"] is False and "content_hash" in record["required"]
    assert spec["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"
    assert client.get("/docs").status_code == 404  # no page that loads scripts from the web


def test_missing_and_unknown_tokens_are_401(client: httpx.Client, laptop: str) -> None:
    body = batch(laptop, [])
    for headers in ({}, {"Authorization": "Bearer otk_" + "x" * 43}, {"Authorization": "Basic a"}):
        response = push(client, headers, body)
        assert response.status_code == 401
        assert error_code(response) == "auth.invalid"


def test_expired_token_is_401_and_revoked_is_403(hub: Hub, client: httpx.Client) -> None:
    device_id, headers = hub.device()
    with hub.storage.transaction() as tx:
        tx.execute("UPDATE devices SET expires_at = ? WHERE id = ?",
                   ("2020-01-01T00:00:00.000Z", device_id))  # fmt: skip
    response = client.get("/api/v1/downlink", headers=headers)
    assert (response.status_code, error_code(response)) == (401, "auth.expired")

    device_id, headers = hub.device()
    assert client.get("/api/v1/downlink", headers=headers).status_code == 200
    hub_auth.revoke(hub.storage, device_id)
    response = client.get("/api/v1/downlink", headers=headers)
    assert (response.status_code, error_code(response)) == (403, "auth.revoked")


def test_each_record_gets_its_own_outcome(
    hub: Hub, client: httpx.Client, auth: dict[str, str], laptop: str
) -> None:
    first = record(registration_data(device_id=laptop))
    assert outcomes(push(client, auth, batch(laptop, [first]))) == [("accepted", None)]

    other_content = record(registration_data(device_id=laptop), uuid=first["uuid"])
    fresh = record(registration_data(device_id=laptop))
    lead = record(lead_data(device_id=laptop), entity="lead")
    invalid = record(registration_data(device_id=laptop) | {"nik": "1671014512900000"})
    second = batch(laptop, [first, fresh, other_content, invalid, lead])
    assert outcomes(push(client, auth, second)) == [
        ("duplicate", None), ("accepted", None), ("conflict", "record.conflict"),
        ("rejected", "nik.serial_invalid"), ("accepted", None),
    ]  # fmt: skip
    rejected = push(client, auth, second).json()["results"][3]
    assert rejected["field"] == "nik" and rejected["message"]

    stored = hub.rows("SELECT data FROM records WHERE uuid = ?", (first["uuid"],))
    assert len(stored) == 1 and first["data"]["nik"] in str(stored[0]["data"])  # no overwrite
    assert hub.count("records", "uuid = ?", (invalid["uuid"],)) == 0
    assert hub.count("records", "device_id = ?", (laptop,)) == 3


def test_a_replayed_batch_returns_the_stored_receipt_and_changes_nothing(
    hub: Hub, client: httpx.Client, auth: dict[str, str], laptop: str
) -> None:
    body = batch(laptop, [record(registration_data(device_id=laptop)) for _ in range(3)])
    first = push(client, auth, body)
    before = [hub.count(t) for t in ("records", "record_versions", "batches", "daily_rollup")]
    again = push(client, auth, body)
    assert again.status_code == 200
    assert again.json() == {**first.json(), "replayed": True}
    assert first.json()["replayed"] is False
    assert [
        hub.count(t) for t in ("records", "record_versions", "batches", "daily_rollup")
    ] == before


def test_a_reused_batch_id_with_other_content_is_409(
    hub: Hub, client: httpx.Client, auth: dict[str, str], laptop: str
) -> None:
    body = batch(laptop, [record(registration_data(device_id=laptop))])
    assert push(client, auth, body).status_code == 200
    other = {**body, "records": [record(registration_data(device_id=laptop))]}
    response = push(client, auth, other)
    assert (response.status_code, error_code(response)) == (409, "batch.id_reused")
    assert hub.count("records", "uuid = ?", (other["records"][0]["uuid"],)) == 0


def test_a_hash_that_does_not_match_the_data_is_rejected(
    hub: Hub, client: httpx.Client, auth: dict[str, str], laptop: str
) -> None:
    tampered = record(registration_data(device_id=laptop))
    tampered["data"] = {**tampered["data"], "monthly_due": 1}
    response = push(client, auth, batch(laptop, [tampered]))
    assert outcomes(response) == [("rejected", "record.hash_mismatch")]
    assert response.json()["results"][0]["field"] == "content_hash"
    assert hub.count("records", "uuid = ?", (tampered["uuid"],)) == 0


def test_a_registration_dated_before_any_contribution_rule_is_rejected_not_a_500(
    hub: Hub, client: httpx.Client, auth: dict[str, str], laptop: str
) -> None:
    # Valid in every field, but its laptop's clock said 2014: no rule prices that month.
    data = registration_data(device_id=laptop, birth_date="1990-05-17")
    early = record({**data, "created_at": "2014-03-03T03:00:00Z"})
    fine = record(registration_data(device_id=laptop))
    response = push(client, auth, batch(laptop, [early, fine]))
    by_uuid = {r["uuid"]: r for r in response.json()["results"]}
    assert outcomes(response).count(("accepted", None)) == 1
    assert (by_uuid[early["uuid"]]["code"], by_uuid[early["uuid"]]["field"]) == (
        "record.bad_timestamp", "created_at"
    )  # fmt: skip
    assert hub.count("records", "uuid = ?", (early["uuid"],)) == 0


def test_an_edit_needs_the_hubs_version_as_its_base(
    hub: Hub, client: httpx.Client, auth: dict[str, str], laptop: str
) -> None:
    v1 = record(registration_data(device_id=laptop))
    assert outcomes(push(client, auth, batch(laptop, [v1]))) == [("accepted", None)]
    v2 = record(edited(v1["data"], full_name="Siti Aminah Putri"), uuid=v1["uuid"], version=2,
                base_version=1)  # fmt: skip
    assert outcomes(push(client, auth, batch(laptop, [v2]))) == [("accepted", None)]
    stale = record(edited(v1["data"], address="Jl. Sudirman 9"), uuid=v1["uuid"], version=3,
                   base_version=1)  # fmt: skip
    assert outcomes(push(client, auth, batch(laptop, [stale]))) == [("conflict", "record.conflict")]
    (row,) = hub.rows("SELECT version, content_hash FROM records WHERE uuid = ?", (v1["uuid"],))
    assert (row["version"], row["content_hash"]) == (2, v2["content_hash"])
    assert hub.count("record_versions", "uuid = ?", (v1["uuid"],)) == 2
    # The old version sent again is a harmless retry, not a conflict.
    assert outcomes(push(client, auth, batch(laptop, [v1]))) == [("duplicate", None)]


def test_a_void_moves_the_record_out_of_the_live_tallies(
    hub: Hub, client: httpx.Client, auth: dict[str, str], laptop: str
) -> None:
    owner = registration_data(device_id=laptop, created_at="2026-10-02T03:00:00.000Z",
                              sector="ojek")  # fmt: skip
    v1 = record(owner)
    push(client, auth, batch(laptop, [v1]))
    voided = edited(owner, voided_at="2026-11-23T06:00:00.000Z", void_reason="salah input")
    v2 = record(voided, uuid=v1["uuid"], version=2, base_version=1)
    assert outcomes(push(client, auth, batch(laptop, [v2]))) == [("accepted", None)]
    (row,) = hub.rows("SELECT voided, day, role FROM records WHERE uuid = ?", (v1["uuid"],))
    assert (row["voided"], row["day"], row["role"]) == (1, "2026-10-02", "owner")


@pytest.mark.parametrize("entity", ["registration", "lead"])
def test_unknown_fields_inside_data_reject_only_that_record(
    client: httpx.Client, auth: dict[str, str], laptop: str, entity: str
) -> None:
    good = record(registration_data(device_id=laptop))
    base = registration_data(device_id=laptop) if entity == "registration" else lead_data(
        device_id=laptop)  # fmt: skip
    odd = record({**base, "is_admin": True}, entity=entity)
    assert outcomes(push(client, auth, batch(laptop, [good, odd]))) == [
        ("accepted", None), ("rejected", "record.unknown_field"),
    ]  # fmt: skip


def test_a_worker_without_its_owner_is_rejected(
    client: httpx.Client, auth: dict[str, str], laptop: str
) -> None:
    worker = registration_data(device_id=laptop, owner_uuid=new_uuid())
    worker["owner_uuid"] = None
    worker_record = record(worker)
    assert outcomes(push(client, auth, batch(laptop, [worker_record]))) == [
        ("rejected", "record.owner_missing")
    ]


def test_supervisors_read_tallies_and_record_reviews(
    hub: Hub, client: httpx.Client, auth: dict[str, str], laptop: str
) -> None:
    _, supervisor = hub.device(role="supervisor")
    owner = record(registration_data(device_id=laptop, created_at="2026-11-24T03:00:00.000Z",
                                     sector="kerajinan"))  # fmt: skip
    assert outcomes(push(client, auth, batch(laptop, [owner]))) == [("accepted", None)]
    response = client.get("/api/v1/tallies", params={"since": "2026-11-24", "until": "2026-11-24"},
                          headers=supervisor)  # fmt: skip
    assert response.status_code == 200
    rows = [r for r in response.json()["rows"] if r["sector"] == "kerajinan"]
    assert rows and all(r["day"] == "2026-11-24" for r in response.json()["rows"])
    assert sum(r["registrations"] for r in rows) >= 1
    assert sum(r["monthly_due"] for r in rows) >= owner["data"]["monthly_due"]
    (event,) = hub.rows("SELECT name, target_registrations FROM events WHERE code = ?",
                        (owner["data"]["event_code"],))  # fmt: skip
    assert event == {"name": "Expo UMKM Palembang", "target_registrations": 100}

    unknown = client.post("/api/v1/reviews", headers=supervisor,
                          json={"uuid": new_uuid(), "outcome": "same_person"})  # fmt: skip
    assert (unknown.status_code, error_code(unknown)) == (404, "review.unknown_record")
    bad = client.post("/api/v1/reviews", headers=supervisor,
                      json={"uuid": owner["uuid"], "outcome": "maybe"})  # fmt: skip
    assert (bad.status_code, error_code(bad)) == (422, "request.invalid")
    done = client.post("/api/v1/reviews", headers=supervisor,
                       json={"uuid": owner["uuid"], "outcome": "different_people"})  # fmt: skip
    assert done.status_code == 201 and done.json()["outcome"] == "different_people"
    assert hub.count("reviews", "uuid = ?", (owner["uuid"],)) == 1
