"""Supervisor tallies on a big hub: rollups against the raw GROUP BY over ``records``.

    python bench/bench_tally.py [--db /tmp/hub-1m.db] [--registrations 1000000] [--runs 7]

Builds the hub database once (kept; ``--rebuild`` makes it again): the hub's own schema
(``open_storage``), then ``records`` filled in bulk and ``daily_rollup`` computed from
them with the same sums ingest maintains — a month of booth days is not replayed through
validation, which would take an hour. The shape follows the branches in the news: 4
branches, 40 officers, 36 events of 5–14 days over a year, 4–6 officers per event, about
3 workers per owner, 4 % leads, 1 % voided, a fifth with JHT.

Then, in this process, alternating runs: a full day × officer tally (``reports.tally``
over ``HubTallies``: the rollups) against the raw ``GROUP BY day, officer_code`` over
``records`` the rollups replace; the dashboard's data; targets. Prints medians and the
ratio, writes ``bench/results/tally.json``. Targets: tally < 200 ms, dashboard < 2 s.
"""

from __future__ import annotations

import argparse
import json
import random
import sqlite3
import statistics
import sys
import time
import uuid
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from outreach_tui.hub.storage import open_storage  # noqa: E402
from outreach_tui.hub.storage.schema import OFFICER_EVENT_FROM_DAILY, UNIT_DAY_FROM_DAILY  # noqa: E402
from outreach_tui.hub.tallies import HubTallies  # noqa: E402
from outreach_tui.reports import tally, targets  # noqa: E402
from outreach_tui.reports.dashboard import dashboard_data  # noqa: E402

SECTORS = ("kuliner", "perdagangan", "jasa", "kerajinan", "fesyen", "pertanian", "perikanan",
           "konstruksi", "transportasi", "ojek", "bengkel", "lainnya")  # fmt: skip
BRANCHES = ("PLG", "SKA", "SMG", "MDN")
RAW = (
    "SELECT day, officer_code,"
    " SUM(CASE WHEN voided = 0 AND role = 'owner' THEN 1 ELSE 0 END) AS owners,"
    " SUM(CASE WHEN voided = 0 AND role = 'worker' THEN 1 ELSE 0 END) AS workers,"
    " SUM(CASE WHEN voided = 0 AND role = 'lead' THEN 1 ELSE 0 END) AS leads,"
    " SUM(CASE WHEN voided = 0 THEN converted ELSE 0 END) AS converted,"
    " SUM(voided) AS voided, SUM(CASE WHEN voided = 0 THEN monthly_due ELSE 0 END) AS due"
    " FROM records GROUP BY day, officer_code"
)
ROLLUP = """INSERT INTO daily_rollup (day, event_code, officer_code, sector, path, role,
    registrations, workers, leads, voided, monthly_due, converted, jht, jht_monthly_due)
  SELECT day, event_code, officer_code, sector, path, role,
    SUM(CASE WHEN voided = 0 AND role = 'owner' THEN 1 ELSE 0 END),
    SUM(CASE WHEN voided = 0 AND role = 'worker' THEN 1 ELSE 0 END),
    SUM(CASE WHEN voided = 0 AND role = 'lead' THEN 1 ELSE 0 END),
    SUM(voided),
    SUM(CASE WHEN voided = 0 AND role <> 'lead' THEN monthly_due ELSE 0 END),
    SUM(CASE WHEN voided = 0 AND role = 'lead' THEN converted ELSE 0 END),
    SUM(CASE WHEN voided = 0 AND programs = 'JKK,JKM,JHT' THEN 1 ELSE 0 END),
    SUM(CASE WHEN voided = 0 AND programs = 'JKK,JKM,JHT' THEN monthly_due ELSE 0 END)
  FROM records GROUP BY day, event_code, officer_code, sector, path, role"""


