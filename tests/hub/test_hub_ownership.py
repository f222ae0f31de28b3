"""Whose records a batch may touch: the laptop behind a token, and the laptop behind a record.

Real uvicorn, both engines. A token is bound to the first laptop id it pushes under; a
laptop id belongs to its officer's devices; only the laptop that made a record may edit
it (SYNC_PROTOCOL.md §2, RELIABILITY.md findings 1 and 2).
"""

from __future__ import annotations

import httpx
from conftest import Hub
from hub_builders import batch, edited, record, registration_data

from outreach_tui.domain.ids import new_uuid

PUSH = "/api/v1/batches"
TABLES = ("batches", "records", "record_versions", "daily_rollup")


def counts(hub: Hub) -> list[int]:
    return [hub.count(table) for table in TABLES]


def refused(response: httpx.Response) -> str:
    assert response.status_code == 403, response.text
    body = response.json()
    assert body["error"]["field"] == "device_id" and body["error"]["message"]
    return str(body["error"]["code"])


def test_a_token_pushes_for_one_laptop_only(hub: Hub, client: httpx.Client) -> None:
    _, headers = hub.device()
    mine, other = new_uuid(), new_uuid()
    first = client.post(PUSH, json=batch(mine, [record(registration_data(device_id=mine))]),
                        headers=headers)  # fmt: skip
    assert first.status_code == 200 and first.json()["results"][0]["outcome"] == "accepted"
    before = counts(hub)
    again = client.post(PUSH, json=batch(other, [record(registration_data(device_id=other))]),
                        headers=headers)  # fmt: skip
    assert refused(again) == "batch.device_mismatch"
    assert counts(hub) == before  # nothing written, not even the batch row


def test_a_laptop_id_bound_to_a_device_is_refused_to_every_other_token(
    hub: Hub, client: httpx.Client
) -> None:
    laptop = new_uuid()
    _, first = hub.device(officer="PLG-01")
    body = batch(laptop, [record(registration_data(device_id=laptop))])
    assert client.post(PUSH, json=body, headers=first).status_code == 200
    before = counts(hub)
    _, stranger = hub.device(officer="PLG-02")
    spoof = batch(laptop, [record(registration_data(device_id=laptop))])
    assert refused(client.post(PUSH, json=spoof, headers=stranger)) == "batch.device_not_yours"
    # A replay of the first batch is refused too: the check comes before the stored receipt.
    assert refused(client.post(PUSH, json=body, headers=stranger)) == "batch.device_not_yours"
    # The same laptop enrolled again (a new token of the same officer) is refused as well
    # until a supervisor rebinds the id (test_hub_binding.py): no more silent take-over.
    _, again = hub.device(officer="PLG-01")
    assert refused(client.post(PUSH, json=spoof, headers=again)) == "batch.device_not_yours"
    assert counts(hub) == before


def test_only_the_laptop_that_made_a_record_may_edit_it(hub: Hub, client: httpx.Client) -> None:
    laptop_a, laptop_b = new_uuid(), new_uuid()
    _, token_a = hub.device()
    _, token_b = hub.device()
    original = record(registration_data(device_id=laptop_a))
    assert client.post(PUSH, json=batch(laptop_a, [original]), headers=token_a).status_code == 200
    forged = record(edited(original["data"], full_name="Orang Lain", device_id=laptop_b),
                    uuid=original["uuid"], version=2, base_version=1)  # fmt: skip
    response = client.post(PUSH, json=batch(laptop_b, [forged]), headers=token_b)
    (result,) = response.json()["results"]
    assert (result["outcome"], result["code"]) == ("conflict", "record.not_yours")
    (held,) = hub.rows("SELECT version, device_id FROM records WHERE uuid = ?", (original["uuid"],))
    assert held == {"version": 1, "device_id": laptop_a}
    # An edit from the owner's laptop is an ordinary edit.
    mine = record(edited(original["data"], full_name="Orang Lain"), uuid=original["uuid"],
                  version=2, base_version=1)  # fmt: skip
    response = client.post(PUSH, json=batch(laptop_a, [mine]), headers=token_a)
    assert response.json()["results"][0]["outcome"] == "accepted"
    # Another laptop carrying the owner's record (even a retry) is refused: a record names
    # the laptop that made it (issue 14 finding 2); nothing changes.
    response = client.post(PUSH, json=batch(laptop_b, [original]), headers=token_b)
    assert response.json()["results"][0]["code"] == "record.device_mismatch"


def test_a_batch_naming_one_uuid_twice_is_judged_record_by_record(
    hub: Hub, client: httpx.Client, auth: dict[str, str], laptop: str
) -> None:
    first = record(registration_data(device_id=laptop))
    second = record(edited(first["data"], full_name="Siti Aminah Putri"), uuid=first["uuid"],
                    version=2, base_version=1)  # fmt: skip
    stale = record(edited(first["data"], full_name="Siti Lain"), uuid=first["uuid"], version=2,
                   base_version=1)  # fmt: skip
    response = client.post(PUSH, json=batch(laptop, [second, first, stale]), headers=auth)
    assert response.status_code == 200, response.text
    outcomes = {(r["version"], r["outcome"]) for r in response.json()["results"]}
    # In lock order (uuid, version): v1 goes in, one v2 on top of it, the other conflicts.
    assert sorted(outcomes) == [(1, "accepted"), (2, "accepted"), (2, "conflict")]
    assert hub.count("record_versions", "uuid = ?", (first["uuid"],)) == 2
