"""`outreach login / sync / export` as a user runs them, without a hub: refusals, one-line
errors, exit codes, JSON shapes, files. Local data must come out untouched every time."""

from __future__ import annotations

import json
import socket
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from outreach_tui.cli.main import app
from outreach_tui.store import Store
from outreach_tui.sync import credentials as creds
from tests.sync.foreign import OTHER_HUB_KEY, captive_portal, foreign_server, other_hub
from tests.sync.helpers import HUB_ID, rows

runner = CliRunner()


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No real config or credentials of the machine running the tests."""
    monkeypatch.setenv("OUTREACH_CONFIG", str(tmp_path / "config.toml"))
    token_path = tmp_path / "secret" / "credentials.toml"
    monkeypatch.setenv("OUTREACH_TOKEN_PATH", str(token_path))
    return token_path


def run(*args: str, db: Path | None = None, lang: str = "id") -> Any:
    prefix = ["--lang", lang] + (["--db", str(db)] if db else [])
    return runner.invoke(app, [*prefix, *args], catch_exceptions=False)


def one_line_error(result: Any) -> str:
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("outreach: ")
    assert "Traceback" not in result.output
    return lines[0]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def snapshot(path: Path) -> list[list[dict[str, Any]]]:
    return [rows(path, f"SELECT * FROM {t} ORDER BY rowid")
            for t in ("registrations", "leads", "sync_batches", "sync_receipts")]  # fmt: skip


# -- login ----------------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["ftp://hub.local", "hub.local:8765", "http://", "http://h:99999"])
def test_login_refuses_a_malformed_url(url: str, isolated: Path) -> None:
    result = run("login", url, "otk_x")
    assert result.exit_code == 2
    assert "Alamat hub" in one_line_error(result)
    assert not isolated.exists()


def test_login_refuses_plain_http_to_a_lan_address_unless_insecure(isolated: Path) -> None:
    result = run("login", "http://10.0.0.5:8765", "otk_x", lang="en")
    assert result.exit_code == 2
    assert "--insecure" in one_line_error(result)
    # with --insecure it goes on and tries the network (0.0.0.0 is not loopback)
    result = run("login", f"http://0.0.0.0:{free_port()}", "otk_x", "--insecure")
    assert result.exit_code == 5
    assert "tidak menjawab" in one_line_error(result)
    assert not isolated.exists()


def test_login_to_a_captive_portal_is_refused_and_saves_nothing(isolated: Path) -> None:
    with captive_portal() as url:
        result = run("login", url, "otk_x")
    assert result.exit_code == 7
    assert "captive portal" in one_line_error(result)
    assert not isolated.exists()


def test_login_saves_url_token_and_hub_id_readable_by_the_owner_only(
    isolated: Path, db_path: Path, store: Store
) -> None:
    with other_hub(HUB_ID) as url:
        result = run("login", url + "/", "otk_secret-token", "--json", db=db_path)
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data == {"url": url, "hub_id": HUB_ID, "protocol": 1, "max_records": 500,
                    "max_bytes": 5_000_000, "insecure": False,
                    "credentials_path": str(isolated), "ca_cert": None,
                    "hub_key": OTHER_HUB_KEY, "laptop_id": store.device_id}  # fmt: skip
    assert stat.S_IMODE(isolated.stat().st_mode) == 0o600
    saved = creds.load(isolated)
    assert saved and (saved.url, saved.token, saved.hub_id) == (url, "otk_secret-token", HUB_ID)
    assert "otk_secret-token" not in result.stdout


def test_a_redirecting_server_is_not_a_hub(isolated: Path) -> None:
    with foreign_server(302, b"", "text/html") as url:
        result = run("login", url, "otk_x", lang="en")
    assert result.exit_code == 7
    assert "not an outreach hub" in one_line_error(result)


# -- sync -----------------------------------------------------------------------------------


def test_sync_without_login_says_data_is_safe(
    db_path: Path, store: Store, register: Callable[..., Any]
) -> None:
    register(workers=2)
    before = snapshot(db_path)
    result = run("sync", db=db_path)
    assert result.exit_code == 6
    assert "outreach login" in (line := one_line_error(result))
    assert "3 catatan menunggu" in line
    assert snapshot(db_path) == before


def test_sync_to_an_unreachable_hub_keeps_everything_pending(
    db_path: Path, store: Store, register: Callable[..., Any], isolated: Path
) -> None:
    register(workers=1)
    url = f"http://127.0.0.1:{free_port()}"
    creds.save(isolated, creds.Credentials(url, "otk_x", HUB_ID))
    before = snapshot(db_path)
    result = run("sync", "--retries", "2", "--json", db=db_path)
    assert result.exit_code == 5
    assert "2 catatan menunggu" in one_line_error(result)
    report = json.loads(result.stdout)
    assert report["error"]["type"] == "HubUnreachable" and report["still_pending"] == 2
    assert snapshot(db_path) == before


@pytest.mark.parametrize("server", ["captive", "other"])
def test_sync_refuses_a_server_that_is_not_the_logged_in_hub(
    server: str, db_path: Path, store: Store, register: Callable[..., Any], isolated: Path
) -> None:
    register()
    with captive_portal() if server == "captive" else other_hub() as url:
        creds.save(isolated, creds.Credentials(url, "otk_x", HUB_ID))
        before = snapshot(db_path)
        result = run("sync", db=db_path, lang="en")
    assert result.exit_code == 7
    line = one_line_error(result)
    assert "1 records waiting" in line
    if server == "other":
        assert HUB_ID in line  # names the hub it expected
    assert snapshot(db_path) == before


def test_sync_hub_flag_checks_the_url_too(db_path: Path, store: Store, isolated: Path) -> None:
    creds.save(isolated, creds.Credentials("http://127.0.0.1:1", "otk_x", HUB_ID))
    result = run("sync", "--hub", "http://10.9.9.9:8765", db=db_path)
    assert result.exit_code == 2 and "--insecure" in one_line_error(result)


def test_sync_on_a_missing_database_is_a_local_error(tmp_path: Path) -> None:
    result = run("sync", db=tmp_path / "nope.db")
    assert result.exit_code == 3
    one_line_error(result)
    assert not (tmp_path / "nope.db").exists()


def test_dry_run_json_shape_and_no_writes(
    db_path: Path, store: Store, register: Callable[..., Any], save_lead: Callable[..., Any]
) -> None:
    register(workers=2)
    save_lead()
    before = snapshot(db_path)
    result = run("sync", "--dry-run", "--batch-size", "2", "--json", db=db_path)
    assert result.exit_code == 0
    assert json.loads(result.stdout) == {
        "pending": {"registration": 3, "lead": 1}, "open_batches": [], "batches": 2,
        "batch_size": 2,
    }  # fmt: skip
    assert snapshot(db_path) == before
    text = run("sync", "--dry-run", db=db_path)
    assert "3 pendaftaran dan 1 calon peserta" in text.stdout


# -- export ---------------------------------------------------------------------------------


def test_export_writes_a_private_bundle_and_changes_nothing(
    db_path: Path,
    store: Store,
    register: Callable[..., Any],
    save_lead: Callable[..., Any],
    tmp_path: Path,
) -> None:
    register(workers=1)
    save_lead()
    before = snapshot(db_path)
    out = tmp_path / "usb" / "bundle.json"
    result = run("export", "--out", str(out), "--json", db=db_path)
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    bundle = json.loads(out.read_text(encoding="utf-8"))
    assert data == {"out": str(out), "batch_id": bundle["batch_id"], "records": 3,
                    "registrations": 2, "leads": 1, "bytes": out.stat().st_size}  # fmt: skip
    assert bundle["kind"] == "outreach-bundle" and bundle["protocol"] == 1
    assert bundle["device_id"] == store.device_id
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert list(out.parent.iterdir()) == [out]  # no temp file left behind
    assert snapshot(db_path) == before


def test_export_with_nothing_waiting_writes_no_file(
    db_path: Path, store: Store, tmp_path: Path
) -> None:
    out = tmp_path / "bundle.json"
    result = run("export", "--out", str(out), db=db_path, lang="en")
    assert result.exit_code == 0
    assert "no file written" in result.stdout
    assert not out.exists()


def test_export_to_an_unwritable_place_is_one_line(
    db_path: Path, store: Store, register: Callable[..., Any], tmp_path: Path
) -> None:
    register()
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = run("export", "--out", str(blocker / "bundle.json"), db=db_path)
    assert result.exit_code == 3
    one_line_error(result)


def test_login_reads_the_token_from_stdin(isolated: Path, db_path: Path, store: Store) -> None:
    with other_hub(HUB_ID) as url:
        result = runner.invoke(app, ["--db", str(db_path), "login", url, "-"],
                               input="otk_from-stdin\n")  # fmt: skip
    assert result.exit_code == 0, result.output
    saved = creds.load(isolated)
    assert saved and saved.token == "otk_from-stdin"


def test_a_damaged_credentials_file_is_one_line_and_exit_3(
    db_path: Path, store: Store, isolated: Path
) -> None:
    isolated.parent.mkdir(parents=True)
    isolated.write_text("url = [not toml", encoding="utf-8")
    result = run("sync", db=db_path)
    assert result.exit_code == 3
    assert str(isolated) in one_line_error(result)


def test_sync_messages_exist_in_both_languages_with_the_same_placeholders() -> None:
    import string
    import tomllib

    from outreach_tui.i18n import _flatten

    locale = Path(__file__).resolve().parents[2] / "outreach_tui" / "data" / "locale"
    flat = {}
    for lang in ("id", "en"):
        flat[lang] = {}
        _flatten("", tomllib.loads((locale / lang / "sync.toml").read_text("utf-8")), flat[lang])
    assert set(flat["id"]) == set(flat["en"]) and flat["id"]

    def names(text: str) -> set[str]:
        return {n for _, n, _, _ in string.Formatter().parse(text) if n}

    for key, text in flat["id"].items():
        assert names(text) == names(flat["en"][key]), key


def test_the_hub_url_setting_overrides_the_login_url(
    db_path: Path, store: Store, isolated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with other_hub(HUB_ID) as url:
        creds.save(isolated, creds.Credentials(url, "otk_x", HUB_ID))
        monkeypatch.setenv("OUTREACH_HUB_URL", f"http://127.0.0.1:{free_port()}")
        result = run("sync", "--retries", "1", db=db_path, lang="en")
    assert result.exit_code == 5
    assert "does not answer" in one_line_error(result)
