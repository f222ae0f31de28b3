"""Issue 17, scale: a multi-branch hub on one PostgreSQL, measured against same-run baselines.

    python bench/bench_scale.py [--records 200000] [--branches 150] [--regions 12]
        [--devices 5000] [--runs 7] [--dsn URL] [--keep] [--skip-generate] [--database scale]
        [--ingest-records 40000] [--laptops 8] [--batch 200] [--processes 2,4]
        [--size 120x40]

The documented run is ``--records 10000000`` on a throwaway cluster (the default: one
from tests/support/postgres.py, tuned for a bulk load: fsync off, 2 GB shared buffers,
``wal_level=minimal``). Measured, each against a baseline from the same run:

1. the generator (``outreach sample --hub-dsn``, a child process): seconds, records/s,
   its peak RSS, the database's size;
2. tallies as ``outreach tally`` computes them (rollup SQL, the unit tree, shaping),
   median of ``--runs``: one region's day x branch, the nation by region and by day x
   branch; baseline: the raw SQL aggregate of the same groups over ``daily_rollup``;
3. a region's dashboard (`outreach dashboard --hub-db URL --unit REGION`, a child, as
   bench_dashboard.py does it) from launch to painted with figures, against a bare
   Textual app's first paint;
4. ingest: ``--laptops`` threads post batches of ``--batch`` new records to 2 and 4 hub
   processes (``outreach hub serve``) sharing one database: records/s, against a raw
   ``COPY`` and a raw ``executemany`` of the very rows the hub stored, into an empty
   hub database with the same indexes.

Targets (issue 17): region tally <= 100 ms, national <= 200 ms at 10M, region dashboard
<= 2 s. Writes bench/results/scale.json.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from itertools import cycle
from typing import Any

import benchlib
from benchlib import ROOT

from outreach_tui.domain.ids import new_uuid

# Bulk-load settings for the throwaway cluster (never for a real one: fsync is off).
TUNING = {
    "shared_buffers": "2GB", "maintenance_work_mem": "1GB", "work_mem": "32MB",
    "max_wal_size": "16GB", "wal_level": "minimal", "max_wal_senders": "0",
    "checkpoint_timeout": "30min", "effective_cache_size": "8GB",
}  # fmt: skip
REGION = "KW-JATENG"
_SUMS = (
    "SUM(registrations) AS owners, SUM(workers) AS workers, SUM(leads) AS leads, "
    "SUM(converted) AS converted, SUM(voided) AS voided, SUM(monthly_due) AS monthly_due"
)


@contextmanager
def cluster(dsn: str | None) -> Iterator[str]:
    """A database URL: ``dsn`` as given, or a tuned throwaway cluster's ``postgres`` db."""
    if dsn:
        yield dsn
        return
    from tests.support.postgres import PostgresCluster

    pg = PostgresCluster().start()
    try:
        import psycopg

        with psycopg.connect(pg.url(), autocommit=True) as conn:
            for name, value in TUNING.items():
                conn.execute(f"ALTER SYSTEM SET {name} = '{value}'")
        pg._run("pg_ctl", "-D", str(pg.data), "-m", "fast", "-w", "stop")
        pg._start_server(pg.port)
        yield pg.url()
    finally:
        pg.stop()


def new_database(base: str, name: str) -> str:
    import psycopg

    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    return base.rsplit("/", 1)[0] + "/" + name


def run_outreach(*args: str) -> tuple[dict[str, Any], float, float]:
    """``outreach ARGS --json`` in a child: (its JSON, seconds, the child's peak RSS MB)."""
    wrapper = (
        "import json, resource, subprocess, sys, time\n"
        "t = time.perf_counter(); done = subprocess.run(sys.argv[1:], capture_output=True)\n"
        "s = time.perf_counter() - t\n"
        "print(json.dumps({'rc': done.returncode, 'out': done.stdout.decode(), "
        "'err': done.stderr.decode()[-3000:], 's': s, "
        "'kib': resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}))"
    )
    command = [sys.executable, "-c", wrapper, sys.executable, "-m", "outreach_tui", *args]
    done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, check=True)
    report = json.loads(done.stdout)
    if report["rc"] != 0:
        raise RuntimeError(report["err"])
    return json.loads(report["out"]), report["s"], report["kib"] / 1024


