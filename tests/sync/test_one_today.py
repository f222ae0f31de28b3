"""One booth day everywhere, whatever the laptop's clock zone (issue #15 observation 5).

Reproduced first: records saved at about 01:30 WIB on a laptop whose clock zone is UTC
were filed under 06-12 by the receipt and the header (the laptop's TZ) and under 07-12 by
tally, export and the hub (Asia/Jakarta). Now every one of them — booth header, booth
dashboard, receipt, `outreach tally`, `outreach export-report`, the hub's `day` and its
rollups, after a real sync to the real hub — files them under the booth day in the
event's zone (WIB for Palembang, WITA for Makassar: data/time_zones.toml, Keppres
41/1987), under TZ=UTC and TZ=America/New_York.
"""

from __future__ import annotations

import csv
import json
import os
import time
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from outreach_tui.cli.main import app as cli_app
from outreach_tui.domain.models import LeadDraft, Registration
from outreach_tui.domain.validation import validate_lead
from outreach_tui.reports.receipt import build_receipt, receipt_lines
from outreach_tui.store import Store
from outreach_tui.store.time_zones import load_zones
from outreach_tui.tui.app import OutreachApp
from outreach_tui.tui.screens.dashboard import DashboardScreen
from tests.sync.helpers import Hub, laptop_sync, rows
from tests.tui.conftest import settle, wait_until

pytestmark = pytest.mark.e2e
cli = CliRunner()

DAY = date(2026, 12, 7)  # the booth day in the event's zone
# 01:30 WIB on 07-12 = 18:30 UTC on 06-12 (the case)
WIB_MOMENT = "2026-12-06T18:30:00.000Z"
# 00:30 WITA on 07-12 = 23:30 WIB on 06-12 = 16:30 UTC on 06-12
WITA_MOMENT = "2026-12-06T16:30:00.000Z"


@pytest.fixture(params=["UTC", "America/New_York"])
def laptop_clock_zone(request: pytest.FixtureRequest) -> Iterator[str]:
    """The laptop's (and the hub process's) clock zone, as TZ sets it."""
    before = os.environ.get("TZ")
    os.environ["TZ"] = request.param
    time.tzset()
    try:
        yield request.param
    finally:
        if before is None:
            os.environ.pop("TZ", None)
        else:
            os.environ["TZ"] = before
        time.tzset()


def make_laptop(
    path: Path,
    *,
    branch: tuple[str, str],
    officer: str,
    event: tuple[str, str],
    moment: str,
    owner: Registration,
    workers: list[Registration],
) -> str:
    """A laptop file with one household and one lead saved at ``moment`` (UTC)."""
    with Store(path) as store:
        store.setup.upsert_branch(branch[0], f"Kantor Cabang {branch[1]}", branch[1])
        store.setup.upsert_officer(officer, "Petugas", branch[0])
        event_id = store.setup.create_event(
            code=event[0], name="Expo UMKM", venue="Mall", city=event[1],
            branch_code=branch[0], starts_on=date(2026, 12, 1), ends_on=date(2026, 12, 20),
        )  # fmt: skip
        if not isinstance(event_id, str):
            event_id = store.setup.event(event[0])["id"]
        store.settings.set("officer_code", officer)
        store.settings.set("event_id", event_id)
        saved = store.registrations.save(owner, workers, officer_code=officer, event_id=event_id)
        lead = validate_lead(
            LeadDraft(full_name="Andi Wijaya", phone="0821-7777-8888", consent_contact=True,
                      consent_version="2026.1"),
            today=DAY,
        ).record  # fmt: skip
        assert lead is not None
        store.leads.save(lead, officer_code=officer, event_id=event_id)
        owner_uuid = saved.owner.uuid
    # The records as saved at ``moment``: the store stamps the real clock, which a test
    # cannot choose.
    import sqlite3

    conn = sqlite3.connect(path)
    with conn:
        for table in ("registrations", "leads"):
            conn.execute(f"UPDATE {table} SET created_at = ?, updated_at = ?", (moment, moment))
    conn.close()
    return owner_uuid


def receipt_day(path: Path, owner_uuid: str) -> date:
    with Store(path, create=False) as store:
        owner = store.registrations.get(owner_uuid)
        assert owner is not None
        zone = load_zones(store.database).for_event_id(owner["event_id"])
        receipt = build_receipt(owner, store.registrations.workers_of(owner_uuid), zone_name=zone)
        assert f"Tanggal daftar: {DAY:%d-%m-%Y}" in receipt_lines(receipt, "id")
        return receipt.registered_on


