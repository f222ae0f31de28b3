"""`outreach sample --hub-db/--hub-dsn` (issue 17): a multi-branch sample hub, on SQLite and
PostgreSQL, that every hub command takes as it takes a hub filled by laptops.

A small run per engine (module scope: made once), then: each record is exactly what the
hub's own ingest would have derived from its wire data (``evaluate``, the content hash,
the keyed digests, the version history); the daily rollups built by SQL equal the sum of
``rollup.share`` over the records; tally, targets, the dashboard (Pilot), duplicates,
search and export-report answer from it, a region seeing only its branches; some NIKs
are registered in two branches; a hub that holds data is refused with nothing changed.
"""

from __future__ import annotations

import csv
import hashlib
import json
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from rollup_checks import officer_events, officer_events_from_daily, unit_days, unit_days_from_daily
from typer.testing import CliRunner

from outreach_tui.cli.main import app
from outreach_tui.cli.output import EXIT_INVALID, EXIT_USAGE
from outreach_tui.domain import wire
from outreach_tui.hub import rollup, units
from outreach_tui.hub.evaluate import Derived, evaluate
from outreach_tui.hub.meta import load_hub_info
from outreach_tui.hub.storage import Storage, open_storage
from outreach_tui.hub.tallies import HubTallies
from outreach_tui.protocol.requests import RecordIn
from outreach_tui.reports.dashboard import dashboard_data
from tests.support.duplicate_queue import same_as_scratch
from tests.support.postgres import PostgresCluster

runner = CliRunner()
SIZE = ["--branches", "6", "--regions", "3", "--devices", "18", "--records", "3000"]


@dataclass
class SampleHub:
    url: str
    storage: Storage
    report: dict[str, object]

    def rows(self, sql: str, params: tuple[object, ...] = ()) -> list[dict[str, object]]:
        with self.storage.read() as tx:
            return tx.all(sql, params)

    def count(self, table: str) -> int:
        return int(self.rows(f"SELECT COUNT(*) AS n FROM {table}")[0]["n"])


def cli(*args: str, code: int = 0) -> str:
    result = runner.invoke(app, ["--lang", "en", *args])
    assert result.exit_code == code, (result.output, result.exception)
    return result.output


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def sample(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
           ) -> Iterator[SampleHub]:  # fmt: skip
    if request.param == "sqlite":
        url = str(tmp_path_factory.mktemp("sample") / "hub.db")
        option = "--hub-db"
    else:
        cluster: PostgresCluster = request.getfixturevalue("pg_cluster")
        url, option = cluster.create_database(), "--hub-dsn"
    report = json.loads(cli("sample", option, url, *SIZE, "--json"))
    with open_storage(url, create=False) as storage:
        yield SampleHub(url, storage, report)


def test_the_report_counts_what_the_hub_holds(sample: SampleHub) -> None:
    r = sample.report
    assert r["records"] == 3000 == sample.count("records")
    assert r["owners"] + r["workers"] + r["leads"] == 3000
    assert (r["regions"], r["branches"], r["devices"]) == (3, 6, 18)
    kinds = {row["kind"]: row["n"] for row in sample.rows(
        "SELECT kind, COUNT(*) AS n FROM units GROUP BY kind")}  # fmt: skip
    assert kinds == {"head_office": 1, "region": 3, "branch": 6, "area": 1}
    assert sample.count("devices") == sample.count("laptops") == 18
    # Every version the hub holds: each current record, and version 1 of each changed one.
    changed = r["edited"] + r["voided"] + r["converted"]
    assert sample.count("record_versions") == 3000 + changed
    assert changed > 0 and r["voided"] > 0 and r["converted"] > 0


