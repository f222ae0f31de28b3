"""Produces the sample's rows, in insert order, and hands them to a sink in batches.

The sink writes them (same process) or ships them to the writing process (see
generator.py); either way the rows and their order depend only on the seed and size.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from operator import itemgetter
from typing import Any

from outreach_tui.domain import consent, contributions, reference
from outreach_tui.sampledata import scenario as sc
from outreach_tui.sampledata.people import PeopleMaker, Person
from outreach_tui.sampledata.timeline import DayContext, DayReplay, epoch_ms, iso, uuid7

REG_COLUMNS = (
    "uuid", "seq", "reference_no", "role", "owner_uuid", "path", "nik", "full_name",
    "birth_date", "sex", "birth_place", "phone", "email", "address", "province_code",
    "business_name", "sector", "workers_count", "declared_income", "programs",
    "payment_months", "monthly_normal", "monthly_due", "estimate", "ref_version",
    "consent_version", "consent_at", "officer_code", "event_id", "device_id", "created_at",
    "updated_at", "version", "base_version", "sync_state", "sync_code", "sync_field",
    "sync_message", "synced_at", "voided_at", "void_reason", "occupation", "work_location",
    "working_hours", "postal_code", "branch_code", "income_band",
)  # fmt: skip
LEAD_COLUMNS = (
    "uuid", "seq", "full_name", "phone", "sector", "interest", "consent_contact",
    "consent_version", "consent_at", "follow_up_on", "notes", "converted_uuid",
    "officer_code", "event_id", "device_id", "created_at", "updated_at", "version",
    "base_version", "sync_state", "sync_code", "sync_field", "sync_message", "synced_at",
    "voided_at", "void_reason",
)  # fmt: skip
TABLE_COLUMNS: dict[str, tuple[str, ...]] = {
    "branches": (
        "code", "name", "city", "target_year", "target_new_employers", "target_informal",
        "created_at",
    ),
    "officers": ("code", "name", "branch_code", "active", "created_at"),
    "events": (
        "id", "code", "name", "venue", "city", "branch_code", "starts_on", "ends_on",
        "target_registrations", "target_workers", "target_leads", "created_at",
    ),
    "registrations": REG_COLUMNS,
    "leads": LEAD_COLUMNS,
    "audit_log": (
        "at", "officer_code", "device_id", "action", "entity", "entity_uuid", "version",
        "detail",
    ),
    "record_history": ("entity", "uuid", "version", "data", "replaced_at"),
}  # fmt: skip
FLUSH_ROWS = 20_000

Sink = Callable[[str, list[tuple[Any, ...]]], None]


@dataclass(frozen=True)
class Summary:
    counts: dict[str, int]  # owner, worker, lead and one per sync state
    last_seq: int
    settings: tuple[tuple[str, str], ...]


def allocate(total: int, weights: list[int]) -> list[int]:
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
    def __init__(self, seed: int, total: int, sink: Sink) -> None:
        self.rng = rng = random.Random(seed)
        self.total, self.sink = total, sink
        self.consent_version = consent.current().version
        self.ref = reference.load_reference()
        self.device_id = uuid7(epoch_ms(date(2019, 1, 2)), rng)
        self.makers = {b.code: PeopleMaker(rng, b.region) for b in sc.BRANCHES}
        self.branches = {b.code: b for b in sc.BRANCHES}
        self.quotes: dict[tuple[Any, ...], tuple[str, int, int, int, str]] = {}
        self.seq = 0
        self.counts = dict.fromkeys(
            ("owner", "worker", "lead", "synced", "duplicate", "pending"), 0
        )
        self.regs: list[tuple[Any, ...]] = []
        self.leads: list[dict[str, Any]] = []
        self.audit: list[tuple[Any, ...]] = []
        self.history: list[tuple[Any, ...]] = []
        self.reg_row = itemgetter(*REG_COLUMNS)
        self.lead_row = itemgetter(*LEAD_COLUMNS)

    def run(self) -> Summary:
        event_ids = self._setup()
        budgets = allocate(self.total, [e.share for e in sc.EVENTS])
        for event, budget in zip(sc.EVENTS, budgets, strict=True):
            self._event(event, event_ids[event.code], budget)
        self._flush(leads=True)
        current = next(e for e in sc.EVENTS if e.code == sc.CURRENT_EVENT)
        settings = (
            ("device_id", self.device_id),
            ("officer_code", self.branches[current.branch].officers[0]),
            ("event_id", event_ids[current.code]),
        )
        return Summary(dict(self.counts), self.seq, settings)

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
        events, ids = [], {}
        for e in sc.EVENTS:
            created = epoch_ms(e.starts_on - timedelta(days=30)) + 2 * 3_600_000
            ids[e.code] = event_id = uuid7(created, self.rng)
            events.append(
                (event_id, e.code, e.name, e.venue, e.city, e.branch, e.starts_on.isoformat(),
                 e.ends_on.isoformat(), e.target_registrations, e.target_workers,
                 e.target_leads, iso(created))
            )  # fmt: skip
        self.sink("branches", branches)
        self.sink("officers", officers)
        self.sink("events", events)
        return ids

    def _event(self, event: sc.EventSpec, event_id: str, budget: int) -> None:
        """Spread the event's rows over its days (weekends and the last day busier)."""
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
        for day, rows in zip(days, allocate(budget, weights), strict=True):
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

    # -- used by the day replay ------------------------------------------------------------

    def next_seq(self) -> int:
        self.seq += 1
        return self.seq

    def person(self, ctx: DayContext, maker: PeopleMaker, sex: str | None = None) -> Person:
        """A new person, or (about 1%) someone already registered earlier in the province."""
        return maker.repeat(ctx.day, 0.01) or maker.person(ctx.day, sex)

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
        """Write a saved group (owner first) once nothing later today will change it."""
        acked = self._acked(ctx)
        for row in rows:
            # No refusals: only a hub refuses, and the sample's hub (`outreach sample-hub`)
            # judges the waiting rows itself when they are synced.
            if acked or ctx.event.synced:
                self._acknowledge(row, ctx, "synced" if ctx.event.synced else "duplicate")
            else:
                self.counts["pending"] += 1
            self.counts[row["role"]] += 1
            self.regs.append(self.reg_row(row))
        if len(self.regs) >= FLUSH_ROWS:
            self._flush(leads=False)

    def emit_lead(self, lead: dict[str, Any], ctx: DayContext) -> None:
        if ctx.event.synced or self._acked(ctx):
            self._acknowledge(lead, ctx, "synced" if ctx.event.synced else "duplicate")
        else:
            self.counts["pending"] += 1
        self.counts["lead"] += 1
        self.leads.append(lead)

    def _acked(self, ctx: DayContext) -> bool:
        """Live event: about 1% went up in a batch whose receipt was lost; the retry came
        back "duplicate" (a success). A whole group travels together, so it is one draw."""
        return not ctx.event.synced and self.rng.random() < 0.01

    def _acknowledge(self, row: dict[str, Any], ctx: DayContext, state: str) -> None:
        # Older events: the officer synced at the branch the next morning.
        row["sync_state"] = state
        row["base_version"] = row["version"]
        row["synced_at"] = ctx.synced_at
        self.counts[state] += 1

    def _flush(self, *, leads: bool) -> None:
        # Registrations first: leads point at them (converted_uuid) and FKs are immediate.
        if self.regs:
            self.sink("registrations", self.regs)
            self.regs = []
        if self.audit:
            self.sink("audit_log", self.audit)
            self.audit = []
        if self.history:
            self.sink("record_history", self.history)
            self.history = []
        if leads and self.leads:
            self.sink("leads", [self.lead_row(lead) for lead in self.leads])
            self.leads = []
