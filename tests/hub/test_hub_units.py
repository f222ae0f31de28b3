"""Organisational units on one hub (issue 17), on SQLite and PostgreSQL: the tree and its
areas managed with `outreach hub unit …`, devices enrolled into units, records and rollups
carrying the pushing token's unit, and every supervisor and device route answering only
with its own unit's rows (a 404 or an empty result, never another unit's).

Each test has its own hub database: a hub with units refuses to enrol a laptop without
one, which the shared session hub of the other tests must not learn.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

import httpx
import pytest
from hub_builders import batch, nik, record, registration_data
from rich.console import Console
from typer.testing import CliRunner

from outreach_tui.cli.main import app
from outreach_tui.cli.output import EXIT_INVALID
from outreach_tui.domain.ids import new_uuid
from outreach_tui.hub.storage import open_storage
from outreach_tui.hub.tallies import HubTallies
from outreach_tui.reports import render, targets
from tests.support.hub_schema import migrate_to
from tests.support.hub_server import HubServer, enroll_device

runner = CliRunner()
PUSH = "/api/v1/batches"

# The organisation of the tests: a head office, two regions, three branches, a sub-branch
# of Surakarta and the target area Soloraya (Surakarta + Klaten).
TREE = [
    ("HO", "Kantor Pusat", "head_office", None),
    ("KW-JATENG", "Kanwil Jawa Tengah & DIY", "region", "HO"),
    ("KW-SUMSEL", "Kanwil Sumbagsel", "region", "HO"),
    ("KC-SKA", "KC Surakarta", "branch", "KW-JATENG"),
    ("KC-KLT", "KC Klaten", "branch", "KW-JATENG"),
    ("KC-PLG", "KC Palembang", "branch", "KW-SUMSEL"),
    ("KCP-SKA-1", "KCP Surakarta Kota", "sub_branch", "KC-SKA"),
]
LAPTOP_UNITS = ("KC-SKA", "KCP-SKA-1", "KC-KLT", "KC-PLG")
# What a supervisor of each unit sees: the laptops' units under it.
SEES = {
    "HO": set(LAPTOP_UNITS),
    "KW-JATENG": {"KC-SKA", "KCP-SKA-1", "KC-KLT"},
    "KW-SUMSEL": {"KC-PLG"},
    "KC-SKA": {"KC-SKA", "KCP-SKA-1"},
    "KCP-SKA-1": {"KCP-SKA-1"},
    "SOLORAYA": {"KC-SKA", "KCP-SKA-1", "KC-KLT"},
    None: set(LAPTOP_UNITS),  # a token enrolled without a unit: the whole hub, as before
}


def cli(*args: str, code: int = 0) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == code, (result.exit_code, result.output)
    return result.output


def build_tree(db: str) -> None:
    for code, name, kind, parent in TREE:
        extra = ["--parent", parent] if parent else []
        cli("hub", "unit", "add", code, "--db", db, "--name", name, "--kind", kind, *extra)
    cli("hub", "unit", "add", "SOLORAYA", "--db", db, "--name", "Soloraya", "--kind", "area",
        "--branches", "KC-SKA,KC-KLT")  # fmt: skip


def units_json(db: str, *args: str) -> list[dict[str, Any]]:
    return json.loads(cli("hub", "unit", "list", "--db", db, "--json", *args))["units"]


def test_the_tree_is_managed_from_the_cli(db: str) -> None:
    build_tree(db)
    listed = units_json(db)
    assert [(u["code"], u["depth"]) for u in listed] == [
        ("HO", 0), ("KW-JATENG", 1), ("KC-KLT", 2), ("KC-SKA", 2), ("KCP-SKA-1", 3),
        ("KW-SUMSEL", 1), ("KC-PLG", 2), ("SOLORAYA", 0),
    ]  # fmt: skip
    assert listed[-1]["branches"] == ["KC-KLT", "KC-SKA"]
    assert [u["code"] for u in units_json(db, "--unit", "KW-SUMSEL")] == ["KW-SUMSEL", "KC-PLG"]
    assert {u["code"] for u in units_json(db, "--unit", "soloraya")} == {
        "SOLORAYA", "KC-SKA", "KC-KLT", "KCP-SKA-1",
    }  # fmt: skip

    # Klaten moves to Sumbagsel (a test's reorganisation): its subtree follows.
    cli("hub", "unit", "move", "KC-KLT", "--db", db, "--parent", "KW-SUMSEL")
    assert {u["code"] for u in units_json(db, "--unit", "KW-SUMSEL")} == {
        "KW-SUMSEL", "KC-PLG", "KC-KLT",
    }  # fmt: skip
    cli("hub", "unit", "move", "KC-SKA", "--db", db, "--parent", "KW-SUMSEL")
    assert {u["code"] for u in units_json(db, "--unit", "KW-SUMSEL")} == {
        "KW-SUMSEL", "KC-PLG", "KC-KLT", "KC-SKA", "KCP-SKA-1",
    }  # fmt: skip
    assert [u["code"] for u in units_json(db, "--unit", "KW-JATENG")] == ["KW-JATENG"]

    # Targets: a unit's own, removed again.
    out = cli("hub", "unit", "target", "KC-SKA", "--db", db, "--year", "2026",
              "--measure", "informal", "--target", "34785")  # fmt: skip
    assert "34.785" in out
    ska = next(u for u in units_json(db) if u["code"] == "KC-SKA")
    assert ska["targets"] == [{"year": 2026, "measure": "informal", "target": 34785}]
    cli("hub", "unit", "target", "KC-SKA", "--db", db, "--year", "2026", "--measure", "informal")
    assert next(u for u in units_json(db) if u["code"] == "KC-SKA")["targets"] == []

    cli("hub", "unit", "area", "SOLORAYA", "--db", db, "--remove", "KC-KLT")
    assert next(u for u in units_json(db) if u["code"] == "SOLORAYA")["branches"] == ["KC-SKA"]
    cli("hub", "unit", "remove", "KCP-SKA-1", "--db", db)
    assert "KCP-SKA-1" not in {u["code"] for u in units_json(db)}


def test_a_removed_unit_takes_its_own_settings_and_says_so(db: str) -> None:
    build_tree(db)
    cli("hub", "unit", "add", "KC-TMP", "--db", db, "--name", "KC Sementara", "--kind", "branch",
        "--parent", "KW-JATENG")  # fmt: skip
    cli("hub", "unit", "target", "KC-TMP", "--db", db, "--year", "2026", "--measure", "informal",
        "--target", "500")  # fmt: skip
    cli("hub", "funnel-target", "--db", db, "--unit", "KC-TMP", "--measure", "leads",
        "--target", "50")  # fmt: skip
    cli("hub", "unit", "area", "SOLORAYA", "--db", db, "--add", "KC-TMP")

    out = cli("hub", "unit", "remove", "KC-TMP", "--db", db)
    assert "Unit KC-TMP dihapus." in out
    assert "1 target, 1 target funnel, 1 keanggotaan area" in out
    with open_storage(db) as storage, storage.read() as tx:
        left = tx.all("SELECT scope, code FROM funnel_targets WHERE code = 'KC-TMP'")
        audited = tx.all("SELECT detail FROM audit_log WHERE action = 'unit.remove'")
    assert left == []  # no orphan that a later unit of the same code would inherit
    detail = json.loads(audited[-1]["detail"])
    assert (detail["targets"], detail["funnel_targets"], detail["areas"]) == (1, 1, 1)

    # The same code again starts with nothing of the old unit's.
    cli("hub", "unit", "add", "KC-TMP", "--db", db, "--name", "KC Baru", "--kind", "branch",
        "--parent", "KW-JATENG")  # fmt: skip
    again = next(u for u in units_json(db) if u["code"] == "KC-TMP")
    assert again["targets"] == []
    assert "KC-TMP" not in next(u for u in units_json(db) if u["code"] == "SOLORAYA")["branches"]
    gone = json.loads(cli("hub", "unit", "remove", "KC-TMP", "--db", db, "--json"))
    assert gone == {"removed": "KC-TMP", "with": {"areas": 0, "targets": 0, "funnel_targets": 0}}


BAD_COMMANDS = [
        (["add", "KC-X", "--name", "X", "--kind", "branch", "--parent", "KC-PLG"],
         "harus di bawah unit jenis region"),
        (["add", "KC-X", "--name", "X", "--kind", "branch", "--parent", "NOPE"],
         "Unit NOPE tidak ada"),
        (["add", "KCP-X", "--name", "X", "--kind", "sub_branch"], "harus berada di bawah"),
        (["add", "HO2", "--name", "X", "--kind", "head_office"], "sudah punya kantor pusat"),
        (["add", "KC-PLG", "--name", "X", "--kind", "branch"], "sudah ada"),
        (["add", "KC X", "--name", "X", "--kind", "branch"], "Kode unit tidak valid"),
        (["add", "KC-X", "--name", "X", "--kind", "kantor"], "Jenis unit tidak dikenal"),
        (["add", "KC-X", "--name", "x" * 101, "--kind", "branch"], "1–100 karakter"),
        (["add", "AREA", "--name", "X", "--kind", "area", "--branches", "KW-SUMSEL"],
         "KW-SUMSEL bukan"),
        (["move", "KC-PLG", "--parent", "KC-SKA"], "harus di bawah unit jenis region"),
        (["move", "HO", "--parent", "KW-SUMSEL"], "tidak berada di bawah unit lain"),
        (["remove", "KW-SUMSEL"], "masih punya unit di bawahnya"),
        (["area", "SOLORAYA", "--remove", "KC-PLG"], "KC-PLG tidak termasuk area SOLORAYA"),
        (["area", "SOLORAYA", "--add", "KC-PLG", "--remove", "NOPE"], "NOPE tidak termasuk"),
        (["target", "KC-PLG", "--year", "2026", "--measure", "rupiah", "--target", "1"],
         "Ukuran target tidak dikenal"),
    ]  # fmt: skip


def test_bad_unit_commands_get_one_line_and_change_nothing(db: str) -> None:
    build_tree(db)
    before = units_json(db)
    for args, message in BAD_COMMANDS:
        result = runner.invoke(app, ["hub", "unit", *args, "--db", db])
        assert result.exit_code == EXIT_INVALID, (args, result.output)
        assert message in result.output and "Traceback" not in result.output, args
        assert len(result.output.strip().splitlines()) == 1, (args, result.output)
        assert units_json(db) == before, args


def test_enrolment_follows_the_units(db: str) -> None:
    build_tree(db)
    enroll = ["hub", "enroll", "--db", db, "--officer", "SKA-01"]
    cli(*enroll, "--device", "laptop-a", "--unit", "KC-SKA")
    out = runner.invoke(app, [*enroll, "--device", "laptop-b", "--unit", "KW-JATENG"])
    assert out.exit_code == EXIT_INVALID and "kantor cabang atau KCP" in out.output
    out = runner.invoke(app, [*enroll, "--device", "laptop-c"])
    assert out.exit_code == EXIT_INVALID and "--unit" in out.output
    cli(*enroll, "--device", "spv-jateng", "--role", "supervisor", "--unit", "KW-JATENG")
    devices = json.loads(cli("hub", "devices", "--db", db, "--json"))["devices"]
    assert {d["name"]: d["unit_code"] for d in devices} == {
        "laptop-a": "KC-SKA", "spv-jateng": "KW-JATENG",
    }  # fmt: skip
    out = runner.invoke(app, ["hub", "unit", "remove", "KCP-SKA-1", "--db", db])
    assert out.exit_code == 0
    out = runner.invoke(app, ["hub", "unit", "remove", "KC-SKA", "--db", db])
    assert out.exit_code == EXIT_INVALID and "masih punya" in out.output


# -- every route, every role ----------------------------------------------------------------


@dataclass
class Org:
    url: str
    db: str
    laptops: dict[str, tuple[str, dict[str, str]]]  # unit -> (laptop id, headers)
    records: dict[str, str]  # unit -> a registration's uuid
    supervisors: dict[str | None, dict[str, str]]


def _headers(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def org(db: str) -> Iterator[Org]:
    """The tree, one laptop per branch and sub-branch that pushed one family, and one
    supervisor per unit (and one without a unit, enrolled before units existed)."""
    yield from _org(db)


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def shared_org(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Org]:
    """``org`` once per engine for the tests that only read it (and post reviews, which
    every one of them may repeat): one server instead of one per parameter."""
    engine = request.param
    if engine == "sqlite":
        yield from _org(str(tmp_path_factory.mktemp("units-sqlite") / "hub.db"))
    else:
        yield from _org(request.getfixturevalue("pg_cluster").create_database())


def _org(db: str) -> Iterator[Org]:
    _, legacy = enroll_device(db, role="supervisor", officer="SPV-00")
    build_tree(db)
    with HubServer(db) as server, httpx.Client(base_url=server.url, timeout=60) as http:
        laptops, records = {}, {}
        for n, unit in enumerate(LAPTOP_UNITS):
            _, token = enroll_device(db, officer=f"OF-{n}", unit=unit)
            laptop = new_uuid()
            data = registration_data(device_id=laptop, nik=nik(birth=_birth(n)))
            # The data names Palembang; the token says where the record belongs.
            data.update(officer_code=f"OF-{n}", event_code=f"EV-{unit}", branch_code="KC-PLG")
            body = batch(laptop, [record(data)],
                         officer={"code": f"OF-{n}", "name": f"Petugas {n}",
                                  "branch_code": unit},
                         events=[{"code": f"EV-{unit}", "name": f"Acara {unit}",
                                  "branch_code": unit, "starts_on": "2026-11-23",
                                  "ends_on": "2026-11-25"}])  # fmt: skip
            answer = http.post(PUSH, json=body, headers=_headers(token))
            assert answer.status_code == 200, answer.text
            assert answer.json()["results"][0]["outcome"] == "accepted"
            laptops[unit] = (laptop, _headers(token))
            records[unit] = body["records"][0]["uuid"]
        supervisors: dict[str | None, dict[str, str]] = {None: _headers(legacy)}
        for unit in SEES:
            if unit is not None:
                _, token = enroll_device(db, role="supervisor", officer="SPV-01", unit=unit)
                supervisors[unit] = _headers(token)
        yield Org(server.url, db, laptops, records, supervisors)


def feed(http: httpx.Client, headers: dict[str, str]) -> tuple[list[Any], list[Any]]:
    """Every page of the downlink from the start: (known participants, review outcomes)."""
    known: list[Any] = []
    reviews: list[Any] = []
    cursor = ""
    while True:
        page = http.get("/api/v1/downlink", headers=headers, params={"since": cursor}).json()
        known += page["known_participants"]
        reviews += page["review_outcomes"]
        cursor = page["cursor"]
        if not page["more"]:
            return known, reviews


def _birth(n: int) -> date:
    return date(1980 + n, 3, 14)


def test_records_and_rollups_carry_the_pushing_tokens_unit(shared_org: Org) -> None:
    """The record names branch KC-PLG in its data; the token says where it belongs."""
    org = shared_org
    with open_storage(org.db) as storage, storage.read() as tx:
        stored = {r["uuid"]: r["unit_code"] for r in tx.all("SELECT uuid, unit_code FROM records")}
        sums = "SELECT unit_code, SUM(registrations) AS n FROM daily_rollup GROUP BY unit_code"
        rollup = {r["unit_code"]: int(r["n"]) for r in tx.all(sums)}
    assert stored == {uuid: unit for unit, uuid in org.records.items()}
    assert rollup == dict.fromkeys(LAPTOP_UNITS, 1)


@pytest.mark.parametrize("unit", list(SEES), ids=lambda u: u or "no-unit")
def test_every_route_answers_a_supervisor_with_its_own_units_only(
    shared_org: Org, unit: str | None
) -> None:
    org = shared_org
    with httpx.Client(base_url=org.url, timeout=60) as http:
        headers = org.supervisors[unit]
        body = http.get("/api/v1/tallies", headers=headers).json()
        assert {r["unit_code"] for r in body["rows"]} == SEES[unit]
        assert {e["code"] for e in body["events"]} == {f"EV-{u}" for u in SEES[unit]}
        officers = {o["code"] for o in body["officers"]}
        assert officers >= {f"OF-{LAPTOP_UNITS.index(u)}" for u in SEES[unit]}
        others = set(LAPTOP_UNITS) - SEES[unit]
        assert not officers & {f"OF-{LAPTOP_UNITS.index(u)}" for u in others}
        assert not {u["code"] for u in body["units"]} & others
        for target, uuid in org.records.items():
            answer = http.post("/api/v1/reviews", headers=headers,
                               json={"uuid": uuid, "outcome": "different_people"})  # fmt: skip
            assert answer.status_code == (201 if target in SEES[unit] else 404), answer.text
        # A supervisor token is not a laptop: it pushes nothing.
        laptop, _ = org.laptops["KC-PLG"]
        answer = http.post(PUSH, headers=headers, json=batch(laptop, []))
        assert answer.status_code in (403, 422), answer.text


@pytest.mark.parametrize("unit", LAPTOP_UNITS)
def test_a_laptop_learns_only_its_units_participants_and_outcomes(
    shared_org: Org, unit: str
) -> None:
    org = shared_org
    with httpx.Client(base_url=org.url, timeout=60) as http:
        head = org.supervisors["HO"]
        for uuid in org.records.values():  # a head-office decision on every record
            answer = http.post("/api/v1/reviews", headers=head,
                               json={"uuid": uuid, "outcome": "different_people"})  # fmt: skip
            assert answer.status_code == 201
        _, headers = org.laptops[unit]
        known, reviews = feed(http, headers)
        under = {u for u in LAPTOP_UNITS if u == unit or (unit == "KC-SKA" and u == "KCP-SKA-1")}
        assert len(known) == len(under)
        assert {r["uuid"] for r in reviews} == {org.records[u] for u in under}
        answer = http.get("/api/v1/tallies", headers=headers)
        assert answer.status_code == 403


def test_the_same_nik_in_two_branches_is_routed_to_the_later_one(org: Org) -> None:
    """KC-SKA registered the person first; KC-PLG registers the same NIK a day later: the
    case goes to Palembang, which sees where and when, not who, of Surakarta's record."""
    with open_storage(org.db) as storage, storage.read() as tx:
        first = json.loads(tx.one("SELECT data FROM records WHERE uuid = ?",
                                  (org.records["KC-SKA"],))["data"])  # fmt: skip
    laptop, headers = org.laptops["KC-PLG"]
    again = registration_data(device_id=laptop, nik=first["nik"], full_name="Siti Aminah",
                              created_at="2026-11-24T03:00:00.000Z")  # fmt: skip
    with httpx.Client(base_url=org.url, timeout=60) as http:
        body = batch(laptop, [record(again)])
        assert http.post(PUSH, json=body, headers=headers).json()["results"][0]["outcome"] == (
            "accepted"
        )
    later = body["records"][0]["uuid"]

    def cases(unit: str | None) -> list[dict[str, Any]]:
        args = ["--unit", unit] if unit else []
        out = cli("hub", "duplicates", "--db", org.db, "--json", *args)
        return [c for c in json.loads(out)["cases"] if c["kind"] == "nik"]

    assert cases("KC-SKA") == [] and cases("KW-JATENG") == []
    (case,) = cases("KC-PLG")
    assert case["unit_code"] == "KC-PLG" and case["units"] == ["KC-PLG", "KC-SKA"]
    theirs = next(r for r in case["records"] if r["uuid"] == org.records["KC-SKA"])
    assert theirs["full_name"] is None and theirs["nik"] is None and theirs["phone"] is None
    assert theirs["unit_code"] == "KC-SKA" and theirs["day"] == "2026-11-23"
    ours = next(r for r in case["records"] if r["uuid"] == later)
    assert ours["full_name"] == "Siti Aminah" and ours["nik"].endswith(first["nik"][-4:])
    (whole,) = cases(None)
    assert all(r["full_name"] for r in whole["records"])  # the hub's admin sees both

    refused = runner.invoke(app, ["hub", "review", case["case_id"], "same", "--db", org.db,
                                  "--unit", "KC-SKA"])  # fmt: skip
    assert refused.exit_code == EXIT_INVALID and "Traceback" not in refused.output
    cli("hub", "review", case["case_id"], "same", "--db", org.db, "--unit", "KC-PLG")
    with httpx.Client(base_url=org.url, timeout=60) as http:
        _, reviews = feed(http, headers)
    assert {r["uuid"]: r["outcome"] for r in reviews}.get(later) == "same_person"