def test_every_record_is_what_ingest_would_derive(sample: SampleHub) -> None:
    """The hub's own judgement of each record's wire data gives the stored columns."""
    hub = load_hub_info(sample.storage)
    rows = sample.rows("SELECT * FROM records ORDER BY uuid")
    versions = {(v["uuid"], int(v["version"])): v for v in sample.rows(
        "SELECT * FROM record_versions")}  # fmt: skip
    assert len(rows) == 3000
    for row in rows:
        data = json.loads(row["data"])
        assert wire.canonical_json(data).decode() == row["data"]
        assert hashlib.sha256(row["data"].encode()).hexdigest() == row["content_hash"]
        record = RecordIn(entity=row["entity"], uuid=row["uuid"], version=int(row["version"]),
                          content_hash=row["content_hash"], data=data)  # fmt: skip
        derived = evaluate(record, hub, "en")
        assert isinstance(derived, Derived), (row["uuid"], derived)
        for column in ("officer_code", "event_code", "day", "role", "path", "sector",
                       "monthly_due", "voided", "nik_digest", "created_at", "programs",
                       "converted", "person_digest", "name_key"):  # fmt: skip
            assert str(getattr(derived, column)) == str(row[column]), (column, row["uuid"])
        assert derived.data_json == row["data"]
        current = versions[(row["uuid"], int(row["version"]))]
        assert (current["content_hash"], current["batch_id"]) == (
            row["content_hash"], row["batch_id"])  # fmt: skip
        if int(row["version"]) == 2:  # the first version, kept, with other content
            first = versions[(row["uuid"], 1)]
            assert first["content_hash"] != row["content_hash"]
            assert first["content_hash"] == hashlib.sha256(first["data"].encode()).hexdigest()


def test_rollups_are_the_sum_of_each_records_share(sample: SampleHub) -> None:
    expected: rollup.Deltas = defaultdict(rollup.empty)
    for row in sample.rows("SELECT * FROM records"):
        rollup.add(expected, row, +1)
    stored = {
        tuple(str(r[k]) for k in rollup.KEY): [int(r[c]) for c in rollup.COUNTS]
        for r in sample.rows("SELECT * FROM daily_rollup")
    }
    assert stored == {k: v for k, v in expected.items() if any(v)}
    assert unit_days(sample.storage) == unit_days_from_daily(sample.storage)
    assert officer_events(sample.storage) == officer_events_from_daily(sample.storage)
    # The feed counter is past every batch's value, as ingest leaves it.
    feed = sample.rows("SELECT value FROM counters WHERE name = 'feed'")[0]["value"]
    assert int(feed) == sample.count("batches") > 0


def test_tallies_by_region_and_a_regions_branches(sample: SampleHub) -> None:
    owners = int(sample.rows("SELECT COUNT(*) AS n FROM records WHERE role = 'owner' "
                             "AND voided = 0")[0]["n"])  # fmt: skip
    national = json.loads(cli("tally", "--by", "region", "--hub-db", sample.url, "--json"))
    assert {row["region"] for row in national["rows"]} == {"KW-JATENG", "KW-SUMBAGSEL",
                                                           "KW-JATIM"}  # fmt: skip
    assert national["totals"]["owners"] == owners
    region = json.loads(cli("tally", "--by", "day", "--by", "branch", "--hub-db", sample.url,
                            "--unit", "KW-JATENG", "--json"))  # fmt: skip
    assert {row["branch"] for row in region["rows"]} == {"KC-SURAKARTA", "KC-SUKOHARJO"}
    jateng = next(r for r in national["rows"] if r["region"] == "KW-JATENG")
    assert region["totals"]["owners"] == jateng["owners"] > 0
    text = cli("tally", "--by", "area", "--hub-db", sample.url)
    assert "SOLORAYA" in text and "Tally by Target area" in text
    # The unit dimensions are named in both languages, never by their catalogue key.
    assert "Region" in cli("tally", "--by", "region", "--hub-db", sample.url)
    result = runner.invoke(app, ["tally", "--by", "branch", "--hub-db", sample.url])
    assert "Cabang" in result.output and "report.dim" not in result.output


def test_targets_carry_the_news_figures(sample: SampleHub) -> None:
    rows = json.loads(cli("targets", "--hub-db", sample.url, "--json"))
    rows = rows["targets"] if isinstance(rows, dict) else rows
    by_code = {(r["code"], r["measure"]): r for r in rows if r.get("kind") == "unit"}
    assert by_code[("KC-SURAKARTA", "informal")]["target"] == 34_785
    assert by_code[("SOLORAYA", "informal")]["target"] == 52_183
    assert by_code[("KC-PALEMBANG", "new_employers")]["target"] == 1_441
    region = by_code[("KW-JATENG", "informal")]
    assert region["basis"] == "children" and region["target"] > 34_785