def tally_days(*source: str) -> dict[str, dict[str, Any]]:
    result = cli.invoke(cli_app, ["tally", *source, "--by", "day", "--json"])
    assert result.exit_code == 0, result.output
    return {row["day"]: row for row in json.loads(result.stdout)["rows"]}


def export_days(db: Path, out: Path) -> set[str]:
    result = cli.invoke(
        cli_app, ["--db", str(db), "export-report", "--format", "csv", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    with out.open(encoding="utf-8") as handle:
        return {row["day"] for row in csv.DictReader(handle)}


@pytest.mark.parametrize(
    ("branch", "officer", "event", "moment", "zone_label"),
    [
        (("PLG", "Palembang"), "PLG-01", ("EXPO-PLG-2026-12", "Palembang"), WIB_MOMENT, "WIB"),
        (("MKS", "Makassar"), "MKS-01", ("EXPO-MKS-2026-12", "Kota Makassar"), WITA_MOMENT, "WITA"),
    ],
)
async def test_the_same_local_day_everywhere(
    laptop_clock_zone: str,
    own_hub: Callable[..., Hub],
    tmp_path: Path,
    make_owner: Callable[..., Registration],
    make_worker: Callable[..., Registration],
    branch: tuple[str, str],
    officer: str,
    event: tuple[str, str],
    moment: str,
    zone_label: str,
) -> None:
    path = tmp_path / "laptop.db"
    owner_uuid = make_laptop(
        path, branch=branch, officer=officer, event=event, moment=moment,
        owner=make_owner(workers_count=2), workers=[make_worker(), make_worker()],
    )  # fmt: skip
    # The laptop's own clock puts the moment on 06-12: the booth must not.
    assert datetime.fromisoformat(moment).astimezone().date() < DAY

    # Booth header and dashboard, through the real app, ten minutes after the saves.
    now = datetime.fromisoformat(moment).astimezone(UTC).replace(minute=40)
    with Store(path, create=False) as store:
        booth = OutreachApp(store, ask_start_of_day=False, utc_clock=lambda: now)
        async with booth.run_test(size=(100, 30)) as pilot:
            await settle(pilot)
            assert booth.today() == DAY
            status = booth.status
            assert status is not None
            assert (status.today_owners, status.today_workers, status.today_leads) == (1, 2, 1)
            await pilot.press("f6")
            await wait_until(
                pilot,
                lambda: isinstance(booth.screen, DashboardScreen) and booth.screen.data is not None,
            )
            dashboard = booth.screen.data
            assert dashboard.day == DAY
            assert (dashboard.today.owners, dashboard.today.workers) == (1, 2)
            assert dashboard.today.leads == 1

    # Receipt, tally and export on the laptop.
    assert receipt_day(path, owner_uuid) == DAY
    laptop_days = tally_days("--db", str(path))
    assert list(laptop_days) == [DAY.isoformat()]
    assert (laptop_days[DAY.isoformat()]["owners"], laptop_days[DAY.isoformat()]["workers"]) == (
        1,
        2,
    )
    assert export_days(path, tmp_path / "export.csv") == {DAY.isoformat()}

    # A real sync to the real hub (its process under the same TZ).
    hub = own_hub()
    report = laptop_sync(path, hub, hub.token(officer=officer))
    assert report.counts["accepted"] == 4, report
    assert report.reconciliation and all(d.matches for d in report.reconciliation)
    assert [d.day for d in report.reconciliation] == [DAY.isoformat()]
    assert {r["day"] for r in rows(Path(hub.db), "SELECT day FROM records")} == {DAY.isoformat()}
    rollup = rows(Path(hub.db), "SELECT day, SUM(registrations) AS owners,"
                                " SUM(workers) AS workers, SUM(leads) AS leads"
                                " FROM daily_rollup GROUP BY day")  # fmt: skip
    assert rollup == [{"day": DAY.isoformat(), "owners": 1, "workers": 2, "leads": 1}]
    hub_days = tally_days("--hub-db", hub.db)
    assert list(hub_days) == [DAY.isoformat()]
    assert (hub_days[DAY.isoformat()]["owners"], hub_days[DAY.isoformat()]["workers"]) == (1, 2)
