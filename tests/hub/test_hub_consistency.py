"""What the hub derives stays true: rollups, reconcile digests, the downlink, and no
doubles when devices (and hub processes) push the same records at the same time."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import random
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from conftest import Hub
from hub_builders import batch, edited, lead_data, record, registration_data
from rollup_checks import officer_events, officer_events_from_daily, unit_days, unit_days_from_daily

from tests.support.hub_server import HubServer

PUSH = "/api/v1/batches"
COUNTS = ("registrations", "workers", "leads", "voided", "monthly_due")


def accepted(client: httpx.Client, headers: dict[str, str], body: dict[str, Any]) -> None:
    response = client.post(PUSH, json=body, headers=headers)
    assert response.status_code == 200, response.text
    assert {r["outcome"] for r in response.json()["results"]} <= {"accepted", "duplicate"}


def recount(hub: Hub) -> dict[tuple[str, ...], list[int]]:
    """Tallies rebuilt from the stored wire data alone, not from the hub's derived columns."""
    totals: dict[tuple[str, ...], list[int]] = defaultdict(lambda: [0] * 5)
    with hub.storage.read() as tx:
        for row in tx.stream("SELECT entity, data FROM records"):
            data = json.loads(row["data"])
            moment = datetime.fromisoformat(data["created_at"]).astimezone(ZoneInfo("Asia/Jakarta"))
            lead = row["entity"] == "lead"
            role = "lead" if lead else data["role"]
            key = (moment.date().isoformat(), data.get("event_code") or "", data["officer_code"],
                   data.get("sector") or "", "" if lead else data["path"], role)  # fmt: skip
            if data.get("voided_at"):
                totals[key][3] += 1
                continue
            totals[key][0] += role == "owner"
            totals[key][1] += role == "worker"
            totals[key][2] += lead
            totals[key][4] += 0 if lead else data["monthly_due"]
    return {k: v for k, v in totals.items() if any(v)}


def rollups(hub: Hub) -> dict[tuple[str, ...], list[int]]:
    rows = hub.rows("SELECT * FROM daily_rollup")
    keys = ("day", "event_code", "officer_code", "sector", "path", "role")
    return {
        tuple(str(r[k]) for k in keys): [int(r[c]) for c in COUNTS]  # type: ignore[call-overload]
        for r in rows
        if any(r[c] for c in COUNTS)
    }


def test_rollups_equal_a_recount_after_edits_voids_and_conflicts(
    hub: Hub, client: httpx.Client, auth: dict[str, str], laptop: str
) -> None:
    owner = registration_data(device_id=laptop)
    owner_rec = record(owner)
    worker = {"owner_uuid": owner_rec["uuid"], "declared_income": "1.500.000"}
    workers = [record(registration_data(device_id=laptop, **worker)) for _ in range(2)]
    lead = record(lead_data(device_id=laptop, created_at="2026-11-22T18:30:00.000Z"), entity="lead")
    accepted(client, auth, batch(laptop, [owner_rec, *workers, lead]))
    # A sector change moves the owner between rollup rows; a void takes a worker out.
    moved = edited(owner, sector="perdagangan")
    accepted(client, auth, batch(laptop, [record(moved, uuid=owner_rec["uuid"], version=2,
                                                 base_version=1)]))  # fmt: skip
    gone = edited(workers[0]["data"], voided_at="2026-11-23T07:00:00.000Z", void_reason="ganda")
    accepted(client, auth, batch(laptop, [record(gone, uuid=workers[0]["uuid"], version=2,
                                                 base_version=1)]))  # fmt: skip
    clash = record(edited(owner, sector="jasa"), uuid=owner_rec["uuid"], version=2, base_version=1)
    response = client.post(PUSH, json=batch(laptop, [clash]), headers=auth)
    assert response.json()["results"][0]["outcome"] == "conflict"

    assert rollups(hub) == recount(hub)
    assert unit_days(hub.storage) == unit_days_from_daily(hub.storage)  # schema v10
    assert officer_events(hub.storage) == officer_events_from_daily(hub.storage)  # schema v14
    (row,) = hub.rows("SELECT sector FROM records WHERE uuid = ?", (owner_rec["uuid"],))
    assert row["sector"] == "perdagangan"
    # The lead was captured at 01:30 WIB on the 23rd: it counts for that local day.
    assert hub.rows("SELECT day FROM records WHERE uuid = ?", (lead["uuid"],)) == [
        {"day": "2026-11-23"}
    ]


