"""The laptop distrusts a hostile server at the hub's address (issue 22, item 5).

Each case is a real server on 127.0.0.1 (tests/sync/hostile.py) or the real hub under
uvicorn (both engines); the laptop runs the real `outreach` commands, in a child process
where its peak memory is measured. Figures are in docs/RELIABILITY.md ("Trust between
laptop and hub").
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from typer.testing import CliRunner

from outreach_tui.cli.main import app
from outreach_tui.domain import origin
from outreach_tui.sync import credentials as creds
from outreach_tui.sync.client import HubClient
from outreach_tui.sync.errors import HubUnreachable
from tests.support.peak_rss import run_measured
from tests.sync.helpers import Hub, device_id, local_states, scalar, total_records
from tests.sync.hostile import digest_page, gzip_bomb, hostile_server, json_answer, trickle

cli = CliRunner()
CAPS = "GET /api/v1/capabilities"
MEMORY_CEILING_MB = 250  # the laptop's whole process; the attacks took 919 MB and 1.4 GB


def _env(tmp_path: Path) -> dict[str, str]:
    return {"OUTREACH_CONFIG": str(tmp_path / "config.toml"),
            "OUTREACH_TOKEN_PATH": str(tmp_path / "credentials.toml")}  # fmt: skip


def _caps(hub_id: str, key: str) -> dict[str, Any]:
    return {"hub_id": hub_id, "protocol": 1, "max_records": 500, "max_bytes": 5_000_000,
            "server_time": "2026-11-23T10:00:00.000Z", "reference_version": "2026.01",
            "hub_key": key}  # fmt: skip


def test_a_gzip_bomb_on_capabilities_is_refused_in_bounded_memory(
    tmp_path: Path, db_path: Path, store: Any
) -> None:
    with hostile_server({CAPS: gzip_bomb(1 << 30)}) as (url, seen):  # inflates to 1 GiB
        done = run_measured(["--db", str(db_path), "--lang", "en", "login", url, "otk_x"],
                            env=_env(tmp_path))  # fmt: skip
    assert seen[CAPS] == 1
    assert done.returncode == 7, done.stderr
    assert "not an outreach hub" in done.stderr and "Traceback" not in done.stderr
    assert done.peak_mb < MEMORY_CEILING_MB, done.peak_mb
    assert not (tmp_path / "credentials.toml").exists()
    print(f"gzip bomb (1 GiB inflated): login peak {done.peak_mb:.0f} MB")


def test_a_server_trickling_bytes_cannot_hold_a_request_past_its_deadline() -> None:
    with (
        hostile_server({CAPS: trickle(0.5)}) as (url, _),
        HubClient(url, tries=1, request_deadline=2) as client,
        pytest.raises(HubUnreachable),
    ):
        client.capabilities()  # the read timeout is 60 s per byte: only the deadline ends it


def test_a_server_trickling_bytes_cannot_hold_sync_past_the_run_deadline(
    tmp_path: Path, db_path: Path, register: Callable[..., Any]
) -> None:
    register()
    env = _env(tmp_path)
    creds.save(Path(env["OUTREACH_TOKEN_PATH"]),
               creds.Credentials("http://x", "otk_x", "h", hub_key="k"))  # fmt: skip
    with hostile_server({CAPS: trickle(1.0)}) as (url, seen):
        done = run_measured(
            ["--db", str(db_path), "--lang", "en", "sync", "--hub", url, "--retries", "10",
             "--deadline", "4"], env=env, timeout=120,
        )  # fmt: skip
    assert done.returncode == 5, done.stderr
    assert "Traceback" not in done.stderr
    assert 1 <= seen[CAPS] <= 10
    assert local_states(db_path) == {"pending": total_records(db_path)}


def test_a_two_million_digest_page_is_refused_in_bounded_memory(
    tmp_path: Path, db_path: Path, store: Any
) -> None:
    key = origin.new_private_key()
    hub_id = "0196ffff-0000-7000-8000-00000000bad0"
    env = _env(tmp_path)
    routes = {
        CAPS: json_answer(_caps(hub_id, origin.public_key(key))),
        "GET /api/v1/reconcile": json_answer({"days": []}),
        "GET /api/v1/downlink": digest_page(2_000_000),
    }
    with hostile_server(routes) as (url, seen):
        creds.save(
            Path(env["OUTREACH_TOKEN_PATH"]),
            creds.Credentials(url, "otk_x", hub_id, hub_key=origin.public_key(key)),
        )
        done = run_measured(["--db", str(db_path), "--lang", "en", "sync", "--json"], env=env)
    assert seen["GET /api/v1/downlink"] == 1
    report = json.loads(done.stdout)
    assert "sync.warn.downlink_failed" in report["warnings"], report
    assert done.peak_mb < MEMORY_CEILING_MB, done.peak_mb
    assert scalar(db_path, "SELECT count(*) FROM known_participants") == 0
    print(f"2,000,000-digest page: sync peak {done.peak_mb:.0f} MB")


# -- a fake hub that copies the real hub's public id (and key) ------------------------------


def _login(laptop: Path, hub: Hub, env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> str:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    token = hub.token()
    result = cli.invoke(app, ["--db", str(laptop), "login", hub.url, token, "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["hub_key"] == hub.hub_key
    return token


def _accept_everything(body: bytes) -> dict[str, Any]:
    batch = json.loads(body)
    return {"batch_id": batch["batch_id"], "hub_id": FAKE["hub_id"], "replayed": False,
            "received_at": "2026-11-23T10:00:00.000Z",
            "results": [{"uuid": r["uuid"], "version": r["version"], "outcome": "accepted",
                         "code": None, "field": None, "message": None}
                        for r in batch["records"]],
            "signature": origin.sign(origin.new_private_key(), b"x")}  # fmt: skip


FAKE: dict[str, Any] = {}


@pytest.mark.parametrize("copies_key", [True, False])
def test_a_fake_hub_copying_the_public_id_is_refused_and_nothing_is_marked_synced(
    copies_key: bool, hub: Hub, make_laptop: Callable[..., Path], tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    laptop = make_laptop(20)
    env = _env(tmp_path)
    _login(laptop, hub, env, monkeypatch)
    real = httpx.get(f"{hub.url}/api/v1/capabilities", timeout=10).json()
    caps = real if copies_key else {**real, "hub_key": origin.public_key(origin.new_private_key())}
    FAKE["hub_id"] = real["hub_id"]
    routes = {CAPS: json_answer(caps), "POST /api/v1/batches": json_answer(_accept_everything)}
    with hostile_server(routes) as (url, seen):
        result = cli.invoke(app, ["--db", str(laptop), "--lang", "en", "sync", "--hub", url])
    assert result.exit_code == 7, result.output
    assert "Not the hub you logged in to" in result.stderr
    assert seen["POST /api/v1/batches"] == (1 if copies_key else 0)
    assert "synced" not in local_states(laptop)  # nothing for the purge to minimise
    # The real hub afterwards: everything goes through, the open batch re-sent first.
    done = cli.invoke(app, ["--db", str(laptop), "sync", "--json"])
    assert done.exit_code == 0, done.output
    assert local_states(laptop) == {"synced": total_records(laptop)}
    assert len(hub.records_of(device_id(laptop))) == total_records(laptop)


def test_a_laptop_logged_in_before_signed_receipts_logs_in_again_once(
    hub: Hub, make_laptop: Callable[..., Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    laptop = make_laptop(10)
    env = _env(tmp_path)
    token = _login(laptop, hub, env, monkeypatch)
    path = Path(env["OUTREACH_TOKEN_PATH"])
    creds.save(path, creds.Credentials(hub.url, token, hub.hub_id))  # as an older login did
    refused = cli.invoke(app, ["--db", str(laptop), "--lang", "en", "sync"])
    assert refused.exit_code == 6, refused.output
    assert "outreach login" in refused.stderr and "safe" in refused.stderr
    assert "synced" not in local_states(laptop)
    again = cli.invoke(app, ["--db", str(laptop), "login", hub.url])  # the saved token
    assert again.exit_code == 0, again.output
    assert creds.load(path).hub_key == hub.hub_key  # type: ignore[union-attr]
    assert cli.invoke(app, ["--db", str(laptop), "sync"]).exit_code == 0
    assert local_states(laptop) == {"synced": total_records(laptop)}


# -- login with a malformed token (issue 14, item 7) ---------------------------------------


@pytest.mark.parametrize("token", ["otk_ñandú", "otk_abc\u200bdef", "otk_ab cd"])
def test_login_with_a_malformed_token_says_so_not_that_the_address_is_wrong(
    token: str, tmp_path: Path, db_path: Path, store: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in _env(tmp_path).items():
        monkeypatch.setenv(name, value)
    for lang, words in (("en", "token is malformed"), ("id", "Token perangkat tidak sah")):
        result = cli.invoke(app, ["--db", str(db_path), "--lang", lang, "login",
                                  "http://127.0.0.1:8765", token])  # fmt: skip
        assert result.exit_code == 2
        line = result.stderr.strip()
        assert len(line.splitlines()) == 1 and words in line
        assert "address" not in line.lower() and "alamat" not in line.lower()
    assert not (tmp_path / "credentials.toml").exists()