def test_duplicates_across_branches_are_cases(sample: SampleHub) -> None:
    spread = sample.rows(
        "SELECT nik_digest FROM records WHERE entity = 'registration' AND voided = 0 "
        "GROUP BY nik_digest HAVING COUNT(DISTINCT unit_code) > 1"
    )
    assert spread, "no NIK registered in two branches"
    listing = json.loads(cli("hub", "duplicates", "--db", sample.url, "--json"))
    cases = listing["cases"] if isinstance(listing, dict) else listing
    units_of = [{m["unit_code"] for m in case["records"]} for case in cases]
    assert any(len(u) > 1 for u in units_of)


def test_the_loaders_duplicate_queue_is_the_from_scratch_one(sample: SampleHub) -> None:
    """The bulk loader builds ``duplicate_cases`` by SQL: what grouping the records gives."""
    queue = same_as_scratch(sample.storage)
    assert len({case[3] for case in queue}) > 1  # routed to more than one branch


def test_search_finds_a_sample_name(sample: SampleHub) -> None:
    name = str(sample.rows("SELECT data FROM records ORDER BY uuid LIMIT 1")[0]["data"])
    full = json.loads(name)["full_name"]
    found = json.loads(cli("hub", "search", full, "--db", sample.url, "--json"))
    assert found["total"] >= 1
    assert any(r["full_name"] == full for r in found["records"])


def test_export_report_of_one_branch(sample: SampleHub, tmp_path: Path) -> None:
    out = tmp_path / "surakarta.csv"
    cli("export-report", "--out", str(out), "--hub-db", sample.url, "--unit", "KC-SURAKARTA")
    with out.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    expected = sample.rows("SELECT COUNT(*) AS n FROM records WHERE unit_code = 'KC-SURAKARTA'")
    assert len(rows) == int(expected[0]["n"]) > 0
    assert {r["branch_code"] for r in rows if r["entity"] == "registration"} == {"KC-SURAKARTA"}


def test_a_regions_dashboard_figures(sample: SampleHub) -> None:
    with sample.storage.read() as tx:
        scope = units.scope_of(tx, "KW-SUMBAGSEL")
    day = date.fromisoformat(str(sample.rows(
        "SELECT MAX(day) AS d FROM records WHERE unit_code = 'KC-PALEMBANG'")[0]["d"]))  # fmt: skip
    data = dashboard_data(HubTallies(sample.storage, scope), day)
    assert data.today.owners + data.today.leads > 0


async def test_a_regions_dashboard_paints(sample: SampleHub) -> None:
    from textual.widgets import DataTable

    from outreach_tui.tui.hub_dashboard import HubDashboardApp

    with sample.storage.read() as tx:
        scope = units.scope_of(tx, "KW-JATENG")
    day = date.fromisoformat(str(sample.rows(
        "SELECT MAX(day) AS d FROM records WHERE unit_code = 'KC-SURAKARTA'")[0]["d"]))  # fmt: skip
    app = HubDashboardApp(HubTallies(sample.storage, scope), sample.url, language="en",
                          today=lambda: day)  # fmt: skip
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        tables = list(pilot.app.screen.query(DataTable))
        officers = {str(cell) for t in tables for row in range(t.row_count)
                    for cell in t.get_row_at(row)}  # fmt: skip
    shown = {o for o in officers if o.startswith(("SURAKARTA-", "SUKOHARJO-", "PALEMBANG-"))}
    assert shown and all(not o.startswith("PALEMBANG-") for o in shown)


def test_a_hub_with_data_is_refused_and_kept(sample: SampleHub) -> None:
    """PostgreSQL: the loader finds records and rolls back; SQLite: an existing database
    file is never replaced (files.check_target)."""
    postgres = sample.url.startswith("postgresql")
    before = sample.count("records"), sample.count("record_versions")
    out = cli("sample", "--hub-dsn" if postgres else "--hub-db", sample.url, *SIZE,
              code=EXIT_INVALID if postgres else EXIT_USAGE)  # fmt: skip
    assert (sample.count("records"), sample.count("record_versions")) == before
    assert ("already holds data" if postgres else "not replacing") in out