def test_reconcile_matches_a_digest_computed_independently(
    hub: Hub, client: httpx.Client, auth: dict[str, str], laptop: str
) -> None:
    days = {"2026-11-21T02:00:00.000Z": 2, "2026-11-23T03:00:00.000Z": 3}
    sent = [record(registration_data(device_id=laptop, created_at=at))
            for at, n in days.items() for _ in range(n)]  # fmt: skip
    sent.append(record(lead_data(device_id=laptop), entity="lead"))
    accepted(client, auth, batch(laptop, sent))
    v2 = record(edited(sent[0]["data"], full_name="Siti Rahma"), uuid=sent[0]["uuid"], version=2,
                base_version=1)  # fmt: skip
    accepted(client, auth, batch(laptop, [v2]))
    versions = {r["uuid"]: 1 for r in sent} | {v2["uuid"]: 2}

    expected: dict[str, dict[str, Any]] = {}
    for r in sent:
        day = expected.setdefault(r["data"]["created_at"][:10],
                                  {"registrations": 0, "leads": 0, "xor": 0})  # fmt: skip
        day["registrations" if r["entity"] == "registration" else "leads"] += 1
        digest = hashlib.sha256(f"{r['uuid']}:{versions[r['uuid']]}".encode()).digest()
        day["xor"] ^= int.from_bytes(digest, "big")

    response = client.get("/api/v1/reconcile", params={"device_id": laptop}, headers=auth)
    assert response.status_code == 200
    assert response.json() == {
        "device_id": laptop,
        "days": [{"day": d, "registrations": v["registrations"], "leads": v["leads"],
                  "digest": f"{v['xor']:064x}"} for d, v in sorted(expected.items())],
    }  # fmt: skip
    only = client.get("/api/v1/reconcile", headers=auth,
                      params={"device_id": laptop, "since": "2026-11-22"})  # fmt: skip
    assert [d["day"] for d in only.json()["days"]] == ["2026-11-23"]


def _all_pages(client: httpx.Client, headers: dict[str, str], since: str) -> dict[str, Any]:
    pages, cursor = [], since
    while True:
        response = client.get("/api/v1/downlink", params={"since": cursor}, headers=headers)
        assert response.status_code == 200, response.text
        pages.append(response)
        cursor = response.json()["cursor"]
        if not response.json()["more"]:
            break
    last = pages[-1].json()
    return {
        **last,
        "text": "".join(p.text for p in pages),
        "known_participants": [k for p in pages for k in p.json()["known_participants"]],
        "review_outcomes": [k for p in pages for k in p.json()["review_outcomes"]],
    }


def test_downlink_has_keyed_digests_and_reviews_never_a_raw_nik(
    hub: Hub, client: httpx.Client, auth: dict[str, str], laptop: str
) -> None:
    start = client.get("/api/v1/downlink", headers=auth).json()
    sent = [record(registration_data(device_id=laptop)) for _ in range(3)]
    accepted(client, auth, batch(laptop, sent))
    void = edited(sent[2]["data"], voided_at="2026-11-23T08:00:00.000Z", void_reason="batal")
    accepted(client, auth, batch(laptop, [record(void, uuid=sent[2]["uuid"], version=2,
                                                 base_version=1)]))  # fmt: skip
    _, supervisor = hub.device(role="supervisor")
    review = client.post("/api/v1/reviews", headers=supervisor,
                         json={"uuid": sent[0]["uuid"], "outcome": "same_person"})  # fmt: skip
    assert review.status_code == 201

    feed = _all_pages(client, auth, "0")
    key = base64.b64decode(feed["nik_key"]["key"])
    digests = {k["nik_digest"] for k in feed["known_participants"]}
    niks = [r["data"]["nik"] for r in sent]
    expected = [hmac.new(key, n.encode(), hashlib.sha256).hexdigest() for n in niks]
    assert expected[0] in digests and expected[1] in digests
    assert expected[2] not in digests  # voided: not a participant
    assert not any(n in feed["text"] for n in niks)
    assert {"uuid": sent[0]["uuid"], "outcome": "same_person"}.items() <= next(
        r for r in feed["review_outcomes"] if r["uuid"] == sent[0]["uuid"]
    ).items()
    known = next(k for k in feed["known_participants"] if k["nik_digest"] == expected[0])
    assert known == {"nik_digest": expected[0], "registered_on": "2026-11-23", "branch_code": "PLG"}

    # Incremental: from the earlier cursor only what came after; then nothing new.
    newer = _all_pages(client, auth, start["cursor"])
    assert {k["nik_digest"] for k in newer["known_participants"]} >= set(expected[:2])
    after = client.get("/api/v1/downlink", params={"since": newer["cursor"]}, headers=auth)
    assert after.json()["known_participants"] == [] and after.json()["review_outcomes"] == []
    assert after.json()["cursor"] == newer["cursor"]
    same_ref = client.get(
        "/api/v1/downlink",
        headers=auth,
        params={"since": newer["cursor"], "reference_version": "2026.12"},
    )
    assert same_ref.json()["reference"] is None
    assert (
        start["reference"]["version"] == "2026.12" and "[[rules]]" in start["reference"]["content"]
    )


