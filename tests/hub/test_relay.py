"""A branch hub forwards its records upward (issue 17, docs/SYNC_PROTOCOL.md "Relay"):
real laptops sync to a branch hub on SQLite under uvicorn, `outreach hub relay` forwards
to a regional hub (SQLite and PostgreSQL) under uvicorn, and both databases are compared
row for row: records, every version, rollups, withdrawals.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest
from hub_builders import batch, record, registration_data
from typer.testing import CliRunner

from outreach_tui.cli.main import app
from outreach_tui.hub import withdrawals
from outreach_tui.hub.duplicates import list_cases
from outreach_tui.hub.meta import load_hub_info
from outreach_tui.hub.storage import Storage, open_storage
from tests.reliability.harness import make_laptop, sync_once
from tests.support.duplicate_queue import same_as_scratch
from tests.support.hub_server import HubServer, enroll_device, hub_key
from tests.support.postgres import PostgresCluster, free_port
from tests.sync.foreign import foreign_server

runner = CliRunner()

# The regional hub's tree; the branch hub knows only its branch and sub-branch.
UPPER_TREE = [
    ("HO", "Kantor Pusat", "head_office", None),
    ("KW-JATENG", "Kanwil Jawa Tengah & DIY", "region", "HO"),
    ("KW-SUMSEL", "Kanwil Sumbagsel", "region", "HO"),
    ("KC-SKA", "KC Surakarta", "branch", "KW-JATENG"),
    ("KCP-SKA-1", "KCP Surakarta Kota", "sub_branch", "KC-SKA"),
    ("KC-KLT", "KC Klaten", "branch", "KW-JATENG"),
    ("KC-PLG", "KC Palembang", "branch", "KW-SUMSEL"),
]
BRANCH_TREE = [
    ("KC-SKA", "KC Surakarta", "branch", None),
    ("KCP-SKA-1", "KCP Surakarta Kota", "sub_branch", "KC-SKA"),
    ("KCP-OTHER", "KCP unknown upstream", "sub_branch", "KC-SKA"),
]
# What must be the same on both hubs, per record version and per current record.
VERSION_SQL = "SELECT uuid, version, content_hash, data FROM record_versions ORDER BY uuid, version"
RECORD_SQL = (
    "SELECT uuid, entity, version, content_hash, device_id, officer_code, event_code, day, "
    "role, path, sector, monthly_due, voided, programs, converted FROM records ORDER BY uuid"
)
# Rollups per unit as the upper hub files them: the branch's KCP-OTHER (unknown upstream)
# counts under the relay's unit.
ROLLUP_SQL = (
    "SELECT CASE WHEN unit_code = 'KCP-OTHER' THEN 'KC-SKA' ELSE unit_code END AS unit, day, "
    "event_code, officer_code, sector, path, role, SUM(registrations) AS registrations, "
    "SUM(workers) AS workers, SUM(leads) AS leads, SUM(voided) AS voided, "
    "SUM(monthly_due) AS monthly_due, SUM(converted) AS converted, SUM(jht) AS jht, "
    "SUM(jht_monthly_due) AS jht_monthly_due FROM daily_rollup "
    "GROUP BY 1, day, event_code, officer_code, sector, path, role "
    "HAVING SUM(registrations + workers + leads + voided + monthly_due + converted) <> 0 "
    "ORDER BY 1, day, event_code, officer_code, sector, path, role"
)


def cli(*args: str, code: int = 0) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == code, (result.exit_code, result.output)
    return result.output


def build(db: str, tree: list[tuple[str, str, str, str | None]]) -> None:
    for code, name, kind, parent in tree:
        extra = ["--parent", parent] if parent else []
        cli("hub", "unit", "add", code, "--db", db, "--name", name, "--kind", kind, *extra)


def rows(storage: Storage, sql: str) -> list[dict[str, Any]]:
    with storage.read() as tx:
        return [{k: (int(v) if isinstance(v, int | Decimal) else v) for k, v in r.items()}
                for r in tx.all(sql)]  # fmt: skip


def count(storage: Storage, table: str) -> int:
    with storage.read() as tx:
        return int(tx.scalar(f"SELECT COUNT(*) AS n FROM {table}"))


@dataclass
class Laptop:
    path: Path
    device_id: str
    token: str  # at the branch hub


@dataclass
class Pair:
    """A branch hub (SQLite) and a regional hub, both served, with laptops at the branch."""

    branch_db: str
    branch: HubServer
    upper_db: str
    upper: HubServer
    branch_storage: Storage
    upper_storage: Storage
    relay_token: str
    laptops: list[Laptop]

    def relay(self, *extra: str, code: int = 0, token: str | None = None) -> dict[str, Any]:
        out = cli("--lang", "en", "hub", "relay", "--hub-db", self.branch_db, "--to",
                  self.upper.url, "--token", token or self.relay_token, "--json", *extra,
                  code=code)  # fmt: skip
        return json.loads(out)

    def sync(self, laptop: Laptop) -> None:
        info = _hub_id(self.branch_storage)
        report = sync_once(laptop.path, self.branch.url, laptop.token, info,
                           hub_key(self.branch_db))  # fmt: skip
        assert report.exit_code == 0, report

    def same_rows(self) -> None:
        """Every version, every current record and every rollup alike on both hubs."""
        assert rows(self.upper_storage, VERSION_SQL) == rows(self.branch_storage, VERSION_SQL)
        assert rows(self.upper_storage, RECORD_SQL) == rows(self.branch_storage, RECORD_SQL)
        assert rows(self.upper_storage, ROLLUP_SQL) == rows(self.branch_storage, ROLLUP_SQL)


def _hub_id(storage: Storage) -> str:
    with storage.read() as tx:
        return str(tx.scalar("SELECT value FROM hub_meta WHERE key = 'hub_id'"))


def _laptop(tmp: Path, db: str, n: int, unit: str, registrations: int) -> Laptop:
    path = make_laptop(tmp / f"laptop-{n}.db", seed=1000 + n, registrations=registrations)
    device, token = enroll_device(db, officer=f"SKA-0{n}", name=f"laptop-{n}", unit=unit)
    with sqlite3.connect(path) as conn:
        laptop_id = conn.execute("SELECT value FROM settings WHERE key = 'device_id'").fetchone()
    return Laptop(path, laptop_id[0] if laptop_id else device, token)


@pytest.fixture
def pair(db: str, tmp_path: Path) -> Iterator[Pair]:
    branch_db = str(tmp_path / "branch.db")
    build(branch_db, BRANCH_TREE)
    build(db, UPPER_TREE)
    relay = json.loads(cli("hub", "enroll", "--db", db, "--officer", "RELAY", "--device",
                           "hub-ska", "--role", "relay", "--unit", "KC-SKA", "--json"))  # fmt: skip
    assert relay["device"]["role"] == "relay"
    laptops = [
        _laptop(tmp_path, branch_db, 1, "KC-SKA", 12),
        _laptop(tmp_path, branch_db, 2, "KCP-SKA-1", 8),
        _laptop(tmp_path, branch_db, 3, "KCP-OTHER", 4),
    ]
    with (
        HubServer(branch_db) as branch,
        HubServer(db) as upper,
        open_storage(branch_db) as branch_storage,
        open_storage(db) as upper_storage,
    ):
        yield Pair(branch_db, branch, db, upper, branch_storage, upper_storage,
                   relay["token"], laptops)  # fmt: skip


def test_laptops_to_branch_to_region_match_row_for_row(pair: Pair) -> None:
    for laptop in pair.laptops:
        pair.sync(laptop)
    held = count(pair.branch_storage, "records")
    assert held > 20

    first = pair.relay("--batch-size", "7")
    assert first["records"] == count(pair.branch_storage, "record_versions")
    assert first["outcomes"]["accepted"] == first["records"] and first["batches"] > 3
    assert first["remaining"] == 0 and first["problems"] == []
    assert count(pair.upper_storage, "records") == held
    pair.same_rows()

    # Units: the branch's and the sub-branch's kept; a unit the region does not know under
    # the relay's own unit becomes the relay's (KC-SKA).
    units = {r["unit_code"]: r["n"] for r in rows(pair.upper_storage,
             "SELECT unit_code, COUNT(*) AS n FROM records GROUP BY unit_code")}  # fmt: skip
    branch_units = {r["unit_code"]: r["n"] for r in rows(pair.branch_storage,
                    "SELECT unit_code, COUNT(*) AS n FROM records GROUP BY unit_code")}  # fmt: skip
    assert units == {"KC-SKA": branch_units["KC-SKA"] + branch_units["KCP-OTHER"],
                     "KCP-SKA-1": branch_units["KCP-SKA-1"]}  # fmt: skip

    # Each record keeps its laptop: the upper hub's records name the three laptops.
    laptops = {r["device_id"] for r in rows(pair.upper_storage, "SELECT device_id FROM records")}
    assert laptops == {lap.device_id for lap in pair.laptops}

    # A region supervisor sees the branch's rows; another region's sees none.
    def tallies(unit: str) -> list[dict[str, Any]]:
        _, token = enroll_device(pair.upper_db, officer="SPV", role="supervisor", unit=unit)
        answer = httpx.get(pair.upper.url + "/api/v1/tallies",
                           headers={"Authorization": f"Bearer {token}"}, timeout=30)  # fmt: skip
        assert answer.status_code == 200, answer.text
        rows_: list[dict[str, Any]] = answer.json()["rows"]
        return rows_

    seen = tallies("KW-JATENG")
    live = rows(pair.branch_storage, "SELECT COUNT(*) AS n FROM records WHERE voided = 0 "
                "AND role = 'owner'")[0]["n"]  # fmt: skip
    assert sum(r["registrations"] for r in seen) == live > 0
    assert tallies("KW-SUMSEL") == []

    # Twice: nothing more to send, nothing changes on either side.
    again = pair.relay()
    assert (again["batches"], again["records"], again["remaining"]) == (0, 0, 0)
    assert count(pair.upper_storage, "records") == held
    assert count(pair.upper_storage, "batches") == first["batches"]
    pair.same_rows()


def test_a_correction_a_void_and_a_withdrawal_reach_the_top(pair: Pair) -> None:
    laptop = pair.laptops[0]
    pair.sync(laptop)
    pair.relay()
    with pair.branch_storage.read() as tx:
        owners = tx.all("SELECT uuid, version, data FROM records WHERE role = 'owner' "
                        "ORDER BY uuid LIMIT 3")  # fmt: skip
    fixed, voided, withdrawn = owners
    later = "2026-12-01T03:00:00.000Z"
    edits = []
    for row, change in ((fixed, {"business_name": "Warung Baru"}),
                        (voided, {"voided_at": later, "void_reason": "double entry"})):  # fmt: skip
        data = {**json.loads(str(row["data"])), **change, "updated_at": later}
        edits.append(record(data, uuid=str(row["uuid"]), version=int(row["version"]) + 1,
                            base_version=int(row["version"])))  # fmt: skip
    body = batch(laptop.device_id, edits)
    body["officer"] = None
    body["events"] = []
    answer = httpx.post(pair.branch.url + "/api/v1/batches", json=body, timeout=30,
                        headers={"Authorization": f"Bearer {laptop.token}"})  # fmt: skip
    assert [r["outcome"] for r in answer.json()["results"]] == ["accepted", "accepted"], answer.text
    reference = json.loads(str(withdrawn["data"]))["reference_no"]
    withdrawals.withdraw(pair.branch_storage, reference, "asked at the branch", actor="SPV-1")

    report = pair.relay()
    assert (report["records"], report["withdrawals"]) == (2, 1)
    assert report["outcomes"]["accepted"] == 2
    pair.same_rows()
    top = {r["uuid"]: r for r in rows(pair.upper_storage,
           "SELECT uuid, version, voided, data FROM records")}  # fmt: skip
    assert top[fixed["uuid"]]["version"] == 2
    assert json.loads(str(top[fixed["uuid"]]["data"]))["business_name"] == "Warung Baru"
    assert top[voided["uuid"]]["voided"] == 1
    held = rows(pair.upper_storage, "SELECT uuid, reference_no, source FROM withdrawals")
    assert held == [{"uuid": withdrawn["uuid"], "reference_no": reference, "source": "hub"}]
    assert pair.relay()["batches"] == 0  # the withdrawal went up once


def test_a_laptop_syncing_directly_to_the_region_never_doubles_a_record(pair: Pair) -> None:
    first, second = pair.laptops[0], pair.laptops[1]
    # `second` syncs to the region itself before the relay; `first` after it.
    _, direct = enroll_device(pair.upper_db, officer="SKA-02", name="laptop-2-up",
                              unit="KCP-SKA-1")  # fmt: skip
    pair.sync(second)
    _reset(second.path)
    report = sync_once(second.path, pair.upper.url, direct, _hub_id(pair.upper_storage),
                       hub_key(pair.upper_db))  # fmt: skip
    assert report.exit_code == 0
    before = count(pair.upper_storage, "records")
    assert before > 0
    pair.sync(first)

    relayed = pair.relay()
    assert relayed["outcomes"]["duplicate"] == before  # what the laptop already brought
    assert relayed["outcomes"]["accepted"] == count(pair.branch_storage, "records") - before
    assert count(pair.upper_storage, "records") == count(pair.branch_storage, "records")

    _, later = enroll_device(pair.upper_db, officer="SKA-01", name="laptop-1-up", unit="KC-SKA")
    _reset(first.path)
    report = sync_once(first.path, pair.upper.url, later, _hub_id(pair.upper_storage),
                       hub_key(pair.upper_db))  # fmt: skip
    assert report.exit_code == 0 and report.counts.get("accepted", 0) == 0
    assert report.counts["duplicate"] > 0
    assert count(pair.upper_storage, "records") == count(pair.branch_storage, "records")
    assert count(pair.upper_storage, "record_versions") == count(
        pair.branch_storage, "record_versions"
    )
    pair.same_rows()


def _reset(path: Path) -> None:
    """The laptop's records unsynced again (as if it had never synced anywhere)."""
    with sqlite3.connect(path) as conn:
        for table in ("registrations", "leads"):
            conn.execute(f"UPDATE {table} SET sync_state = 'pending', base_version = NULL,"
                         " synced_at = NULL")  # fmt: skip
    conn.close()


