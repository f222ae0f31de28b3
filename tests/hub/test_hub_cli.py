"""`outreach hub …` as a supervisor runs it, on SQLite and PostgreSQL: JSON shapes,
one-line errors, exit codes, and bundles imported through the same ingest."""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from hub_builders import batch, lead_data, record, registration_data, signed_bundle
from typer.testing import CliRunner

from outreach_tui.cli.main import app
from outreach_tui.domain.ids import new_uuid
from outreach_tui.hub.storage import open_storage

runner = CliRunner()
DEVICE_KEYS = {"id", "officer_code", "name", "role", "created_at", "expires_at", "revoked_at",
               "last_seen_at", "last_sync_at", "client_device_id", "unit_code",
               "status"}  # fmt: skip


def hub(*args: str, lang: str = "en") -> Any:
    return runner.invoke(app, ["--lang", lang, "hub", *args], catch_exceptions=False)


def ok_json(result: Any) -> Any:
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def one_line_error(result: Any, exit_code: int = 1) -> str:
    assert result.exit_code == exit_code, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("outreach: "), result.stderr
    assert "Traceback" not in result.output
    return lines[0]


def test_enroll_devices_revoke_status(db: str) -> None:
    enrolled = ok_json(hub("enroll", "--db", db, "--officer", "plg-02", "--device", "laptop-a",
                           "--days", "30", "--json"))  # fmt: skip
    assert set(enrolled) == {"device", "token"} and set(enrolled["device"]) == DEVICE_KEYS
    device = enrolled["device"]
    assert enrolled["token"].startswith("otk_") and len(enrolled["token"]) == 47
    assert (device["officer_code"], device["role"], device["status"]) == (
        "PLG-02",
        "device",
        "active",
    )
    with open_storage(db) as storage, storage.read() as tx:
        stored = tx.one("SELECT token_hash FROM devices WHERE id = ?", (device["id"],))
        officer = tx.one("SELECT code FROM officers WHERE code = 'PLG-02'")
    assert stored and enrolled["token"] not in str(stored) and len(stored["token_hash"]) == 64
    assert officer == {"code": "PLG-02"}  # an unseen officer code is created

    supervisor = ok_json(hub("enroll", "--db", db, "--officer", "PLG-02", "--device", "spv",
                             "--role", "supervisor", "--json"))  # fmt: skip
    listed = ok_json(hub("devices", "--db", db, "--json"))
    assert [d["name"] for d in listed["devices"]] == ["laptop-a", "spv"]
    assert all(set(d) == DEVICE_KEYS for d in listed["devices"])
    assert supervisor["device"]["role"] == "supervisor"

    revoked = ok_json(hub("revoke", "--db", db, "laptop-a", "--json"))
    assert revoked["revoked_now"] is True and revoked["device"]["status"] == "revoked"
    again = ok_json(hub("revoke", "--db", db, device["id"], "--json"))
    assert again["revoked_now"] is False

    status = ok_json(hub("status", "--db", db, "--json"))
    assert set(status) == {"hub_id", "db", "engine", "schema_version", "latest_schema_version",
                           "records", "live", "batches", "devices"}  # fmt: skip
    assert status["engine"] == ("sqlite" if "://" not in db else "postgres")
    assert "postgres@" not in status["db"]  # no credentials in output
    assert [(d["name"], d["status"]) for d in status["devices"]] == [
        ("laptop-a", "revoked"), ("spv", "active"),
    ]  # fmt: skip
    # Re-enrolling the revoked laptop's name is allowed; an active name is not.
    assert hub("enroll", "--db", db, "--officer", "PLG-02", "--device", "laptop-a").exit_code == 0
    line = one_line_error(hub("enroll", "--db", db, "--officer", "PLG-02", "--device", "spv"))
    assert "already enrolled" in line


