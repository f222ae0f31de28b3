"""One booth day, replayed in time order.

Saves, leads, and the edits, voids and lead conversions that happen later the same day sit
on one heap keyed by (millisecond, order). Popping it in order hands out ``seq`` exactly as
the live store would: a change takes the next number, and an edited row keeps the seq of
its last change. A group (owner + workers) is written once nothing later today touches it.
"""

from __future__ import annotations

import heapq
import random
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import accumulate
from typing import TYPE_CHECKING, Any

from outreach_tui.sampledata import names as n
from outreach_tui.sampledata import scenario as sc
from outreach_tui.store.rows import as_json, reference_number

if TYPE_CHECKING:
    from outreach_tui.sampledata.generator import Filler
    from outreach_tui.sampledata.people import PeopleMaker, Person

DAY_MS, HOUR_MS, MINUTE_MS = 86_400_000, 3_600_000, 60_000
_EPOCH = date(1970, 1, 1).toordinal()
_DAY_TEXT: dict[int, str] = {}
_RAND_B = (1 << 62) - 1

_WORKERS = tuple(range(16))
# Workers per owner, 0..15: most bring 1–5 (Surakarta news: UMKM with 1–15 workers).
_WORKER_CUM = tuple(accumulate((80, 180, 200, 170, 120, 90, 50, 30, 20, 15, 12, 8, 6, 4, 3, 2)))
_HIGHER_INCOMES = (1_500_000, 2_000_000, 2_500_000, 3_000_000, 3_500_000, 4_000_000, 5_000_000)
_HIGHER_CUM = tuple(accumulate((30, 25, 15, 12, 6, 7, 5)))
_MONTHS = (1, 3, 6, 12)
_MONTHS_CUM = tuple(accumulate((55, 20, 15, 10)))
_LEAD, _CONVERT, _EDIT, _VOID = range(4)


def epoch_ms(day: date) -> int:
    """Milliseconds since the Unix epoch at 00:00 UTC of ``day``."""
    return (day.toordinal() - _EPOCH) * DAY_MS


def iso(ms: int) -> str:
    """Like store.database.utc_now(): ``2026-11-24T03:15:07.042Z``, without datetime."""
    day, rest = divmod(ms, DAY_MS)
    text = _DAY_TEXT.get(day)
    if text is None:
        text = _DAY_TEXT[day] = date.fromordinal(_EPOCH + day).isoformat()
    hour, rest = divmod(rest, HOUR_MS)
    minute, rest = divmod(rest, MINUTE_MS)
    second, milli = divmod(rest, 1000)
    return f"{text}T{hour:02d}:{minute:02d}:{second:02d}.{milli:03d}Z"


def uuid7(ms: int, rng: random.Random) -> str:
    """RFC 9562 UUIDv7: 48-bit Unix ms, version 7, variant 10, 74 bits from ``rng``."""
    rand = rng.getrandbits(74)
    value = ms << 80 | 0x7 << 76 | (rand >> 62) << 64 | 0b10 << 62 | rand & _RAND_B
    h = f"{value:032x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


@dataclass(frozen=True)
class DayContext:
    event: sc.EventSpec
    event_id: str
    branch: sc.Branch
    day: date  # local (WIB) booth day
    month: date  # contribution month = month of registration
    minimum_wage: int | None  # regional UMK for the PU-micro path, when the dataset has it
    sync_ms: int  # when the officer synced this day's records (older events)
    follow_up_from: date