def test_a_wrong_token_a_dead_network_and_a_laptop_token_change_nothing(pair: Pair) -> None:
    pair.sync(pair.laptops[0])
    state = (count(pair.upper_storage, "records"), count(pair.upper_storage, "batches"))

    wrong = runner.invoke(app, ["--lang", "en", "hub", "relay", "--hub-db", pair.branch_db,
                                "--to", pair.upper.url, "--token", "otk_" + "x" * 43])  # fmt: skip
    assert wrong.exit_code == 6
    lines = [line for line in wrong.output.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("outreach:"), wrong.output
    assert "Traceback" not in wrong.output

    dead = runner.invoke(app, ["--lang", "en", "hub", "relay", "--hub-db", pair.branch_db,
                               "--to", f"http://127.0.0.1:{free_port()}", "--tries", "1",
                               "--token", pair.relay_token])  # fmt: skip
    assert dead.exit_code == 5, dead.output
    assert len([x for x in dead.output.splitlines() if x.strip()]) == 1, dead.output

    # A web server that is no hub says so (it said "Hub refused this batch (HTTP 404)").
    with foreign_server(404, b"<html>Not Found</html>", "text/html") as url:
        args = ["--to", url, "--tries", "1", "--token", pair.relay_token]
        web = runner.invoke(
            app, ["--lang", "en", "hub", "relay", "--hub-db", pair.branch_db, *args]
        )
    assert web.exit_code == 7, web.output
    assert "not an outreach hub" in web.output and len(web.output.strip().splitlines()) == 1

    # A laptop's token is no relay: the upper hub refuses the batch whole (the strict
    # device check stays), so nothing is stored there and the cursor stays put here.
    _, laptop_token = enroll_device(pair.upper_db, officer="SKA-09", unit="KC-SKA")
    refused = runner.invoke(app, ["--lang", "en", "hub", "relay", "--hub-db", pair.branch_db,
                                  "--to", pair.upper.url, "--token", laptop_token])  # fmt: skip
    assert refused.exit_code == 8, refused.output
    assert "batch.relay_only" in refused.output
    assert len([x for x in refused.output.splitlines() if x.strip()]) == 1, refused.output
    assert (count(pair.upper_storage, "records"), count(pair.upper_storage, "batches")) == state
    assert state == (0, 0)
    with pair.branch_storage.read() as tx:
        assert tx.scalar("SELECT COUNT(*) AS n FROM relay_targets WHERE forwarded > 0") == 0

    # The relay token then forwards everything.
    assert pair.relay()["records"] == count(pair.branch_storage, "record_versions") > 0
    pair.same_rows()


def test_what_a_relay_token_may_and_may_not_do(db: str) -> None:
    """At the API: a relay token pushes records of several laptops in one batch, each kept
    under its own laptop and (inside the relay's unit) its own unit; it cannot reach
    laptop routes, edit another unit's record, or be enrolled above a region."""
    from hub_builders import registration_data

    build(db, UPPER_TREE)
    cli("hub", "enroll", "--db", db, "--officer", "X", "--device", "relay-ho", "--role",
        "relay", "--unit", "HO", code=1)  # fmt: skip
    cli("hub", "enroll", "--db", db, "--officer", "X", "--device", "relay-region", "--role",
        "relay", "--unit", "KW-JATENG")  # fmt: skip
    cli("hub", "enroll", "--db", db, "--officer", "X", "--device", "relay-none", "--role",
        "relay", code=1)  # fmt: skip
    _, relay_token = enroll_device(db, officer="RELAY", role="relay", unit="KC-SKA")
    _, klaten_token = enroll_device(db, officer="KLT-01", unit="KC-KLT")
    relay = {"Authorization": f"Bearer {relay_token}"}
    with HubServer(db) as server, open_storage(db) as storage, httpx.Client(
        base_url=server.url, timeout=30
    ) as http:  # fmt: skip
        a, b, klaten = "laptop-a", "laptop-b", "laptop-klt"
        # A record pushed at Klaten by its own laptop.
        theirs = record(registration_data(device_id=klaten))
        pushed = http.post("/api/v1/batches", json=batch(klaten, [theirs]),
                           headers={"Authorization": f"Bearer {klaten_token}"})  # fmt: skip
        assert pushed.json()["results"][0]["outcome"] == "accepted"

        one, two = record(registration_data(device_id=a)), record(registration_data(device_id=b))
        three = record(registration_data(device_id=b))
        body = batch("hub:branch-1", [{**one, "unit_code": "KCP-SKA-1"},
                                      {**two, "unit_code": "KC-KLT"}, three])  # fmt: skip
        answer = http.post("/api/v1/batches", json=body, headers=relay)
        assert [r["outcome"] for r in answer.json()["results"]] == ["accepted"] * 3, answer.text
        with storage.read() as tx:
            held = {r["uuid"]: r for r in tx.all("SELECT uuid, device_id, unit_code FROM records")}
        assert (held[one["uuid"]]["device_id"], held[one["uuid"]]["unit_code"]) == (a, "KCP-SKA-1")
        # Klaten is outside the relay's unit: filed under the relay's own.
        assert (held[two["uuid"]]["device_id"], held[two["uuid"]]["unit_code"]) == (b, "KC-SKA")
        assert held[three["uuid"]]["unit_code"] == "KC-SKA"

        # Klaten's record, even under its own laptop id: not the relay's to change.
        edit = record({**theirs["data"], "business_name": "Lain"}, uuid=theirs["uuid"],
                      version=2, base_version=1)  # fmt: skip
        answer = http.post("/api/v1/batches", json=batch("hub:branch-1", [edit]), headers=relay)
        assert answer.json()["results"][0]["code"] == "record.not_yours"

        # A laptop token cannot send a hub's batch; the relay token cannot act as a laptop.
        refused = http.post("/api/v1/batches", json=batch("hub:branch-1", [record(
            registration_data(device_id="hub:branch-1"))]),
            headers={"Authorization": f"Bearer {klaten_token}"})  # fmt: skip
        assert (refused.status_code, refused.json()["error"]["code"]) == (403, "batch.relay_only")
        for method, path in (("GET", "/api/v1/downlink"), ("POST", "/api/v1/laptops")):
            answer = http.request(method, path, headers=relay, json={})
            assert answer.status_code == 403, (path, answer.text)
            assert answer.json()["error"]["code"] == "auth.relay_only_batches"
        assert http.get("/api/v1/tallies", headers=relay).status_code == 403


def test_a_branch_hub_on_postgresql_relays_too_and_never_to_itself(
    pg_cluster: PostgresCluster, tmp_path: Path
) -> None:
    """`--hub-db postgresql://…`: the same relay from a branch hub on PostgreSQL (to a
    regional hub on SQLite); a relay to the branch hub itself is refused in one line."""
    pg_url = pg_cluster.create_database()
    upper_db = str(tmp_path / "region.db")
    _, token = enroll_device(upper_db, officer="RELAY", role="relay")
    path = make_laptop(tmp_path / "laptop.db", seed=77, registrations=10)
    _, laptop_token = enroll_device(pg_url, officer="SKA-01")
    with (
        HubServer(pg_url) as branch,
        HubServer(upper_db) as upper,
        open_storage(pg_url) as branch_storage,
        open_storage(upper_db) as upper_storage,
    ):
        report = sync_once(path, branch.url, laptop_token, _hub_id(branch_storage),
                           hub_key(pg_url))  # fmt: skip
        assert report.exit_code == 0
        out = cli("hub", "relay", "--hub-db", pg_url, "--to", upper.url, "--token", token,
                  "--json", "--batch-size", "4")  # fmt: skip
        assert json.loads(out)["records"] == count(branch_storage, "record_versions") > 0
        for sql in (VERSION_SQL, RECORD_SQL):
            assert rows(upper_storage, sql) == rows(branch_storage, sql)

        _, own = enroll_device(pg_url, officer="RELAY", role="relay")
        itself = runner.invoke(app, ["--lang", "en", "hub", "relay", "--hub-db", pg_url,
                                     "--to", branch.url, "--token", own])  # fmt: skip
        assert itself.exit_code == 1
        assert itself.output.strip().splitlines() == [
            "outreach: --to names this hub itself: a hub cannot relay to itself."
        ]


def test_a_region_relays_on_to_the_nation(pair: Pair, tmp_path: Path) -> None:
    """Branch → region → nation: the regional hub relays what it holds (records that came
    by relay too), each still under its laptop, its versions and its branch's units."""
    nation_db = str(tmp_path / "nation.db")
    build(nation_db, UPPER_TREE)
    _, nation_token = enroll_device(nation_db, officer="KW-JATENG", role="relay",
                                    unit="KW-JATENG")  # fmt: skip
    for laptop in pair.laptops[:2]:
        pair.sync(laptop)
    pair.relay()
    with HubServer(nation_db) as nation, open_storage(nation_db) as nation_storage:
        out = cli("hub", "relay", "--hub-db", pair.upper_db, "--to", nation.url, "--token",
                  nation_token, "--json")  # fmt: skip
        assert json.loads(out)["outcomes"]["accepted"] == count(pair.branch_storage,
                                                                "record_versions")  # fmt: skip
        for sql in (VERSION_SQL, RECORD_SQL, ROLLUP_SQL):
            assert rows(nation_storage, sql) == rows(pair.branch_storage, sql)
        units = {r["unit_code"] for r in rows(nation_storage, "SELECT unit_code FROM records")}
        assert units == {"KC-SKA", "KCP-SKA-1"}


def test_the_duplicate_queue_upstream_is_kept_from_relayed_records(pair: Pair) -> None:
    """The same NIK registered again in a sub-branch reaches the regional hub through the
    relay: its kept queue holds the case the branch holds, routed to the later unit, as a
    from-scratch grouping of its records gives it."""
    for laptop in pair.laptops:
        pair.sync(laptop)
    with pair.branch_storage.read() as tx:
        first = tx.one("SELECT data FROM records WHERE entity = 'registration' AND "
                       "unit_code = 'KC-SKA' ORDER BY created_at LIMIT 1")  # fmt: skip
    assert first is not None
    laptop = pair.laptops[1]  # KCP-SKA-1, known upstream
    again = registration_data(device_id=laptop.device_id, nik=json.loads(first["data"])["nik"],
                              created_at="2026-12-01T03:00:00.000Z")  # fmt: skip
    body = batch(laptop.device_id, [record(again)])
    answer = httpx.post(pair.branch.url + "/api/v1/batches", json=body, timeout=30,
                        headers={"Authorization": f"Bearer {laptop.token}"})  # fmt: skip
    assert answer.json()["results"][0]["outcome"] == "accepted", answer.text
    pair.relay()
    assert ("nik", "KCP-SKA-1") in {(c[0], c[3]) for c in same_as_scratch(pair.upper_storage)}
    same_as_scratch(pair.branch_storage)

    def cases(storage: Storage) -> list[tuple[str, str, list[str]]]:  # digests differ per hub
        listed = list_cases(storage, load_hub_info(storage))
        return [(c["kind"], c["unit_code"], [r["uuid"] for r in c["records"]]) for c in listed]

    assert cases(pair.upper_storage) == cases(pair.branch_storage)