def _events(rand: random.Random) -> list[dict]:
    officers = [f"{b}-{i:02d}" for b in BRANCHES for i in range(1, 11)]
    events, start = [], date(2026, 1, 5)
    for n in range(36):
        first = start + timedelta(days=n * 10 + rand.randrange(0, 4))
        branch = BRANCHES[n % len(BRANCHES)]
        staff = rand.sample([o for o in officers if o.startswith(branch)], rand.randint(4, 6))
        last = first + timedelta(days=rand.randint(4, 13))
        events.append(
            {"code": f"EXPO-{branch}-{n:02d}", "branch": branch, "first": first, "last": last,
             "staff": staff}
        )  # fmt: skip
    return events


def build(path: Path, registrations: int, seed: int = 7) -> float:
    started = time.perf_counter()
    path.unlink(missing_ok=True)
    open_storage(str(path)).close()  # the hub's schema, migrated
    rand = random.Random(seed)
    events = _events(rand)
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA synchronous = OFF")
    indexes = conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' "
                           "AND tbl_name = 'records' AND sql IS NOT NULL").fetchall()  # fmt: skip
    conn.execute("BEGIN")
    for name, _ in indexes:
        conn.execute(f"DROP INDEX {name}")
    for e in events:
        conn.execute("INSERT INTO events (code, name, branch_code, starts_on, ends_on, "
                     "target_registrations, target_workers, updated_at) VALUES (?, ?, ?, ?, ?, "
                     "?, ?, 'x')", (e["code"], e["code"], e["branch"], e["first"].isoformat(),
                                   e["last"].isoformat(), 8000, 20000))  # fmt: skip
    for b in BRANCHES:
        conn.execute("INSERT INTO branches (code, name, target_year, target_new_employers, "
                     "target_informal, updated_at) VALUES (?, ?, 2026, 60000, 250000, 'x')",
                     (b, b))  # fmt: skip
        for i in range(1, 11):
            conn.execute(
                "INSERT INTO officers (code, name, branch_code, created_at, updated_at)"
                " VALUES (?, ?, ?, 'x', 'x')",
                (f"{b}-{i:02d}", f"Petugas {i}", b),
            )
    sql = (
        "INSERT INTO records (uuid, entity, version, content_hash, device_id, officer_code, "
        "event_code, day, role, path, sector, monthly_due, voided, nik_digest, data, "
        "created_at, received_at, updated_at, batch_id, programs, converted, person_digest) "
        "VALUES (?, ?, 1, '', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'bulk', ?, ?, ?)"
    )
    made, rows = 0, []
    while made < registrations:
        e = rand.choice(events)
        day = e["first"] + timedelta(days=rand.randrange((e["last"] - e["first"]).days + 1))
        officer, sector = rand.choice(e["staff"]), rand.choice(SECTORS)
        at = f"{day.isoformat()}T{rand.randrange(2, 12):02d}:{rand.randrange(60):02d}:00.000Z"
        group = [("owner", "bpu")]
        micro = rand.random() < 0.3
        group += [("worker", "pu_micro" if micro else "bpu")] * rand.choice((0, 1, 2, 3, 4, 5, 6))
        if rand.random() < 0.04:
            group.append(("lead", ""))
        for role, path_ in group:
            jht = role != "lead" and path_ == "bpu" and rand.random() < 0.2
            due = 0 if role == "lead" else (28_400 if jht else 8_400)
            data = {"reference_no": uuid.UUID(int=rand.getrandbits(128)).hex[:12].upper(),
                    "role": role, "sector": sector, "officer_code": officer,
                    "event_code": e["code"], "created_at": at, "monthly_due": due}  # fmt: skip
            rows.append((str(uuid.UUID(int=rand.getrandbits(128))),
                         "lead" if role == "lead" else "registration", f"laptop-{officer}",
                         officer, e["code"], day.isoformat(), role, path_, sector, due,
                         int(rand.random() < 0.01), f"{rand.getrandbits(256):064x}",
                         json.dumps(data), at, at, at, "JKK,JKM,JHT" if jht else
                         ("" if role == "lead" else "JKK,JKM"),
                         int(role == "lead" and rand.random() < 0.2), ""))  # fmt: skip
            made += role != "lead"
        if len(rows) >= 20_000:
            conn.executemany(sql, rows)
            rows.clear()
    conn.executemany(sql, rows)
    conn.execute(ROLLUP)
    # The coarser rollups from it, as the hub's bulk loader builds them.
    conn.execute(UNIT_DAY_FROM_DAILY)
    conn.execute(OFFICER_EVENT_FROM_DAILY)
    for _, index_sql in indexes:
        conn.execute(index_sql)
    conn.execute("COMMIT")
    conn.execute("ANALYZE")
    conn.close()
    return time.perf_counter() - started


