"""Registration save latency: ``Store.registrations.save`` against a raw sqlite3 insert.

    python bench/bench_save.py [--saves 300] [--dir /tmp] [--seed 7]
    python bench/bench_save.py --saves 2000          # the figure in docs/BENCHMARKS.md

Each save is one family, as the booth saves it: an owner and 0–2 workers (random, the
same sequence for both sides), records already validated (``validate_registration`` runs
before the clock starts, as it does while the officer types). Timed per save, from the
call to its return (the commit is durable: WAL, ``synchronous=FULL``).

Baseline, same run, same file system (both files in one temporary folder): a raw
``sqlite3`` connection with the same pragmas (WAL, ``synchronous=FULL``, foreign keys)
on a file with the same schema (migrated by ``Store``, then closed), inserting the same
rows (fresh uuid and timestamps each) in one ``BEGIN IMMEDIATE`` … ``COMMIT``. The raw
side skips what the store adds: the change counter, the receipt number, the audit entry
and sqlite-utils. Saves alternate between the two, so drift hits both alike.

Prints p50/p99 and ratios, writes bench/results/save.json. Target: p99 well under the
100 ms an officer would notice; ratio is the store's overhead over the bare commit.
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import statistics
import tempfile
import time
import uuid
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

import benchlib
from benchlib import ms, percentile, ratio, table

from outreach_tui.domain.models import Registration, RegistrationDraft
from outreach_tui.domain.validation import validate_registration
from outreach_tui.store import Store
from outreach_tui.store.rows import to_row

TODAY = date(2026, 11, 23)


def _family_templates() -> tuple[Registration, Registration]:
    def one(**fields: object) -> Registration:
        result = validate_registration(RegistrationDraft(**fields), today=TODAY)  # type: ignore[arg-type]
        assert result.record is not None, [p.code for p in result.errors]
        return result.record

    owner = one(nik="1671014512900001", full_name="Siti Aminah", phone="0812-3456-7890",
                address="Jl. Merdeka No. 1, Palembang", business_name="Pempek Cek Siti",
                sector="kuliner", workers_count=2, declared_income="2.500.000",
                consent_version="2026.1")  # fmt: skip
    worker = one(nik="1671011403980001", full_name="Budi Santoso", sector="kuliner",
                 declared_income="2.000.000", consent_version="2026.1", role="worker")  # fmt: skip
    return owner, worker


def families(count: int, seed: int) -> list[tuple[Registration, list[Registration]]]:
    """Validated families (NIKs vary), made before any clock runs."""
    owner, worker = _family_templates()
    rng = random.Random(seed)
    made = []
    for n in range(count):
        workers = rng.randint(0, 2)
        made.append((
            replace(owner, nik=f"16710145129{n % 10}{n % 9999 + 1:04d}", workers_count=workers),
            [replace(worker, nik=f"167101140398{i + 1:04d}") for i in range(workers)],
        ))  # fmt: skip
    return made


def prepare(folder: Path) -> tuple[Store, str, Path]:
    """The store (with branch, officer, event) and a raw file with the same schema."""
    raw_path = folder / "raw.db"
    Store(raw_path).close()  # same migrations, same indexes
    store = Store(folder / "store.db")
    store.setup.upsert_branch("PLG", "Kantor Cabang Palembang", "Palembang")
    store.setup.upsert_officer("PLG-01", "Rina Marlina", "PLG")
    store.setup.create_event(code="EXPO-PLG", name="Expo", venue="PIM", city="Palembang",
                             branch_code="PLG", starts_on=TODAY, ends_on=TODAY)  # fmt: skip
    event = store.setup.event("EXPO-PLG")
    assert event is not None
    conn = sqlite3.connect(raw_path, isolation_level=None)
    conn.executescript(
        "INSERT INTO branches (code, name, city, created_at) VALUES ('PLG', 'x', 'x', 'x');"
        "INSERT INTO officers (code, name, branch_code, created_at)"
        " VALUES ('PLG-01', 'x', 'PLG', 'x');"
    )
    conn.close()
    return store, event["id"], raw_path


class RawInsert:
    """The bare minimum a durable save costs: the same rows, one transaction, a commit."""

    def __init__(self, path: Path) -> None:
        self.conn = sqlite3.connect(path, isolation_level=None)
        self.conn.execute("PRAGMA journal_mode = WAL")
        self.conn.execute("PRAGMA synchronous = FULL")
        self.conn.execute("PRAGMA foreign_keys = ON")
        self.seq = 0
        self.sql: str | None = None

    def save(self, owner: Registration, workers: list[Registration]) -> None:
        now = datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
        owner_uuid = str(uuid.uuid4())
        rows = []
        for record, parent in [(owner, None), *((w, owner_uuid) for w in workers)]:
            self.seq += 1
            record_uuid = owner_uuid if parent is None else str(uuid.uuid4())
            row = {**to_row(record), "uuid": record_uuid, "seq": self.seq,
                   "reference_no": record_uuid[:14], "owner_uuid": parent, "consent_at": now,
                   "officer_code": "PLG-01", "event_id": None, "device_id": "raw",
                   "created_at": now, "updated_at": now, "version": 1,
                   "sync_state": "pending"}  # fmt: skip
            if self.sql is None:
                self.sql = (f"INSERT INTO registrations ({', '.join(row)}) "
                            f"VALUES ({', '.join('?' * len(row))})")  # fmt: skip
            rows.append(tuple(row.values()))
        self.conn.execute("BEGIN IMMEDIATE")
        self.conn.executemany(self.sql, rows)  # type: ignore[arg-type]
        self.conn.execute("COMMIT")

    def close(self) -> None:
        self.conn.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--saves", type=int, default=300, help="timed saves per side")
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--dir", type=Path, default=None, help="folder for both files")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    work = families(args.saves + args.warmup, args.seed)
    with tempfile.TemporaryDirectory(dir=args.dir, prefix="bench-save-") as tmp:
        store, event_id, raw_path = prepare(Path(tmp))
        raw = RawInsert(raw_path)
        ours: list[tuple[int, float]] = []
        bare: list[tuple[int, float]] = []
        try:
            for n, (owner, workers) in enumerate(work):
                started = time.perf_counter()
                store.registrations.save(owner, workers, officer_code="PLG-01", event_id=event_id)
                middle = time.perf_counter()
                raw.save(owner, workers)
                ended = time.perf_counter()
                if n >= args.warmup:
                    ours.append((len(workers), middle - started))
                    bare.append((len(workers), ended - middle))
            integrity = store.integrity_check()
            saved = store.summary()
        finally:
            raw.close()
            store.close()
        assert integrity == ["ok"], integrity
        assert saved.owners == len(work), saved

    def stats(samples: list[tuple[int, float]]) -> dict[str, float]:
        times = [t for _, t in samples]
        return {"p50_ms": ms(percentile(times, 50)), "p99_ms": ms(percentile(times, 99)),
                "mean_ms": ms(statistics.fmean(times)), "max_ms": ms(max(times))}  # fmt: skip

    store_stats, raw_stats = stats(ours), stats(bare)
    by_workers = {
        k: {"store_p50_ms": ms(percentile([t for w, t in ours if w == k], 50)),
            "raw_p50_ms": ms(percentile([t for w, t in bare if w == k], 50)),
            "saves": sum(1 for w, _ in ours if w == k)}
        for k in (0, 1, 2)
    }  # fmt: skip
    result = {
        "saves": args.saves,
        "store": store_stats,
        "raw_sqlite3": raw_stats,
        "ratio_p50": ratio(store_stats["p50_ms"], raw_stats["p50_ms"]),
        "ratio_p99": ratio(store_stats["p99_ms"], raw_stats["p99_ms"]),
        "by_workers": by_workers,
        "file_system_dir": str(args.dir or tempfile.gettempdir()),
    }
    print(f"registration save latency, {args.saves} saves per side, owner + 0–2 workers")
    print(table(
        ["", "p50 ms", "p99 ms", "mean ms", "max ms"],
        [["Store.registrations.save", *store_stats.values()],
         ["raw sqlite3 insert+commit", *raw_stats.values()],
         ["ratio store / raw", result["ratio_p50"], result["ratio_p99"],
          ratio(store_stats["mean_ms"], raw_stats["mean_ms"]), ""]],
    ))  # fmt: skip
    print(table(
        ["workers", "saves", "store p50 ms", "raw p50 ms", "ratio"],
        [[k, v["saves"], v["store_p50_ms"], v["raw_p50_ms"],
          ratio(v["store_p50_ms"], v["raw_p50_ms"])] for k, v in by_workers.items()],
    ))  # fmt: skip
    benchlib.write_result("save", result, command=benchlib.command_line())


if __name__ == "__main__":
    main()