class DayReplay:
    def __init__(self, filler: Filler, ctx: DayContext, maker: PeopleMaker) -> None:
        self.f, self.ctx, self.maker, self.rng = filler, ctx, maker, filler.rng
        self.heap: list[tuple[int, int, int, Any]] = []
        self.order = 0
        opening, weights = ctx.event.hours
        self.start = epoch_ms(ctx.day) + (opening - sc.WIB_OFFSET_HOURS) * HOUR_MS
        self.close = self.start + len(weights) * HOUR_MS
        self.hours, self.hour_cum = tuple(range(len(weights))), tuple(accumulate(weights))

    def _push(self, ms: int, kind: int, payload: Any) -> None:
        self.order += 1
        heapq.heappush(self.heap, (ms, self.order, kind, payload))

    def _moment(self) -> int:
        hour = self.rng.choices(self.hours, cum_weights=self.hour_cum)[0]
        return self.start + hour * HOUR_MS + self.rng.randrange(HOUR_MS)

    def run(self, budget: int) -> None:
        rng = self.rng
        plan: list[tuple[int, int]] = []  # (workers in the business, registered today)
        remaining = budget
        while remaining > 0:
            w = rng.choices(_WORKERS, cum_weights=_WORKER_CUM)[0]
            # Some owners register only part of their staff today.
            k = w if w < 2 or rng.random() >= 0.1 else rng.randint(0, w - 1)
            k = min(k, remaining - 1)
            plan.append((w, k))
            remaining -= 1 + k
        times = sorted(self._moment() for _ in plan)
        at, prev_end = [], self.start - 1
        for t, (_, k) in zip(times, plan, strict=True):
            t = max(t, prev_end + 1)  # one save per millisecond, workers right after
            at.append(t)
            prev_end = t + k
        # Leads: ~12% of owners' count leave a number only; ~3% come back and register.
        converted: dict[int, tuple[dict[str, Any], Person, str]] = {}
        for i, t in enumerate(at):
            r = rng.random()
            if r < 0.03 and t - 10 * MINUTE_MS > self.start:
                converted[i] = self._lead(rng.randint(self.start, t - 10 * MINUTE_MS), True)
            elif r < 0.15:
                self._lead(self._moment(), False)
        for i, ((w, k), t) in enumerate(zip(plan, at, strict=True)):
            while self.heap and self.heap[0][0] < t:
                self._apply(heapq.heappop(self.heap))
            self._save(t, w, k, converted.get(i))
        while self.heap:
            self._apply(heapq.heappop(self.heap))

    # -- records ---------------------------------------------------------------------------

    def _lead(self, ms: int, convertible: bool) -> tuple[dict[str, Any], Person, str]:
        rng, f, ctx, maker = self.rng, self.f, self.ctx, self.maker
        person = f.person(ctx, maker, "F" if rng.random() < 0.6 else "M")
        sector = maker.sector()
        at = iso(ms)
        follow_up = ctx.follow_up_from + timedelta(days=rng.randint(3, 14))
        lead = {
            "uuid": uuid7(ms, rng), "seq": 0, "full_name": person.full_name,
            "phone": maker.phone(),
            "sector": sector if convertible or rng.random() < 0.85 else None,
            "interest": rng.choice(n.LEAD_INTERESTS), "consent_contact": 1,
            "consent_version": f.consent_version, "consent_at": at,
            "follow_up_on": follow_up.isoformat(),
            "notes": rng.choice(n.LEAD_NOTES) if rng.random() < 0.3 else None,
            "converted_uuid": None, "officer_code": rng.choice(ctx.branch.officers),
            "event_id": ctx.event_id, "device_id": f.device_id, "created_at": at,
            "updated_at": at, "version": 1, "base_version": None, "sync_state": "pending",
            "sync_code": None, "sync_field": None, "sync_message": None, "synced_at": None,
            "voided_at": None, "void_reason": None,
        }  # fmt: skip
        self._push(ms, _LEAD, (lead, convertible))
        return lead, person, sector

    def _row(self, ms: int, person: Person, officer: str, **values: Any) -> dict[str, Any]:
        f, ctx = self.f, self.ctx
        record_uuid = uuid7(ms, self.rng)
        income = values.pop("income")
        programs, normal, due, estimate, ref_version = f.quote(
            income, values["sector"], ctx.month, values.pop("jht"), values["path"]
        )
        at = iso(ms)
        return {
            "uuid": record_uuid, "seq": 0, "reference_no": reference_number(record_uuid),
            "nik": person.nik, "full_name": person.full_name, "birth_date": person.birth_date,
            "sex": person.sex, "birth_place": person.birth_place,
            "province_code": person.nik[:2], "declared_income": income, "programs": programs,
            "monthly_normal": normal, "monthly_due": due, "estimate": estimate,
            "ref_version": ref_version, "consent_version": f.consent_version,
            "consent_at": at, "officer_code": officer, "event_id": ctx.event_id,
            "device_id": f.device_id, "created_at": at, "updated_at": at, "version": 1,
            "base_version": None, "sync_state": "pending", "sync_code": None,
            "sync_field": None, "sync_message": None, "synced_at": None, "voided_at": None,
            "void_reason": None, **values,
        }  # fmt: skip

    def _save(
        self, t: int, w: int, k: int, lead: tuple[dict[str, Any], Person, str] | None
    ) -> None:
        """One owner and ``k`` of their ``w`` workers, saved together as the store does."""
        rng, f, ctx, maker = self.rng, self.f, self.ctx, self.maker
        officer = rng.choice(ctx.branch.officers)
        if lead is not None:
            person, phone, sector = lead[1], lead[0]["phone"], lead[2]
        else:
            person = f.person(ctx, maker, "F" if rng.random() < 0.6 else "M")
            phone, sector = maker.phone(), maker.sector()
        business = maker.business(sector, person.sex, person.given)
        months = rng.choices(_MONTHS, cum_weights=_MONTHS_CUM)[0]
        owner = self._row(
            t, person, officer, role="owner", owner_uuid=None, path="bpu", phone=phone,
            email=maker.email(person.full_name) if rng.random() < 0.3 else None,
            address=maker.address(person.regency), business_name=business, sector=sector,
            workers_count=w, payment_months=months, jht=rng.random() < 0.25,
            income=1_000_000 if rng.random() < 0.75
            else rng.choices(_HIGHER_INCOMES, cum_weights=_HIGHER_CUM)[0],
        )  # fmt: skip
        rows = [owner]
        # Micro businesses may register staff as PU at the minimum package on the UMK.
        micro = k > 0 and ctx.minimum_wage is not None and rng.random() < 0.35
        for j in range(k):
            wp = f.person(ctx, maker)
            if micro:
                path, income, jht = "pu_micro", ctx.minimum_wage, False
            else:
                path, jht = "bpu", rng.random() < 0.15
                income = 1_000_000 if rng.random() < 0.9 else rng.choice(_HIGHER_INCOMES[:3])
            rows.append(self._row(
                t + 1 + j, wp, officer, role="worker", owner_uuid=owner["uuid"], path=path,
                phone=maker.phone() if rng.random() < 0.75 else None,
                email=maker.email(wp.full_name) if rng.random() < 0.08 else None,
                address=maker.address(wp.regency) if rng.random() < 0.6 else None,
                business_name=business, sector=sector, workers_count=0,
                payment_months=months, income=income, jht=jht,
            ))  # fmt: skip
        for row in rows:
            row["seq"] = f.next_seq()
        detail = {"workers": [row["uuid"] for row in rows[1:]]}
        self._audit(t, officer, "registration.create", "registration", owner, detail)
        holder: list[Any] = [0, rows]  # [changes still to come today, the group's rows]
        if k == 0 and rng.random() < 0.01:
            self._later(holder, owner, t, void=True)
        elif rng.random() < 0.006:
            self._later(holder, owner, t, void=False)
        for row in rows[1:]:
            r = rng.random()
            if r < 0.008:
                self._later(holder, row, t, void=r < 0.003)
        if lead is not None:
            self._push(t + k + 1, _CONVERT, (lead[0], owner["uuid"], officer))
        if holder[0] == 0:
            f.emit_registrations(rows, ctx)

    def _later(self, holder: list[Any], row: dict[str, Any], t: int, *, void: bool) -> None:
        """Schedule a correction or a void a few minutes to two hours after the save."""
        rng, maker = self.rng, self.maker
        ms = t + rng.randint(2, 120) * MINUTE_MS + rng.randrange(MINUTE_MS)
        ms = max(min(ms, self.close + 30 * MINUTE_MS), t + 16)
        holder[0] += 1
        if void:
            self._push(ms, _VOID, (holder, row, rng.choice(sc.VOID_REASONS)))
            return
        fields = ["full_name", "payment_months"]
        fields += [name for name in ("phone", "address") if row[name]]
        field = rng.choice(fields)
        new: Any
        if field == "full_name":  # saved with two letters swapped, corrected later
            new = row["full_name"]
            row["full_name"] = maker.typo(new, rng)
        elif field == "payment_months":
            new = rng.choice([m for m in _MONTHS if m != row["payment_months"]])
        elif field == "phone":
            new = maker.phone()
        else:
            new = maker.address(maker.regency(row["nik"][:4]))
        self._push(ms, _EDIT, (holder, row, field, new))

    # -- applying the day's changes in order -------------------------------------------------

    def _audit(
        self, ms: int, officer: str, action: str, entity: str, row: dict[str, Any],
        detail: dict[str, Any] | None,
    ) -> None:  # fmt: skip
        self.f.audit.append((
            iso(ms), officer, self.f.device_id, action, entity, row["uuid"], row["version"],
            as_json(detail) if detail is not None else None,
        ))  # fmt: skip

    def _bump(self, ms: int, entity: str, row: dict[str, Any]) -> None:
        """Keep the version being replaced, then take a new version and seq."""
        self.f.history.append((entity, row["uuid"], row["version"], as_json(row), iso(ms)))
        row["version"] += 1
        row["seq"] = self.f.next_seq()
        row["updated_at"] = iso(ms)

    def _apply(self, entry: tuple[int, int, int, Any]) -> None:
        ms, _, kind, payload = entry
        f, ctx = self.f, self.ctx
        if kind == _LEAD:
            lead, convertible = payload
            lead["seq"] = f.next_seq()
            self._audit(ms, lead["officer_code"], "lead.create", "lead", lead, None)
            if not convertible:
                f.emit_lead(lead, ctx)
        elif kind == _CONVERT:
            lead, owner_uuid, officer = payload
            self._bump(ms, "lead", lead)
            lead["converted_uuid"] = owner_uuid
            self._audit(ms, officer, "lead.convert", "lead", lead, {"registration": owner_uuid})
            f.emit_lead(lead, ctx)
        else:
            holder, row = payload[0], payload[1]
            self._bump(ms, "registration", row)
            if kind == _EDIT:
                row[payload[2]] = payload[3]
                action, detail = "registration.edit", {"fields": [payload[2]]}
            else:
                row["voided_at"], row["void_reason"] = iso(ms), payload[2]
                action, detail = "registration.void", {"reason": payload[2]}
            self._audit(ms, row["officer_code"], action, "registration", row, detail)
            holder[0] -= 1
            if holder[0] == 0:
                f.emit_registrations(holder[1], ctx)
