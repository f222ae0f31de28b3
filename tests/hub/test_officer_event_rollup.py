"""Schema v14's unit x event x officer x path x month rollup: built from the officer-grain
rows on upgrade, and read by per-officer and per-event tallies with the same answers."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

from rollup_checks import officer_events, officer_events_from_daily

from outreach_tui.domain.tally_columns import METRICS
from outreach_tui.hub.storage import open_storage
from outreach_tui.hub.tallies import HubTallies
from tests.support.hub_schema import migrate_to

_COLUMNS = (
    "unit_code", "day", "event_code", "officer_code", "sector", "path", "role",
    "registrations", "workers", "leads", "voided", "monthly_due", "converted", "jht",
    "jht_monthly_due",
)  # fmt: skip
# Officer-grain rows of a hub at v12: two officers, two events, October and November,
# owners and workers with JHT, a lead converted, a void.
_DAILY = [
    ("KC-A", "2026-10-30", "EV-1", "OF-1", "kuliner", "bpu", "owner", 3, 0, 0, 0, 300, 0, 2, 200),
    ("KC-A", "2026-10-31", "EV-1", "OF-1", "jasa", "bpu", "owner", 1, 0, 0, 1, 100, 0, 0, 0),
    ("KC-A", "2026-11-01", "EV-1", "OF-1", "kuliner", "bpu", "worker", 0, 4, 0, 0, 400, 0, 3, 300),
    ("KC-A", "2026-11-01", "EV-1", "OF-2", "jasa", "pu_micro", "owner", 2, 0, 0, 0, 50, 0, 1, 25),
    ("KC-A", "2026-11-02", "EV-2", "OF-2", "", "", "lead", 0, 0, 5, 0, 0, 2, 0, 0),
    ("KC-B", "2026-11-15", "EV-2", "OF-2", "jasa", "bpu", "worker", 0, 1, 0, 0, 10, 0, 1, 10),
]  # fmt: skip


def _hub_at_v12_with_rows(db: str) -> None:
    storage = open_storage(db, upgrade=False)
    with storage.transaction() as tx:
        migrate_to(tx, 12)
        marks = ", ".join("?" * len(_COLUMNS))
        for row in _DAILY:
            tx.execute(f"INSERT INTO daily_rollup ({', '.join(_COLUMNS)}) VALUES ({marks})", row)
    storage.close()


def _by_hand(group: tuple[str, ...], first: str, last: str) -> list[dict[str, Any]]:
    """The tally's answer summed here from the officer-grain rows above."""
    sums: dict[tuple[str, ...], list[int]] = defaultdict(lambda: [0] * len(METRICS))
    for raw in _DAILY:
        r = dict(zip(_COLUMNS, raw, strict=True))
        if not first <= str(r["day"]) <= last:
            continue
        jht = int(r["jht"])
        values = (r["registrations"], r["workers"], r["leads"], r["converted"], r["voided"],
                  r["monthly_due"], jht if r["role"] == "owner" else 0,
                  jht if r["role"] == "worker" else 0, r["jht_monthly_due"])  # fmt: skip
        acc = sums[tuple(str(r[c]) for c in group)]
        for i, v in enumerate(values):
            acc[i] += int(v)
    return [{**dict(zip(group, k, strict=True)), **dict(zip(METRICS, v, strict=True))}
            for k, v in sorted(sums.items())]  # fmt: skip


def test_the_upgrade_builds_the_officer_event_rollup_from_a_hubs_rows(db: str) -> None:
    _hub_at_v12_with_rows(db)
    with open_storage(db) as storage:
        assert officer_events(storage) == officer_events_from_daily(storage)
        stored = officer_events(storage)
    assert stored[("KC-A", "EV-1", "OF-1", "bpu", "2026-10")] == [4, 0, 0, 1, 400, 0, 2, 0, 200]
    assert stored[("KC-A", "EV-1", "OF-1", "bpu", "2026-11")] == [0, 4, 0, 0, 400, 0, 0, 3, 300]
    assert len(stored) == 5


def test_per_officer_and_per_event_tallies_answer_as_the_daily_rows_do(db: str) -> None:
    """The dashboard's officer table (every day), its event targets and a year's branch
    targets (whole months) read the new rollup; a range inside a month reads the daily
    rows: each is what the officer-grain rows sum to, in a unit's scope and the hub's."""
    _hub_at_v12_with_rows(db)
    cases = [
        (("officer_code", "event_code"), None, None),
        (("event_code",), None, None),
        (("event_code", "officer_code", "path"), date(2026, 1, 1), date(2026, 12, 31)),
        (("officer_code",), date(2026, 11, 1), date(2026, 11, 30)),
        (("officer_code", "event_code"), date(2026, 10, 31), date(2026, 11, 1)),  # part months
    ]
    with open_storage(db) as storage:
        for group, first, last in cases:
            low, high = str(first or "0000"), str(last or "9999")
            got = HubTallies(storage).facts(list(group), first, last)
            assert got == _by_hand(group, low, high), (group, first, last)
        in_a = HubTallies(storage, frozenset({"KC-A"})).facts(["officer_code", "event_code"])
        # One event's rows (the dashboard's officer table), from the rollup and by day.
        for first, last in ((None, None), (date(2026, 10, 31), date(2026, 11, 1))):
            whole = HubTallies(storage).facts(["officer_code", "event_code"], first, last)
            one = HubTallies(storage).facts(["officer_code", "event_code"], first, last,
                                            event="EV-1")  # fmt: skip
            assert one == [r for r in whole if r["event_code"] == "EV-1"] and one
    assert [(r["officer_code"], r["event_code"], r["owners"], r["workers"]) for r in in_a] == [
        ("OF-1", "EV-1", 4, 4), ("OF-2", "EV-1", 2, 0), ("OF-2", "EV-2", 0, 0),  # leads only
    ]  # fmt: skip