# -- tallies and targets up the tree ---------------------------------------------------------


def tally_rows(*args: str) -> tuple[dict[tuple[str, ...], int], int]:
    body = json.loads(cli("tally", "--json", *args))
    rows = {tuple(r[d] for d in body["by"]): r["owners"] for r in body["rows"]}
    return rows, body["totals"]["owners"]


def test_tallies_group_by_branch_region_and_area_within_the_readers_units(
    shared_org: Org,
) -> None:
    db = shared_org.db
    assert tally_rows("--hub-db", db, "--by", "region") == (
        {("KW-JATENG",): 3, ("KW-SUMSEL",): 1}, 4,
    )  # fmt: skip
    assert tally_rows("--hub-db", db, "--by", "branch") == (
        {("KC-SKA",): 2, ("KC-KLT",): 1, ("KC-PLG",): 1}, 4,  # the sub-branch counts in KC-SKA
    )  # fmt: skip
    assert tally_rows("--hub-db", db, "--by", "area") == ({("SOLORAYA",): 3, ("",): 1}, 4)
    assert tally_rows("--hub-db", db, "--by", "region,branch", "--unit", "KW-SUMSEL") == (
        {("KW-SUMSEL", "KC-PLG"): 1}, 1,
    )  # fmt: skip
    # Over HTTP the token decides: Jawa Tengah's supervisor never counts Palembang.
    _, token = enroll_device(db, role="supervisor", officer="SPV-09", unit="KW-JATENG")
    over_http = tally_rows("--hub", shared_org.url, "--token", token, "--by", "branch")
    assert over_http == ({("KC-SKA",): 2, ("KC-KLT",): 1}, 3)


