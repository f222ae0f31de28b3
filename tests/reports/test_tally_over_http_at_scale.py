"""A supervisor's tally over HTTP on a hub the size of a region's year: the hub sums the
rollups per group itself, so the answer is a row per group, not every rollup row (which
outgrew the client's reply limit at a few thousand rows: "Jawaban hub terlalu besar")."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import httpx
from typer.testing import CliRunner

from outreach_tui.cli.main import app
from outreach_tui.hub.storage import open_storage
from outreach_tui.hub.storage.schema import OFFICER_EVENT_FROM_DAILY, UNIT_DAY_FROM_DAILY
from outreach_tui.reports.sources import RollupSource
from tests.support.hub_server import HubServer, enroll_device

runner = CliRunner()
DAYS, OFFICERS = 60, 60  # 3,600 rollup rows: ~700 KB as rows, 60 rows per day tally


def _hub(tmp_path: Path) -> tuple[str, str]:
    db = str(tmp_path / "hub.db")
    _, token = enroll_device(db, role="supervisor", officer="SPV-01")
    first = date(2026, 9, 1)
    with open_storage(db) as storage, storage.transaction() as tx:
        for d in range(DAYS):
            for o in range(OFFICERS):
                tx.execute(
                    "INSERT INTO daily_rollup (unit_code, day, event_code, officer_code, "
                    "sector, path, role, registrations, workers, monthly_due) "
                    "VALUES ('', ?, 'EXPO-PLG', ?, 'kuliner', 'bpu', 'owner', ?, 0, ?)",
                    ((first + timedelta(days=d)).isoformat(), f"PLG-{o:03d}", 1 + o % 3,
                     16800 * (1 + o % 3)),
                )  # fmt: skip
        # The coarser rollups, as the bulk loader builds them from these rows.
        tx.execute(UNIT_DAY_FROM_DAILY)
        tx.execute(OFFICER_EVENT_FROM_DAILY)
    return db, token


def test_a_regions_year_is_tallied_over_http(tmp_path: Path) -> None:
    db, token = _hub(tmp_path)
    env = {"OUTREACH_TOKEN_PATH": str(tmp_path / "none.toml")}
    with HubServer(db) as server:
        result = runner.invoke(app, ["tally", "--hub", server.url, "--token", token,
                                     "--by", "officer", "--json"], env=env)  # fmt: skip
        assert result.exit_code == 0, result.output
        body = json.loads(result.output)
        assert len(body["rows"]) == OFFICERS
        assert body["totals"]["owners"] == DAYS * sum(1 + o % 3 for o in range(OFFICERS))
        by_day = json.loads(
            runner.invoke(
                app,
                ["tally", "--hub", server.url, "--token", token, "--by", "day", "--json"],
                env=env,
            ).output
        )
        assert len(by_day["rows"]) == DAYS and by_day["totals"] == body["totals"]

        # A client from before asks without ``group`` and still gets the rows, which this
        # client sums the same way (a hub from before answers so).
        with httpx.Client(base_url=server.url, timeout=60) as http:
            auth = {"Authorization": f"Bearer {token}"}
            rows_body = http.get("/api/v1/tallies", headers=auth).json()
            assert len(rows_body["rows"]) == DAYS * OFFICERS and "facts" not in rows_body
            old = RollupSource(lambda first, last, group: rows_body)
            assert sum(f["owners"] for f in old.facts(["officer_code"])) == body["totals"]["owners"]
            bad = http.get("/api/v1/tallies", headers=auth, params={"group": "nik"})
            assert bad.status_code == 422 and bad.json()["error"]["code"] == "request.bad_group"