def timed(work: Callable[[], Any], runs: int) -> float:
    work()  # warm: plans, buffers, the pool's first connection
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def tallies(url: str, runs: int) -> dict[str, Any]:
    import psycopg

    from outreach_tui.hub import tallies as hub_tallies
    from outreach_tui.hub import units
    from outreach_tui.hub.storage import open_storage
    from outreach_tui.reports.tally import tally

    out: dict[str, Any] = {}
    with open_storage(url) as storage, psycopg.connect(url, autocommit=True) as raw:
        raw.execute("SET jit = off")
        with storage.read() as tx:
            scope = units.scope_of(tx, REGION)
            out["rollup_rows"] = int(tx.scalar("SELECT COUNT(*) AS n FROM daily_rollup"))
            out["unit_day_rows"] = int(tx.scalar("SELECT COUNT(*) AS n FROM unit_day_rollup"))
        where, params = units.scope_sql(scope)
        marks = where.replace("?", "%s")
        cases = {
            "region_day_x_branch": (hub_tallies.HubTallies(storage, scope), ["day", "branch"],
                                    f"WHERE {marks} GROUP BY unit_code, day", params),
            "national_by_region": (hub_tallies.HubTallies(storage), ["region"],
                                   "GROUP BY unit_code", []),
            "national_day_x_branch": (hub_tallies.HubTallies(storage), ["day", "branch"],
                                      "GROUP BY unit_code, day", []),
        }  # fmt: skip
        for name, (source, by, tail, args) in cases.items():
            rows = len(tally(source, by).rows)
            ours = timed(lambda s=source, b=by: tally(s, b), runs)
            sql = f"SELECT unit_code, day, {_SUMS} FROM daily_rollup {tail}"
            if "day" not in tail:
                sql = sql.replace("unit_code, day,", "unit_code,")
            base = timed(lambda q=sql, a=args: raw.execute(q, a).fetchall(), runs)
            out[name] = {"rows": rows, "ms": benchlib.ms(ours), "raw_sql_ms": benchlib.ms(base),
                         "ratio": benchlib.ratio(ours, base)}  # fmt: skip
    return out


def dashboard(url: str, runs: int, size: str) -> dict[str, Any]:
    import bench_dashboard
    import psycopg

    with psycopg.connect(url) as conn:
        day = conn.execute("SELECT MAX(day) FROM unit_day_rollup WHERE unit_code = "
                           "'KC-SURAKARTA'").fetchone()[0]  # fmt: skip
    env = dict(os.environ)
    with tempfile.TemporaryDirectory() as tmp:
        # Bytecode written and reused, as on a laptop after its first start (a shell with
        # PYTHONDONTWRITEBYTECODE=1 would compile Textual afresh on every run: +1.3 s).
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(tmp)
        ours_args = (url, day, size, "--unit", REGION)
        bench_dashboard.run_once(bench_dashboard.BARE, size, env=env)
        bench_dashboard.run_once(bench_dashboard.OUTREACH, *ours_args, env=env)
        bare, ours = [], []
        for _ in range(runs):
            bare.append(bench_dashboard.run_once(bench_dashboard.BARE, size, env=env)[1])
            ours.append(bench_dashboard.run_once(bench_dashboard.OUTREACH, *ours_args, env=env))
    painted = statistics.median(o[1] for o in ours)
    return {
        "unit": REGION, "day": day, "size": size,
        "bare_textual_painted_ms": benchlib.ms(statistics.median(bare)),
        "figures_arrived_ms": benchlib.ms(statistics.median(o[0] for o in ours)),
        "painted_ms": benchlib.ms(painted), "painted_max_ms": benchlib.ms(max(o[1] for o in ours)),
        "ratio_painted_to_bare": benchlib.ratio(painted, statistics.median(bare)),
    }  # fmt: skip


