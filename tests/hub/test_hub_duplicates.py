"""The possible-duplicate queue end to end: two laptops sync to a real hub (uvicorn, SQLite
and PostgreSQL), the supervisor lists and reviews cases with `outreach hub`, and the
outcome reaches each laptop on its next `outreach sync`. Also: a hub database from schema
v1 gets the v2 columns and rollup counts filled in by the migration."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

from hub_builders import lead_data, registration_data
from typer.testing import CliRunner

from outreach_tui.cli.main import app
from outreach_tui.domain import wire
from outreach_tui.domain.ids import new_uuid
from outreach_tui.hub.duplicates import list_cases
from outreach_tui.hub.meta import load_hub_info
from outreach_tui.hub.storage import open_storage
from outreach_tui.hub.storage.base import utc_now
from outreach_tui.store import Store
from tests.conftest import owner_draft, synthetic_nik, validated, worker_draft
from tests.support.hub_schema import migrate_to
from tests.support.hub_server import HubServer, enroll_device

runner = CliRunner()
BIRTH = date(1985, 4, 17)


def cli(*args: str, code: int = 0, env: dict[str, str] | None = None) -> str:
    result = runner.invoke(app, list(args), env=env)
    assert result.exit_code == code, (result.exit_code, result.output)
    return result.output


def make_laptop(path: Path, officer: str, owners: list[dict[str, Any]]) -> dict[str, str]:
    """A laptop file with one event and ``owners`` saved; returns name -> uuid."""
    saved = {}
    with Store(path) as store:
        store.setup.upsert_branch("PLG", "Kantor Cabang Palembang", "Palembang")
        store.setup.upsert_officer(officer, f"Petugas {officer}", "PLG")
        event_id = store.setup.create_event(
            code="EXPO-PLG-2026-11", name="Expo UMKM Palembang", venue="PIM", city="Palembang",
            branch_code="PLG", starts_on=date(2026, 11, 23), ends_on=date(2026, 11, 25),
        )  # fmt: skip
        for fields in owners:
            owner = validated(owner_draft(workers_count=0, **fields))
            result = store.registrations.save(owner, [], officer_code=officer, event_id=event_id)
            saved[fields["full_name"]] = result.owner.uuid
    return saved


def sync(laptop: Path, creds: Path, url: str | None = None, token: str | None = None) -> dict:
    env = {"OUTREACH_TOKEN_PATH": str(creds)}
    if url and token:
        cli("--db", str(laptop), "login", url, token, env=env)
    return json.loads(cli("--db", str(laptop), "sync", "--json", env=env))


def review_outcomes(laptop: Path) -> dict[str, str]:
    with Store(laptop, create=False) as store, store.database.read() as db:
        return dict(db.execute("SELECT uuid, outcome FROM review_outcomes").fetchall())


def test_duplicates_are_queued_reviewed_and_reach_the_laptops(db: str, tmp_path: Path) -> None:
    shared_nik = synthetic_nik(sex="F", birth=BIRTH)
    typo_a, typo_b = synthetic_nik(sex="M", birth=BIRTH), synthetic_nik(sex="M", birth=BIRTH)
    phone = "0813-1111-2222"
    a = make_laptop(tmp_path / "a.db", "PLG-01", [
        {"full_name": "Siti Aminah", "nik": shared_nik},
        {"full_name": "Budi Hartono", "nik": typo_a, "phone": phone},
        {"full_name": "Lone Person", "nik": synthetic_nik(), "phone": "0813-9999-0000"},
    ])  # fmt: skip
    b = make_laptop(tmp_path / "b.db", "PLG-02", [
        {"full_name": "Siti Aminah", "nik": shared_nik, "phone": "0812-0000-1111"},
        {"full_name": "budi  HARTONO", "nik": typo_b, "phone": phone},
    ])  # fmt: skip
    with HubServer(db) as server:
        for laptop, officer in ((a, "PLG-01"), (b, "PLG-02")):
            name = "a" if laptop is a else "b"
            token = enroll_device(db, officer=officer)[1]
            report = sync(tmp_path / f"{name}.db", tmp_path / f"{name}.toml", server.url, token)
            assert report["exit_code"] == 0 and report["counts"]["accepted"] == len(laptop)

        cases = json.loads(cli("hub", "duplicates", "--db", db, "--json"))["cases"]
        assert [c["kind"] for c in cases] == ["nik", "person"]
        nik_case, person_case = cases
        assert {r["uuid"] for r in nik_case["records"]} == {a["Siti Aminah"], b["Siti Aminah"]}
        assert {r["uuid"] for r in person_case["records"]} == {
            a["Budi Hartono"], b["budi  HARTONO"]}  # fmt: skip
        assert len({r["device_id"] for r in nik_case["records"]}) == 2
        first = nik_case["records"][0]
        assert first["nik"] == shared_nik[:6] + "******" + shared_nik[-4:]
        assert (first["birth_date"], first["outcome"], nik_case["open"]) == (
            BIRTH.isoformat(), None, True)  # fmt: skip
        table = cli("--lang", "en", "hub", "duplicates", "--db", db)
        assert nik_case["case_id"] in table and "same NIK on more than one registration" in table

        done = json.loads(cli("hub", "review", nik_case["case_id"], "same", "--db", db,
                              "--note", "KTP dicek", "--json"))  # fmt: skip
        assert (done["outcome"], done["note"]) == ("same_person", "KTP dicek")
        assert {r["uuid"] for r in done["reviewed"]} == {a["Siti Aminah"], b["Siti Aminah"]}
        cli("hub", "review", person_case["case_id"][:-2], "different", "--db", db)  # a prefix
        assert json.loads(cli("hub", "duplicates", "--db", db, "--json"))["cases"] == []
        everything = json.loads(cli("hub", "duplicates", "--db", db, "--all", "--json"))["cases"]
        assert [(c["kind"], c["open"]) for c in everything] == [("nik", False), ("person", False)]

        report = sync(tmp_path / "a.db", tmp_path / "a.toml")
        assert report["downlink"]["review_outcomes"] == 4  # the feed carries every decision
        assert review_outcomes(tmp_path / "a.db")[a["Siti Aminah"]] == "same_person"
        assert review_outcomes(tmp_path / "a.db")[a["Budi Hartono"]] == "different_people"
        sync(tmp_path / "b.db", tmp_path / "b.toml")
        assert review_outcomes(tmp_path / "b.db")[b["Siti Aminah"]] == "same_person"

    assert "nik-000000" in cli("hub", "review", "nik-000000", "same", "--db", db, code=1)
    assert "maybe" in cli("hub", "review", nik_case["case_id"], "maybe", "--db", db, code=2)


def _v1_hub(db: str) -> None:
    """A hub database as schema v1 left it (no v2 columns), with three records."""
    with open_storage(db, upgrade=False) as storage, storage.transaction() as tx:
        migrate_to(tx, 1)
        jht = registration_data(device_id="old", programs=("JKK", "JKM", "JHT"))
        plain = registration_data(device_id="old")
        lead = lead_data(device_id="old", converted_uuid=new_uuid())
        for data, entity, role, due in ((jht, "registration", "owner", jht["monthly_due"]),
                                        (plain, "registration", "owner", plain["monthly_due"]),
                                        (lead, "lead", "lead", 0)):  # fmt: skip
            tx.execute(
                "INSERT INTO records (uuid, entity, version, content_hash, device_id, "
                "officer_code, event_code, day, role, path, sector, monthly_due, voided, "
                "nik_digest, data, created_at, received_at, updated_at, batch_id) VALUES "
                "(?, ?, 1, ?, 'old', 'PLG-01', 'EXPO', '2026-11-23', ?, ?, 'kuliner', ?, 0, "
                "NULL, ?, ?, ?, ?, 'b1')",
                (new_uuid(), entity, wire.content_hash(data), role,
                 "" if entity == "lead" else "bpu", due, wire.canonical_json(data).decode(),
                 data["created_at"], utc_now(), utc_now()),
            )  # fmt: skip
        tx.execute(
            "INSERT INTO daily_rollup (day, event_code, officer_code, sector, path, role, "
            "registrations, monthly_due) VALUES ('2026-11-23', 'EXPO', 'PLG-01', 'kuliner', "
            "'bpu', 'owner', 2, ?)",
            (jht["monthly_due"] + plain["monthly_due"],),
        )
        tx.execute(
            "INSERT INTO daily_rollup (day, event_code, officer_code, sector, path, role, "
            "leads) VALUES ('2026-11-23', 'EXPO', 'PLG-01', 'kuliner', '', 'lead', 1)"
        )


def test_migration_v2_fills_programs_conversions_and_person_digests(db: str) -> None:
    _v1_hub(db)
    with open_storage(db) as storage:
        with storage.read() as tx:
            assert tx.scalar("SELECT MAX(version) AS v FROM schema_migrations") >= 2
            programs = {r["programs"] for r in tx.all(
                "SELECT programs FROM records WHERE entity = 'registration'")}  # fmt: skip
            assert programs == {"JKK,JKM", "JKK,JKM,JHT"}
            owner, lead = tx.all("SELECT role, converted, jht, jht_monthly_due, monthly_due "
                                 "FROM daily_rollup ORDER BY role DESC")  # fmt: skip
        assert (owner["jht"], owner["converted"]) == (1, 0)
        assert 0 < owner["jht_monthly_due"] < owner["monthly_due"]
        assert (lead["converted"], lead["jht"]) == (1, 0)
        assert list_cases(storage, load_hub_info(storage)) == []  # computes person digests
        with storage.read() as tx:
            assert tx.scalar("SELECT COUNT(*) AS n FROM records WHERE entity = 'registration' "
                             "AND person_digest IS NULL") == 0  # fmt: skip


def test_a_worker_sharing_a_nik_from_the_same_laptop_is_queued(db: str, tmp_path: Path) -> None:
    """Issue #15.1: a worker whose NIK is another household's owner, saved on one laptop
    after the booth's warning, is a case (workers alike, one device alike)."""
    shared = synthetic_nik(sex="M", birth=BIRTH)
    laptop = tmp_path / "a.db"
    owners = make_laptop(laptop, "PLG-01", [{"full_name": "Budi Hartono", "nik": shared}])
    with Store(laptop) as store:
        event_id = store.setup.event("EXPO-PLG-2026-11")["id"]  # type: ignore[index]
        other = store.registrations.save(
            validated(owner_draft(workers_count=1, full_name="Siti Aminah")),
            [validated(worker_draft(nik=shared, full_name="Budi Hartono"))],
            officer_code="PLG-01", event_id=event_id,
        )  # fmt: skip
    with HubServer(db) as server:
        token = enroll_device(db, officer="PLG-01")[1]
        report = sync(laptop, tmp_path / "a.toml", server.url, token)
        assert report["exit_code"] == 0
        cases = json.loads(cli("hub", "duplicates", "--db", db, "--json"))["cases"]
    assert [c["kind"] for c in cases] == ["nik"]
    records = cases[0]["records"]
    assert {(r["uuid"], r["role"]) for r in records} == {
        (owners["Budi Hartono"], "owner"), (other.workers[0].uuid, "worker")}  # fmt: skip
