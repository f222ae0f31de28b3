"""Issue 18's acceptance, end to end against the real hub under uvicorn, on SQLite and
PostgreSQL: two laptops sync → the hub's hand-off file (the CLI) → an activation file made
in the mapping's format from that hand-off (some enrolled, some refused, one unmatched,
one ambiguous, one duplicate row) → import (the CLI) → the laptops sync again → each
laptop holds the outcomes of its own registrations, and the funnel tallies match the
figures counted by hand."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from outreach_tui.cli.main import app
from outreach_tui.domain import consent
from outreach_tui.domain.handoff_mapping import load_handoff_mapping
from outreach_tui.domain.models import LeadDraft
from outreach_tui.domain.validation import validate_lead, validate_registration
from outreach_tui.hub import funnel
from outreach_tui.hub.storage import open_storage
from outreach_tui.store import Store, activations
from tests.conftest import OFFICER, owner_draft, synthetic_nik
from tests.support.activation_files import activation_file
from tests.support.hub_server import HubServer
from tests.sync.helpers import Hub, laptop_sync

pytestmark = pytest.mark.e2e
runner = CliRunner()
REMINDER = consent.current("reminder").version


@pytest.fixture(params=["sqlite", "postgres"])
def fresh_hub(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Hub]:
    """A hub of this test alone: a hand-off takes everything the hub holds."""
    if request.param == "sqlite":
        db = str(tmp_path / "hub.db")
    else:
        db = request.getfixturevalue("pg_cluster").create_database()
    with HubServer(db) as server, open_storage(db) as storage:
        yield Hub(server, db, request.param, storage)


def _laptop(path: Path, officer: str, name: str) -> Store:
    store = Store(path)
    store.setup.upsert_branch("PLG", "Kantor Cabang Palembang", "Palembang")
    store.setup.upsert_officer(officer, name, "PLG")
    store.setup.create_event(code="EXPO-PLG", name="Expo UMKM Palembang", venue="PIM",
                             city="Palembang", branch_code="PLG", starts_on=date.today(),
                             ends_on=date.today())  # fmt: skip
    return store


def _save(store: Store, officer: str, **fields: object) -> str:
    event = store.setup.event("EXPO-PLG")
    assert event is not None
    record = validate_registration(owner_draft(**fields), today=date.today()).record
    assert record is not None
    return store.registrations.save(record, officer_code=officer, event_id=event["id"]).owner.uuid


def _lead(store: Store, officer: str) -> None:
    event = store.setup.event("EXPO-PLG")
    assert event is not None
    draft = LeadDraft(full_name="Andi Wijaya", phone="0821-7777-8888", consent_contact=True,
                      consent_version=consent.current("lead").version)  # fmt: skip
    lead = validate_lead(draft, today=date.today()).record
    assert lead is not None
    store.leads.save(lead, officer_code=officer, event_id=event["id"])


def _cli(*args: str) -> str:
    result = runner.invoke(app, ["--lang", "en", *args])
    assert result.exit_code == 0, result.output
    return result.output


def test_hand_off_activation_and_outcomes_back_on_the_laptops(
    fresh_hub: Hub, tmp_path: Path
) -> None:
    hub = fresh_hub
    one = _laptop(tmp_path / "one.db", OFFICER, "Rina Marlina")
    two = _laptop(tmp_path / "two.db", "PLG-02", "Dodi Saputra")
    twice = synthetic_nik()
    with one, two:
        siti = _save(one, OFFICER, full_name="Siti Aminah", reminder_consent_version=REMINDER)
        budi = _save(one, OFFICER, full_name="Budi Santoso", nik=synthetic_nik(sex="M"))
        citra = _save(one, OFFICER, full_name="Citra Dewi")
        eko_one = _save(one, OFFICER, full_name="Eko Prasetyo", nik=twice)
        dewi = _save(two, "PLG-02", full_name="Dewi Lestari")
        _save(two, "PLG-02", full_name="Eko Prasetyo", nik=twice)  # the same person again
        _lead(one, OFFICER)  # interested, not registering today
        tokens = {one.path: hub.token(officer=OFFICER), two.path: hub.token(officer="PLG-02")}
        for store in (one, two):
            report = laptop_sync(store.path, hub, tokens[store.path])
            assert not report.problems, report

        out = tmp_path / "serah-terima.xlsx"
        body = json.loads(_cli("hub", "handoff", "--db", hub.db, "--out", str(out), "--json"))
        assert body["handoff"]["rows"] == 6 and body["handoff"]["new"] == 6
        from openpyxl import load_workbook

        sheet = load_workbook(out, read_only=True).worksheets[0]
        titles, *cells = [list(r) for r in sheet.iter_rows(values_only=True)]
        assert titles == list(load_handoff_mapping().titles)
        handed = {row[titles.index("Nama Lengkap")]: row for row in cells}
        ref = lambda name: handed[name][titles.index("No Referensi")]  # noqa: E731
        month = f"{date.today():%m-%Y}"
        long_ago = "01-2020"
        rows = [
            {"reference_no": ref("Siti Aminah"), "status": "BELUM BAYAR", "kpj": "26000000001",
             "enrolled_on": f"{date.today():%d-%m-%Y}"},
            {"reference_no": ref("Budi Santoso"), "status": "AKTIF", "kpj": "26000000002",
             "enrolled_on": f"{date.today():%d-%m-%Y}", "first_paid_month": month,
             "last_paid_month": month},
            {"reference_no": ref("Citra Dewi"), "status": "DITOLAK",
             "refusal_reason": "data tidak sesuai Dukcapil"},
            {"reference_no": ref("Dewi Lestari"), "status": "AKTIF", "kpj": "26000000004",
             "enrolled_on": "01-12-2019", "first_paid_month": "12-2019",
             "last_paid_month": long_ago},
            {"nik": twice, "status": "AKTIF", "kpj": "26000000005",
             "enrolled_on": f"{date.today():%d-%m-%Y}"},  # two handed records: ambiguous
            {"reference_no": "TIDAKADA0001", "status": "AKTIF", "kpj": "1",
             "enrolled_on": "01-12-2026"},  # unmatched
            {"reference_no": ref("Budi Santoso"), "status": "AKTIF", "kpj": "26000000002",
             "enrolled_on": f"{date.today():%d-%m-%Y}", "first_paid_month": month,
             "last_paid_month": month},  # the duplicate row
        ]  # fmt: skip
        answer = activation_file(tmp_path / "aktivasi.csv", rows)
        imported = json.loads(_cli("hub", "activation", "import", str(answer), "--db", hub.db,
                                   "--json"))["activation"]  # fmt: skip
        assert (imported["applied"], imported["unmatched"], imported["ambiguous"],
                imported["duplicates"]) == (4, 1, 1, 1)  # fmt: skip
        again = json.loads(_cli("hub", "activation", "import", str(answer), "--db", hub.db,
                                "--json"))["activation"]  # fmt: skip
        assert again["applied"] == 0 and again["unchanged"] == 4  # the same file: nothing

        for store in (one, two):
            report = laptop_sync(store.path, hub, tokens[store.path])
            assert report.downlink is not None
        got_one = activations.outcomes_for(one.database, [siti, budi, citra, eko_one, dewi])
        got_two = activations.outcomes_for(two.database, [siti, budi, citra, dewi])
        unpaid = activations.unpaid_reminders(one.database)

    assert {u: (o["status"], o["kpj"]) for u, o in got_one.items()} == {
        siti: ("enrolled", "26000000001"), budi: ("enrolled", "26000000002"),
        citra: ("refused", None),
    }  # fmt: skip
    assert got_one[citra]["refusal_reason"] == "data tidak sesuai Dukcapil"
    assert list(got_two) == [dewi]  # each laptop learns about its own records only
    assert [r["full_name"] for r in unpaid.rows] == ["Siti Aminah"]  # reminder consent given

    # The funnel, counted by hand: PLG-01 handed Siti, Budi, Citra, Eko (4); enrolled Siti
    # and Budi; first payment Budi; still paying Budi; refused Citra. PLG-02 handed Dewi
    # and Eko (2); enrolled and paid Dewi, who stopped paying in 2020.
    by_officer = {f["officer_code"]: f for f in funnel.facts(hub.storage, ["officer_code"],
                                                             today=date.today())}  # fmt: skip
    pick = lambda f: tuple(f[m] for m in funnel.MEASURES)  # noqa: E731
    assert pick(by_officer[OFFICER]) == (4, 2, 1, 1, 1)
    assert pick(by_officer["PLG-02"]) == (2, 1, 1, 0, 0)
    (branch,) = funnel.facts(hub.storage, ["branch_code"], today=date.today())
    assert (branch["branch_code"], pick(branch)) == ("PLG", (6, 3, 2, 1, 1))

    # The same through the CLI, with the leads and registrations before the hand-off, and a
    # target on one of the steps.
    _cli("hub", "funnel-target", "--db", hub.db, "--branch", "PLG", "--measure", "enrolled",
         "--target", "10")  # fmt: skip
    shown = json.loads(_cli("hub", "funnel", "--db", hub.db, "--by", "branch", "--json"))
    (row,) = shown["rows"]
    assert [row[s] for s in shown["steps"]] == [1, 6, 6, 3, 2, 1]
    assert row["conversion"]["enrolled"] == 0.5  # 3 of 6 handed off
    (goal,) = shown["targets"]
    assert (goal["measure"], goal["value"], goal["target"], goal["percent"]) == (
        "enrolled", 3, 10, 0.3)  # fmt: skip
    text = _cli("hub", "funnel", "--db", hub.db, "--by", "officer", "--chart")
    assert "still paying" in text and "PLG-02" in text and "Funnel targets" in text
