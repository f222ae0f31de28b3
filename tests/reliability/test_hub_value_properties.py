"""Any JSON value in any field of a record, through the API and through `outreach hub
import`, on SQLite and PostgreSQL: the record is accepted and every supervisor report
still runs over it (tally, targets, export-report, hub duplicates), or it is rejected
with a code (the batch with an error code, or the record with a code and its field).
Never a 500, never a traceback, never a stored row the database cannot read as JSON.

In process (Starlette's TestClient over the real app, real databases) for speed; the
reports run as a supervisor runs them, through the CLI. ``OUTREACH_VALUE_EXAMPLES`` sets
the examples per engine and path (25 in CI, 200 under ``make reliability``).
"""

from __future__ import annotations

import contextlib
import csv
import json
import re
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from outreach_tui.cli.main import app
from outreach_tui.domain import origin, wire
from outreach_tui.hub.app import create_app
from outreach_tui.hub.auth import enroll
from outreach_tui.hub.storage import Storage, open_storage
from tests.hub.hub_builders import batch, lead_data, record, registration_data, signed_bundle
from tests.reliability.harness import loops
from tests.support.postgres import PostgresCluster, pg_cluster  # noqa: F401 - a fixture

LAPTOP_KEY = origin.new_private_key()  # the one laptop whose bundles this test imports

with warnings.catch_warnings():  # Starlette 1.x suggests httpx2; the client works as it is
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

pytestmark = pytest.mark.reliability
EXAMPLES = loops("OUTREACH_VALUE_EXAMPLES", 25)
SETTINGS = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
INFINITE = "__infinite__"  # written into the body as the JSON number 1e999
runner = CliRunner()

# Values meant to be near misses of what fields take, and any JSON at all.
_tricky = st.sampled_from([
    INFINITE, 1e308, -0.0, 2**63, -(2**64), 10**39, True, False, None, "", " ", "\n",
    "PLG-01\n", "plg-01", "EXPO-PLG-2026-11 ", "2026-11-23T03:00:00.000Z",
    "2026-11-23T03:00:00.000Z\n", "2026-02-30T03:00:00Z", "yesterday", "١٩٩٠-12-05",
    "１６７１０１４５１２９０００01", "+6281234567890", "+62８１２３４５６７８９０", "\u202eABC",
    "x" * 5000, "Siti\u0000Aminah", "\ud800", "'; DROP TABLE records; --", "Infinity", "NaN",
    ["JKK", "JKM"], ["JHT"], [], {}, {"a": [1, {"b": None}]}, 0, -1, 1, 12, 15, 16,
])  # fmt: skip
_scalar = (
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(st.characters(codec="utf-8"), max_size=30)
)  # fmt: skip
_json = st.recursive(
    _scalar,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)
_text = st.text(st.characters(codec="utf-8"), max_size=80)  # free text: often accepted
values = st.one_of(_text, _tricky, _json)
_PROGRAMS = st.lists(st.sampled_from(["JKK", "JKM", "JHT", "jht", ""]), max_size=4)
_SAME_TYPE = {str: _text, int: st.integers(-5, 10**10), bool: st.booleans(), list: _PROGRAMS}
# Free-text fields twice: what they take is widest, so most accepted records come there.
FREE_TEXT = ("full_name", "birth_place", "address", "business_name", "email", "interest",
             "notes", "sector")  # fmt: skip


@st.composite
def changed_record(draw: st.DrawFn) -> tuple[str, dict[str, Any]]:
    entity = draw(st.sampled_from(["registration", "lead"]))
    fields = wire.FIELDS[entity]
    names = [*fields, *(f for f in FREE_TEXT if f in fields), "surprise"]  # an unknown key too
    valid = (registration_data if entity == "registration" else lead_data)(device_id="x")
    changes = {}
    for name in draw(st.lists(st.sampled_from(names), min_size=1, max_size=2, unique=True)):
        # Half the time a value of the type the field holds (more of them get accepted).
        typed = _SAME_TYPE.get(type(valid.get(name)), _text)
        changes[name] = draw(st.one_of(typed, values))
    return entity, changes


def body_text(body: dict[str, Any]) -> bytes:
    text = json.dumps(body, ensure_ascii=False)
    return text.replace(f'"{INFINITE}"', "1e999").encode("utf-8", "surrogatepass")


def sent(entity: str, laptop: str, changes: dict[str, Any]) -> dict[str, Any]:
    make = registration_data if entity == "registration" else lead_data
    data = {**make(device_id=laptop), **changes}
    made = {**record({}, entity=entity), "data": data}  # its hash: below

    def as_read(value: Any) -> Any:
        return float("inf") if value == INFINITE else value

    with contextlib.suppress(UnicodeEncodeError):  # a lone surrogate: the body is refused
        made["content_hash"] = wire.content_hash({k: as_read(v) for k, v in data.items()})
    return made


