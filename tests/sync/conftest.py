"""Fixtures for the sync client: the queue over the shared ``store`` fixture, leads, and
receipts shaped exactly as docs/SYNC_PROTOCOL.md section 2 describes them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from outreach_tui.domain.models import LeadDraft, SavedRecord
from outreach_tui.domain.validation import validate_lead
from outreach_tui.store import Store
from outreach_tui.store.sync_queue import SyncQueue

OFFICER = "PLG-01"  # as in tests/conftest.py
TODAY = date(2026, 11, 23)


@pytest.fixture
def queue(store: Store) -> SyncQueue:
    return SyncQueue(store.database, store.device_id)


@pytest.fixture
def save_lead(store: Store, event_id: str) -> Callable[..., SavedRecord]:
    def _save(**overrides: Any) -> SavedRecord:
        fields = {
            "full_name": "Andi Wijaya",
            "phone": "0821-7777-8888",
            "consent_contact": True,
            "consent_version": "2026.1",
            **overrides,
        }
        lead = validate_lead(LeadDraft(**fields), today=TODAY).record
        assert lead is not None
        return store.leads.save(lead, officer_code=OFFICER, event_id=event_id)

    return _save
