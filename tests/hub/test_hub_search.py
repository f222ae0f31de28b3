"""`outreach hub search NAME`: a supervisor finds records by name on the hub, on SQLite
(FTS5 trigram) and PostgreSQL (pg_trgm GIN index), through records pushed to the real hub
under uvicorn: names starting with the query first, edits and voids followed, withdrawn
records left out, hostile text taken literally, short text refused with exit 2."""

from __future__ import annotations

import json
import random
import string
from typing import Any

import httpx
from hub_builders import batch, edited, lead_data, record, registration_data
from typer.testing import CliRunner

from outreach_tui.cli.main import app
from outreach_tui.domain.ids import new_uuid
from tests.support.hub_schema import migrate_to

runner = CliRunner()


def word() -> str:
    """A surname no other test's records contain (the hub fixture is shared)."""
    return "Q" + "".join(random.choices(string.ascii_lowercase, k=7))


def search(db: str, *args: str, code: int = 0, lang: str = "en") -> Any:
    result = runner.invoke(app, ["--lang", lang, "hub", "search", *args, "--db", db])
    assert result.exit_code == code, (result.exit_code, result.output)
    return result


def found(db: str, text: str, *args: str) -> dict[str, Any]:
    return json.loads(search(db, text, "--json", *args).stdout)


def push(client: httpx.Client, auth: dict[str, str], laptop: str, records: list[dict]) -> None:
    response = client.post("/api/v1/batches", json=batch(laptop, records), headers=auth)
    assert response.status_code == 200, response.text
    assert {r["outcome"] for r in response.json()["results"]} == {"accepted"}, response.text


def test_supervisor_finds_records_by_name_prefix_first(
    hub: Any, client: httpx.Client, auth: dict[str, str], laptop: str
) -> None:
    surname = word()
    inside = f"Dewi Ku{surname.lower()}"
    names = [f"Sri {surname}", f"{surname} Rahayu", inside]
    regs = [record(registration_data(device_id=laptop, full_name=n,
                                     created_at=f"2026-11-23T0{i}:00:00.000Z"))
            for i, n in enumerate(names)]  # fmt: skip
    lead = record(lead_data(device_id=laptop, full_name=f"Budi {surname}"), entity="lead")
    push(client, auth, laptop, [*regs, lead])

    got = found(hub.db, surname.lower())
    assert [r["full_name"] for r in got["records"]] == [
        f"{surname} Rahayu", f"Budi {surname}", f"Sri {surname}", inside]  # fmt: skip
    assert got["total"] == 4
    assert {r["entity"] for r in got["records"]} == {"registration", "lead"}
    assert got["records"][0]["reference_no"] == regs[1]["data"]["reference_no"]
    page = found(hub.db, surname.upper(), "--limit", "1", "--offset", "1")
    assert [r["full_name"] for r in page["records"]] == [f"Budi {surname}"]
    assert page["total"] == 4 and page["offset"] == 1

    # An edit renames (the old name is gone), a void stays listed as voided.
    renamed = edited(regs[0]["data"], full_name=f"Sri {surname}wati")
    void = edited(regs[2]["data"], voided_at="2026-11-23T06:00:00.000Z", void_reason="salah")
    push(client, auth, laptop, [
        record(renamed, uuid=regs[0]["uuid"], version=2, base_version=1),
        record(void, uuid=regs[2]["uuid"], version=2, base_version=1)])  # fmt: skip
    got = found(hub.db, surname)
    by_name = {r["full_name"]: r for r in got["records"]}
    assert f"Sri {surname}wati" in by_name and f"Sri {surname}" not in by_name
    assert by_name[inside]["voided"] is True and got["total"] == 4
    assert found(hub.db, f"{surname}wati")["total"] == 1

    table = search(hub.db, surname, lang="id").stdout
    assert surname in table and "dibatalkan" in table and "4 data di hub" in table
    # Past the last match: there are matches, just not that far (not "no match").
    past = search(hub.db, surname, "--offset", "4").stdout
    assert "Only 4 records on the hub match" in past and "--offset 4" in past
    huge = search(hub.db, surname, "--offset", str(2**63), code=2)  # Typer's bound, one line
    assert "Traceback" not in huge.output and "--offset" in huge.stderr


