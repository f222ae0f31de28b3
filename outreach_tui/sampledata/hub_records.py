"""The records of a multi-branch sample hub, made as the hub would have stored them.

Every booth day of every branch's events, its officers register owners (and their
workers) and capture leads; each record is the wire ``data`` a laptop would send (the
booth's own validation gives the amounts, cached per combination of inputs), with the
columns the hub derives from it at ingest (day, role, sector, monthly due, the keyed NIK
and person digests, the unit). Some records change after they were sent: a name typo
corrected, a registration voided, a lead converted into a registration (version 2 in a
second batch, version 1 kept in ``record_versions``). A few people register again in
another branch (the same NIK): cross-branch duplicate cases.

Rows come out in chunks (``chunks``), oldest first, so a loader streams them in bounded
memory. Deterministic: the same world, seed and size, the same rows. The digests are the
hub's (its key), handed in by the caller: this package does not import the hub.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Callable, Iterator
from dataclasses import astuple, dataclass, field
from datetime import date, timedelta
from typing import Any

import orjson

from outreach_tui.sampledata import names as n
from outreach_tui.sampledata.booth_amounts import CONSENT, BoothAmounts
from outreach_tui.sampledata.hub_world import Branch, Event, Officer, World
from outreach_tui.sampledata.people import _PHONE_CUM, _PHONE_PREFIXES, pick, pick_weighted
from outreach_tui.sampledata.scenario import VOID_REASONS
from outreach_tui.sampledata.timeline import uuid7, uuid7_ref

RECORD_COLUMNS = (
    "uuid", "entity", "version", "content_hash", "device_id", "enrolled_device_id",
    "officer_code", "event_code", "day", "role", "path", "sector", "monthly_due", "voided",
    "nik_digest", "data", "created_at", "received_at", "updated_at", "batch_id", "programs",
    "converted", "person_digest", "unit_code", "name_key",
)  # fmt: skip
VERSION_COLUMNS = ("uuid", "version", "content_hash", "data", "batch_id", "received_at")
BATCH_COLUMNS = ("batch_id", "device_id", "client_device_id", "source", "digest",
                 "record_count", "receipt", "received_at", "feed_seq")  # fmt: skip

LEAD_CONSENT = "lead-2026.1"
LEAD_SHARE = 0.25
CONVERTED_SHARE = 0.2  # of leads: registered later the same day
EDIT_SHARE = 0.02  # registrations whose name was corrected after the sync
VOID_SHARE = 0.01
REPEAT_SHARE = 0.004  # owners and workers registered before (often in another branch)
_POOL = 5000
# A shard's batches are numbered from FEED_BASE * (shard + 1): apart from every other
# shard's and from the hub's own feed values, until the loader renumbers the feed in the
# order the batches were received (bulk_load).
FEED_BASE = 10**12
_WORKERS = (0, 0, 0, 0, 0, 1, 1, 1, 2, 2, 3, 4, 6)  # registered workers per owner
_INCOMES = (1_000_000,) * 6 + (1_500_000, 2_000_000, 2_000_000, 2_500_000, 3_000_000, 5_000_000)
_MONTHS = (1,) * 7 + (3, 6, 12)
_SECTORS = (
    ("perdagangan", 250), ("kuliner", 260), ("industri_rumahan", 120), ("kerajinan", 90),
    ("jasa", 120), ("pertanian", 30), ("perikanan", 20), ("peternakan", 20),
    ("konstruksi", 30), ("lainnya", 10), ("ojek", 20), ("kurir", 15), ("sopir", 10),
)  # fmt: skip
_SECTOR_NAMES = tuple(s for s, _ in _SECTORS)
_SECTOR_CUM = tuple(sum(w for _, w in _SECTORS[: i + 1]) for i in range(len(_SECTORS)))
_STREETS = ("Merdeka", "Sudirman", "Diponegoro", "Ahmad Yani", "Pahlawan", "Gajah Mada",
            "Veteran", "Slamet Riyadi", "Pemuda", "Kartini", "Imam Bonjol", "Hasanuddin",
            "Pattimura", "Cendana", "Melati", "Mawar", "Kenanga", "Flamboyan", "Sisingamangaraja",
            "Teuku Umar", "Gatot Subroto", "Mangkubumi", "Pasar Baru", "Kebon Jeruk")  # fmt: skip
_INTERESTS = ("JHT", "JKK", "beasiswa", "iuran bulanan", "manfaat kematian", None)
_EMAILS = ("example.com", "example.net", "example.org")  # RFC 2606
# The booth opens 09:00 local; 02:00–12:59 UTC is the same date in WIB, WITA and WIT.
_OPEN_UTC_S = 2 * 3600
_OPEN_SPAN_S = 11 * 3600


@dataclass
class Chunk:
    records: list[tuple[Any, ...]] = field(default_factory=list)
    versions: list[tuple[Any, ...]] = field(default_factory=list)
    batches: list[tuple[Any, ...]] = field(default_factory=list)


@dataclass
class Counts:
    owners: int = 0
    workers: int = 0
    leads: int = 0
    edited: int = 0
    voided: int = 0
    converted: int = 0
    repeats: int = 0
    batches: int = 0

    @property
    def records(self) -> int:
        return self.owners + self.workers + self.leads

    def __add__(self, other: Counts) -> Counts:
        return Counts(*(a + b for a, b in zip(astuple(self), astuple(other), strict=True)))


@dataclass(frozen=True)
class _Person:
    nik: str
    full_name: str
    birth_date: str
    sex: str
    phone: str


_DAY_MS = 86_400_000
_DAYS: dict[int, str] = {}


def _iso(ms: int) -> str:
    """Unix milliseconds as the booth writes an instant (2026-11-23T03:00:00.000Z)."""
    days, rest = divmod(ms, _DAY_MS)
    prefix = _DAYS.get(days)
    if prefix is None:
        prefix = _DAYS[days] = date.fromordinal(_EPOCH + days).isoformat()
    seconds, millis = divmod(rest, 1000)
    minutes, second = divmod(seconds, 60)
    return f"{prefix}T{minutes // 60:02d}:{minutes % 60:02d}:{second:02d}.{millis:03d}Z"


_EPOCH = date(1970, 1, 1).toordinal()


def _canonical(data: dict[str, Any]) -> bytes:
    """``wire.canonical_json`` for data known to hold only str, int, bool, None and lists of
    str (all a sample record holds), without its check for other types: the same bytes
    (orjson, sorted keys), a fifth of the time per record."""
    return orjson.dumps(data, option=orjson.OPT_SORT_KEYS)


class HubRecords:
    """Makes the sample's records; ``chunks()`` yields them oldest first.

    Shard ``shard`` of ``shards`` makes the booth days of its share of the period (the
    schedule cut into runs of consecutive days holding equal numbers of records), from a
    random stream of its own: shards can run side by side, and together they make the
    same rows whichever way they run."""

    def __init__(
        self,
        world: World,
        *,
        seed: int,
        records: int,
        nik_digest: Callable[[str], str],
        person_digest: Callable[[str, str, str | None], str],
        shard: int = 0,
        shards: int = 1,
    ) -> None:
        self.world, self.total = world, records
        self.shard, self.shards = shard, shards
        self.rng = random.Random(f"hub-records-{seed}-{shard}-of-{shards}")
        self.rand = self.rng.random
        self.nik_digest, self.person_digest = nik_digest, person_digest
        self.amounts = BoothAmounts()
        self.counts = Counts()
        self._pool: list[_Person] = []
        self._births: dict[int, tuple[str, str, str]] = {}
        self.feed = FEED_BASE * (shard + 1)

    # -- the schedule -------------------------------------------------------------------

    def _booth_days(self) -> list[tuple[date, Branch, Event, int]]:
        """(day, branch, event, records) for every booth day, oldest first; the records
        add up to ``total`` (weekends and the closing day busier)."""
        slots: list[tuple[date, int, Branch, Event, float]] = []
        for index, branch in enumerate(self.world.branches):
            for event in branch.events:
                for k in range((event.ends_on - event.starts_on).days + 1):
                    day = event.starts_on + timedelta(days=k)
                    weight = (10, 10, 10, 10, 12, 18, 16)[day.weekday()] * (1.25 if k == 3 else 1)
                    slots.append((day, index, branch, event, weight))
        slots.sort(key=lambda s: (s[0], s[1]))
        per_branch = {b.code: 0.0 for b in self.world.branches}
        for _, _, branch, _, weight in slots:
            per_branch[branch.code] += weight
        out, done, running = [], 0, 0.0
        share = self.total / len(self.world.branches)
        # Cumulative rounding over all slots: the counts sum to total exactly.
        for day, _, branch, event, weight in slots:
            running += share * weight / per_branch[branch.code]
            count = round(running) - done
            done += count
            out.append((day, branch, event, count))
        return out

    def _my_days(self) -> list[tuple[date, Branch, Event, int]]:
        days = self._booth_days()
        starts, running, k = [0], 0, 1
        for index, (_, _, _, count) in enumerate(days):
            running += count
            while k < self.shards and running * self.shards >= k * self.total:
                starts.append(index + 1)
                k += 1
        starts += [len(days)] * (self.shards + 1 - len(starts))
        return days[starts[self.shard] : starts[self.shard + 1]]

    def chunks(self, size: int = 5000) -> Iterator[Chunk]:
        chunk = Chunk()
        for day, branch, event, count in self._my_days():
            officers = branch.officers
            active = max(1, min(len(officers), -(-count // 60)))
            first = (day.toordinal() * 7) % len(officers)
            for j in range(active):
                officer = officers[(first + j) % len(officers)]
                share = count // active + (1 if j < count % active else 0)
                if share:
                    self._officer_day(chunk, day, branch, event, officer, share)
                if len(chunk.records) >= size:
                    yield chunk
                    chunk = Chunk()
        if chunk.records or chunk.batches:
            yield chunk

    # -- one officer's day --------------------------------------------------------------

    def _officer_day(self, out: Chunk, day: date, branch: Branch, event: Event,
                     officer: Officer, count: int) -> None:  # fmt: skip
        rand = self.rand
        midnight = (day.toordinal() - _EPOCH) * _DAY_MS
        sent = midnight + 14 * 3_600_000  # 21:00 WIB: synced back at the office
        batch = uuid7(sent, self.rng)
        later = sent + 40 * 60_000
        edits_batch = uuid7(later, self.rng)
        ctx = _Day(day, branch, event, officer, batch, _iso(sent), edits_batch, _iso(later))
        step = _OPEN_SPAN_S / count
        made = 0
        while made < count:
            at = midnight + int((_OPEN_UTC_S + made * step + rand() * step * 0.8) * 1000)
            left = count - made
            if rand() < LEAD_SHARE:
                converted = left >= 2 and rand() < CONVERTED_SHARE
                uuid, lead = self._lead(ctx, at)
                made += 1
                if converted:
                    owner = self._household(out, ctx, at + 180_000, 1)
                    made += 1
                    self._convert(out, ctx, uuid, lead, owner, at + 300_000)
                else:
                    self._current(out, ctx, uuid, 1, "lead", lead, ctx.batch, "lead", None, None)
                continue
            workers = min(pick(rand, _WORKERS), left - 1)
            self._household(out, ctx, at, workers + 1)
            made += workers + 1
        for which, batch_id, received, records in (
            ("new", ctx.batch, ctx.sent, ctx.new),
            ("edits", ctx.edits_batch, ctx.later, ctx.edits),
        ):
            if records or which == "new":
                self.feed += 1
                digest = hashlib.sha256(f"{batch_id}|{records}".encode()).hexdigest()
                out.batches.append((batch_id, officer.device_id, officer.laptop_id, "api",
                                    digest, records, None, received, self.feed))  # fmt: skip
                self.counts.batches += 1

    def _household(self, out: Chunk, ctx: _Day, at: int, size: int) -> str:
        """An owner and ``size - 1`` workers, a minute apart; the owner's uuid."""
        rand = self.rand
        sector = pick_weighted(rand, _SECTOR_NAMES, _SECTOR_CUM)
        owner_uuid = self._registration(out, ctx, at, "owner", None, sector, size - 1)
        for w in range(1, size):
            self._registration(out, ctx, at + 40_000 * w, "worker", owner_uuid,
                               sector, 0)  # fmt: skip
        return owner_uuid

    # -- people -------------------------------------------------------------------------

    def _person(self, ctx: _Day) -> _Person:
        rand = self.rand
        if self._pool and rand() < REPEAT_SHARE:
            self.counts.repeats += 1
            return self._pool[int(rand() * len(self._pool))]
        female = rand() < 0.5
        malay = ctx.branch.region.malay
        if malay:
            given = pick(rand, n.PLG_FEMALE if female else n.PLG_MALE)
            second = pick(rand, n.PLG_SECOND_FEMALE if female else n.PLG_SECOND_MALE)
        else:
            given = pick(rand, n.SKA_FEMALE if female else n.SKA_MALE)
            second = pick(rand, n.SKA_SECOND_FEMALE if female else n.SKA_SECOND_MALE)
        full = given if rand() < 0.25 or second == given else f"{given} {second}"
        ordinal = ctx.day.toordinal() - 6600 - int(rand() * 14000)  # 18 to 56 years old
        birth = self._births.get(ordinal)
        if birth is None:
            born = date.fromordinal(ordinal)
            birth = self._births[ordinal] = (born.isoformat(), f"{born.day:02d}", f"{born:%m%y}")
        iso, dd, mmyy = birth
        if female:
            dd = str(int(dd) + 40)
        district = 1 + int(rand() * 20)
        serial = 1 + int(rand() * 9998)
        nik = f"{ctx.branch.regency}{district:02d}{dd}{mmyy}{serial:04d}"
        prefix = pick_weighted(rand, _PHONE_PREFIXES, _PHONE_CUM)
        phone = f"+62{prefix}{int(rand() * 10**8):08d}"
        person = _Person(nik, full, iso, "F" if female else "M", phone)
        if len(self._pool) < _POOL:
            self._pool.append(person)
        elif rand() < 0.01:
            self._pool[int(rand() * _POOL)] = person
        return person

    # -- records ------------------------------------------------------------------------

    def _registration(self, out: Chunk, ctx: _Day, at: int, role: str,
                      owner_uuid: str | None, sector: str, workers: int) -> str:  # fmt: skip
        rand = self.rand
        person = self._person(ctx)
        amounts = self.amounts.get(role, sector, pick(rand, _INCOMES), rand() < 0.3,
                                   pick(rand, _MONTHS) if role == "owner" else 1, ctx.day,
                                   workers)  # fmt: skip
        uuid, reference = uuid7_ref(at, self.rng)
        created = _iso(at)
        city = ctx.branch.city
        data: dict[str, Any] = {
            "reference_no": reference, "role": role, "owner_uuid": owner_uuid,
            "nik": person.nik, "full_name": person.full_name, "birth_date": person.birth_date,
            "sex": person.sex, "birth_place": city if rand() < 0.6 else None,
            "phone": person.phone,
            "email": f"{person.full_name.split()[0].lower()}{int(rand() * 99)}@"
                     f"{pick(rand, _EMAILS)}" if rand() < 0.25 else None,
            "address": f"Jl. {pick(rand, _STREETS)} No. {1 + int(rand() * 250)}, {city}",
            "province_code": person.nik[:2],
            "business_name": f"{self._business(sector)} {person.full_name.split()[0]}"
            if role == "owner" else None,
            **amounts,
            "consent_version": CONSENT, "consent_at": created,
            "officer_code": ctx.officer.code, "event_code": ctx.event.code,
            "device_id": ctx.officer.laptop_id, "created_at": created, "updated_at": created,
            "voided_at": None, "void_reason": None, "branch_code": ctx.branch.code,
        }  # fmt: skip
        if data["income_band"] is None:
            del data["income_band"]
        if role == "owner":
            self.counts.owners += 1
        else:
            self.counts.workers += 1
        change = rand()
        if change < EDIT_SHARE + VOID_SHARE:
            first = dict(data)
            edited = at + (20 + int(rand() * 200)) * 60_000
            if change < EDIT_SHARE:
                first["full_name"] = _typo(person.full_name, rand)
                self.counts.edited += 1
            else:
                data["voided_at"] = _iso(edited)
                data["void_reason"] = pick(rand, VOID_REASONS)
                self.counts.voided += 1
            data["updated_at"] = _iso(edited)
            self._version(out, ctx, uuid, 1, first, ctx.batch, ctx.sent)
            ctx.edits += 1
            self._current(out, ctx, uuid, 2, "registration", data, ctx.edits_batch, role,
                          amounts, person)  # fmt: skip
        else:
            self._current(out, ctx, uuid, 1, "registration", data, ctx.batch, role, amounts,
                          person)  # fmt: skip
        ctx.new += 1
        return uuid

    def _business(self, sector: str) -> str:
        kinds = _KINDS.get(sector) or ("Usaha",)
        return pick(self.rand, kinds)

    def _lead(self, ctx: _Day, at: int) -> tuple[str, dict[str, Any]]:
        rand = self.rand
        person = self._person(ctx)
        uuid = uuid7(at, self.rng)
        created = _iso(at)
        follow = ctx.day + timedelta(days=3 + int(rand() * 14))
        data = {
            "full_name": person.full_name, "phone": person.phone,
            "sector": pick_weighted(rand, _SECTOR_NAMES, _SECTOR_CUM),
            "interest": pick(rand, _INTERESTS), "consent_contact": True,
            "consent_version": LEAD_CONSENT, "consent_at": created,
            "follow_up_on": follow.isoformat() if rand() < 0.7 else None, "notes": None,
            "converted_uuid": None, "officer_code": ctx.officer.code,
            "event_code": ctx.event.code, "device_id": ctx.officer.laptop_id,
            "created_at": created, "updated_at": created, "voided_at": None,
            "void_reason": None,
        }  # fmt: skip
        self.counts.leads += 1
        ctx.new += 1
        return uuid, data

    def _convert(self, out: Chunk, ctx: _Day, uuid: str, first: dict[str, Any], owner: str,
                 at: int) -> None:  # fmt: skip
        """The lead registered: version 2 names the registration."""
        data = dict(first)
        data["converted_uuid"], data["updated_at"] = owner, _iso(at)
        self._version(out, ctx, uuid, 1, first, ctx.batch, ctx.sent)
        self._current(out, ctx, uuid, 2, "lead", data, ctx.edits_batch, "lead", None, None)
        ctx.edits += 1
        self.counts.converted += 1

    def _version(self, out: Chunk, ctx: _Day, uuid: str, version: int, data: dict[str, Any],
                 batch: str, received: str) -> str:  # fmt: skip
        canonical = _canonical(data)
        digest = hashlib.sha256(canonical).hexdigest()
        out.versions.append((uuid, version, digest, canonical.decode(), batch, received))
        return digest

    def _current(self, out: Chunk, ctx: _Day, uuid: str, version: int, entity: str,
                 data: dict[str, Any], batch: str, role: str, amounts: dict[str, Any] | None,
                 person: _Person | None) -> None:  # fmt: skip
        canonical = _canonical(data)
        text = canonical.decode()
        digest = hashlib.sha256(canonical).hexdigest()
        received = ctx.sent if batch == ctx.batch else ctx.later
        out.versions.append((uuid, version, digest, text, batch, received))
        voided = 1 if data["voided_at"] else 0
        if entity == "registration":
            assert amounts is not None and person is not None
            due, path, programs = amounts["monthly_due"], amounts["path"], amounts["programs"]
            sector = amounts["sector"]
            nik = self.nik_digest(person.nik)
            who = self.person_digest(data["full_name"], person.birth_date, person.phone)
            converted = 0
        else:
            due, path, programs, sector = 0, "", [], data["sector"] or ""
            nik, who = None, None
            converted = 1 if data["converted_uuid"] else 0
        out.records.append((
            uuid, entity, version, digest, ctx.officer.laptop_id, ctx.officer.device_id,
            ctx.officer.code, ctx.event.code, ctx.day.isoformat(), role, path, sector, due,
            voided, nik, text, data["created_at"], ctx.sent, received, batch,
            ",".join(programs), converted, who, ctx.branch.code, data["full_name"].lower(),
        ))  # fmt: skip


@dataclass
class _Day:
    day: date
    branch: Branch
    event: Event
    officer: Officer
    batch: str
    sent: str
    edits_batch: str
    later: str
    new: int = 0
    edits: int = 0


_KINDS: dict[str, tuple[str, ...]] = {}
for _kind, _sector, _region in n.BUSINESS_KINDS:
    _KINDS[_sector] = (*_KINDS.get(_sector, ()), _kind)


def _typo(name: str, rand: Callable[[], float]) -> str:
    """The name with two adjacent letters swapped (what the later edit corrects)."""
    spots = [i for i in range(len(name) - 1) if name[i].isalpha() and name[i + 1].isalpha()
             and name[i] != name[i + 1]]  # fmt: skip
    if not spots:
        return name + "a"
    i = spots[int(rand() * len(spots))]
    return name[:i] + name[i + 1] + name[i] + name[i + 2 :]


__all__ = ["BATCH_COLUMNS", "RECORD_COLUMNS", "VERSION_COLUMNS", "Chunk", "Counts",
           "HubRecords"]  # fmt: skip
