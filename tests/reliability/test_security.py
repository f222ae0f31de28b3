"""Security checks against the real hub under uvicorn (SQLite), and the hub CLI.

- every authenticated endpoint refuses requests without a token, with a wrong, malformed,
  expired or revoked one (and a token in the query string), with the documented status and
  code, writes nothing, and never echoes the token;
- a device token cannot use the supervisor endpoints;
- what one device can learn about another's data (documented in docs/RELIABILITY.md):
  reconcile by another laptop's id gives per-day counts and digests only; the downlink
  gives keyed NIK digests (and the key), never a raw NIK, name or phone;
- once known gaps, now fixed (RELIABILITY.md findings 1-3): a device cannot overwrite
  another device's record when it knows its uuid, nor push records under another
  laptop's device id, and a bundle's file name is never echoed with its escapes;
- ``outreach hub import`` with traversal-style and odd file names (FIFO, device, symlink,
  escape sequences) refuses in one line, echoes no file content, writes nothing else;
- SQL-looking text typed at the booth arrives at the hub verbatim (laptop → hub).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import pytest
from typer.testing import CliRunner

from outreach_tui.cli.main import app as cli_app
from outreach_tui.domain.ids import new_uuid
from outreach_tui.domain.models import LeadDraft, RegistrationDraft
from outreach_tui.domain.validation import validate_lead, validate_registration
from outreach_tui.hub import auth as hub_auth
from outreach_tui.hub.storage import open_storage
from outreach_tui.store import Store
from tests.conftest import TODAY, synthetic_nik
from tests.hub.hub_builders import batch, edited, record, registration_data
from tests.reliability.harness import ROOT, RunningHub, sync_once

pytestmark = [pytest.mark.reliability, pytest.mark.e2e]
PUSH = "/api/v1/batches"
TABLES = ("batches", "records", "record_versions", "daily_rollup", "reviews")


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningHub]:
    running = RunningHub(str(tmp_path_factory.mktemp("security-hub") / "hub.db"))
    yield running
    running.stop()


@pytest.fixture(scope="module")
def http(hub: RunningHub) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=hub.url, timeout=60) as client:
        yield client


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def counts(hub: RunningHub) -> list[int]:
    with hub.storage.read() as tx:
        return [int(tx.scalar(f"SELECT COUNT(*) AS n FROM {t}")) for t in TABLES]


def requests_for(laptop: str) -> list[tuple[str, str, dict[str, Any] | None]]:
    body = batch(laptop, [record(registration_data(device_id=laptop))])
    return [
        ("POST", PUSH, body),
        ("GET", f"/api/v1/reconcile?device_id={laptop}", None),
        ("GET", "/api/v1/downlink", None),
        ("GET", "/api/v1/tallies", None),
        ("POST", "/api/v1/reviews", {"uuid": new_uuid(), "outcome": "same_person"}),
    ]


def error_of(response: httpx.Response) -> str:
    body = response.json()
    assert set(body) == {"error"} and body["error"]["message"], body
    return str(body["error"]["code"])


def expired_token(hub: RunningHub) -> str:
    device_id, token = _enroll(hub)
    with hub.storage.transaction() as tx:
        tx.execute(
            "UPDATE devices SET expires_at = ? WHERE id = ?",
            ("2020-01-01T00:00:00.000Z", device_id),
        )
    return token


def revoked_token(hub: RunningHub) -> str:
    device_id, token = _enroll(hub)
    hub_auth.revoke(hub.storage, device_id)
    return token


def _enroll(hub: RunningHub, role: str = "device", officer: str = "PLG-01") -> tuple[str, str]:
    device, token = hub_auth.enroll(
        hub.storage, officer=officer, name=f"laptop {new_uuid()}", role=role
    )
    return device.id, token


@pytest.mark.parametrize(
    ("kind", "status", "code"),
    [
        ("missing", 401, "auth.invalid"),
        ("unknown", 401, "auth.invalid"),
        ("malformed", 401, "auth.invalid"),
        ("other scheme", 401, "auth.invalid"),
        ("in the query string", 401, "auth.invalid"),
        ("expired", 401, "auth.expired"),
        ("revoked", 403, "auth.revoked"),
    ],
)
def test_bad_tokens_are_refused_everywhere_and_write_nothing(
    hub: RunningHub, http: httpx.Client, kind: str, status: int, code: str
) -> None:
    good = _enroll(hub)[1]
    token = {"expired": expired_token, "revoked": revoked_token}.get(kind, lambda _: good)(hub)
    headers = {
        "missing": {},
        "unknown": bearer("otk_" + "A" * 43),
        "malformed": bearer(good + "x"),
        "other scheme": {"Authorization": f"Token {good}"},
        "in the query string": {},
    }.get(kind, bearer(token))
    before = counts(hub)
    for method, path, body in requests_for(new_uuid()):
        if kind == "in the query string":
            path += ("&" if "?" in path else "?") + f"token={good}&access_token={good}"
        response = http.request(method, path, json=body, headers=headers)
        assert (response.status_code, error_of(response)) == (status, code), (method, path)
        assert good not in response.text and (token or "x") not in response.text
        if status == 401:
            assert response.headers.get("www-authenticate") == "Bearer"
    assert counts(hub) == before


def test_a_device_token_cannot_use_supervisor_endpoints(
    hub: RunningHub, http: httpx.Client
) -> None:
    headers = bearer(_enroll(hub)[1])
    before = counts(hub)
    for method, path, body in requests_for(new_uuid())[3:]:
        response = http.request(method, path, json=body, headers=headers)
        assert (response.status_code, error_of(response)) == (403, "auth.forbidden")
    assert counts(hub) == before


# -- one device, another device's data ----------------------------------------------------


@pytest.fixture(scope="module")
def device_a(hub: RunningHub, http: httpx.Client) -> dict[str, Any]:
    """Device A (officer PLG-01) pushed three registrations from its laptop."""
    token, laptop = _enroll(hub)[1], f"laptop-a-{new_uuid()[-8:]}"
    sent = [record(registration_data(device_id=laptop, full_name=name, phone=phone))
            for name, phone in (("Siti Aminah", "0812-1111-2222"),
                                ("Dewi Kartika", "0813-3333-4444"),
                                ("Rahmat Hidayat", "0814-5555-6666"))]  # fmt: skip
    response = http.post(PUSH, json=batch(laptop, sent), headers=bearer(token))
    assert [r["outcome"] for r in response.json()["results"]] == ["accepted"] * 3
    return {"token": token, "laptop": laptop, "records": sent}


def secrets_of(device: dict[str, Any]) -> list[str]:
    found = []
    for r in device["records"]:
        d = r["data"]
        found += [d["nik"], d["full_name"], d["phone"], d["phone"][3:], d["address"]]
    return found


def test_reconcile_by_another_laptops_id_gives_counts_and_digests_only(
    http: httpx.Client, hub: RunningHub, device_a: dict[str, Any]
) -> None:
    other = bearer(_enroll(hub, officer="PLG-02")[1])
    response = http.get("/api/v1/reconcile", params={"device_id": device_a["laptop"]},
                        headers=other)  # fmt: skip
    assert response.status_code == 200  # documented: any device may ask (counts only)
    body = response.json()
    assert set(body) == {"device_id", "days"}
    assert all(set(day) == {"day", "registrations", "leads", "digest"} for day in body["days"])
    assert sum(day["registrations"] for day in body["days"]) == 3
    for secret in [*secrets_of(device_a), *(r["uuid"] for r in device_a["records"])]:
        assert secret not in response.text


def test_the_downlink_carries_keyed_digests_never_raw_personal_data(
    http: httpx.Client, hub: RunningHub, device_a: dict[str, Any]
) -> None:
    other = bearer(_enroll(hub, officer="PLG-02")[1])
    body, pages = {"more": True, "cursor": "0"}, []
    while body["more"]:
        response = http.get("/api/v1/downlink", params={"since": body["cursor"]}, headers=other)
        assert response.status_code == 200
        body = response.json()
        pages.append(response.text)
        for secret in secrets_of(device_a):
            assert secret not in response.text
    # Documented (RELIABILITY.md): the key travels with the digests so a laptop can warn
    # offline; so any enrolled device can test whether a NIK it already knows is on file.
    key = base64.b64decode(body["nik_key"]["key"])
    nik = device_a["records"][0]["data"]["nik"]
    digest = hmac.new(key, nik.encode(), hashlib.sha256).hexdigest()
    assert any(digest in page for page in pages)


def test_another_device_cannot_overwrite_a_record_it_knows_the_uuid_of(
    http: httpx.Client, hub: RunningHub, device_a: dict[str, Any]
) -> None:
    target = device_a["records"][1]
    laptop_b = f"laptop-b-{new_uuid()[-8:]}"
    forged = edited(target["data"], full_name="Orang Lain", device_id=laptop_b)
    body = batch(laptop_b, [record(forged, uuid=target["uuid"], version=2, base_version=1)])
    response = http.post(PUSH, json=body, headers=bearer(_enroll(hub, officer="PLG-02")[1]))
    outcome = response.json()["results"][0]["outcome"] if response.status_code == 200 else None
    with hub.storage.read() as tx:
        held = tx.one("SELECT version, device_id FROM records WHERE uuid = ?", (target["uuid"],))
    assert outcome != "accepted" and held == {"version": 1, "device_id": device_a["laptop"]}


def test_a_device_cannot_push_under_another_laptops_device_id(
    http: httpx.Client, hub: RunningHub, device_a: dict[str, Any]
) -> None:
    spoof = record(registration_data(device_id=device_a["laptop"]))
    response = http.post(PUSH, json=batch(device_a["laptop"], [spoof]),
                         headers=bearer(_enroll(hub, officer="PLG-02")[1]))  # fmt: skip
    accepted = response.status_code == 200 and (
        response.json()["results"][0]["outcome"] == "accepted"
    )
    assert not accepted


# -- outreach hub import with odd file names ----------------------------------------------

runner = CliRunner()


def hub_import(path: str, db: Path, cwd: Path) -> Any:
    old = Path.cwd()
    os.chdir(cwd)
    try:
        return runner.invoke(cli_app, ["--lang", "en", "hub", "import", path, "--db", str(db)],
                             catch_exceptions=False)  # fmt: skip
    finally:
        os.chdir(old)


def refused_in_one_line(result: Any) -> str:
    assert result.exit_code == 1, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("outreach: "), result.stderr
    assert "Traceback" not in result.output
    return lines[0]


def test_import_refuses_traversal_and_odd_files_without_echoing_them(tmp_path: Path) -> None:
    deep = tmp_path / "a" / "b" / "c"
    deep.mkdir(parents=True)
    db = tmp_path / "hub.db"
    (tmp_path / "dir.bundle").mkdir()
    os.symlink("/dev/zero", tmp_path / "zero.bundle")
    odd = tmp_path / "odd\nname; rm -rf ~.bundle"
    odd.write_text('{"kind": "outreach-bundle"}')
    passwd = os.path.relpath("/etc/passwd", deep)
    cases = {
        passwd: "root:",  # ../../../…/etc/passwd: read, refused, content not echoed
        "../../../dir.bundle": None,
        "../../../zero.bundle": None,
        "../../../" + odd.name: None,
        "/etc/shadow" if Path("/etc/shadow").exists() else "/etc/passwd": "root:",
        "/proc/self/environ": "PATH=",
    }
    before = sorted(p.name for p in tmp_path.rglob("*"))
    for name, content in cases.items():
        line = refused_in_one_line(hub_import(name, db, deep))
        if content:
            assert content not in line, line
    assert sorted(p.name for p in tmp_path.rglob("*")) == before  # nothing written anywhere
    assert not db.exists()


def test_a_file_name_with_terminal_escapes_is_not_echoed_raw(tmp_path: Path) -> None:
    odd = tmp_path / "laporan\x1b]0;owned\x07\x1b[2J.bundle"
    odd.write_text('{"kind": "outreach-bundle"}')
    line = refused_in_one_line(hub_import(str(odd), tmp_path / "hub.db", tmp_path))
    assert "\x1b" not in line and "\x07" not in line, repr(line)


# Bidirectional controls (a name that reads "laptop-rina" in `hub devices` but sorts and
# matches as something else, or reverses the columns after it), other format characters
# (zero-width, BOM, soft hyphen) and C0/C1 controls.
BIDI_AND_FORMAT = [*"\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c",
                   *"\u200b\u200d\ufeff\u00ad\u2060\x07\x1b\x7f\x85\u0090"]  # fmt: skip


@pytest.mark.parametrize("char", BIDI_AND_FORMAT, ids=lambda c: f"U+{ord(c):04X}")
def test_enroll_refuses_device_names_with_bidi_or_control_characters(
    char: str, tmp_path: Path
) -> None:
    db = tmp_path / "hub.db"
    result = runner.invoke(cli_app, ["--lang", "en", "hub", "enroll", "--db", str(db),
                                     "--officer", "PLG-01", "--device", f"laptop{char}-anin"],
                           catch_exceptions=False)  # fmt: skip
    line = refused_in_one_line(result)
    assert "device name" in line and char not in line, repr(line)
    assert "otk_" not in result.output  # no token was issued
    if db.exists():
        with open_storage(str(db)) as storage, storage.read() as tx:
            assert tx.scalar("SELECT COUNT(*) AS n FROM devices") == 0


def test_enroll_keeps_names_in_any_script(tmp_path: Path) -> None:
    """The check above refuses characters, not scripts: Arabic-script and accented names
    (whose direction comes from the letters, not from a control) are fine."""
    for name in ("laptop-Ñusa", "laptop-رينا", "ノート-1"):
        args = ["--db", str(tmp_path / "hub.db"), "--officer", "PLG-01", "--device", name]
        result = runner.invoke(cli_app, ["hub", "enroll", *args, "--json"])
        assert result.exit_code == 0, result.output
        assert json.loads(result.stdout)["device"]["name"] == name


def test_import_of_a_fifo_does_not_hang(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.bundle"
    os.mkfifo(fifo)
    done = subprocess.run(
        [sys.executable, "-m", "outreach_tui", "--lang", "en", "hub", "import", str(fifo),
         "--db", str(tmp_path / "hub.db")],
        cwd=ROOT, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 1, done.stderr
    assert "regular file" in done.stderr and "Traceback" not in done.stderr


# -- SQL-looking input, laptop to hub -----------------------------------------------------

SNEAKY = {
    "full_name": "Siti O'Brien-Nasution",
    "address": "Jl. Merdeka'; DROP TABLE registrations; -- No. 1",
    "business_name": "Robert'); DELETE FROM records WHERE ('1' = '1",
    "birth_place": "1' OR '1'='1",
}
SNEAKY_LEAD = {"full_name": "Andi D'Souza", "interest": "JHT\"; DROP TABLE leads; --",
               "notes": "%' UNION SELECT token_hash FROM devices --"}  # fmt: skip


def test_sql_looking_text_is_stored_verbatim_from_laptop_to_hub(
    hub: RunningHub, tmp_path: Path
) -> None:
    laptop = tmp_path / "laptop.db"
    with Store(laptop) as store:
        store.setup.upsert_branch("PLG", "Palembang", "Palembang")
        store.setup.upsert_officer("PLG-01", "Rina", "PLG")
        store.setup.create_event(
            code="EXPO",
            name="Expo'; --",
            venue="PIM",
            city="Palembang",
            branch_code="PLG",
            starts_on=TODAY,
            ends_on=date(2026, 11, 25),
        )
        event = store.setup.event("EXPO")
        assert event is not None
        owner = validate_registration(
            RegistrationDraft(
                nik=synthetic_nik(),
                phone="0812-3456-7890",
                sector="kuliner",
                declared_income="2.500.000",
                consent_version="2026.1",
                **SNEAKY,
            ),
            today=TODAY,
        )
        assert owner.record is not None, [p.code for p in owner.errors]
        saved = store.registrations.save(owner.record, officer_code="PLG-01", event_id=event["id"])
        lead = validate_lead(
            LeadDraft(
                phone="0821-7777-8888",
                consent_contact=True,
                consent_version="2026.1",
                **SNEAKY_LEAD,
            ),
            today=TODAY,
        )
        assert lead.record is not None, [p.code for p in lead.errors]
        lead_saved = store.leads.save(lead.record, officer_code="PLG-01", event_id=event["id"])
        local = store.registrations.get(saved.owner.uuid)
        assert local is not None and {k: local[k] for k in SNEAKY} == SNEAKY
        found = store.queries.page("registrations", search=SNEAKY["business_name"])
        assert [r["uuid"] for r in found.rows] == [saved.owner.uuid]
    report = sync_once(laptop, hub.url, hub.token(), hub.hub_id, hub.hub_key)
    assert report.exit_code == 0, report.as_dict()
    with hub.storage.read() as tx:
        row = tx.one("SELECT data FROM records WHERE uuid = ?", (saved.owner.uuid,))
        lead_row = tx.one("SELECT data FROM records WHERE uuid = ?", (lead_saved.uuid,))
        tables = {r["name"] for r in tx.all("SELECT name FROM sqlite_master WHERE type = 'table'")}
        event_name = tx.scalar("SELECT name FROM events WHERE code = 'EXPO'")
    assert row is not None and lead_row is not None
    assert {k: json.loads(row["data"])[k] for k in SNEAKY} == SNEAKY
    assert {k: json.loads(lead_row["data"])[k] for k in SNEAKY_LEAD} == SNEAKY_LEAD
    assert event_name == "Expo'; --"
    assert {"records", "batches", "devices", "record_versions"} <= tables