def test_withdrawn_records_are_left_out(
    hub: Any, client: httpx.Client, auth: dict[str, str], laptop: str
) -> None:
    surname = word()
    kept, gone = (record(registration_data(device_id=laptop, full_name=f"{n} {surname}"))
                  for n in ("Ani", "Ina"))  # fmt: skip
    push(client, auth, laptop, [kept, gone])
    withdrawn = runner.invoke(app, ["hub", "withdraw", gone["data"]["reference_no"],
                                    "--reason", "diminta", "--db", hub.db])  # fmt: skip
    assert withdrawn.exit_code == 0, withdrawn.output
    assert [r["uuid"] for r in found(hub.db, surname)["records"]] == [kept["uuid"]]


def test_short_hostile_and_unknown_text(hub: Any) -> None:
    short = search(hub.db, " ab ", code=2)
    assert "at least 3 characters" in short.stderr and "Traceback" not in short.output
    assert "sedikitnya 3 huruf" in search(hub.db, "ab", code=2, lang="id").stderr
    for text in ['"', '" OR "', "Siti*", "NEAR(a b)", "a OR b", "x%_\\", "'; DROP TABLE records",
                 "name: abc", "z" * 5000, "\x00abc", "(((", "^abc"]:  # fmt: skip
        result = runner.invoke(app, ["hub", "search", text, "--json", "--db", hub.db])
        if len(" ".join(text.replace("\x00", " ").split())) < 3:
            assert result.exit_code == 2, (text, result.output)
            continue
        assert result.exit_code == 0, (text, result.output)
        assert json.loads(result.stdout)["total"] == 0, text
    assert "No record on the hub matches" in search(hub.db, "tidak ada orang ini").stdout


def test_postgres_serves_it_from_a_trigram_index(hub: Any) -> None:
    if hub.engine != "postgres":
        assert hub.rows("SELECT name FROM sqlite_master WHERE name = 'record_names'")
        return
    assert hub.rows("SELECT 1 AS x FROM pg_extension WHERE extname = 'pg_trgm'")
    assert hub.rows("SELECT 1 AS x FROM pg_indexes WHERE indexname = 'records_name_trgm'")
    with hub.storage.read() as tx:
        tx.execute("SET LOCAL enable_seqscan = off")  # the test tables are tiny
        plan = tx.all("EXPLAIN SELECT uuid FROM records WHERE name_key LIKE ?",
                      ["%aminah%"])  # fmt: skip
    assert "records_name_trgm" in " ".join(str(next(iter(r.values()))) for r in plan)


def test_a_hub_from_before_the_name_column_finds_its_records_on_upgrade(db: str) -> None:
    """Schema v12 → v13: records stored before ingest kept ``name_key`` get it from their
    data, and the search (and on PostgreSQL its trigram index) finds them."""
    from outreach_tui.domain import wire
    from outreach_tui.hub.storage import open_storage

    surname = word()
    data = registration_data(device_id=new_uuid(), full_name=f"Sri {surname}")
    storage = open_storage(db, upgrade=False)
    with storage.transaction() as tx:  # a hub as v12 left it, with one record
        migrate_to(tx, 12)
        tx.execute(
            "INSERT INTO records (uuid, entity, version, content_hash, device_id, "
            "officer_code, event_code, day, role, path, sector, monthly_due, voided, data, "
            "created_at, received_at, updated_at, batch_id) VALUES "
            "(?, 'registration', 1, 'h', ?, 'PLG-01', '', '2026-11-23', 'owner', 'bpu', "
            "'kuliner', 16800, 0, ?, ?, ?, ?, ?)",
            (new_uuid(), data["device_id"], wire.canonical_json(data).decode(),
             data["created_at"], data["created_at"], data["created_at"], new_uuid()),
        )  # fmt: skip
    storage.close()
    got = found(db, surname.lower())
    assert [r["full_name"] for r in got["records"]] == [f"Sri {surname}"]
    with open_storage(db) as upgraded, upgraded.read() as tx:
        assert tx.all("SELECT name_key FROM records") == [{"name_key": f"sri {surname.lower()}"}]
        if upgraded.dialect == "postgres":
            assert not tx.all("SELECT 1 AS x FROM pg_proc WHERE proname = 'hub_record_name'")