def timed(work, runs: int) -> tuple[float, object]:  # type: ignore[no-untyped-def]
    times, result = [], None
    for _ in range(runs):
        started = time.perf_counter()
        result = work()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=Path("/tmp/outreach-hub-bench.db"))
    parser.add_argument("--registrations", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--rebuild", action="store_true")
    args = parser.parse_args()
    built = None
    if args.rebuild or not args.db.exists():
        print(f"building {args.db} with {args.registrations:,} registrations …", flush=True)
        built = build(args.db, args.registrations)
        print(f"built in {built:.1f} s", flush=True)
    with open_storage(str(args.db), create=False) as storage:
        source = HubTallies(storage)
        with storage.read() as tx:
            counts = {r["entity"]: r["n"] for r in tx.all(
                "SELECT entity, COUNT(*) AS n FROM records GROUP BY entity")}  # fmt: skip
            rollup_rows = tx.scalar("SELECT COUNT(*) AS n FROM daily_rollup")

        def raw() -> list:  # type: ignore[type-arg]
            with storage.read() as tx:
                return tx.all(RAW)

        def by_day_officer() -> tally.Tally:
            return tally.tally(source, ["day", "officer"])

        tally_times, raw_times = [], []
        for _ in range(args.runs):  # alternate, so drift hits both alike
            tally_times.append(timed(by_day_officer, 1)[0])
            raw_times.append(timed(raw, 1)[0])
        result, raw_rows = by_day_officer(), raw()
        assert len(result.rows) == len(raw_rows), (len(result.rows), len(raw_rows))
        raw_totals = [sum(r[k] for r in raw_rows) for k in ("owners", "workers", "leads", "due")]
        mine = result.totals
        assert raw_totals == [mine.owners, mine.workers, mine.leads, mine.monthly_due]
        day = date(2026, 6, 15)
        dashboard, _ = timed(lambda: dashboard_data(source, day), max(1, args.runs // 2))
        target_time, found = timed(lambda: targets.progress(source, day), max(1, args.runs // 2))
    report = {
        "db": str(args.db), "engine": "sqlite", "records": counts, "rollup_rows": rollup_rows,
        "registrations": result.totals.registrations, "groups": len(result.rows),
        "tally_day_officer_ms": round(statistics.median(tally_times) * 1000, 1),
        "raw_group_by_ms": round(statistics.median(raw_times) * 1000, 1),
        "ratio_tally_to_raw": round(statistics.median(tally_times)
                                    / statistics.median(raw_times), 4),
        "dashboard_ms": round(dashboard * 1000, 1), "targets_ms": round(target_time * 1000, 1),
        "targets": len(found), "build_seconds": round(built, 1) if built else None,
        "runs": args.runs, "python": sys.version.split()[0],
        "sqlite": sqlite3.sqlite_version,
    }  # fmt: skip
    print(f"records: {counts}  rollup rows: {rollup_rows:,}  groups: {len(result.rows):,}")
    print(f"day x officer tally (rollups): {report['tally_day_officer_ms']:8.1f} ms (< 200)")
    print(f"raw GROUP BY over records:     {report['raw_group_by_ms']:8.1f} ms")
    print(f"ratio tally / raw:             {report['ratio_tally_to_raw']:8.4f}")
    print(f"dashboard data:                {report['dashboard_ms']:8.1f} ms (< 2000)")
    print(f"targets:                       {report['targets_ms']:8.1f} ms")
    out = ROOT / "bench" / "results" / "tally.json"
    out.write_text(json.dumps(report, indent=2, sort_keys=True) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
