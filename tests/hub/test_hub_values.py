"""Values the hub accepts (docs/RELIABILITY.md): every field of every record typed by the
record's schema (domain/wire.py) on the API and on `outreach hub import`, codes in one
spelling, hashes checked against the data, and stored data any engine can read as JSON.

On SQLite and PostgreSQL: the API through the real hub under uvicorn, imports through the
CLI on a fresh database of each engine.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import httpx
import pytest
from conftest import Hub
from hub_builders import batch, lead_data, record, registration_data, signed_bundle
from typer.testing import CliRunner

from outreach_tui.cli.main import app
from outreach_tui.domain import origin, wire
from outreach_tui.domain.ids import new_uuid
from outreach_tui.hub.storage import Storage, open_storage

PUSH = "/api/v1/batches"
runner = CliRunner()
INFINITE = "__infinite__"  # written into the body as the JSON number 1e999


def body_text(body: dict[str, Any]) -> bytes:
    """``body`` as JSON, with every ``INFINITE`` value as ``1e999`` (a float past range,
    which Python reads as inf; its content hash is what a client's canonical JSON gives)."""
    return json.dumps(body).replace(f'"{INFINITE}"', "1e999").encode()


def with_value(data: dict[str, Any], field: str, value: Any) -> dict[str, Any]:
    return {**data, field: value}


def sent(data: dict[str, Any], entity: str = "registration", **kwargs: Any) -> dict[str, Any]:
    """A record whose hash is computed over ``data`` as it travels (inf as a float)."""
    as_read = {k: float("inf") if v == INFINITE else v for k, v in data.items()}
    made = record(data, entity=entity, **kwargs)
    made["content_hash"] = wire.content_hash(as_read)
    return made


def push(client: httpx.Client, auth: dict[str, str], body: dict[str, Any]) -> httpx.Response:
    response = client.post(
        PUSH, content=body_text(body), headers={**auth, "Content-Type": "application/json"}
    )
    assert response.status_code == 200, response.text
    return response


def results(response: httpx.Response) -> list[tuple[str, str | None, str | None]]:
    return [(r["outcome"], r["code"], r["field"]) for r in response.json()["results"]]


def stored_json_is_valid(storage: Storage, db: str) -> None:
    """Every stored record reads as JSON in the database itself (SQLite's json_extract,
    PostgreSQL's jsonb), which the reports rely on."""
    with storage.read() as tx:
        if "://" not in db:
            for table in ("records", "record_versions"):
                assert tx.scalar(f"SELECT COUNT(*) FROM {table} WHERE NOT json_valid(data)") == 0
            tx.all("SELECT json_extract(data, '$.full_name') AS v FROM records")
        else:
            for table in ("records", "record_versions"):
                tx.all(f"SELECT data::jsonb ->> 'full_name' AS v FROM {table}")


REGISTRATION_TYPES = [
    ("full_name", True, "string"),
    ("full_name", 7, "string"),
    ("full_name", INFINITE, "string"),
    ("full_name", ["Siti"], "string"),
    ("nik", 1671014512900001, "string"),
    ("address", {"street": "Merdeka"}, "string"),
    ("declared_income", "2500000", "integer"),
    ("declared_income", INFINITE, "integer"),
    ("workers_count", True, "integer"),
    ("monthly_due", 16800.5, "integer"),
    ("estimate", "no", "boolean"),
    ("programs", "JKK,JKM", "array"),
    ("officer_code", 1, "string"),
    ("consent_at", None, "string"),
]
LEAD_TYPES = [
    ("full_name", False, "string"),
    ("phone", 6281298765432, "string"),
    ("consent_contact", "true", "boolean"),
    ("notes", INFINITE, "string"),
    ("interest", ["JHT"], "string"),
]


@pytest.mark.parametrize(
    ("entity", "field", "value", "expected"),
    [("registration", *case) for case in REGISTRATION_TYPES]
    + [("lead", *case) for case in LEAD_TYPES],
    ids=[f"registration-{c[0]}-{c[1]!r}" for c in REGISTRATION_TYPES]
    + [f"lead-{c[0]}-{c[1]!r}" for c in LEAD_TYPES],
)
def test_a_value_of_the_wrong_type_rejects_that_record_with_its_field(
    hub: Hub, client: httpx.Client, auth: dict[str, str], laptop: str,
    entity: str, field: str, value: Any, expected: str,
) -> None:  # fmt: skip
    make = registration_data if entity == "registration" else lead_data
    bad = sent(with_value(make(device_id=laptop), field, value), entity)
    good = record(registration_data(device_id=laptop))
    response = push(client, auth, batch(laptop, [bad, good]))
    assert results(response) == [
        ("rejected", "record.wrong_type", field), ("accepted", None, None)
    ]  # fmt: skip
    assert expected in response.json()["results"][0]["message"]
    assert hub.count("records", "uuid = ?", (bad["uuid"],)) == 0
    stored_json_is_valid(hub.storage, hub.db)


TIMESTAMPS = ["", "yesterday", "2026-11-23", "2026-13-01T00:00:00Z", "2026-02-30T03:00:00Z",
              "2026-11-23T25:00:00Z", "2026-11-23T10:00:00+07:00", "2026-11-23 03:00:00Z",
              "2026-11-23T03:00:00.000Z\n", "２０２６-11-23T03:00:00Z"]  # fmt: skip


@pytest.mark.parametrize("entity", ["registration", "lead"])
@pytest.mark.parametrize("field", ["consent_at", "created_at", "updated_at", "voided_at"])
def test_times_must_be_real_utc_instants(
    client: httpx.Client, auth: dict[str, str], laptop: str, entity: str, field: str
) -> None:
    make = registration_data if entity == "registration" else lead_data
    records = []
    for text in TIMESTAMPS:
        data = with_value(make(device_id=laptop), field, text)
        if field == "voided_at":
            data["void_reason"] = "salah input"
        records.append(sent(data, entity))
    response = push(client, auth, batch(laptop, records))
    assert results(response) == [("rejected", "record.bad_timestamp", field)] * len(TIMESTAMPS)


NON_ASCII_DIGITS = [
    ("registration", "nik", "１６７１０１４５１２９０００01"),  # fullwidth
    ("registration", "nik", "١٦٧١٠١٤٥١٢٩٠٠٠٠١"),  # Arabic-Indic
    ("registration", "phone", "+62８１２３４５６７８９０"),
    ("registration", "birth_date", "١٩٩٠-12-05"),
    ("registration", "province_code", "١٦"),
    ("lead", "phone", "+٦٢81298765432"),
    ("lead", "follow_up_on", "２０２６-12-01"),
]


@pytest.mark.parametrize(("entity", "field", "value"), NON_ASCII_DIGITS)
def test_digits_of_other_scripts_are_refused(
    hub: Hub, client: httpx.Client, auth: dict[str, str], laptop: str,
    entity: str, field: str, value: str,
) -> None:  # fmt: skip
    make = registration_data if entity == "registration" else lead_data
    bad = sent(with_value(make(device_id=laptop), field, value), entity)
    assert results(push(client, auth, batch(laptop, [bad]))) == [
        ("rejected", "record.bad_value", field)
    ]
    assert hub.count("records", "uuid = ?", (bad["uuid"],)) == 0


CODES = ["PLG-01\n", " PLG-01", "PLG-01\t", "PLG\u00a001", "plg-01", "PLG-01\u200b", ""]


@pytest.mark.parametrize("field", ["officer_code", "event_code"])
def test_a_code_in_another_spelling_is_refused_and_tallies_stay_whole(
    hub: Hub, client: httpx.Client, auth: dict[str, str], laptop: str, field: str
) -> None:
    canonical = registration_data(device_id=laptop)[field]
    odd = [sent(with_value(registration_data(device_id=laptop), field, code.replace(
        "PLG-01", canonical).replace("plg-01", canonical.lower()))) for code in CODES]  # fmt: skip
    good = record(registration_data(device_id=laptop))
    response = push(client, auth, batch(laptop, [*odd, good]))
    assert results(response) == [("rejected", "record.bad_code", field)] * len(CODES) + [
        ("accepted", None, None)
    ]
    spellings = {
        row["code"] for row in hub.rows(f"SELECT DISTINCT {field} AS code FROM daily_rollup")
    }
    assert canonical in spellings
    assert all(re.match(wire.CODE_PATTERN, code) for code in spellings - {""}), spellings
    lead = sent(with_value(lead_data(device_id=laptop), field, canonical + "\n"), "lead")
    assert results(push(client, auth, batch(laptop, [lead]))) == [
        ("rejected", "record.bad_code", field)
    ]


def test_a_changed_record_under_its_old_hash_is_rejected_not_a_duplicate(
    hub: Hub, client: httpx.Client, auth: dict[str, str], laptop: str
) -> None:
    original = record(registration_data(device_id=laptop))
    assert results(push(client, auth, batch(laptop, [original]))) == [("accepted", None, None)]
    changed = {**original, "data": {**original["data"], "full_name": "Siti Berubah"}}
    response = push(client, auth, batch(laptop, [changed]))
    assert results(response) == [("rejected", "record.hash_mismatch", "content_hash")]
    (row,) = hub.rows("SELECT data FROM records WHERE uuid = ?", (original["uuid"],))
    assert json.loads(str(row["data"]))["full_name"] == "Siti Aminah"
    # The same within one batch naming the uuid twice (judged record by record).
    twice = push(client, auth, batch(laptop, [original, changed]))
    assert results(twice) == [
        ("duplicate", None, None), ("rejected", "record.hash_mismatch", "content_hash")
    ]  # fmt: skip


def test_missing_and_unknown_fields_are_named(
    client: httpx.Client, auth: dict[str, str], laptop: str
) -> None:
    data = registration_data(device_id=laptop)
    del data["consent_at"]
    missing = sent(data)
    optional = registration_data(device_id=laptop)
    del optional["email"]  # nullable fields may be left out
    assert results(push(client, auth, batch(laptop, [missing, record(optional)]))) == [
        ("rejected", "record.missing_field", "consent_at"), ("accepted", None, None)
    ]  # fmt: skip


# -- outreach hub import ---------------------------------------------------------------


def cli(*args: str) -> Any:
    return runner.invoke(app, ["--lang", "en", *args], catch_exceptions=False)


LAPTOP_KEYS: dict[str, bytes] = {}  # each laptop signs its bundles with its own key


def write_bundle(path: Path, body: dict[str, Any]) -> Path:
    """``body`` as the laptop's own `outreach export` would sign it (its first import binds
    the laptop id to that key), so what is tested is the hub's reading of the values."""
    key = LAPTOP_KEYS.setdefault(body["device_id"], origin.new_private_key())
    # Signed over the body as the hub reads it (1e999 read back as a float), like a
    # laptop that really sent such a value.
    as_read = json.loads(body_text(body))
    signature = signed_bundle(as_read, key)["signature"]
    path.write_bytes(body_text({**body, "kind": "outreach-bundle", "protocol": 1,
                                "signature": signature}))  # fmt: skip
    return path


def test_an_import_types_every_field_as_the_api_does(db: str, tmp_path: Path) -> None:
    laptop = new_uuid()
    odd = [
        sent(with_value(registration_data(device_id=laptop), "full_name", True)),
        sent(with_value(registration_data(device_id=laptop), "full_name", INFINITE)),
        sent(with_value(lead_data(device_id=laptop), "notes", INFINITE), "lead"),
        sent(with_value(registration_data(device_id=laptop), "consent_at", "yesterday")),
        sent(with_value(registration_data(device_id=laptop), "officer_code", "PLG-01\n")),
    ]
    good = record(registration_data(device_id=laptop))
    bundle = write_bundle(tmp_path / "odd.json", batch(laptop, [*odd, good]))
    result = cli("hub", "import", str(bundle), "--db", db, "--json")
    assert result.exit_code == 0, result.output
    receipt = json.loads(result.stdout)["receipt"]
    assert [(r["outcome"], r["code"], r["field"]) for r in receipt["results"]] == [
        ("rejected", "record.wrong_type", "full_name"),
        ("rejected", "record.wrong_type", "full_name"),
        ("rejected", "record.wrong_type", "notes"),
        ("rejected", "record.bad_timestamp", "consent_at"),
        ("rejected", "record.bad_code", "officer_code"),
        ("accepted", None, None),
    ]
    with open_storage(db) as storage:
        stored_json_is_valid(storage, db)


def test_a_tampered_bundle_with_a_new_batch_id_is_refused_whole(db: str, tmp_path: Path) -> None:
    laptop = new_uuid()
    first = record(registration_data(device_id=laptop))
    body = batch(laptop, [first, record(registration_data(device_id=laptop))])
    assert (
        cli("hub", "import", str(write_bundle(tmp_path / "a.json", body)), "--db", db).exit_code
        == 0
    )
    # Someone edits the exported file: a new name, a new batch id, the old hash.
    tampered = {**body, "batch_id": new_uuid(), "records": [
        {**first, "data": {**first["data"], "full_name": "Nama Palsu"}},
        record(registration_data(device_id=laptop)),
    ]}  # fmt: skip
    result = cli("hub", "import", str(write_bundle(tmp_path / "b.json", tampered)), "--db", db)
    assert result.exit_code != 0
    line = result.stderr.strip()
    assert line.startswith("outreach: ") and "\n" not in line and "changed after" in line, line
    assert first["uuid"] in line
    with open_storage(db) as storage, storage.read() as tx:
        assert tx.scalar("SELECT COUNT(*) FROM records") == 2  # the second record neither
        row = tx.one("SELECT data FROM records WHERE uuid = ?", (first["uuid"],))
        assert row is not None and json.loads(row["data"])["full_name"] == "Siti Aminah"
        assert tx.scalar("SELECT COUNT(*) FROM batches WHERE batch_id = ?",
                         (tampered["batch_id"],)) == 0  # fmt: skip


# -- reports over rows stored before the hub typed every field ---------------------------


def test_hub_duplicates_lists_a_case_whose_name_is_not_text(db: str, tmp_path: Path) -> None:
    """Rows an older hub stored (a number or a boolean as the name) must not crash the
    queue: the case is listed with the value shown as text."""
    nik = registration_data(device_id="x")["nik"]
    uuids = []
    for n in range(2):  # the same NIK from two laptops: a NIK case
        laptop = new_uuid()
        one = record(registration_data(device_id=laptop, nik=nik))
        uuids.append(one["uuid"])
        bundle = write_bundle(tmp_path / f"{n}.json", batch(laptop, [one]))
        assert cli("hub", "import", str(bundle), "--db", db).exit_code == 0
    with open_storage(db) as storage:
        for uuid, name in zip(uuids, ("Infinity", "true"), strict=True):

            def poison(tx: Any, uuid: str = uuid, name: str = name) -> None:
                row = tx.one("SELECT data FROM records WHERE uuid = ?", (uuid,))
                text = row["data"].replace('"full_name":"Siti Aminah"', f'"full_name":{name}')
                tx.execute("UPDATE records SET data = ? WHERE uuid = ?", (text, uuid))

            storage.write(poison)
    listed = cli("hub", "duplicates", "--db", db, "--json")
    assert listed.exit_code == 0, listed.output
    (case,) = [c for c in json.loads(listed.stdout)["cases"] if c["kind"] == "nik"
               and {r["uuid"] for r in c["records"]} == set(uuids)]  # fmt: skip
    assert sorted(r["full_name"] for r in case["records"]) == ["Infinity", "true"]
    table = cli("hub", "duplicates", "--db", db)
    assert table.exit_code == 0 and "Traceback" not in table.output, table.output
    assert case["case_id"] in table.output


def test_the_openapi_description_types_every_field_of_both_record_types(
    client: httpx.Client,
) -> None:
    spec = client.get("/openapi.json").json()
    schemas = spec["components"]["schemas"]
    data = schemas["RecordIn"]["properties"]["data"]
    assert {ref["$ref"].rsplit("/", 1)[1] for ref in data["oneOf"]} == {
        "RegistrationData", "LeadData"
    }  # fmt: skip
    for entity, name in (("registration", "RegistrationData"), ("lead", "LeadData")):
        schema = schemas[name]
        assert schema["additionalProperties"] is False
        assert list(schema["properties"]) == list(wire.FIELDS[entity])
        for field, prop in schema["properties"].items():
            kinds = prop.get("anyOf", [prop])
            assert all(k.get("type") or k.get("enum") for k in kinds), (name, field, prop)
        assert {"officer_code", "created_at", "consent_at", "full_name"} <= set(schema["required"])
        assert schema["properties"]["consent_at"]["pattern"] == wire.INSTANT_PATTERN
        assert schema["properties"]["officer_code"]["pattern"] == wire.CODE_PATTERN


@pytest.mark.parametrize("code", ["PLG-01\n", " PLG-01", "PLG 01", "PLG-01\t", "ＰＬＧ-01"])
def test_enroll_refuses_a_code_the_wire_would_refuse(db: str, code: str) -> None:
    result = cli("hub", "enroll", "--db", db, "--officer", code, "--device", "laptop-x")
    assert result.exit_code == 1, result.output
    assert result.stderr.strip().startswith("outreach: ") and "Traceback" not in result.output
    ok = cli("hub", "enroll", "--db", db, "--officer", "plg-07", "--device", "laptop-y", "--json")
    assert json.loads(ok.stdout)["device"]["officer_code"] == "PLG-07"  # case only


@pytest.mark.parametrize("code", ["PLG-01\n", " PLG-01", "PLG-01\t"])
def test_the_booths_init_refuses_a_code_the_hub_would_refuse(tmp_path: Path, code: str) -> None:
    args = ["init", "--officer", code, "--officer-name", "Rina Marlina", "--branch", "PLG",
            "--branch-name", "Palembang", "--city", "Palembang", "--event", "EXPO-PIM-2026",
            "--event-name", "Pekan UMKM", "--venue", "PIM", "--starts", "2026-11-16",
            "--ends", "2026-11-29", "--target", "100"]  # fmt: skip
    booth = tmp_path / "booth.db"
    result = runner.invoke(app, ["--lang", "en", "--db", str(booth), *args])
    assert result.exit_code == 1, result.output
    assert "\\n" in result.stderr or "\\t" in result.stderr or "' PLG-01'" in result.stderr
    fine = [a if a != code else "plg-01" for a in args]
    assert runner.invoke(app, ["--db", str(booth), *fine]).exit_code == 0


def test_an_event_code_that_is_not_text_is_rejected_not_a_crash(db: str, tmp_path: Path) -> None:
    """Found by the value property test after the zones of events arrived: the record's
    event code picks its day's zone before its type is checked."""
    laptop = new_uuid()
    odd = sent(with_value(registration_data(device_id=laptop), "event_code", ["EXPO"]))
    result = cli("hub", "import", str(write_bundle(tmp_path / "e.json", batch(laptop, [odd]))),
                 "--db", db, "--json")  # fmt: skip
    assert result.exit_code == 0, result.output
    (outcome,) = json.loads(result.stdout)["receipt"]["results"]
    assert (outcome["outcome"], outcome["code"], outcome["field"]) == (
        "rejected", "record.wrong_type", "event_code"
    )  # fmt: skip
