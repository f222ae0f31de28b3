"""The laptop reads every hub reply with the protocol's structs (protocol/replies.py).

A real server on 127.0.0.1 (tests/sync/hostile.py) announces a proper identity and key and
signs what it sends, but answers in a shape the protocol does not have: a result whose
version is ``true``, an outcome nobody defined, a receipt without ``received_at``. The
real `outreach sync` must stop with one line and the documented exit code, mark nothing
synced, and then sync everything to the real hub as if nothing had happened.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from outreach_tui.cli.main import app
from outreach_tui.domain import origin
from outreach_tui.sync import credentials as creds
from tests.sync.helpers import Hub, device_id, local_states, scalar, total_records
from tests.sync.hostile import Answer, hostile_server, json_answer

cli = CliRunner()
CAPS = "GET /api/v1/capabilities"
BATCHES = "POST /api/v1/batches"
KEY = origin.new_private_key()
HUB_ID = "0196ffff-0000-7000-8000-00000000bad1"
PROTOCOL_LINE = "does not follow the sync protocol"


def _caps(**changes: Any) -> dict[str, Any]:
    return {"hub_id": HUB_ID, "protocol": 1, "max_records": 500, "max_bytes": 5_000_000,
            "server_time": "2026-11-23T10:00:00.000Z", "reference_version": "2026.01",
            "hub_key": origin.public_key(KEY), **changes}  # fmt: skip


def _signed(receipt: dict[str, Any]) -> dict[str, Any]:
    return {**receipt, "signature": origin.sign(KEY, origin.receipt_message(receipt))}


def _receipt(body: bytes, **result_changes: Any) -> dict[str, Any]:
    """A receipt accepting every record of the batch, each result with ``result_changes``."""
    batch = json.loads(body)
    results = [{"uuid": r["uuid"], "version": r["version"], "outcome": "accepted",
                "code": None, "field": None, "message": None, **result_changes}
               for r in batch["records"]]  # fmt: skip
    return {"batch_id": batch["batch_id"], "hub_id": HUB_ID, "replayed": False,
            "received_at": "2026-11-23T10:00:00.000Z", "results": results}  # fmt: skip


def _without(name: str) -> Callable[[bytes], dict[str, Any]]:
    def answer(body: bytes) -> dict[str, Any]:
        receipt = _receipt(body)
        del receipt[name]
        return _signed(receipt)

    return answer


def _raw(body: bytes, content_type: str = "text/html") -> Answer:
    def answer(h: Any) -> None:
        h.send_response(200)
        h.send_header("Content-Type", content_type)
        h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        h.wfile.write(body)

    return answer


@pytest.fixture
def fake_hub_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Credentials pinning the fake hub's id and key (its URL is given with --hub)."""
    token_path = tmp_path / "credentials.toml"
    monkeypatch.setenv("OUTREACH_CONFIG", str(tmp_path / "config.toml"))
    monkeypatch.setenv("OUTREACH_TOKEN_PATH", str(token_path))
    creds.save(token_path, creds.Credentials("http://127.0.0.1:9", "otk_" + "x" * 43, HUB_ID,
                                             hub_key=origin.public_key(KEY)))  # fmt: skip
    return token_path


def _sync(laptop: Path, url: str) -> Any:
    return cli.invoke(app, ["--db", str(laptop), "--lang", "en", "sync", "--hub", url])


def _one_line(stderr: str) -> str:
    lines = stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in stderr, stderr
    return lines[0]


RECEIPTS: dict[str, Callable[[bytes], dict[str, Any]]] = {
    # True == 1 in Python: a hand check of isinstance(version, int) let it mark version 1.
    "a version that is a boolean": lambda b: _signed(_receipt(b, version=True)),
    "a version in quotes": lambda b: _signed(_receipt(b, version="1")),
    "an outcome the protocol has not": lambda b: _signed(_receipt(b, outcome="ok")),
    "a uuid that is not one": lambda b: _signed(_receipt(b, uuid="not-a-uuid")),
    "a message that is a number": lambda b: _signed(_receipt(b, message=42)),
    "no results": _without("results"),
    "no received_at": _without("received_at"),
    "no hub_id": _without("hub_id"),
    "another batch's id": lambda b: _signed(
        {**_receipt(b), "batch_id": "0196ffff-0000-7000-8000-000000000000"}
    ),
}