def test_concurrent_pushers_through_two_hub_processes_make_no_doubles(
    hub: Hub, auth: dict[str, str], laptop: str
) -> None:
    shared = [record(registration_data(device_id=laptop)) for _ in range(40)]
    shared += [record(lead_data(device_id=laptop), entity="lead") for _ in range(10)]
    edit_target = shared[0]
    edits = [record(edited(edit_target["data"], full_name=name), uuid=edit_target["uuid"],
                    version=2, base_version=1) for name in ("Siti Satu", "Siti Dua")]  # fmt: skip

    def pusher(args: tuple[int, str]) -> list[dict[str, Any]]:
        seed, url = args
        mine = shared[:]
        random.Random(seed).shuffle(mine)
        results = []
        with httpx.Client(base_url=url, timeout=60) as http:
            for chunk in (mine[:17], mine[17:34], mine[34:]):
                response = http.post(PUSH, json=batch(laptop, chunk), headers=auth)
                assert response.status_code == 200, response.text
                results += response.json()["results"]
            response = http.post(PUSH, json=batch(laptop, [edits[seed % 2]]), headers=auth)
            results += response.json()["results"]
        return results

    with HubServer(hub.db) as second:
        urls = [hub.url, second.url] * 3
        with ThreadPoolExecutor(len(urls)) as pool:
            results = [r for rs in pool.map(pusher, enumerate(urls)) for r in rs]

    uuids = [r["uuid"] for r in shared]
    placeholders = ", ".join("?" * len(uuids))
    assert hub.count("records", f"uuid IN ({placeholders})", tuple(uuids)) == len(uuids)
    firsts = Counter((r["uuid"], r["outcome"]) for r in results if r["version"] == 1)
    for uuid in uuids:
        assert firsts[(uuid, "accepted")] == 1, uuid
        assert firsts[(uuid, "accepted")] + firsts[(uuid, "duplicate")] == len(urls)
    second_versions = Counter(r["outcome"] for r in results if r["version"] == 2)
    # Two different v2s on base 1: one wins once, its retries are duplicates, the other conflicts.
    assert second_versions["accepted"] == 1
    assert second_versions["conflict"] == len(urls) // 2
    assert hub.count("record_versions", "uuid = ?", (edit_target["uuid"],)) == 2
    assert rollups(hub) == recount(hub)
    assert unit_days(hub.storage) == unit_days_from_daily(hub.storage)  # schema v10
    assert officer_events(hub.storage) == officer_events_from_daily(hub.storage)  # schema v14


@pytest.fixture
def crash_hub(hub: Hub) -> HubServer:
    return HubServer(hub.db)


def test_a_receipt_survives_a_killed_hub(
    hub: Hub, crash_hub: HubServer, auth: dict[str, str], laptop: str
) -> None:
    body = batch(laptop, [record(registration_data(device_id=laptop)) for _ in range(5)])
    with crash_hub:
        first = httpx.post(f"{crash_hub.url}{PUSH}", json=body, headers=auth, timeout=60)
        assert first.status_code == 200
        crash_hub.restart(hard=True)  # SIGKILL right after the answer: no shutdown, no flush
        again = httpx.post(f"{crash_hub.url}{PUSH}", json=body, headers=auth, timeout=60)
    assert again.json() == {**first.json(), "replayed": True}
    assert hub.count("records", "device_id = ?", (laptop,)) == 5
