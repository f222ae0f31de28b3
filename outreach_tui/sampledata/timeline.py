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
from outreach_tui.sampledata.people import between, pick, pick_weighted
from outreach_tui.store.rows import as_json

if TYPE_CHECKING:
    from outreach_tui.sampledata.filler import Filler
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
_MONTHS = (1, 2, 3, 6, 12)  # the JMO app's advance periods (reference 2026.12)
_MONTHS_CUM = tuple(accumulate((52, 6, 18, 14, 10)))
# Registration details (issue 20), picked from the record's uuid so the day's random
# stream (and every other figure of the sample) stays as it was.
_HOURS = ("07:00-15:00", "08:00-16:00", "08:00-17:00", "09:00-21:00", "16:00-23:00",
          "05:00-11:00")  # fmt: skip
_POSTAL_PREFIX = {"16": "30", "33": "57"}  # Palembang 30xxx, Surakarta and around 57xxx
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


_B32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"  # RFC 4648
_B32_PAIRS = tuple(a + b for a in _B32 for b in _B32)  # 10 bits -> two characters
_LOW60 = (1 << 60) - 1


def uuid7_ref(ms: int, rng: random.Random) -> tuple[str, str]:
    """A UUIDv7 and its receipt number, equal to ``store.rows.reference_number(uuid)``
    (asserted in the tests) but without re-parsing the UUID and base32-encoding bytes,
    which would cost about a third of the per-row generation time."""
    rand = rng.getrandbits(74)
    value = ms << 80 | 0x7 << 76 | (rand >> 62) << 64 | 0b10 << 62 | rand & _RAND_B
    h = f"{value:032x}"
    # reference_number(): base32 of the low 60 bits as 8 bytes, first character dropped,
    # i.e. the low 60 bits of (bits << 1), five bits per character.
    low = (rand & _LOW60) << 1 & _LOW60
    p = _B32_PAIRS
    ref = (
        f"{p[low >> 50]}{p[low >> 40 & 1023]}-{p[low >> 30 & 1023]}{p[low >> 20 & 1023]}"
        f"-{p[low >> 10 & 1023]}{p[low & 1023]}"
    )
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}", ref


@dataclass(frozen=True)
class DayContext:
    event: sc.EventSpec
    event_id: str
    branch: sc.Branch
    day: date  # local (WIB) booth day
    month: date  # contribution month = month of registration
    minimum_wage: int | None  # regional UMK for the PU-micro path, when the dataset has it
    synced_at: str  # when the officer synced this day's records (older events)
    follow_up_from: date