# -- ingest ---------------------------------------------------------------------------


def laptop_batches(url: str, records: int, batch: int, laptops: int
                   ) -> list[tuple[str, list[dict[str, Any]]]]:  # fmt: skip
    """(token, batch bodies) per laptop, one laptop per branch: new records of other
    officers (seed 11) than the sample's, each laptop enrolled now into its branch."""
    from outreach_tui.hub.auth import enroll
    from outreach_tui.hub.evaluate import person_key
    from outreach_tui.hub.meta import load_hub_info
    from outreach_tui.hub.storage import open_storage
    from outreach_tui.sampledata.hub_records import HubRecords
    from outreach_tui.sampledata.hub_world import build_world

    world = build_world(seed=11, branches=laptops, regions=_regions(laptops), devices=laptops,
                        records=records)  # fmt: skip
    with open_storage(url) as storage:
        hub = load_hub_info(storage)

        def person(name: str, birth: str, phone: str | None) -> str:
            key = person_key(name, birth, phone)
            return "" if key is None else hub.nik_digest(key)

        maker = HubRecords(world, seed=11, records=records, nik_digest=hub.nik_digest,
                           person_digest=person)  # fmt: skip
        per_officer: dict[str, list[dict[str, Any]]] = {}
        for part in maker.chunks():
            entity = {row[0]: row[1] for row in part.records}
            for uuid, version, digest, data, _, _ in part.versions:
                if version == 1:
                    wire = json.loads(data)
                    per_officer.setdefault(wire["officer_code"], []).append(
                        {"entity": entity[uuid], "uuid": uuid, "version": 1,
                         "content_hash": digest, "data": wire})  # fmt: skip
        out = []
        for branch in world.branches:
            events = {e.code: {"code": e.code, "name": e.name, "venue": e.venue, "city": e.city,
                               "branch_code": branch.code,
                               "starts_on": e.starts_on.isoformat(),
                               "ends_on": e.ends_on.isoformat()}
                      for e in branch.events}  # fmt: skip
            for officer in branch.officers:
                _, token = enroll(storage, officer=officer.code, name=f"Bench {officer.code}",
                                  unit=branch.code)  # fmt: skip
                mine = per_officer.get(officer.code, [])
                bodies = []
                for i in range(0, len(mine), batch):
                    part = mine[i : i + batch]
                    named = sorted({r["data"]["event_code"] for r in part})
                    bodies.append({
                        "batch_id": new_uuid(), "device_id": officer.laptop_id,
                        "seq_from": i + 1, "seq_to": i + len(part), "records": part,
                        "events": [events[c] for c in named],
                        "officer": {"code": officer.code, "name": officer.name,
                                    "branch_code": branch.code},
                    })  # fmt: skip
                out.append((token, bodies))
    return out


def _regions(branches: int) -> int:
    return max(1, min(3, branches))


def push_all(urls: list[str], work: list[tuple[str, list[dict[str, Any]]]]) -> tuple[int, float]:
    import httpx

    counted, lock, errors = [0], threading.Lock(), []

    def laptop(url: str, token: str, bodies: list[dict[str, Any]]) -> None:
        with httpx.Client(base_url=url, timeout=300) as http:
            for body in bodies:
                answer = http.post("/api/v1/batches", json=body,
                                   headers={"Authorization": f"Bearer {token}"})  # fmt: skip
                if answer.status_code != 200:
                    errors.append(answer.text[:300])
                    return
                accepted = sum(r["outcome"] == "accepted" for r in answer.json()["results"])
                with lock:
                    counted[0] += accepted

    threads = [threading.Thread(target=laptop, args=(url, token, bodies))
               for url, (token, bodies) in zip(cycle(urls), work)]  # fmt: skip
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - started
    if errors:
        raise RuntimeError(errors[0])
    return counted[0], seconds