def test_a_laptop_file_has_no_units_to_group_by(tmp_path: Any) -> None:
    from outreach_tui.store import Store

    laptop = tmp_path / "laptop.db"
    Store(laptop).close()
    result = runner.invoke(app, ["tally", "--db", str(laptop), "--by", "region"])
    assert result.exit_code == 2 and "hanya dari hub" in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_targets_roll_up_the_tree(org: Org) -> None:
    """Own targets on two branches; the region, the head office and the area show their
    sum, and say so; a region's own target wins over its children's."""
    db = org.db
    for code, target in (("KC-SKA", 10), ("KC-KLT", 5)):
        cli("hub", "unit", "target", code, "--db", db, "--year", "2026",
            "--measure", "owners", "--target", str(target))  # fmt: skip
    found = json.loads(cli("targets", "--hub-db", db, "--today", "2026-11-30", "--json"))
    got = {(x["code"], x["basis"]): (x["value"], x["target"])
           for x in found["targets"] if x["kind"] == "unit"}  # fmt: skip
    assert got == {
        ("HO", "children"): (4, 15), ("KW-JATENG", "children"): (3, 15),
        ("KC-SKA", "own"): (2, 10), ("KC-KLT", "own"): (1, 5),
        ("SOLORAYA", "children"): (3, 15),
    }  # fmt: skip
    cli("hub", "unit", "target", "KW-JATENG", "--db", db, "--year", "2026",
        "--measure", "owners", "--target", "52183")  # fmt: skip
    found = json.loads(cli("targets", "--hub-db", db, "--today", "2026-11-30", "--json",
                           "--unit", "KW-JATENG"))  # fmt: skip
    got = {(x["code"], x["basis"]): (x["value"], x["target"])
           for x in found["targets"] if x["kind"] == "unit"}  # fmt: skip
    assert got == {
        ("KW-JATENG", "own"): (3, 52183), ("KC-SKA", "own"): (2, 10),
        ("KC-KLT", "own"): (1, 5),
    }  # fmt: skip
    # The table as an 80-column terminal shows it (the CLI prints this table).
    with open_storage(db) as storage:
        found_now = targets.progress(HubTallies(storage), date(2026, 11, 30))
    console = Console(width=80, record=True)
    console.print(render.targets_table(found_now, "id"))
    text = " ".join(console.export_text().split())
    assert "Unit HO 4/52.183" in text and "Unit KW-JATENG 3/52.183" in text
    assert "Unit SOLORAYA 3/15" in text and "(jumlah target unit di bawahnya)" in text