def test_one_target_at_a_time(tmp_path: Path) -> None:
    out = cli("sample", "--out", str(tmp_path / "a.db"), "--hub-db", str(tmp_path / "b.db"),
              code=EXIT_USAGE)  # fmt: skip
    assert "one target" in out
    assert not (tmp_path / "a.db").exists() and not (tmp_path / "b.db").exists()
    out = cli("sample", "--hub-db", str(tmp_path / "c.db"), "--branches", "5", "--devices", "3",
              code=EXIT_USAGE)  # fmt: skip
    assert "at least 5" in out


def test_same_seed_same_hub(tmp_path: Path) -> None:
    small = ["--branches", "3", "--regions", "2", "--devices", "3", "--records", "300"]
    digests = []
    for name in ("a.db", "b.db"):
        cli("sample", "--hub-db", str(tmp_path / name), *small)
        with open_storage(str(tmp_path / name), create=False) as storage, storage.read() as tx:
            digests.append([(r["uuid"], r["content_hash"]) for r in tx.all(
                "SELECT uuid, content_hash FROM records ORDER BY uuid")])  # fmt: skip
    assert digests[0] == digests[1] and len(digests[0]) == 300


def test_the_feed_follows_the_order_batches_were_received(sample: SampleHub) -> None:
    rows = sample.rows("SELECT feed_seq FROM batches ORDER BY received_at, batch_id")
    assert [int(r["feed_seq"]) for r in rows] == list(range(1, sample.count("batches") + 1))


def test_shards_made_in_child_processes_are_the_same_rows() -> None:
    """The records of a large sample are made by two forked producers; the rows are the
    ones the same shards make one after the other in-process."""
    from outreach_tui.sampledata import parallel
    from outreach_tui.sampledata.hub_sample import fill

    if not parallel.can_fork():
        pytest.skip("no fork on this platform: the shards always run in-process here")

    def made(processes: bool) -> tuple[dict[str, list[tuple[object, ...]]], dict[str, object]]:
        tables: dict[str, list[tuple[object, ...]]] = defaultdict(list)
        report = fill(lambda table, _columns, rows: tables[table].extend(rows), seed=11,
                      branches=4, regions=2, devices=8, records=2500, processes=processes,
                      nik_digest=lambda nik: hashlib.sha256(nik.encode()).hexdigest(),
                      person_digest=lambda n, b, p: f"{n}|{b}|{p}", chunk=300,
                      now=datetime(2026, 12, 1, tzinfo=UTC))  # fmt: skip
        return ({t: sorted(rows, key=repr) for t, rows in tables.items()},
                {k: v for k, v in report.as_dict().items() if k != "seconds"})  # fmt: skip

    alone, together = made(False), made(True)
    assert together == alone
    assert alone[1]["records"] == len(alone[0]["records"]) == 2500


def test_producers_run_apart_and_a_failing_one_is_reported() -> None:
    import os

    from outreach_tui.sampledata import parallel

    if not parallel.can_fork():
        pytest.skip("no fork on this platform")

    def job(k: int):  # type: ignore[no-untyped-def]
        return lambda: iter([(k, os.getpid()), (k, os.getpid())])

    items = list(parallel.interleaved([job(0), job(1)], processes=True))
    assert sorted(k for k, _ in items) == [0, 0, 1, 1]
    assert os.getpid() not in {pid for _, pid in items} and len({p for _, p in items}) == 2
    assert list(parallel.interleaved([job(0), job(1)], processes=False)) == [
        (0, os.getpid()), (0, os.getpid()), (1, os.getpid()), (1, os.getpid())]  # fmt: skip

    def broken():  # type: ignore[no-untyped-def]
        yield 1
        raise ValueError("rusak")

    with pytest.raises(RuntimeError, match="rusak"):
        list(parallel.interleaved([broken, job(1)], processes=True))