def raw_ingest(source: str, target: str) -> dict[str, float]:
    """The rows the hub stored, again, into an empty hub database with the same indexes:
    by COPY, then (emptied) by executemany; seconds each."""
    import psycopg

    from outreach_tui.hub.storage import open_storage

    open_storage(target).close()  # migrated: the same tables and indexes
    out: dict[str, float] = {}
    tables = ("records", "record_versions")
    with psycopg.connect(source) as src, psycopg.connect(target) as dst:
        dumped: dict[str, tuple[list[str], list[tuple[Any, ...]]]] = {}
        for table in tables:
            cur = src.execute(f"SELECT * FROM {table}")
            dumped[table] = ([d.name for d in cur.description or []], cur.fetchall())
        for how in ("copy", "executemany"):
            dst.execute(f"TRUNCATE {', '.join(tables)}")
            dst.commit()
            started = time.perf_counter()
            for table in tables:
                columns, rows = dumped[table]
                names = ", ".join(columns)
                with dst.cursor() as cur:
                    if how == "copy":
                        with cur.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                            for row in rows:
                                copy.write_row(row)
                    else:
                        marks = ", ".join(["%s"] * len(columns))
                        for i in range(0, len(rows), 1000):  # one transaction per batch
                            cur.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})",
                                            rows[i:i + 1000])  # fmt: skip
                            dst.commit()
            dst.commit()
            out[how] = time.perf_counter() - started
    return out


def ingest(base: str, args: argparse.Namespace) -> dict[str, Any]:
    from tests.support.hub_server import HubServer

    out: dict[str, Any] = {}
    for processes in args.processes:
        url = new_database(base, f"ingest{processes}")
        n = str(args.laptops)  # one branch per laptop; the units, nearly no records
        regions = str(_regions(args.laptops))
        run_outreach("sample", "--hub-dsn", url, "--branches", n, "--regions", regions,
                     "--devices", n, "--records", n, "--json")  # fmt: skip
        work = laptop_batches(url, args.ingest_records, args.batch, args.laptops)
        servers = [HubServer(url).start() for _ in range(processes)]
        try:
            accepted, seconds = push_all([s.url for s in servers], work)
        finally:
            for server in servers:
                server.stop()
        raw = raw_ingest(url, new_database(base, f"raw{processes}"))
        # The raw loads copy every record the hub holds, the sample's few included.
        import psycopg

        with psycopg.connect(url) as conn:
            held = conn.execute("SELECT COUNT(*) FROM records").fetchone()[0]
        rate = accepted / seconds
        out[f"processes_{processes}"] = {
            "laptops": len(work), "batch": args.batch, "accepted": accepted,
            "seconds": round(seconds, 2), "records_per_s": round(rate),
            "raw_copy_records_per_s": round(held / raw["copy"]),
            "raw_executemany_records_per_s": round(held / raw["executemany"]),
            "ratio_to_copy": benchlib.ratio(rate, held / raw["copy"]),
            "ratio_to_executemany": benchlib.ratio(rate, held / raw["executemany"]),
        }  # fmt: skip
    return out