def test_a_hub_from_before_units_keeps_its_tallies_on_upgrade(db: str) -> None:
    """Schema v5 → v8 (units): the rollups move to the new key under unit '', with every count;
    old tokens keep seeing the whole hub (no unit)."""
    storage = open_storage(db, upgrade=False)
    with storage.transaction() as tx:
        migrate_to(tx, 5)
        for day, owners in (("2026-11-23", 3), ("2026-11-24", 4)):
            tx.execute(
                "INSERT INTO daily_rollup (day, event_code, officer_code, sector, path, role, "
                "registrations, monthly_due, jht, jht_monthly_due) "
                "VALUES (?, 'EV', 'PLG-01', 'kuliner', 'bpu', 'owner', ?, ?, 1, 20000)",
                (day, owners, owners * 16800),
            )
    storage.close()
    with open_storage(db) as upgraded, upgraded.read() as tx:
        rows = tx.all("SELECT unit_code, day, registrations, monthly_due, jht, jht_monthly_due "
                      "FROM daily_rollup ORDER BY day")  # fmt: skip
    assert rows == [
        {"unit_code": "", "day": "2026-11-23", "registrations": 3, "monthly_due": 50400,
         "jht": 1, "jht_monthly_due": 20000},
        {"unit_code": "", "day": "2026-11-24", "registrations": 4, "monthly_due": 67200,
         "jht": 1, "jht_monthly_due": 20000},
    ]  # fmt: skip
    assert tally_rows("--hub-db", db, "--by", "day") == (
        {("2026-11-23",): 3, ("2026-11-24",): 4}, 7,
    )  # fmt: skip


