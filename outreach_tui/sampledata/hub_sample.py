"""A multi-branch sample hub (issue 17), as table rows: the world's (units, their closure,
Soloraya, targets, branches, officers, enrolled devices, laptops, events), then the
records' in chunks. ``fill`` hands every row to a sink — the CLI's: the hub's bulk loader
(this package does not import the hub) — and says what it made.
"""

from __future__ import annotations

import hashlib
import random
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from outreach_tui.sampledata.hub_records import (
    BATCH_COLUMNS,
    RECORD_COLUMNS,
    VERSION_COLUMNS,
    Chunk,
    Counts,
    HubRecords,
)
from outreach_tui.sampledata.hub_world import (
    AREA,
    HEAD_OFFICE,
    PALEMBANG_NEW_EMPLOYERS,
    SOLORAYA_INFORMAL,
    World,
    build_world,
)
from outreach_tui.sampledata.parallel import interleaved

Table = tuple[str, Sequence[str], list[tuple[Any, ...]]]
Sink = Callable[[str, Sequence[str], list[tuple[Any, ...]]], None]
DEVICE_DAYS = 365  # the sample's tokens stay valid this long (nobody holds them)
# The records are made in two shards (halves of the period, each its own random stream),
# whatever the machine: the same seed and size give the same rows, in one process or two.
SHARDS = 2


@dataclass(frozen=True)
class HubSampleReport:
    regions: int
    branches: int
    areas: int
    devices: int
    events: int
    records: int
    owners: int
    workers: int
    leads: int
    edited: int
    voided: int
    converted: int
    repeats: int
    batches: int
    seconds: float

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def world_tables(world: World, *, seed: int, now: datetime) -> Iterator[Table]:
    """The world's rows, in an order the foreign keys accept."""
    stamp = _iso(now)
    expires = _iso(now + timedelta(days=DEVICE_DAYS))
    ho_code, ho_name = HEAD_OFFICE
    unit_cols = ("code", "name", "kind", "parent_code", "created_at", "updated_at")
    units: list[tuple[str, str, str, str | None, str, str]] = [
        (ho_code, ho_name, "head_office", None, stamp, stamp)
    ]
    units += [(r.code, r.name, "region", ho_code, stamp, stamp) for r in world.regions]
    units += [(b.code, b.name, "branch", b.region.code, stamp, stamp) for b in world.branches]
    if world.area_branches:
        units.append((AREA[0], AREA[1], "area", None, stamp, stamp))
    yield "units", unit_cols, units
    paths = [(ho_code, ho_code, 0)]
    for r in world.regions:
        paths += [(r.code, r.code, 0), (ho_code, r.code, 1)]
    for b in world.branches:
        paths += [(b.code, b.code, 0), (b.region.code, b.code, 1), (ho_code, b.code, 2)]
    yield "unit_paths", ("ancestor", "descendant", "depth"), paths
    yield (
        "area_branches",
        ("area_code", "branch_code"),
        [(AREA[0], code) for code in world.area_branches],
    )
    targets = [(b.code, world.year, "informal", b.informal_target, stamp) for b in world.branches]
    if world.area_branches:
        targets.append((AREA[0], world.year, "informal", SOLORAYA_INFORMAL, stamp))
    targets += [(b.code, world.year, "new_employers", PALEMBANG_NEW_EMPLOYERS, stamp)
                for b in world.branches if b.regency == "1671"]  # fmt: skip
    yield "unit_targets", ("unit_code", "year", "measure", "target", "updated_at"), targets
    yield (
        "branches",
        ("code", "name", "city", "target_year", "target_informal", "updated_at"),
        [(b.code, b.name, b.city, world.year, b.informal_target, stamp) for b in world.branches],
    )
    officers = [o for b in world.branches for o in b.officers]
    yield (
        "officers",
        ("code", "name", "branch_code", "created_at", "updated_at"),
        [(o.code, o.name, b.code, stamp, stamp) for b in world.branches for o in b.officers],
    )
    rng = random.Random(f"hub-tokens-{seed}")
    yield "devices", ("id", "officer_code", "name", "token_hash", "role", "created_at",
                      "expires_at", "client_device_id", "unit_code"), [
        (o.device_id, o.code, f"Laptop {o.code}",
         hashlib.sha256(rng.randbytes(32)).hexdigest(),  # a token nobody was given
         "device", stamp, expires, o.laptop_id, b.code)
        for b in world.branches for o in b.officers
    ]  # fmt: skip
    yield (
        "laptops",
        ("laptop_id", "device_id", "public_key", "bound_at", "bound_by"),
        [(o.laptop_id, o.device_id, None, stamp, "sample") for o in officers],
    )
    yield "events", ("code", "name", "venue", "city", "branch_code", "starts_on", "ends_on",
                     "target_registrations", "updated_at"), [
        (e.code, e.name, e.venue, e.city, b.code, e.starts_on.isoformat(),
         e.ends_on.isoformat(), e.target_registrations, stamp)
        for b in world.branches for e in b.events
    ]  # fmt: skip


def fill(
    sink: Sink,
    *,
    seed: int,
    branches: int,
    regions: int,
    devices: int,
    records: int,
    nik_digest: Callable[[str], str],
    person_digest: Callable[[str, str, str | None], str],
    progress: Callable[[int, int], None] | None = None,
    chunk: int = 5000,
    now: datetime | None = None,
    processes: bool = False,
) -> HubSampleReport:
    """Every row of the sample into ``sink``, and what it made. ``processes``: the shards
    run in child processes beside the caller's (which only hands rows to ``sink``) rather
    than one after the other in it. The batches' feed values are apart per shard (the
    loader numbers the feed in received order)."""
    started = time.perf_counter()
    world = build_world(seed=seed, branches=branches, regions=regions, devices=devices,
                        records=records)  # fmt: skip
    for table, columns, rows in world_tables(world, seed=seed, now=now or datetime.now(UTC)):
        sink(table, columns, rows)

    def shard(k: int) -> Callable[[], Iterator[Chunk | Counts]]:
        def job() -> Iterator[Chunk | Counts]:
            maker = HubRecords(world, seed=seed, records=records, nik_digest=nik_digest,
                               person_digest=person_digest, shard=k, shards=SHARDS)  # fmt: skip
            yield from maker.chunks(chunk)
            yield maker.counts

        return job

    done, c = 0, Counts()
    for part in interleaved([shard(k) for k in range(SHARDS)], processes=processes):
        if isinstance(part, Counts):
            c = c + part
            continue
        sink("batches", BATCH_COLUMNS, part.batches)
        sink("records", RECORD_COLUMNS, part.records)
        sink("record_versions", VERSION_COLUMNS, part.versions)
        done += len(part.records)
        if progress:
            progress(done, records)
    report = HubSampleReport(
        regions=len(world.regions), branches=len(world.branches),
        areas=1 if world.area_branches else 0,
        devices=sum(len(b.officers) for b in world.branches),
        events=sum(len(b.events) for b in world.branches), records=c.records,
        owners=c.owners, workers=c.workers, leads=c.leads, edited=c.edited, voided=c.voided,
        converted=c.converted, repeats=c.repeats, batches=c.batches,
        seconds=round(time.perf_counter() - started, 2),
    )  # fmt: skip
    return report