def hub_counts(url: str) -> dict[str, int]:
    """Records, branches, regions and devices of an existing hub (``--skip-generate``)."""
    import psycopg

    with psycopg.connect(url) as conn:
        one = lambda sql: int(conn.execute(sql).fetchone()[0])  # noqa: E731
        return {
            "records": one("SELECT COUNT(*) FROM records"),
            "branches": one("SELECT COUNT(*) FROM units WHERE kind = 'branch'"),
            "regions": one("SELECT COUNT(*) FROM units WHERE kind = 'region'"),
            "devices": one("SELECT COUNT(*) FROM devices"),
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=200_000)
    parser.add_argument("--branches", type=int, default=150)
    parser.add_argument("--regions", type=int, default=12)
    parser.add_argument("--devices", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--dsn", help="an existing server's database URL (default: throwaway)")
    parser.add_argument("--skip-generate", action="store_true",
                        help="measure the hub already in --dsn's database --database")  # fmt: skip
    parser.add_argument("--database", default="scale",
                        help="the hub's database on the server (default: scale)")  # fmt: skip
    parser.add_argument("--ingest-records", type=int, default=40_000)
    parser.add_argument("--laptops", type=int, default=8)
    parser.add_argument("--batch", type=int, default=200)
    parser.add_argument("--processes", default="2,4")
    parser.add_argument("--size", default="120x40")
    parser.add_argument("--only", default="generate,tally,dashboard,ingest")
    args = parser.parse_args()
    args.processes = [int(p) for p in args.processes.split(",") if p]
    parts = set(args.only.split(","))
    result: dict[str, Any] = {"records": args.records, "branches": args.branches,
                              "regions": args.regions, "devices": args.devices}  # fmt: skip
    with cluster(args.dsn) as base:
        url = base.rsplit("/", 1)[0] + "/" + args.database
        if not args.skip_generate and "generate" in parts:
            url = new_database(base, args.database)
            report, seconds, peak = run_outreach(
                "sample", "--hub-dsn", url, "--branches", str(args.branches), "--regions",
                str(args.regions), "--devices", str(args.devices), "--records", str(args.records),
                "--json")  # fmt: skip
            import psycopg

            with psycopg.connect(url) as conn:
                size = conn.execute("SELECT pg_database_size(current_database())").fetchone()[0]
            result["generate"] = {
                "seconds": round(seconds, 1), "records_per_s": round(args.records / seconds),
                "peak_rss_mb": round(peak, 1), "database_gb": round(size / 1e9, 2),
                "report": report,
            }  # fmt: skip
            g = result["generate"]
            print(f"generated {args.records:,} records in {g['seconds']} s "
                  f"({g['records_per_s']:,}/s, peak RSS {g['peak_rss_mb']} MB, "
                  f"{g['database_gb']} GB)", flush=True)  # fmt: skip
        if args.skip_generate:  # the hub's own counts, not the command line's defaults
            result.update(hub_counts(url))
        if "tally" in parts:
            result["tally"] = tallies(url, args.runs)
            rows = [[name, v["rows"], v["ms"], v["raw_sql_ms"], v["ratio"]]
                    for name, v in result["tally"].items() if isinstance(v, dict)]  # fmt: skip
            print(benchlib.table(["tally", "rows", "median ms", "raw SQL ms", "ratio"], rows))
        if "dashboard" in parts:
            result["dashboard"] = d = dashboard(url, max(3, args.runs // 2), args.size)
            print(f"region dashboard painted {d['painted_ms']:.0f} ms (worst "
                  f"{d['painted_max_ms']:.0f}), bare Textual "
                  f"{d['bare_textual_painted_ms']:.0f} ms, "
                  f"x{d['ratio_painted_to_bare']}", flush=True)  # fmt: skip
        if "ingest" in parts:
            result["ingest"] = ingest(base, args)
            print(benchlib.table(
                ["ingest", "laptops", "records/s", "raw COPY/s", "ratio", "raw executemany/s",
                 "ratio"],
                [[k, v["laptops"], v["records_per_s"], v["raw_copy_records_per_s"],
                  v["ratio_to_copy"], v["raw_executemany_records_per_s"],
                  v["ratio_to_executemany"]] for k, v in result["ingest"].items()],
            ))  # fmt: skip
    result["targets"] = {"region_tally_ms": 100, "national_tally_ms": 200,
                         "region_dashboard_ms": 2000}  # fmt: skip
    result["rusage_children_max_rss_mb"] = round(
        resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1
    )
    # A partial run (--only) keeps its own file: a later part never hides an earlier one.
    name = "scale" if args.only == parser.get_default("only") else f"scale-{args.only}"
    benchlib.write_result(name.replace(",", "-"), result, command=benchlib.command_line())


if __name__ == "__main__":
    main()
