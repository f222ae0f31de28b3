"""One small officer file whose tallies are worked out by hand below.

Everything goes through the real ``Store`` (validation, seq, audit); only ``created_at``
is then set to fixed instants (the store stamps "now") and one lead is marked converted
(the booth has no convert action yet; the sample generator does the same). The hub gets
the same records through real ingest: the laptop's own bundle, ``hub import`` code.

Amounts (November 2026: PP 50/2025 halves JKK+JKM, JHT is 2% in full):
income 1,000,000 JKK+JKM = 8,400 · +JHT = 28,400 · income 2,500,000 JKK+JKM = 15,900 ·
+JHT = 65,900 · PU micro worker on 3,500,000 = 18,900.

    created (UTC)            local day   officer  record
    2026-11-22T03:00Z        11-22       PLG-01   O1 owner kuliner 1M JKK+JKM      8,400
                                                  W1a, W1b BPU workers kuliner 1M  8,400 each
    2026-11-22T04:00Z        11-22       PLG-02   L3 lead, no sector
    2026-11-22T17:30Z        11-23 (!)   PLG-02   O4 owner kuliner 2.5M +JHT      65,900
    2026-11-23T03:30Z        11-23       PLG-01   L1 lead kuliner, converted -> O2
    2026-11-23T04:00Z        11-23       PLG-01   O2 owner perdagangan 1M +JHT    28,400
                                                  W2 PU micro worker perdagangan  18,900
    2026-11-23T05:00Z        11-23       PLG-01   L2 lead kuliner
    2026-11-23T06:00Z        11-23       PLG-02   O3 owner kuliner 2.5M, voided   (15,900)

Event EXPO (11-22 … 11-25) targets 5 owners, 4 workers, 3 leads; branch PLG 2026 targets
10 new employers, 20 informal participants.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from outreach_tui.domain.models import LeadDraft
from outreach_tui.domain.validation import validate_lead
from outreach_tui.store import Store
from outreach_tui.store.setup import EventTargets
from tests.conftest import owner_draft, validated, worker_draft

EVENT = "EXPO-PLG-2026-11"
TODAY = date(2026, 11, 23)
DAY_A, DAY_B = "2026-11-22", "2026-11-23"


@dataclass
class Seeded:
    path: Path
    device_id: str
    uuids: dict[str, str]


def _lead(store: Store, event_id: str, officer: str, **fields: Any) -> str:
    draft = LeadDraft(full_name=fields.pop("full_name", "Andi Wijaya"),
                      phone=fields.pop("phone", "0821-7777-8888"), consent_contact=True,
                      consent_version="2026.1", **fields)  # fmt: skip
    lead = validate_lead(draft, today=TODAY).record
    assert lead is not None
    return store.leads.save(lead, officer_code=officer, event_id=event_id).uuid


def build_laptop(path: Path) -> Seeded:
    u: dict[str, str] = {}
    with Store(path) as store:
        store.setup.upsert_branch("PLG", "Kantor Cabang Palembang", "Palembang",
                                  target_year=2026, target_new_employers=10,
                                  target_informal=20)  # fmt: skip
        store.setup.upsert_officer("PLG-01", "Rina Marlina", "PLG")
        store.setup.upsert_officer("PLG-02", "Dedi Kurniawan", "PLG")
        event_id = store.setup.create_event(
            code=EVENT, name="Expo UMKM Palembang", venue="Palembang Icon Mall",
            city="Palembang", branch_code="PLG", starts_on=date(2026, 11, 22),
            ends_on=date(2026, 11, 25), targets=EventTargets(5, 4, 3),
        )  # fmt: skip
        store.settings.set("event_id", event_id)
        regs = store.registrations

        def save(officer: str, owner: dict[str, Any], workers: list[dict[str, Any]]) -> Any:
            return regs.save(validated(owner_draft(workers_count=len(workers), **owner)),
                             [validated(worker_draft(**w)) for w in workers],
                             officer_code=officer, event_id=event_id)  # fmt: skip

        one = {"declared_income": "1.000.000"}
        details = {"occupation": "84", "postal_code": "30126", "working_hours": "08-17"}
        r1 = save("PLG-01", {**one, **details}, [one, one])
        u["O1"], u["W1a"], u["W1b"] = r1.owner.uuid, r1.workers[0].uuid, r1.workers[1].uuid
        u["L3"] = _lead(store, event_id, "PLG-02", full_name="Sari Dewi")
        u["O4"] = save("PLG-02", {"declared_income": "2.500.000",
                                  "programs": ("JKK", "JKM", "JHT")}, []).owner.uuid  # fmt: skip
        u["L1"] = _lead(store, event_id, "PLG-01", sector="kuliner")
        r2 = save("PLG-01", {**one, "sector": "perdagangan", "programs": ("JKK", "JKM", "JHT")},
                  [{"path": "pu_micro", "declared_income": "3.500.000",
                    "sector": "perdagangan"}])  # fmt: skip
        u["O2"], u["W2"] = r2.owner.uuid, r2.workers[0].uuid
        u["L2"] = _lead(store, event_id, "PLG-01", sector="kuliner")
        u["O3"] = save("PLG-02", {"declared_income": "2.500.000"}, []).owner.uuid
        store.registrations.void(u["O3"], "salah input", officer_code="PLG-02")
        device_id = store.device_id
    created = {
        "O1": "2026-11-22T03:00:00.000Z", "W1a": "2026-11-22T03:00:00.001Z",
        "W1b": "2026-11-22T03:00:00.002Z", "L3": "2026-11-22T04:00:00.000Z",
        "O4": "2026-11-22T17:30:00.000Z", "L1": "2026-11-23T03:30:00.000Z",
        "O2": "2026-11-23T04:00:00.000Z", "W2": "2026-11-23T04:00:00.001Z",
        "L2": "2026-11-23T05:00:00.000Z", "O3": "2026-11-23T06:00:00.000Z",
    }  # fmt: skip
    conn = sqlite3.connect(path)
    with conn:
        for name, at in created.items():
            table = "leads" if name.startswith("L") else "registrations"
            conn.execute(f"UPDATE {table} SET created_at = ?, consent_at = ? WHERE uuid = ?",
                         (at, at, u[name]))  # fmt: skip
        conn.execute("UPDATE leads SET converted_uuid = ? WHERE uuid = ?", (u["O2"], u["L1"]))
    conn.close()
    return Seeded(path, device_id, u)


def zero(**metrics: Any) -> dict[str, Any]:
    base = {"owners": 0, "workers": 0, "registrations": 0, "leads": 0, "converted": 0,
            "conversion": None, "voided": 0, "monthly_due": 0}  # fmt: skip
    base.update(metrics)
    base["registrations"] = base["owners"] + base["workers"]
    return base


# Hand-computed from the table in the module docstring.
BY_DAY = [
    {"day": DAY_A, **zero(owners=1, workers=2, leads=1, conversion=0.0, monthly_due=25_200)},
    {"day": DAY_B, **zero(owners=2, workers=1, leads=2, converted=1, conversion=0.5,
                          voided=1, monthly_due=113_200)},
]  # fmt: skip
TOTALS = zero(owners=3, workers=3, leads=3, converted=1, conversion=0.3333, voided=1,
              monthly_due=138_400)  # fmt: skip
BY_OFFICER = [
    {"officer": "PLG-01", **zero(owners=2, workers=3, leads=2, converted=1, conversion=0.5,
                                 monthly_due=72_500)},
    {"officer": "PLG-02", **zero(owners=1, leads=1, conversion=0.0, voided=1,
                                 monthly_due=65_900)},
]  # fmt: skip
BY_PATH = [
    {"path": "bpu_owner", **zero(owners=3, voided=1, monthly_due=102_700)},
    {"path": "bpu_worker", **zero(workers=2, monthly_due=16_800)},
    {"path": "lead", **zero(leads=3, converted=1, conversion=0.3333)},
    {"path": "pu_micro_worker", **zero(workers=1, monthly_due=18_900)},
]
BY_PROGRAM = [
    {"program": "", **zero(leads=3, converted=1, conversion=0.3333, voided=1)},
    {"program": "JKK+JKM", **zero(owners=1, workers=3, monthly_due=44_100)},
    {"program": "JKK+JKM+JHT", **zero(owners=2, monthly_due=94_300)},
]
BY_SECTOR = [
    {"sector": "", **zero(leads=1, conversion=0.0)},
    {"sector": "kuliner", **zero(owners=2, workers=2, leads=2, converted=1, conversion=0.5,
                                 voided=1, monthly_due=91_100)},
    {"sector": "perdagangan", **zero(owners=1, workers=1, monthly_due=47_300)},
]  # fmt: skip
BY_DAY_OFFICER = [
    {"day": DAY_A, "officer": "PLG-01", **zero(owners=1, workers=2, monthly_due=25_200)},
    {"day": DAY_A, "officer": "PLG-02", **zero(leads=1, conversion=0.0)},
    {"day": DAY_B, "officer": "PLG-01", **zero(owners=1, workers=1, leads=2, converted=1,
                                               conversion=0.5, monthly_due=47_300)},
    {"day": DAY_B, "officer": "PLG-02", **zero(owners=1, voided=1, monthly_due=65_900)},
]  # fmt: skip
# (kind, code, measure, target, value, percent, remaining, days_left, pace, status) on 11-23
TARGETS = [
    ("event", EVENT, "owners", 5, 3, 60.0, 2, 3, 1, "on_track"),
    ("event", EVENT, "workers", 4, 3, 75.0, 1, 3, 1, "on_track"),
    ("event", EVENT, "leads", 3, 3, 100.0, 0, 3, 0, "reached"),
    ("branch", "PLG", "new_employers", 10, 3, 30.0, 7, 39, 1, "behind"),
    ("branch", "PLG", "informal", 20, 5, 25.0, 15, 39, 1, "behind"),
]
