"""The same hand-computed answers from every source: the officer's file (GROUP BY over
its indexes), the hub's rollups on SQLite and on PostgreSQL (records arrived by real
ingest), and the hub over HTTP (``GET /api/v1/tallies`` with a supervisor token)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from outreach_tui.cli.report_sources import open_source
from outreach_tui.config import Settings
from outreach_tui.reports import tally, targets
from outreach_tui.reports.dashboard import dashboard_data
from outreach_tui.reports.sources import ReportSource
from outreach_tui.sync.errors import AuthInvalid
from tests.reports import seed
from tests.reports.conftest import ServedHub
from tests.reports.seed import Seeded

SOURCES = ["laptop", "hub-sqlite", "hub-postgres", "hub-http"]


@pytest.fixture(params=SOURCES)
def source(
    request: pytest.FixtureRequest, seeded: Seeded, tmp_path: Path
) -> Iterator[ReportSource]:
    settings = Settings(db=seeded.path, language="en", token_path=tmp_path / "none.toml")
    kind = request.param
    if kind == "laptop":
        options = {"db": seeded.path}
    elif kind == "hub-http":
        served: ServedHub = request.getfixturevalue("served_hub")
        options = {"hub": served.url, "token": served.token}
    else:
        options = {"hub_db": request.getfixturevalue(kind.replace("-", "_"))}
    with open_source(settings, **options) as opened:  # type: ignore[arg-type]
        yield opened


@pytest.mark.parametrize(
    ("by", "expected"),
    [
        (["day"], seed.BY_DAY),
        (["officer"], seed.BY_OFFICER),
        (["path"], seed.BY_PATH),
        (["program"], seed.BY_PROGRAM),
        (["sector"], seed.BY_SECTOR),
        (["day", "officer"], seed.BY_DAY_OFFICER),
    ],
)
def test_tallies_match_the_hand_computed_ones(
    source: ReportSource, by: list[str], expected: list[dict[str, object]]
) -> None:
    result = tally.tally(source, by).as_dict()
    assert result["rows"] == expected
    assert result["totals"] == seed.TOTALS


def test_event_dimension_and_day_ranges(source: ReportSource) -> None:
    (row,) = tally.tally(source, ["event"]).as_dict()["rows"]
    assert row == {"event": seed.EVENT, **seed.TOTALS}
    # O4 was saved at 17:30 UTC on the 22nd: 00:30 in Palembang, so it counts on the 23rd.
    day_b = tally.tally(source, ["day"], date(2026, 11, 23), date(2026, 11, 23)).as_dict()
    assert day_b["rows"] == [seed.BY_DAY[1]]
    assert day_b["totals"]["monthly_due"] == 113_200
    empty = tally.tally(source, ["day"], date(2026, 12, 1), date(2026, 12, 31))
    assert empty.rows == () and empty.totals.registrations == 0


def test_target_progress_value_percent_remaining_and_pace(source: ReportSource) -> None:
    found = [
        (p.kind, p.code, p.measure, p.target, p.value, p.percent, p.remaining, p.days_left,
         p.pace_per_day, p.status)
        for p in targets.progress(source, seed.TODAY)
    ]  # fmt: skip
    assert found == seed.TARGETS


def test_dashboard_data_for_the_booth_day(source: ReportSource) -> None:
    data = dashboard_data(source, seed.TODAY)
    assert data.event is not None and data.event["code"] == seed.EVENT
    assert (data.today.owners, data.today.workers, data.today.leads) == (2, 1, 2)
    assert data.pending_sync == (10 if source.kind == "laptop" else None)
    assert [(p.day.isoformat(), p.metrics.registrations) for p in data.daily] == [
        ("2026-11-22", 3), ("2026-11-23", 3), ("2026-11-24", 0), ("2026-11-25", 0),
    ]  # fmt: skip
    officers = {o.code: (o.today.registrations, o.event.registrations) for o in data.officers}
    assert officers == {"PLG-01": (2, 5), "PLG-02": (1, 1)}
    assert [(p.kind, p.measure) for p in data.targets] == [(k, m) for k, _, m, *_ in seed.TARGETS]
    assert data.as_dict()["today"]["monthly_due"] == 113_200


def test_a_device_token_cannot_read_hub_tallies(served_hub: ServedHub, seeded: Seeded,
                                                tmp_path: Path) -> None:  # fmt: skip
    settings = Settings(db=seeded.path, token_path=tmp_path / "none.toml")
    with (
        pytest.raises(AuthInvalid),
        open_source(settings, hub=served_hub.url, token=served_hub.device_token) as opened,
    ):
        tally.tally(opened, ["day"])


def test_one_events_facts_are_its_rows_of_the_whole(source: ReportSource) -> None:
    """``facts(event=…)`` (the dashboard's officer table for the running event) keeps the
    event's rows only, on every source; without event_code in the group it is refused."""
    whole = source.facts(["officer_code", "event_code"])
    codes = {row["event_code"] for row in whole}
    assert codes
    for code in codes:
        assert source.facts(["officer_code", "event_code"], event=code) == [
            row for row in whole if row["event_code"] == code
        ]
    assert source.facts(["officer_code", "event_code"], event="TIDAK-ADA") == []
    with pytest.raises(ValueError, match="event_code"):
        source.facts(["officer_code"], event=next(iter(codes)))