def test_a_hand_off_of_a_unit_takes_its_subtree(org: Org, tmp_path: Any) -> None:
    """Every record names branch KC-PLG in its data; `--unit` goes by the unit each was
    pushed into (issue 18's hand-off on a hub with units)."""

    def handed(unit: str) -> int:
        out = tmp_path / f"{unit}.csv"
        body = json.loads(cli("hub", "handoff", "--db", org.db, "--unit", unit,
                              "--format", "csv", "--out", str(out), "--json"))  # fmt: skip
        return int(body["handoff"]["rows"]) if body["handoff"] else 0

    assert handed("KW-JATENG") == 3
    assert handed("KC-PLG") == 1
    assert handed("KC-SKA") == 0  # already handed with Jawa Tengah


def test_the_funnel_goes_by_branch_region_and_area_within_a_unit(org: Org, tmp_path: Any) -> None:
    """Issue 18's funnel on a hub with units (issue 17): a record's branch, region and area
    are those of the unit that pushed it, never the branch code its data names (KC-PLG for
    all four here); ``--unit`` keeps to one subtree, targets included."""
    from tests.support.activation_files import activation_file

    out = tmp_path / "all.csv"
    cli("hub", "handoff", "--db", org.db, "--format", "csv", "--out", str(out))
    with open_storage(org.db) as storage, storage.read() as tx:
        ref = {unit: json.loads(tx.scalar("SELECT data FROM records WHERE uuid = ?", (uuid,)))
               ["reference_no"] for unit, uuid in org.records.items()}  # fmt: skip
    answer = activation_file(tmp_path / "act.csv", [
        {"reference_no": ref["KC-SKA"], "status": "AKTIF", "kpj": "26012345678",
         "enrolled_on": "01-12-2026", "first_paid_month": "12-2026", "last_paid_month": "12-2026"},
        {"reference_no": ref["KCP-SKA-1"], "status": "BELUM BAYAR", "kpj": "26012345679",
         "enrolled_on": "02-12-2026"},
        {"reference_no": ref["KC-PLG"], "status": "DITOLAK", "refusal_reason": "NIK ganda"},
    ])  # fmt: skip
    cli("hub", "activation", "import", str(answer), "--db", org.db)

    def funnel(*args: str) -> dict[tuple[str, ...], tuple[int, ...]]:
        body = json.loads(cli("hub", "funnel", "--db", org.db, "--today", "2026-12-15",
                              "--json", *args))  # fmt: skip
        steps = ("registered", "handed_off", "enrolled", "first_payment", "still_paying",
                 "refused")  # fmt: skip
        return {tuple(r[b] for b in body["by"]): tuple(r[s] for s in steps) for r in body["rows"]}

    assert funnel("--by", "region") == {
        ("KW-JATENG",): (3, 3, 2, 1, 1, 0),
        ("KW-SUMSEL",): (1, 1, 0, 0, 0, 1),
    }
    assert funnel("--by", "branch") == {
        ("KC-KLT",): (1, 1, 0, 0, 0, 0),
        ("KC-PLG",): (1, 1, 0, 0, 0, 1),
        ("KC-SKA",): (2, 2, 2, 1, 1, 0),  # its sub-branch counts in it
    }
    assert funnel("--by", "area") == {("",): (1, 1, 0, 0, 0, 1), ("SOLORAYA",): (3, 3, 2, 1, 1, 0)}
    assert funnel("--by", "region", "--unit", "KW-SUMSEL") == {("KW-SUMSEL",): (1, 1, 0, 0, 0, 1)}
    assert funnel("--unit", "KCP-SKA-1") == {(): (1, 1, 1, 0, 0, 0)}

    cli("hub", "funnel-target", "--db", org.db, "--unit", "KW-JATENG", "--measure", "enrolled",
        "--target", "4")  # fmt: skip
    cli("hub", "funnel-target", "--db", org.db, "--unit", "KC-PLG", "--measure", "handed_off",
        "--target", "2")  # fmt: skip
    goals = json.loads(cli("hub", "funnel", "--db", org.db, "--unit", "KW-JATENG", "--json"))
    assert [(g["code"], g["measure"], g["value"], g["target"]) for g in goals["targets"]] == [
        ("KW-JATENG", "enrolled", 2, 4),
    ]  # KC-PLG's target is outside Jawa Tengah
    everyone = json.loads(cli("hub", "funnel", "--db", org.db, "--json"))["targets"]
    assert {(g["code"], g["value"]) for g in everyone} == {("KW-JATENG", 2), ("KC-PLG", 1)}

    # The dashboard's funnel of a region's supervisor counts that region only.
    with open_storage(org.db) as storage:
        with storage.read() as tx:
            from outreach_tui.hub import units

            scope = units.scope_of(tx, "KW-SUMSEL")
        shown = HubTallies(storage, scope).funnel(date(2026, 12, 15))
    assert (shown["registered"], shown["handed_off"], shown["refused"]) == (1, 1, 1)

    refused = runner.invoke(
        app,
        [
            "--lang",
            "en",
            "hub",
            "funnel-target",
            "--db",
            org.db,
            "--unit",
            "NOPE",
            "--measure",
            "enrolled",
            "--target",
            "1",
        ],
    )
    assert refused.exit_code != 0 and "NOPE" in refused.output
    assert len(refused.output.strip().splitlines()) == 1


