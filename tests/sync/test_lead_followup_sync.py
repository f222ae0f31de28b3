"""A lead's call-back and its conversion travel to the hub as new versions (SQLite and
PostgreSQL), and the hub counts the conversion."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from outreach_tui.store import Store
from tests.conftest import OFFICER
from tests.sync.helpers import Hub, assert_in_step, device_id, laptop_sync, rows

pytestmark = pytest.mark.e2e


def test_call_back_and_conversion_reach_the_hub(hub: Hub, make_laptop: Callable[..., Path]) -> None:
    laptop, token = make_laptop(20), hub.token()
    assert laptop_sync(laptop, hub, token).exit_code == 0
    open_leads = rows(laptop, "SELECT uuid FROM leads WHERE voided_at IS NULL"
                              " AND converted_uuid IS NULL ORDER BY uuid LIMIT 2")  # fmt: skip
    called, converted = (r["uuid"] for r in open_leads)
    owner = rows(laptop, "SELECT uuid FROM registrations WHERE role = 'owner'"
                         " AND voided_at IS NULL LIMIT 1")[0]["uuid"]  # fmt: skip
    before = hub.count("records", "entity = 'lead' AND converted = 1")
    with Store(laptop) as store:
        store.leads.record_callback(
            called, "call_again", next_follow_up_on=date(2027, 1, 4), officer_code=OFFICER
        )
        store.leads.mark_converted(converted, owner, officer_code=OFFICER)
    report = laptop_sync(laptop, hub, token)
    assert report.exit_code == 0 and report.counts["accepted"] == 2
    held = hub.records_of(device_id(laptop))
    assert held[called] == 2 and held[converted] == 2
    assert hub.count("records", "entity = 'lead' AND converted = 1") == before + 1
    assert_in_step(laptop, hub)
    with hub.storage.read() as tx:
        data = tx.scalar("SELECT data FROM records WHERE uuid = ?", (called,))
    stored = data if isinstance(data, dict) else json.loads(data)
    assert stored["follow_up_on"] == "2027-01-04"  # the date chosen at the call-back
