"""Whatever arrives, the hub answers 4xx with a reason (never 500) and writes nothing."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from conftest import Hub
from hub_builders import batch, record, registration_data
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

PUSH = "/api/v1/batches"
TABLES = ("batches", "records", "record_versions", "daily_rollup", "events")


def snapshot(hub: Hub) -> list[int]:
    return [hub.count(table) for table in TABLES]


def refused(response: httpx.Response, status: int, code: str, field: str | None = None) -> None:
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert error["code"] == code and error["message"]
    if field is not None:
        assert error["field"] == field


def _valid(laptop: str) -> dict[str, Any]:
    return batch(laptop, [record(registration_data(device_id=laptop))])


def _set(body: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    body = json.loads(json.dumps(body))
    *parents, last = path.split(".")
    target: Any = body
    for part in parents:
        target = target[int(part)] if part.isdigit() else target[part]
    target[last] = value
    return body


RAW_CASES = [
    (b'{"batch_id": ', "request.bad_json"),
    (b"", "request.bad_json"),
    (b"[1, 2]", "request.not_object"),
    (b'\xff\xfe{"a": 1}', "request.not_utf8"),
    (b'{"seq_from": NaN}', "request.bad_json"),
    (b"[" * 100_000 + b"]" * 100_000, "request.too_deep"),
    (b'{"a": "\\u0000"}', "request.bad_text"),
    (b'{"a": "\\ud800"}', "request.bad_text"),
    # Lenient JSON (issue #14): each reader would pick its own meaning.
    (b'{"seq_from": 1, "seq_from": 2}', "request.bad_json"),
    (b'\xef\xbb\xbf{"seq_from": 1}', "request.bad_json"),
    (b'{"seq_from": ' + b"9" * 5000 + b"}", "request.bad_json"),
    (b'{"seq_from": Infinity}', "request.bad_json"),
]
# Python's own words must never reach a client (they say nothing to an officer).
INTERNALS = ("recursion", "4300", "sys.set_int_max_str_digits", "Traceback", "regex")


@pytest.mark.parametrize(("raw", "code"), RAW_CASES, ids=[c for _, c in RAW_CASES])
def test_bodies_that_are_not_json_objects_are_422(
    hub: Hub, client: httpx.Client, auth: dict[str, str], raw: bytes, code: str
) -> None:
    before = snapshot(hub)
    response = client.post(PUSH, content=raw, headers={**auth, "Content-Type": "application/json"})
    refused(response, 422, code)
    message = response.json()["error"]["message"]
    assert "\n" not in message and not any(word in message for word in INTERNALS), message
    assert snapshot(hub) == before


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded",
                                          "application/json; charset=latin-1", None])  # fmt: skip
def test_a_body_not_sent_as_json_is_415(
    hub: Hub, client: httpx.Client, auth: dict[str, str], laptop: str, content_type: str | None
) -> None:
    headers = {**auth, "Content-Type": content_type} if content_type else auth
    before = snapshot(hub)
    response = client.post(PUSH, content=json.dumps(_valid(laptop)).encode(), headers=headers)
    refused(response, 415, "request.media_type")
    assert snapshot(hub) == before
    charset = {**auth, "Content-Type": "application/json; charset=utf-8"}
    sent = client.post(PUSH, content=json.dumps(_valid(laptop)).encode(), headers=charset)
    assert sent.status_code == 200, sent.text


FIELD_CASES = [
    ("records.0.version", "2", "records.0.version"),
    ("records.0.version", True, "records.0.version"),
    ("records.0.version", 1.0, "records.0.version"),
    ("records.0.version", 0, "records.0.version"),
    ("seq_from", -1, "seq_from"),
    ("seq_to", 0, None),  # seq_to < seq_from: the model says which rule failed
    ("batch_id", "not-a-uuid", "batch_id"),
    ("records.0.uuid", "'; DROP TABLE records; --", "records.0.uuid"),
    ("records.0.entity", "employer", "records.0.entity"),
    ("records.0.content_hash", "abc", "records.0.content_hash"),
    ("records.0.data", ["not", "an", "object"], "records.0.data"),
    ("records.0.surprise", 1, "records.0.surprise"),
    ("surprise", {"a": 1}, "surprise"),
    ("events.0.target_registrations", -5, "events.0.target_registrations"),
    ("events.0.name", "x" * 201, "events.0.name"),
    ("officer.code", "PLG 01; --", "officer.code"),
    ("officer.code", "PLG-01\n", "officer.code"),
    ("officer.branch_code", "PLG\n", "officer.branch_code"),
    ("events.0.code", "EXPO-PLG-2026-11\n", "events.0.code"),
    ("events.0.code", "expo-plg-2026-11", "events.0.code"),
    ("events.0.branch_code", " PLG", "events.0.branch_code"),
    ("events.0.starts_on", "2026-02-30", "events.0"),
    ("device_id", "laptop-1\n", "device_id"),
]


@pytest.mark.parametrize(("path", "value", "field"), FIELD_CASES, ids=[c[0] for c in FIELD_CASES])
def test_wrong_types_and_unknown_fields_are_422_with_the_field(
    hub: Hub, client: httpx.Client, auth: dict[str, str], laptop: str, path: str, value: Any,
    field: str | None,
) -> None:  # fmt: skip
    body = _set(_valid(laptop), path, value)
    if path == "seq_to":
        body["seq_from"] = 5
    before = snapshot(hub)
    response = client.post(PUSH, json=body, headers=auth)
    refused(response, 422, "request.invalid", field)
    assert not any(word in response.json()["error"]["message"] for word in INTERNALS)
    assert snapshot(hub) == before


def test_ten_thousand_records_are_413(
    hub: Hub, client: httpx.Client, auth: dict[str, str], laptop: str
) -> None:
    small = record({}, entity="lead")  # ~150 bytes each: the count, not the size, is over
    body = batch(laptop, [small] * 10_000)
    before = snapshot(hub)
    refused(client.post(PUSH, json=body, headers=auth), 413, "batch.too_large", "records")
    assert snapshot(hub) == before


def test_a_body_over_max_bytes_is_413(
    hub: Hub, client: httpx.Client, auth: dict[str, str], laptop: str
) -> None:
    body = _valid(laptop)
    body["records"][0]["data"]["notes"] = "x" * 6_000_000
    before = snapshot(hub)
    refused(client.post(PUSH, json=body, headers=auth), 413, "batch.too_large")
    assert snapshot(hub) == before


def test_nesting_too_deep_is_422(hub: Hub, client: httpx.Client, auth: dict[str, str]) -> None:
    deep: Any = "x"
    for _ in range(200):
        deep = [deep]
    refused(client.post(PUSH, json={"a": deep}, headers=auth), 422, "request.too_deep")


def test_sql_looking_text_is_stored_verbatim(
    hub: Hub, client: httpx.Client, auth: dict[str, str], laptop: str
) -> None:
    sneaky = {
        "address": "Jl. Merdeka'; DROP TABLE records; --",
        "business_name": "Robert'); DELETE FROM batches WHERE ('1' = '1",
        "full_name": "Siti O'Brien",
    }
    one = record(registration_data(device_id=laptop, **sneaky))
    response = client.post(PUSH, json=batch(laptop, [one]), headers=auth)
    assert response.json()["results"][0]["outcome"] == "accepted"
    (row,) = hub.rows("SELECT data FROM records WHERE uuid = ?", (one["uuid"],))
    stored = json.loads(str(row["data"]))
    assert {k: stored[k] for k in sneaky} == sneaky
    assert hub.count("batches") > 0


@pytest.mark.parametrize(
    ("method", "path", "status", "code"),
    [
        ("GET", "/api/v1/nothing-here", 404, "request.not_found"),
        ("GET", PUSH, 405, "request.method"),
        ("GET", "/api/v1/reconcile", 422, "request.invalid"),
        ("GET", "/api/v1/reconcile?device_id=a%27%20OR%201%3D1", 422, "request.invalid"),
        ("GET", "/api/v1/reconcile?device_id=abc&since=yesterday", 422, "request.bad_day"),
        ("GET", "/api/v1/downlink?since=-1", 422, "downlink.bad_cursor"),
        ("GET", "/api/v1/tallies", 403, "auth.forbidden"),
        ("POST", "/api/v1/reviews", 403, "auth.forbidden"),
    ],
)
def test_other_endpoints_refuse_with_a_reason(
    client: httpx.Client, auth: dict[str, str], method: str, path: str, status: int, code: str
) -> None:
    refused(client.request(method, path, headers=auth), status, code)


def test_errors_follow_accept_language(client: httpx.Client) -> None:
    english = client.post(PUSH, json={}, headers={"Accept-Language": "en-US"})
    indonesian = client.post(PUSH, json={})
    assert english.json()["error"]["message"].startswith("Unknown or missing device token")
    assert indonesian.json()["error"]["message"].startswith("Token perangkat")


_json = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=20,
)
_record = st.fixed_dictionaries(
    {},
    optional={
        "entity": st.sampled_from(["registration", "lead"]) | _json,
        "uuid": st.uuids().map(str) | _json,
        "version": st.integers(-2, 5) | _json,
        "base_version": st.none() | st.integers(-2, 5),
        "content_hash": st.just("0" * 64) | _json,
        "data": st.dictionaries(st.sampled_from(["nik", "full_name", "created_at", "role",
                                                  "officer_code", "x"]), _json) | _json,
    },
)  # fmt: skip
_body = st.fixed_dictionaries(
    {},
    optional={
        "batch_id": st.uuids().map(str) | _json,
        "device_id": st.just("laptop-1") | _json,
        "seq_from": st.integers(-1, 3) | _json,
        "seq_to": st.integers(-1, 3) | _json,
        "records": st.lists(_record, max_size=3) | _json,
        "events": st.lists(st.dictionaries(st.sampled_from(["code", "name"]), _json), max_size=2),
        "officer": _json,
    },
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(body=_body)
def test_random_bodies_never_cause_a_server_error(
    client: httpx.Client, auth: dict[str, str], body: dict[str, Any]
) -> None:
    response = client.post(PUSH, json=body, headers=auth)
    assert response.status_code in (200, 409, 413, 422), response.text
    if response.status_code == 200:
        assert all(r["outcome"] in ("rejected", "conflict", "duplicate", "accepted")
                   for r in response.json()["results"])  # fmt: skip