def test_human_output_is_indonesian_first(db: str) -> None:
    result = hub("enroll", "--db", db, "--officer", "PLG-01", "--device", "laptop-b", lang="id")
    assert result.exit_code == 0
    assert "terdaftar untuk petugas PLG-01" in result.stdout
    token = result.stdout.strip().splitlines()[-1]
    assert token.startswith("otk_")
    assert "Pemilik aktif" in hub("status", "--db", db, lang="id").stdout


def test_a_role_is_read_as_a_kind_is(db: str) -> None:
    spv = ok_json(hub("enroll", "--db", db, "--officer", "SPV-09", "--device", "spv-cased",
                      "--role", " Supervisor ", "--json"))  # fmt: skip
    assert spv["device"]["role"] == "supervisor"  # case and spaces aside (was refused)


@pytest.mark.parametrize(
    ("args", "exit_code", "fragment"),
    [
        (["enroll", "--officer", "PLG 01;--", "--device", "x"], 1, "Invalid officer code"),
        (["enroll", "--officer", "PLG-01", "--device", "  "], 1, "device name is required"),
        (["enroll", "--officer", "PLG-01", "--device", "x", "--days", "0"], 1, "--days"),
        (
            ["enroll", "--officer", "PLG-01", "--device", "x", "--role", "admin"],
            1,
            "Unknown role: 'admin' (one of: device, supervisor, relay)",
        ),
        (["revoke", "no-such-device"], 1, "Unknown device"),
    ],
)
def test_enroll_and_revoke_mistakes_are_one_line(
    db: str, args: list[str], exit_code: int, fragment: str
) -> None:
    hub("enroll", "--db", db, "--officer", "PLG-01", "--device", "first")  # creates the hub
    command, *rest = args
    assert fragment in one_line_error(hub(command, "--db", db, *rest), exit_code)


def test_missing_or_unreachable_databases_are_exit_3(tmp_path: Path) -> None:
    missing = str(tmp_path / "none.db")
    assert "not found" in one_line_error(hub("devices", "--db", missing), 3)
    assert not Path(missing).exists()  # read-only commands never create a database
    assert "folder" in one_line_error(hub("status", "--db", str(tmp_path)), 3)
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"this is not a database" * 100)
    assert "unavailable" in one_line_error(hub("devices", "--db", str(junk)), 3)
    url = "postgresql://postgres:secret@127.0.0.1:1/nothing"
    line = one_line_error(hub("status", "--db", url), 3)
    assert "secret" not in line and "127.0.0.1:1" in line
    # A URL the driver cannot parse: its message quotes the URL, password and all.
    for url in ("postgresql://u:SECRETPW@[bad", "postgresql://u:SECRETPW@127.0.0.1:1/x?sslmode=no"):
        line = one_line_error(hub("status", "--db", url), 3)
        assert "SECRETPW" not in line and "unavailable" in line, line


def test_a_file_that_is_not_a_hub_is_refused_and_left_as_it_was(tmp_path: Path) -> None:
    # Before: a read-only command migrated any SQLite file into a hub (about 100 tables
    # added to another program's file, a wiped hub silently empty and "fine").
    empty = tmp_path / "empty.db"
    empty.touch()
    other = tmp_path / "other.db"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE notes (text TEXT)")
        conn.execute("INSERT INTO notes VALUES ('milik aplikasi lain')")
    conn.close()
    before = {p: p.read_bytes() for p in (empty, other)}
    for path in before:
        for command in (["devices"], ["unit", "list"], ["search", "abc"]):
            line = one_line_error(hub(*command, "--db", str(path)), 3)
            assert "not an outreach hub database" in line, (command, line)
    assert {p: p.read_bytes() for p in before} == before  # not even switched to WAL
    enrolled = hub("enroll", "--db", str(other), "--officer", "PLG-01", "--device", "x")
    assert "not an outreach hub database" in one_line_error(enrolled, 3)  # nor made one
    assert other.read_bytes() == before[other]