@pytest.mark.parametrize("case", sorted(RECEIPTS))
def test_a_receipt_in_a_shape_the_protocol_has_not_is_exit_8_and_nothing_is_synced(
    case: str, fake_hub_env: Path, make_laptop: Callable[..., Path]
) -> None:
    laptop = make_laptop(5)
    total = total_records(laptop)
    routes = {CAPS: json_answer(_caps()), BATCHES: json_answer(RECEIPTS[case])}
    with hostile_server(routes) as (url, seen):
        result = _sync(laptop, url)
    assert result.exit_code == 8, (case, result.output)
    line = _one_line(result.stderr)
    assert line.startswith("outreach: ") and PROTOCOL_LINE in line and "receipt" in line, line
    assert seen[BATCHES] == 1  # refused at once: the same bytes are not sent again and again
    assert local_states(laptop) == {"pending": total}  # nothing marked synced, nothing lost
    assert scalar(laptop, "SELECT count(*) FROM sync_receipts") == 0


def test_a_receipt_that_is_not_json_names_what_came_instead(
    fake_hub_env: Path, make_laptop: Callable[..., Path]
) -> None:
    laptop = make_laptop(5)
    routes = {CAPS: json_answer(_caps()), BATCHES: _raw(b"<html>Welcome to the Wi-Fi</html>")}
    with hostile_server(routes) as (url, _):
        result = _sync(laptop, url)
    assert result.exit_code == 8, result.output
    line = _one_line(result.stderr)
    assert PROTOCOL_LINE in line and "not JSON (text/html)" in line, line
    assert local_states(laptop) == {"pending": total_records(laptop)}


@pytest.mark.parametrize(
    "caps",
    [_caps(max_records="500"), _caps(protocol=True), _caps(server_time=5),
     _caps(hub_id=""), {k: v for k, v in _caps().items() if k != "max_bytes"}],
    ids=["limit in quotes", "protocol a boolean", "time a number", "empty id", "no max_bytes"],
)  # fmt: skip
def test_capabilities_in_another_shape_are_not_a_hub_exit_7(
    caps: dict[str, Any], fake_hub_env: Path, make_laptop: Callable[..., Path]
) -> None:
    laptop = make_laptop(5)
    with hostile_server({CAPS: json_answer(caps)}) as (url, seen):
        result = _sync(laptop, url)
    assert result.exit_code == 7, result.output
    assert "not an outreach hub" in _one_line(result.stderr)
    assert seen[BATCHES] == 0
    assert local_states(laptop) == {"pending": total_records(laptop)}


def _accepting(body: bytes) -> dict[str, Any]:
    return _signed(_receipt(body))


def test_a_malformed_downlink_page_installs_none_of_it_and_the_push_still_counts(
    fake_hub_env: Path, make_laptop: Callable[..., Path]
) -> None:
    laptop = make_laptop(5)
    page = {"cursor": "1", "more": False, "reference": None,
            "nik_key": {"key_id": "k1", "key": "AAAA"},
            "known_participants": [{"nik_digest": "f" * 64, "registered_on": "2026-11-20"},
                                   {"nik_digest": "not hex", "registered_on": "2026-11-20"}],
            "review_outcomes": []}  # fmt: skip
    days = {"days": [{"day": "2026-11-23", "registrations": "3", "leads": 0, "digest": "0" * 64}]}
    routes = {CAPS: json_answer(_caps()), BATCHES: json_answer(_accepting),
              "GET /api/v1/reconcile": json_answer(days),
              "GET /api/v1/downlink": json_answer(page)}  # fmt: skip
    with hostile_server(routes) as (url, seen):
        result = cli.invoke(app, ["--db", str(laptop), "sync", "--hub", url, "--json"])
    report = json.loads(result.stdout)
    assert result.exit_code == 0, result.output
    assert local_states(laptop) == {"synced": total_records(laptop)}
    # Neither the one good digest of the page nor its key: a page is believed whole or not.
    assert "sync.warn.downlink_failed" in report["warnings"], report
    assert scalar(laptop, "SELECT count(*) FROM known_participants") == 0
    assert scalar(laptop, "SELECT count(*) FROM settings WHERE key = 'nik_key_id'") == 0
    # A count in quotes is not read as zero (a mismatch the officer would chase): no check.
    assert "sync.warn.reconcile_failed" in report["warnings"], report
    assert report["reconciliation"] == []
    assert seen["GET /api/v1/downlink"] == 1


def test_after_a_bad_receipt_the_real_hub_takes_everything(
    hub: Hub, fake_hub_env: Path, make_laptop: Callable[..., Path]
) -> None:
    laptop = make_laptop(20)
    routes = {CAPS: json_answer(_caps()), BATCHES: json_answer(RECEIPTS["no results"])}
    with hostile_server(routes) as (url, _):
        assert _sync(laptop, url).exit_code == 8
    token = hub.token()
    fake_hub_env.unlink()
    login = cli.invoke(app, ["--db", str(laptop), "login", hub.url, token])
    assert login.exit_code == 0, login.output
    done = cli.invoke(app, ["--db", str(laptop), "sync", "--json"])
    assert done.exit_code == 0, done.output
    assert local_states(laptop) == {"synced": total_records(laptop)}
    assert len(hub.records_of(device_id(laptop))) == total_records(laptop)