class DayReplay:
    def __init__(self, filler: Filler, ctx: DayContext, maker: PeopleMaker) -> None:
        self.f, self.ctx, self.maker, self.rng = filler, ctx, maker, filler.rng
        self.rand = filler.rng.random
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
        hour = pick_weighted(self.rand, self.hours, self.hour_cum)
        return self.start + hour * HOUR_MS + int(self.rand() * HOUR_MS)

    def run(self, budget: int) -> None:
        rand = self.rand
        plan: list[tuple[int, int]] = []  # (workers in the business, registered today)
        remaining = budget
        while remaining > 0:
            w = pick_weighted(rand, _WORKERS, _WORKER_CUM)
            # Some owners register only part of their staff today.
            k = w if w < 2 or rand() >= 0.1 else between(rand, 0, w - 1)
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
            r = rand()
            if r < 0.03 and t - 10 * MINUTE_MS > self.start:
                converted[i] = self._lead(between(rand, self.start, t - 10 * MINUTE_MS), True)
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
        rand, f, ctx, maker = self.rand, self.f, self.ctx, self.maker
        person = f.person(ctx, maker, "F" if rand() < 0.6 else "M")
        sector = maker.sector()
        at = iso(ms)
        follow_up = ctx.follow_up_from + timedelta(days=between(rand, 3, 14))
        lead = {
            "uuid": uuid7(ms, self.rng), "seq": 0, "full_name": person.full_name,
            "phone": maker.phone(),
            "sector": sector if convertible or rand() < 0.85 else None,
            "interest": pick(rand, n.LEAD_INTERESTS), "consent_contact": 1,
            "consent_version": f.consent_version, "consent_at": at,
            "follow_up_on": follow_up.isoformat(),
            "notes": pick(rand, n.LEAD_NOTES) if rand() < 0.3 else None,
            "converted_uuid": None, "officer_code": pick(rand, ctx.branch.officers),
            "event_id": ctx.event_id, "device_id": f.device_id, "created_at": at,
            "updated_at": at, "version": 1, "base_version": None, "sync_state": "pending",
            "sync_code": None, "sync_field": None, "sync_message": None, "synced_at": None,
            "voided_at": None, "void_reason": None,
        }  # fmt: skip
        self._push(ms, _LEAD, (lead, convertible))
        return lead, person, sector

    def _row(
        self, ms: int, person: Person, officer: str, role: str, owner_uuid: str | None,
        path: str, phone: str | None, email: str | None, address: str | None,
        business: str, sector: str, workers_count: int, months: int, income: int, jht: bool,
    ) -> dict[str, Any]:  # fmt: skip
        f, ctx = self.f, self.ctx
        record_uuid, reference_no = uuid7_ref(ms, self.rng)
        programs, normal, due, estimate, ref_version = f.quote(income, sector, ctx.month, jht, path)
        at = iso(ms)
        return {
            "uuid": record_uuid, "seq": 0, "reference_no": reference_no,
            "role": role, "owner_uuid": owner_uuid, "path": path, "nik": person.nik,
            "full_name": person.full_name, "birth_date": person.birth_date, "sex": person.sex,
            "birth_place": person.birth_place, "phone": phone, "email": email,
            "address": address, "province_code": person.nik[:2], "business_name": business,
            "sector": sector, "workers_count": workers_count, "declared_income": income,
            "programs": programs, "payment_months": months, "monthly_normal": normal,
            "monthly_due": due, "estimate": estimate, "ref_version": ref_version,
            "consent_version": f.consent_version, "consent_at": at, "officer_code": officer,
            "event_id": ctx.event_id, "device_id": f.device_id, "created_at": at,
            "updated_at": at, "version": 1, "base_version": None, "sync_state": "pending",
            "sync_code": None, "sync_field": None, "sync_message": None, "synced_at": None,
            "voided_at": None, "void_reason": None,
            **self._details(record_uuid, role, path, sector, income, address, person.nik),
        }  # fmt: skip

    def _details(
        self, record_uuid: str, role: str, path: str, sector: str, income: int,
        address: str | None, nik: str,
    ) -> dict[str, Any]:  # fmt: skip
        """Occupation from the sector (owners often "wiraswasta"), hours, and for owners a
        postal code in their province and, for half, the address as the work location."""
        from outreach_tui.domain.occupations import default_for_sector

        bits = int(record_uuid.replace("-", "")[-12:], 16)  # the uuid's random tail
        occupation = default_for_sector(sector)
        if role == "owner" and bits % 10 < 3:
            occupation = "88"
        ref = self.f.ref
        band = ref.income_band(max(income, ref.min_declared_income)) if path == "bpu" else None
        owner = role == "owner"
        postal = _POSTAL_PREFIX.get(nik[:2], "30") + f"{111 + bits % 800:03d}" if owner else None
        return {
            "occupation": occupation,
            "work_location": address if owner and address and bits % 2 else None,
            "working_hours": _HOURS[(bits >> 8) % len(_HOURS)] if bits % 5 else None,
            "postal_code": postal,
            "branch_code": self.ctx.branch.code,
            "income_band": band.id if band is not None else None,
        }

    def _save(
        self, t: int, w: int, k: int, lead: tuple[dict[str, Any], Person, str] | None
    ) -> None:
        """One owner and ``k`` of their ``w`` workers, saved together as the store does."""
        rand, f, ctx, maker = self.rand, self.f, self.ctx, self.maker
        officer = pick(rand, ctx.branch.officers)
        if lead is not None:
            person, phone, sector = lead[1], lead[0]["phone"], lead[2]
        else:
            person = f.person(ctx, maker, "F" if rand() < 0.6 else "M")
            phone, sector = maker.phone(), maker.sector()
        business = maker.business(sector, person.sex, person.given)
        months = pick_weighted(rand, _MONTHS, _MONTHS_CUM)
        email = maker.email(person.full_name) if rand() < 0.3 else None
        income = 1_000_000 if rand() < 0.75 else pick_weighted(rand, _HIGHER_INCOMES, _HIGHER_CUM)
        owner = self._row(
            t, person, officer, "owner", None, "bpu", phone, email,
            maker.address(person.regency), business, sector, w, months, income, rand() < 0.25,
        )  # fmt: skip
        owner_uuid = owner["uuid"]
        rows = [owner]
        # Micro businesses may register staff as PU at the minimum package on the UMK.
        micro = k > 0 and ctx.minimum_wage is not None and rand() < 0.35
        for j in range(k):
            wp = f.person(ctx, maker)
            if micro:
                path, income, jht = "pu_micro", ctx.minimum_wage or 0, False
            else:
                path, jht = "bpu", rand() < 0.15
                income = 1_000_000 if rand() < 0.9 else pick(rand, _HIGHER_INCOMES[:3])
            phone = maker.phone() if rand() < 0.75 else None
            email = maker.email(wp.full_name) if rand() < 0.08 else None
            address = maker.address(wp.regency) if rand() < 0.6 else None
            rows.append(self._row(
                t + 1 + j, wp, officer, "worker", owner_uuid, path, phone, email, address,
                business, sector, 0, months, income, jht,
            ))  # fmt: skip
        for row in rows:
            row["seq"] = f.next_seq()
        detail = {"workers": [row["uuid"] for row in rows[1:]]}
        self._audit(t, officer, "registration.create", "registration", owner, detail)
        holder: list[Any] = [0, rows]  # [changes still to come today, the group's rows]
        if k == 0 and rand() < 0.01:
            self._later(holder, owner, t, void=True)
        elif rand() < 0.006:
            self._later(holder, owner, t, void=False)
        for row in rows[1:]:
            r = rand()
            if r < 0.008:
                self._later(holder, row, t, void=r < 0.003)
        if lead is not None:
            self._push(t + k + 1, _CONVERT, (lead[0], owner_uuid, officer))
        if holder[0] == 0:
            f.emit_registrations(rows, ctx)

    def _later(self, holder: list[Any], row: dict[str, Any], t: int, *, void: bool) -> None:
        """Schedule a correction or a void a few minutes to two hours after the save."""
        rand, maker = self.rand, self.maker
        ms = t + between(rand, 2, 120) * MINUTE_MS + int(rand() * MINUTE_MS)
        ms = max(min(ms, self.close + 30 * MINUTE_MS), t + 16)
        holder[0] += 1
        if void:
            self._push(ms, _VOID, (holder, row, pick(rand, sc.VOID_REASONS)))
            return
        fields = ["full_name", "payment_months"]
        fields += [name for name in ("phone", "address") if row[name]]
        field = pick(rand, fields)
        new: Any
        if field == "full_name":  # saved with two letters swapped, corrected later
            new = row["full_name"]
            row["full_name"] = maker.typo(new, self.rng)
        elif field == "payment_months":
            new = pick(rand, [m for m in _MONTHS if m != row["payment_months"]])
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