class Engine:
    def __init__(self, db: str, folder: Path) -> None:
        self.db, self.folder = db, folder
        self.storage: Storage = open_storage(db)
        _, token = enroll(self.storage, officer="PLG-01", name="laptop")
        self.device = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        self.client = TestClient(create_app(open_storage(db)), raise_server_exceptions=False)
        self.bundles = 0


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def engine(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Engine]:
    folder = tmp_path_factory.mktemp(f"values-{request.param}")
    if request.param == "sqlite":
        db = str(folder / "hub.db")
    else:
        cluster: PostgresCluster = request.getfixturevalue("pg_cluster")
        db = cluster.create_database()
    made = Engine(db, folder)
    with made.client:
        yield made
    made.storage.close()


def one_line(result: Any) -> None:
    """A CLI refusal as the brief wants it: no traceback, one ``outreach: …`` line."""
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert "Traceback" not in result.output
    if result.exit_code != 0:
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("outreach: "), result.stderr


def judged(result: dict[str, Any]) -> None:
    event(f"{result['outcome']} {result['code'] or ''}")  # pytest --hypothesis-show-statistics
    assert result["outcome"] in ("accepted", "rejected"), result
    if result["outcome"] == "rejected":
        assert re.fullmatch(r"[a-z_]+(\.[a-z_]+)+", result["code"] or ""), result
        assert result["field"] and result["message"], result


def reports_still_run(engine: Engine) -> None:
    """Every supervisor report over everything the hub holds, and the rows as JSON."""
    with engine.storage.read() as tx:
        if "://" in engine.db:
            tx.all("SELECT data::jsonb ->> 'full_name' AS v FROM records")
            tx.all("SELECT data::jsonb ->> 'full_name' AS v FROM record_versions")
        else:
            assert tx.scalar("SELECT COUNT(*) FROM records WHERE NOT json_valid(data)") == 0
            tx.all("SELECT json_extract(data, '$.full_name') AS v FROM records")
        held = int(tx.scalar("SELECT COUNT(*) FROM records"))
    for args in (["tally", "--json"], ["tally", "--by", "officer", "--by", "event", "--json"],
                 ["targets", "--json"]):  # fmt: skip
        result = runner.invoke(app, [*args, "--hub-db", engine.db])
        one_line(result)
        assert result.exit_code == 0, result.output
        json.loads(result.stdout)
    out = engine.folder / "export.csv"
    result = runner.invoke(
        app, ["export-report", "--hub-db", engine.db, "--out", str(out), "--force", "--json"]
    )
    one_line(result)
    assert result.exit_code == 0, result.output
    with out.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    assert len(rows) - 1 == json.loads(result.stdout)["rows"] == held  # complete, not half
    result = runner.invoke(app, ["hub", "duplicates", "--db", engine.db, "--json"])
    one_line(result)
    assert result.exit_code == 0, result.output
    table = runner.invoke(app, ["hub", "duplicates", "--db", engine.db])
    one_line(table)
    assert table.exit_code == 0, table.output


@SETTINGS
@given(case=changed_record())
def test_any_value_through_the_api_is_accepted_and_reportable_or_refused_with_a_code(
    engine: Engine, case: tuple[str, dict[str, Any]]
) -> None:
    entity, changes = case
    laptop = "laptop-values"
    body = batch(laptop, [sent(entity, laptop, changes)])
    response = engine.client.post("/api/v1/batches", content=body_text(body), headers=engine.device)
    assert response.status_code in (200, 413, 422), (response.status_code, response.text[:300])
    if response.status_code != 200:
        error = response.json()["error"]
        assert error["code"].startswith(("request.", "batch.")) and error["message"], error
        return
    (result,) = response.json()["results"]
    judged(result)
    if result["outcome"] == "accepted":
        reports_still_run(engine)


@SETTINGS
@given(case=changed_record())
def test_any_value_through_an_import_is_accepted_and_reportable_or_refused_with_a_code(
    engine: Engine, case: tuple[str, dict[str, Any]]
) -> None:
    entity, changes = case
    laptop = "laptop-bundle"
    body = batch(laptop, [sent(entity, laptop, changes)])
    engine.bundles += 1
    path = engine.folder / f"bundle-{engine.bundles}.json"
    # Signed with the laptop's key as `outreach export` does: an unsigned bundle would be
    # refused whole before any value is read.
    try:  # signed over the body as the hub reads it (1e999 read back as a float)
        signature = signed_bundle(json.loads(body_text(body)), LAPTOP_KEY)["signature"]
    except (ValueError, UnicodeError):  # text no JSON reader takes (a lone surrogate):
        signature = None  # refused whole before the signature matters
    path.write_bytes(body_text({**body, "kind": "outreach-bundle", "protocol": 1,
                                "signature": signature}))  # fmt: skip
    result = runner.invoke(app, ["hub", "import", str(path), "--db", engine.db, "--json"])
    one_line(result)
    if result.exit_code != 0:
        if signature is not None:  # a signed bundle is refused for its values only
            assert "not signed" not in result.output and "signature" not in result.output
        return  # refused whole, with its one line (a bad body, a stale hash)
    (outcome,) = json.loads(result.stdout)["receipt"]["results"]
    judged(outcome)
    if outcome["outcome"] == "accepted":
        reports_still_run(engine)
