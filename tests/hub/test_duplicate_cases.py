"""The duplicate queue kept at ingest (``duplicate_cases``, schema v15) is, after every kind
of change a hub sees, what grouping the live registrations from scratch gives: new
registrations, the same NIK again in another branch, a person under another NIK, an edit
that changes a NIK, a void, withdrawals (from the laptop and at the branch) and reviews.
The migration builds it on a hub that already has rows. (The relay's path: test_relay.py.)"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from hub_builders import batch, edited, record, registration_data
from typer.testing import CliRunner

from outreach_tui.cli.main import app
from outreach_tui.domain.ids import new_uuid
from outreach_tui.hub import auth, withdrawals
from outreach_tui.hub.body import parse_model
from outreach_tui.hub.duplicates import list_cases, review_case
from outreach_tui.hub.ingest import ingest_batch
from outreach_tui.hub.meta import load_hub_info
from outreach_tui.hub.storage import Storage, open_storage
from outreach_tui.protocol.requests import BatchIn
from tests.conftest import synthetic_nik
from tests.support.duplicate_queue import from_scratch, kept, same_as_scratch

runner = CliRunner()


def cli(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.output


class Laptop:
    """An enrolled laptop in ``unit`` pushing straight into the hub's real ingest."""

    def __init__(self, storage: Storage, officer: str, unit: str) -> None:
        self.storage, self.info = storage, load_hub_info(storage)
        self.device, _ = auth.enroll(storage, officer=officer, name=f"laptop-{new_uuid()}",
                                     unit=unit)  # fmt: skip
        self.id = new_uuid()
        self.held: dict[str, dict[str, Any]] = {}

    def push(self, *records: dict[str, Any]) -> None:
        body = json.dumps(batch(self.id, list(records))).encode()
        model = parse_model(BatchIn, body, max_records=1000, max_bytes=10_000_000)
        receipt = ingest_batch(self.storage, self.info, model, device=self.device)
        assert [r["outcome"] for r in receipt["results"]] == ["accepted"] * len(records)
        self.held.update((r["uuid"], r) for r in records)

    def register(self, created_at: str, **fields: Any) -> str:
        new = record(registration_data(device_id=self.id, created_at=created_at, **fields))
        self.push(new)
        return str(new["uuid"])

    def edit(self, uuid: str, **changes: Any) -> None:
        old = self.held[uuid]
        self.push(record(edited(old["data"], **changes), uuid=uuid, version=old["version"] + 1,
                         base_version=old["version"]))  # fmt: skip


def _units(db: str) -> None:
    cli("hub", "unit", "add", "KW-X", "--db", db, "--name", "Kanwil X", "--kind", "region")
    for code in ("KC-SKA", "KC-PLG"):
        cli("hub", "unit", "add", code, "--db", db, "--name", code, "--kind", "branch",
            "--parent", "KW-X")  # fmt: skip


def _cases(storage: Storage, scope: frozenset[str] | None = None, **kw: Any) -> list[Any]:
    return [(c["kind"], c["unit_code"], sorted(r["uuid"] for r in c["records"]), c["open"])
            for c in list_cases(storage, load_hub_info(storage), scope=scope, **kw)]  # fmt: skip


def test_the_kept_queue_is_the_from_scratch_one_after_every_change(db: str) -> None:
    _units(db)
    shared, typo_a, typo_b, other = (synthetic_nik() for _ in range(4))
    person = {"full_name": "Budi Hartono", "phone": "0813-1111-2222"}
    with open_storage(db) as storage:
        ska = Laptop(storage, "SKA-01", "KC-SKA")
        plg = Laptop(storage, "PLG-01", "KC-PLG")
        first = ska.register("2026-11-23T03:00:00.000Z", nik=shared, full_name="Siti Aminah")
        budi = ska.register("2026-11-23T04:00:00.000Z", nik=typo_a, **person)
        lone = ska.register("2026-11-23T05:00:00.000Z", nik=other, full_name="Lone Person")
        assert same_as_scratch(storage) == set()

        # The same NIK a day later in Palembang: a case routed there.
        again = plg.register("2026-11-24T03:00:00.000Z", nik=shared, full_name="Siti Aminah")
        assert [k[3] for k in same_as_scratch(storage)] == ["KC-PLG"]
        assert _cases(storage, frozenset({"KC-SKA"})) == []
        assert _cases(storage, frozenset({"KC-PLG"})) == [
            ("nik", "KC-PLG", sorted([first, again]), True)]  # fmt: skip

        # The same person under another NIK, in Palembang too.
        budi_b = plg.register("2026-11-24T04:00:00.000Z", nik=typo_b, **person)
        assert {k[0] for k in same_as_scratch(storage)} == {"nik", "person"}

        # An edit gives the lone person the shared NIK (three members), then another one.
        ska.edit(lone, nik=shared)
        assert same_as_scratch(storage) == from_scratch(storage)
        assert len(_cases(storage)[0][2]) == 3
        ska.edit(lone, nik=synthetic_nik())
        assert len(_cases(storage)[0][2]) == 2

        # An edit making Budi's second NIK his first: the person case is gone, a NIK case
        # takes its place.
        plg.edit(budi_b, nik=typo_a)
        assert sorted(k[0] for k in same_as_scratch(storage)) == ["nik", "nik"]
        plg.edit(budi_b, nik=typo_b)

        # A void leaves the NIK case with one record: no case.
        plg.edit(again, voided_at="2026-11-24T06:00:00.000Z", void_reason="salah input")
        assert [k[0] for k in same_as_scratch(storage)] == ["person"]

        # Reviewed: the case closes (kept, listed with --all only).
        (case,) = list_cases(storage, load_hub_info(storage))
        review_case(storage, case["case_id"], "different_people", reviewer="SPV-01")
        assert [k[5] for k in same_as_scratch(storage)] == [0]
        assert _cases(storage) == []
        assert _cases(storage, include_reviewed=True) == [
            ("person", "KC-PLG", sorted([budi, budi_b]), False)]  # fmt: skip

        # A new member of a reviewed case opens it again.
        budi_c = ska.register("2026-11-25T03:00:00.000Z", nik=synthetic_nik(), **person)
        assert [(k[3], k[5]) for k in same_as_scratch(storage)] == [("KC-SKA", 1)]

        # Withdrawn on the laptop (a new version carrying withdrawn_at), then at the branch.
        ska.edit(budi_c, withdrawn_at="2026-11-25T04:00:00.000Z", withdrawal_reason="minta")
        assert [(k[3], k[5]) for k in same_as_scratch(storage)] == [("KC-PLG", 0)]
        reference = plg.held[budi_b]["data"]["reference_no"]
        withdrawals.withdraw(storage, reference, "minta di kantor", actor="SPV-01")
        assert same_as_scratch(storage) == set()
        assert _cases(storage, include_reviewed=True) == []


