"""The APBN/APBD answer travels to the real hub, which prices the record as the booth did
(no PP 50/2025 discount: PP 50/2025 art. 3, bpjstk-bpu.md audit Dec 2026); a record
without it hashes and syncs as before."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from outreach_tui.domain.validation import validate_registration
from outreach_tui.store import Store
from tests.conftest import OFFICER, TODAY, owner_draft
from tests.sync.helpers import Hub, laptop_sync, rows

pytestmark = pytest.mark.e2e


def test_state_funded_owner_reaches_the_hub_without_discount(
    store: Store, event_id: str, own_hub: Callable[..., Hub]
) -> None:
    funded = validate_registration(
        owner_draft(declared_income="1.000.000", state_funded=True), today=TODAY
    ).record
    plain = validate_registration(owner_draft(declared_income="1.000.000"), today=TODAY).record
    assert funded is not None and plain is not None
    assert (funded.monthly_due, plain.monthly_due) == (16_800, 8_400)
    saved = [store.registrations.save(r, officer_code=OFFICER, event_id=event_id)
             for r in (funded, plain)]  # fmt: skip
    hub = own_hub()
    report = laptop_sync(store.path, hub, hub.token())
    assert report.counts["accepted"] == 2, report
    by_uuid = {
        r["uuid"]: r for r in rows(Path(hub.db), "SELECT uuid, monthly_due, data FROM records")
    }
    funded_row, plain_row = (by_uuid[s.owner.uuid] for s in saved)
    # The hub recomputes monthly_due from the record itself (its own validation).
    assert funded_row["monthly_due"] == 16_800 and plain_row["monthly_due"] == 8_400
    assert json.loads(funded_row["data"])["state_funded"] is True
    assert "state_funded" not in json.loads(plain_row["data"])  # sent only when true
