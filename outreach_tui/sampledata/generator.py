"""A deterministic synthetic officer database: same seed and size, same rows.

``generate()`` creates the file through ``Store`` (migrations, WAL, 0600) and fills it in
one ``unsafe_bulk_write()`` transaction with ``executemany`` batches. Each booth day is
replayed in time order: saves, leads, later edits, voids and lead conversions take the
next ``seq`` exactly as the store would, and rows are written as soon as nothing later in
the day will change them, so memory stays flat even for millions of rows.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from operator import itemgetter
from pathlib import Path
from typing import Any

from outreach_tui.domain import consent, contributions, reference
from outreach_tui.sampledata import scenario as sc
from outreach_tui.sampledata.people import PeopleMaker, Person
from outreach_tui.sampledata.timeline import DayContext, DayReplay, epoch_ms, iso, uuid7
from outreach_tui.store.bulk import bulk_insert, indexes_deferred, set_cache_size, set_counter
from outreach_tui.store.database import StoreError
from outreach_tui.store.store import Store

__all__ = ["GenerateReport", "generate", "uuid7"]

REG_COLUMNS = (
    "uuid", "seq", "reference_no", "role", "owner_uuid", "path", "nik", "full_name",
    "birth_date", "sex", "birth_place", "phone", "email", "address", "province_code",
    "business_name", "sector", "workers_count", "declared_income", "programs",
    "payment_months", "monthly_normal", "monthly_due", "estimate", "ref_version",
    "consent_version", "consent_at", "officer_code", "event_id", "device_id", "created_at",
    "updated_at", "version", "base_version", "sync_state", "sync_code", "sync_field",
    "sync_message", "synced_at", "voided_at", "void_reason",
)  # fmt: skip
LEAD_COLUMNS = (
    "uuid", "seq", "full_name", "phone", "sector", "interest", "consent_contact",
    "consent_version", "consent_at", "follow_up_on", "notes", "converted_uuid",
    "officer_code", "event_id", "device_id", "created_at", "updated_at", "version",
    "base_version", "sync_state", "sync_code", "sync_field", "sync_message", "synced_at",
    "voided_at", "void_reason",
)  # fmt: skip
AUDIT_COLUMNS = (
    "at", "officer_code", "device_id", "action", "entity", "entity_uuid", "version", "detail",
)  # fmt: skip
HISTORY_COLUMNS = ("entity", "uuid", "version", "data", "replaced_at")
BRANCH_COLUMNS = (
    "code", "name", "city", "target_year", "target_new_employers", "target_informal",
    "created_at",
)  # fmt: skip
OFFICER_COLUMNS = ("code", "name", "branch_code", "active", "created_at")
EVENT_COLUMNS = (
    "id", "code", "name", "venue", "city", "branch_code", "starts_on", "ends_on",
    "target_registrations", "target_workers", "target_leads", "created_at",
)  # fmt: skip

FLUSH_ROWS = 20_000
_POOL_SIZE = 20_000  # people kept per province for deliberate repeat registrations


@dataclass(frozen=True)
class GenerateReport:
    branches: int
    officers: int
    events: int
    owners: int
    workers: int
    leads: int
    synced: int  # registrations and leads the hub has acknowledged (synced or duplicate)
    pending: int  # registrations and leads waiting for the next sync
    seconds: float

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def generate(
    out: Path,
    *,
    seed: int = 7,
    registrations: int = 1000,
    progress: Callable[[int, int], None] | None = None,
) -> GenerateReport:
    """Write a new sample database at ``out`` with ``registrations`` rows (owners + workers).

    Refuses an existing file (or a leftover -wal/-shm): the caller deletes it first, so a
    real officer's database is never overwritten by accident.
    """
    out = Path(out)
    if registrations < 0:
        raise ValueError("registrations must be zero or more")
    for suffix in ("", "-wal", "-shm"):
        if Path(f"{out}{suffix}").exists():
            raise StoreError(
                f"{out}{suffix} already exists: delete it first (sample refuses to overwrite)"
            )
    started = time.perf_counter()
    store = Store(out)
    try:
        with store.database.unsafe_bulk_write() as db:
            set_cache_size(db, 256 * 1024)
            filler = Filler(db, random.Random(seed), registrations, progress)
            filler.run()
    finally:
        store.close()
    c = filler.counts
    return GenerateReport(
        branches=len(sc.BRANCHES),
        officers=sum(len(b.officers) for b in sc.BRANCHES),
        events=len(sc.EVENTS),
        owners=c["owner"],
        workers=c["worker"],
        leads=c["lead"],
        synced=c["synced"] + c["duplicate"],
        pending=c["pending"],
        seconds=round(time.perf_counter() - started, 2),
    )


def _allocate(total: int, weights: list[int]) -> list[int]:
    """Split ``total`` by integer ``weights`` exactly (largest remainder, ties by position)."""
    whole = sum(weights)
    if whole == 0:
        return [0] * len(weights)
    shares = [total * w // whole for w in weights]
    order = sorted(range(len(weights)), key=lambda i: (-(total * weights[i] % whole), i))
    for i in order[: total - sum(shares)]:
        shares[i] += 1
    return shares


class Filler:
    def __init__(
        self,
        db: Any,
        rng: random.Random,
        total: int,
        progress: Callable[[int, int], None] | None,
    ) -> None:
        self.db, self.rng, self.total, self.progress = db, rng, total, progress
        self.consent_version = consent.current().version
        self.ref = reference.load_reference()
        self.device_id = uuid7(epoch_ms(date(2019, 1, 2)), rng)
        self.makers = {b.code: PeopleMaker(rng, b.region) for b in sc.BRANCHES}
        self.branches = {b.code: b for b in sc.BRANCHES}
        self.pools: dict[str, list[Person]] = {}
        self.seen: dict[str, int] = {}
        self.quotes: dict[tuple[Any, ...], tuple[str, int, int, int, str]] = {}
        self.seq = 0
        self.counts = dict.fromkeys(
            ("owner", "worker", "lead", "synced", "duplicate", "pending", "rejected"), 0
        )
        self.emitted = 0
        self.regs: list[tuple[Any, ...]] = []
        self.leads: list[dict[str, Any]] = []
        self.audit: list[tuple[Any, ...]] = []
        self.history: list[tuple[Any, ...]] = []
        self.reg_row = itemgetter(*REG_COLUMNS)
        self.lead_row = itemgetter(*LEAD_COLUMNS)

    # -- setup rows ------------------------------------------------------------------------

    def run(self) -> None:
        event_ids = self._setup()
        budgets = _allocate(self.total, [e.share for e in sc.EVENTS])
        with indexes_deferred(self.db, "registrations"):
            for event, budget in zip(sc.EVENTS, budgets, strict=True):
                self._event(event, event_ids[event.code], budget)
            self._flush(leads=True)
        set_counter(self.db, "seq", self.seq)
        current = next(e for e in sc.EVENTS if e.code == sc.CURRENT_EVENT)
        officer = self.branches[current.branch].officers[0]
        settings = [
            ("device_id", self.device_id),
            ("officer_code", officer),
            ("event_id", event_ids[current.code]),
        ]
        bulk_insert(self.db, "settings", ("key", "value"), settings, replace=True)
        if self.progress:
            self.progress(self.emitted, self.total)

    def _setup(self) -> dict[str, str]:
        branches, officers = [], []
        for b in sc.BRANCHES:
            at = iso(epoch_ms(b.created_on) + 2 * 3_600_000)
            branches.append(
                (b.code, b.name, b.city, b.target_year, b.target_new_employers,
                 b.target_informal, at)
            )  # fmt: skip
            maker = self.makers[b.code]
            for code in b.officers:
                name, _ = maker.name("F" if self.rng.random() < 0.5 else "M")
                officers.append((code, name, b.code, 1, at))
        bulk_insert(self.db, "branches", BRANCH_COLUMNS, branches)
        bulk_insert(self.db, "officers", OFFICER_COLUMNS, officers)
        events, ids = [], {}
        for e in sc.EVENTS:
            created = epoch_ms(e.starts_on - timedelta(days=30)) + 2 * 3_600_000
            ids[e.code] = event_id = uuid7(created, self.rng)
            events.append(
                (event_id, e.code, e.name, e.venue, e.city, e.branch, e.starts_on.isoformat(),
                 e.ends_on.isoformat(), e.target_registrations, e.target_workers,
                 e.target_leads, iso(created))
            )  # fmt: skip
        bulk_insert(self.db, "events", EVENT_COLUMNS, events)
        return ids

    # -- one event, day by day ---------------------------------------------------------------

    def _event(self, event: sc.EventSpec, event_id: str, budget: int) -> None:
        days = [
            event.starts_on + timedelta(days=i)
            for i in range((event.ends_on - event.starts_on).days + 1)
        ]
        weights = []
        for i, day in enumerate(days):
            weight = sc.WEEKDAY_WEIGHT[day.weekday()] * 100
            if i == 0:
                weight = weight * sc.FIRST_DAY_FACTOR // 100
            elif i == len(days) - 1:
                weight = weight * sc.LAST_DAY_FACTOR // 100
            weights.append(weight)
        branch = self.branches[event.branch]
        wage: int | None
        try:
            wage = self.ref.minimum_wage(branch.region.minimum_wage_region, days[0].year).amount
        except ValueError:
            wage = None  # no UMK in the dataset: micro businesses use the BPU path only
        for day, rows in zip(days, _allocate(budget, weights), strict=True):
            ctx = DayContext(
                event=event,
                event_id=event_id,
                branch=branch,
                day=day,
                month=day.replace(day=1),
                minimum_wage=wage,
                synced_at=iso(epoch_ms(day + timedelta(days=1)) + 3_600_000),  # 08:00 WIB
                follow_up_from=event.ends_on,
            )
            DayReplay(self, ctx, self.makers[event.branch]).run(rows)
            self._flush(leads=True)

    # -- shared helpers used by the day replay ---------------------------------------------

    def next_seq(self) -> int:
        self.seq += 1
        return self.seq

    def person(self, ctx: DayContext, maker: PeopleMaker, sex: str | None = None) -> Person:
        """A new person, or (about 1%) someone already registered earlier in the province."""
        rng = self.rng
        province = ctx.branch.region.province_code
        pool = self.pools.setdefault(province, [])
        if pool and rng.random() < 0.01:
            again = pool[int(rng.random() * len(pool))]
            if int(again.birth_date[:4]) >= ctx.day.year - 65:
                return again
        person = maker.person(ctx.day, sex)
        seen = self.seen[province] = self.seen.get(province, 0) + 1
        if len(pool) < _POOL_SIZE:
            pool.append(person)
        elif (slot := int(rng.random() * seen)) < _POOL_SIZE:
            pool[slot] = person
        return person

    def quote(
        self, income: int, sector: str, month: date, jht: bool, path: str
    ) -> tuple[str, int, int, int, str]:
        """(programs, monthly_normal, monthly_due, estimate, ref_version), cached: a handful
        of distinct inputs serve a million rows."""
        key = (income, sector, month, jht, path)
        hit = self.quotes.get(key)
        if hit is None:
            q = contributions.quote(
                income,
                sector=sector,
                month=month,
                programs=("JKK", "JKM", "JHT") if jht else ("JKK", "JKM"),
                path=path,
                reference=self.ref,
            )
            programs = ",".join(p.program for p in q.programs)
            hit = (programs, q.normal_total, q.due_total, int(q.estimate), q.dataset_version)
            self.quotes[key] = hit
        return hit

    def emit_registrations(self, rows: list[dict[str, Any]], ctx: DayContext) -> None:
        for row in rows:
            self._finish_sync(row, ctx, rejectable=True)
            self.counts[row["role"]] += 1
            self.regs.append(self.reg_row(row))
        if len(self.regs) >= FLUSH_ROWS:
            self._flush(leads=False)

    def emit_lead(self, lead: dict[str, Any], ctx: DayContext) -> None:
        self._finish_sync(lead, ctx, rejectable=False)
        self.counts["lead"] += 1
        self.leads.append(lead)

    def _finish_sync(self, row: dict[str, Any], ctx: DayContext, *, rejectable: bool) -> None:
        """Older events were synced the next morning; the live one mostly waits."""
        if ctx.event.synced:
            state = "synced"
        else:
            r = self.rng.random()
            state = (
                "rejected" if rejectable and r < 0.015 else "duplicate" if r < 0.025 else "pending"
            )
        row["sync_state"] = state
        self.counts[state] += 1
        if state in ("synced", "duplicate"):
            row["base_version"] = row["version"]
            row["synced_at"] = ctx.synced_at
        elif state == "rejected":
            options = list(sc.REJECTIONS)
            if row.get("address"):
                options.append(sc.ADDRESS_REJECTION)
            row["sync_code"], row["sync_field"], row["sync_message"] = options[
                int(self.rng.random() * len(options))
            ]

    def _flush(self, *, leads: bool) -> None:
        # Registrations first: leads point at them (converted_uuid) and FKs are immediate.
        db = self.db
        if self.regs:
            bulk_insert(db, "registrations", REG_COLUMNS, self.regs, batch=FLUSH_ROWS)
            self.emitted += len(self.regs)
            self.regs = []
            if self.progress:
                self.progress(self.emitted, self.total)
        if self.audit:
            bulk_insert(db, "audit_log", AUDIT_COLUMNS, self.audit, batch=FLUSH_ROWS)
            self.audit = []
        if self.history:
            bulk_insert(db, "record_history", HISTORY_COLUMNS, self.history)
            self.history = []
        if leads and self.leads:
            bulk_insert(db, "leads", LEAD_COLUMNS, map(self.lead_row, self.leads))
            self.leads = []