def test_the_migration_builds_the_queue_from_a_hub_with_rows(db: str) -> None:
    """A hub at schema v12 with cases (one reviewed) gets them all from migration 15, and
    `outreach hub duplicates` lists what it listed before."""
    _units(db)
    shared, typo_a, typo_b = (synthetic_nik() for _ in range(3))
    person = {"full_name": "Budi Hartono", "phone": "0813-1111-2222"}
    with open_storage(db) as storage:
        ska = Laptop(storage, "SKA-01", "KC-SKA")
        plg = Laptop(storage, "PLG-01", "KC-PLG")
        ska.register("2026-11-23T03:00:00.000Z", nik=shared)
        plg.register("2026-11-24T03:00:00.000Z", nik=shared)
        ska.register("2026-11-23T04:00:00.000Z", nik=typo_a, **person)
        plg.register("2026-11-22T04:00:00.000Z", nik=typo_b, **person)
        for n in range(5):
            ska.register(f"2026-11-2{n}T05:00:00.000Z", nik=synthetic_nik(),
                         full_name=f"Orang {'ABCDE'[n]}")  # fmt: skip
        first = list_cases(storage, load_hub_info(storage))
        review_case(storage, first[0]["case_id"], "same_person", reviewer="SPV-01")
        before = json.loads(cli("hub", "duplicates", "--db", db, "--all", "--json"))
        queue = same_as_scratch(storage)
        assert len(queue) == 2
        with storage.transaction() as tx:  # back to v12: no queue table yet
            tx.execute("DROP TABLE duplicate_cases")
            tx.execute("DROP INDEX records_person_unfilled")
            tx.execute("DELETE FROM schema_migrations WHERE version = 15")
    with open_storage(db) as storage:  # migrates
        assert kept(storage) == queue
    assert json.loads(cli("hub", "duplicates", "--db", db, "--all", "--json")) == before
    sees = {"KC-SKA": {"KC-SKA"}, "KC-PLG": {"KC-PLG"}, "KW-X": {"KC-SKA", "KC-PLG"}}
    for unit, routed in sees.items():
        listed = json.loads(cli("hub", "duplicates", "--db", db, "--json", "--unit", unit))
        assert [_ids(c) for c in listed["cases"]] == [
            _ids(c) for c in before["cases"] if c["open"] and c["unit_code"] in routed]  # fmt: skip


def _ids(case: dict[str, Any]) -> tuple[str, list[str]]:
    return case["case_id"], [r["uuid"] for r in case["records"]]


def test_batches_at_once_naming_the_same_people_leave_no_case_out(db: str) -> None:
    """Four laptops push at the same time, each batch naming NIKs the others name too (on
    PostgreSQL each transaction sees only its own new rows until the others commit)."""
    from concurrent.futures import ThreadPoolExecutor

    _units(db)
    niks = [synthetic_nik() for _ in range(12)]
    with open_storage(db) as storage:
        laptops = [Laptop(storage, f"SKA-0{n}", ("KC-SKA", "KC-PLG")[n % 2]) for n in range(4)]

        def push(n: int) -> None:
            for b in range(4):
                laptops[n].push(*(
                    record(registration_data(
                        device_id=laptops[n].id, nik=niks[(n + b + i) % len(niks)],
                        full_name=f"Orang {'ABCD'[n]}{'ABCD'[b]}{'ABC'[i]}",
                        created_at=f"2026-11-2{b}T0{n}:0{i}:00.000Z"))
                    for i in range(3)
                ))  # fmt: skip

        with ThreadPoolExecutor(4) as pool:
            list(pool.map(push, range(4)))
        named = Counter((n + b + i) % len(niks) for n in range(4) for b in range(4)
                        for i in range(3))  # fmt: skip
        assert len(same_as_scratch(storage)) == sum(times > 1 for times in named.values())