def test_a_hub_without_units_has_no_region_to_funnel_by(db: str) -> None:
    enroll_device(db, officer="PLG-01")
    result = runner.invoke(app, ["--lang", "en", "hub", "funnel", "--db", db, "--by", "region"])
    assert result.exit_code == 2, result.output
    assert len(result.output.strip().splitlines()) == 1
    reversed_days = ["--first", "2026-05-02", "--last", "2026-05-01"]  # was "no data", exit 0
    result = runner.invoke(app, ["--lang", "en", "hub", "funnel", "--db", db, *reversed_days])
    assert result.exit_code == 2 and "--first must be on or before --last" in result.output


def test_an_empty_unit_is_a_mistake_not_the_whole_hub(db: str) -> None:
    build_tree(db)
    for command in (["tally", "--hub-db", db], ["targets", "--hub-db", db],
                    ["hub", "duplicates", "--db", db]):  # fmt: skip
        result = runner.invoke(app, ["--lang", "en", *command, "--unit", ""])
        assert result.exit_code == EXIT_INVALID, (command, result.output)
        assert "Invalid unit code" in result.output and len(result.output.splitlines()) == 1


def test_a_funnel_from_before_units_keeps_its_counts_on_upgrade(db: str) -> None:
    """Schema v8 → v12: the funnel's rollup is rebuilt from its members under their unit
    (a member without a record: unit ''), and the targets are kept."""
    storage = open_storage(db, upgrade=False)
    with storage.transaction() as tx:
        migrate_to(tx, 8)
        for n, enrolled in ((1, 1), (2, 0), (3, 1)):
            tx.execute("INSERT INTO funnel_members VALUES (?, '2026-11-23', 'EV', 'PLG-01', "
                       "'PLG', '2026-12', 1, ?, ?, 0)", (f"u{n}", enrolled, enrolled))  # fmt: skip
        tx.execute("INSERT INTO funnel_rollup VALUES ('2026-11-23', 'EV', 'PLG-01', 'PLG', "
                   "'2026-12', 3, 2, 2, 0)")  # fmt: skip
        tx.execute("INSERT INTO funnel_targets VALUES ('branch', 'PLG', 'enrolled', 5, 'x')")
    storage.close()
    with open_storage(db) as upgraded, upgraded.read() as tx:
        rows = tx.all("SELECT unit_code, handed_off, enrolled, first_payment FROM funnel_rollup")
        targets = tx.all("SELECT scope, code, target FROM funnel_targets")
    assert [{k: (int(v) if k != "unit_code" else v) for k, v in r.items()} for r in rows] == [
        {"unit_code": "", "handed_off": 3, "enrolled": 2, "first_payment": 2},
    ]
    assert [dict(t) for t in targets] == [{"scope": "branch", "code": "PLG", "target": 5}]