def test_serve_refuses_half_a_tls_pair(tmp_path: Path) -> None:
    cert = tmp_path / "cert.pem"
    cert.write_text("x")
    line = one_line_error(hub("serve", "--db", str(tmp_path / "h.db"), "--tls-cert", str(cert)), 2)
    assert "--tls-key" in line


def _bundle(tmp_path: Path, **extra: Any) -> tuple[Path, dict[str, Any]]:
    laptop = new_uuid()
    records = [record(registration_data(device_id=laptop)) for _ in range(3)]
    records.append(record(lead_data(device_id=laptop), entity="lead"))
    body = signed_bundle({**batch(laptop, records), **extra})
    path = tmp_path / "bundle.json"
    path.write_text(json.dumps(body), encoding="utf-8")
    return path, body


def test_importing_a_bundle_twice_changes_nothing(db: str, tmp_path: Path) -> None:
    path, body = _bundle(tmp_path)
    first = ok_json(hub("import", str(path), "--db", db, "--json"))
    assert first["counts"] == {"accepted": 4, "duplicate": 0, "conflict": 0, "rejected": 0}
    assert first["receipt"]["replayed"] is False
    with open_storage(db) as storage, storage.read() as tx:
        before = [tx.scalar(f"SELECT COUNT(*) AS n FROM {t}")
                  for t in ("records", "record_versions", "batches", "daily_rollup")]  # fmt: skip
    second = ok_json(hub("import", str(path), "--db", db, "--json"))
    assert second["receipt"] == {**first["receipt"], "replayed": True}
    with open_storage(db) as storage, storage.read() as tx:
        after = [tx.scalar(f"SELECT COUNT(*) AS n FROM {t}")
                 for t in ("records", "record_versions", "batches", "daily_rollup")]  # fmt: skip
        rows = tx.all("SELECT uuid FROM records WHERE device_id = ?", (body["device_id"],))
    assert after == before and len(rows) == 4
    text = hub("import", str(path), "--db", db, lang="id")
    assert "sudah pernah diterapkan" in text.stdout


def test_bad_bundle_files_are_one_line_errors(tmp_path: Path) -> None:
    db = str(tmp_path / "hub.db")
    _path, body = _bundle(tmp_path)
    cases: dict[str, bytes | None] = {
        "missing.json": None,
        "latin1.json": '{"nama": "Sité"}'.encode("latin-1"),
        "broken.json": b'{"kind": "outreach-bundle", ',
        "empty.json": b"",
        "list.json": b"[]",
        "wrong-kind.json": json.dumps({**body, "kind": "something-else"}).encode(),
        "extra.json": json.dumps({**body, "secret_field": 1}).encode(),
    }
    for name, content in cases.items():
        if content is not None:
            (tmp_path / name).write_bytes(content)
        line = one_line_error(hub("import", str(tmp_path / name), "--db", db))
        assert name in line, line
    big = tmp_path / "big.json"
    with open(big, "wb") as handle:
        handle.truncate(250_000_000)  # sparse: costs no disk
    assert "too large" in one_line_error(hub("import", str(big), "--db", db))
    assert "regular file" in one_line_error(hub("import", str(tmp_path), "--db", db))
    assert "regular file" in one_line_error(hub("import", "/dev/zero", "--db", db))
    traversal = os.path.relpath("/etc/hostname", Path.cwd())
    assert "Invalid bundle" in one_line_error(hub("import", traversal, "--db", db))
    assert not Path(db).exists()  # nothing was created for a refused file


def test_a_database_from_a_newer_hub_is_refused(db: str) -> None:
    hub("enroll", "--db", db, "--officer", "PLG-01", "--device", "x")
    with open_storage(db) as storage, storage.transaction() as tx:
        tx.execute(
            "INSERT INTO schema_migrations (version, name, applied_at) VALUES (99, 'x', 'y')"
        )
    assert "newer" in one_line_error(hub("status", "--db", db), 3)
