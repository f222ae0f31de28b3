"""A booth that never stops saving: registers owners (and workers) in a loop.

Run as a separate process by the crash and multi-process store tests::

    python tests/helpers/writer_process.py DB --officer PLG-01 --event EVENT_ID [--count N]

Each saved record's uuid is printed on its own line and flushed only AFTER ``save()``
returns, so every line the parent reads is a registration the officer was told is saved
(owner first, then its workers). ``--setup`` creates the branch, officer and event itself
(for a file that does not exist yet). Exits 0 after ``--count`` saves (default: forever).
"""

from __future__ import annotations

import argparse
import random
import sys
from dataclasses import replace
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # the repo, when run directly

from outreach_tui.domain.models import Registration, RegistrationDraft
from outreach_tui.domain.validation import validate_registration
from outreach_tui.store import Store

TODAY = date(2026, 11, 23)


def _template(role: str) -> Registration:
    draft = RegistrationDraft(
        nik="1671014512900001" if role == "owner" else "1671011403980001",
        full_name="Siti Aminah" if role == "owner" else "Budi Santoso",
        phone="081234567890" if role == "owner" else "",
        address="Jl. Merdeka No. 1, Palembang" if role == "owner" else "",
        sector="kuliner",
        workers_count=0,
        declared_income="2.500.000",
        consent_version="2026.1",
        role=role,
    )
    result = validate_registration(draft, today=TODAY)
    if result.record is None:
        raise SystemExit(f"template {role} invalid: {[p.code for p in result.errors]}")
    return result.record


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("db")
    parser.add_argument("--officer", default="PLG-01")
    parser.add_argument("--event", default=None, help="event id (default: none)")
    parser.add_argument("--count", type=int, default=0, help="saves before exiting; 0: forever")
    parser.add_argument("--max-workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--setup", action="store_true", help="create branch/officer first")
    args = parser.parse_args()

    rng = random.Random(args.seed)
    owner, worker = _template("owner"), _template("worker")
    with Store(args.db) as store:
        if args.setup:
            store.setup.upsert_branch("PLG", "Kantor Cabang Palembang", "Palembang")
            store.setup.upsert_officer(args.officer, "Rina Marlina", "PLG")
        saves = 0
        while args.count == 0 or saves < args.count:
            nik = f"1671014512{rng.choice(('85', '90', '95'))}{rng.randrange(1, 10_000):04d}"
            workers = rng.randint(0, args.max_workers)
            saved = store.registrations.save(
                replace(owner, nik=nik, workers_count=workers),
                [replace(worker, nik=f"167101140398{i + 1:04d}") for i in range(workers)],
                officer_code=args.officer,
                event_id=args.event,
            )
            # Acknowledged: only now does the officer see "saved".
            lines = [saved.owner.uuid, *(w.uuid for w in saved.workers)]
            sys.stdout.write("\n".join(lines) + "\n")
            sys.stdout.flush()
            saves += 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
