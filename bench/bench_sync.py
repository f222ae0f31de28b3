"""Sync throughput on loopback: the real ``outreach sync`` path into a real hub, against
raw ingest and against one HTTP request per record; and the hub on PostgreSQL.

    python bench/bench_sync.py [--registrations 10000] [--single 300] [--batch-size 1000]
    python bench/bench_sync.py --registrations 100000 --single 1000   # docs/BENCHMARKS.md
    python bench/bench_sync.py --profile        # + where the hub and the laptop spend it

The laptop is a generated officer file (``outreach sample``, cached under
/tmp/outreach-bench) with every record set back to pending, copied fresh for each run.
The hub is ``outreach hub serve --max-records 1000 --workers 2`` (``--hub-max-records``,
``--hub-workers``; the headline sync is also run once with one worker) under uvicorn in its
own processes (tests/support), on a fresh SQLite file (WAL,
``synchronous=FULL``) or a fresh database on a throwaway PostgreSQL cluster
(tests/support/postgres.py: ``initdb``, **fsync off**).

Modes, all in this run:

- **sync (SQLite hub)**: ``SyncRunner`` + ``HubClient`` in this process, exactly what
  ``outreach sync --batch-size N`` runs, minus the Rich progress bar. Records/s over the
  push phase (first batch written → last receipt applied) and end to end (capabilities,
  push, reconcile, downlink). Also at ``--other-batch-size`` (200: the CLI's old default).
- **raw ingest (SQLite)**: the same wire records (the batch bodies the sync sent) inserted
  straight into a fresh file with the hub's own schema (same tables, same indexes, same
  pragmas), ``executemany`` in one transaction: each ``records`` row with every column the
  hub fills (both keyed digests, so their random-key indexes do the same work) and its
  ``record_versions`` row (the hub's schema keeps every accepted version). The floor of
  what storing them costs: no validation, no HTTP, no receipts, no rollups, one commit.
  Baseline of the ≥ 50 % target. Also ``records`` only (no history rows), for reference.
- **hub alone**: the sync run's batch bodies, encoded beforehand, POSTed two at a time
  to a fresh hub by a sender that does nothing else: the hub's own capacity, as when the
  laptops are other machines (on a branch LAN they are).
- **HTTP per record**: the first ``--single`` records POSTed as batches of one (keep-alive
  httpx, the same API), i.e. OpenRosa-style form-at-a-time submission; and
  ``SyncRunner`` with ``batch_size=1`` on a laptop of ``--single`` registrations.
- **sync (PostgreSQL hub)** and **raw ingest (PostgreSQL)** (``executemany``, one
  transaction), unless ``--no-postgres`` or no PostgreSQL binaries are found.

Client and hub share this machine's cores (on a branch LAN they would not). Two batches
travel at once (``sync/pipeline.py`` ``IN_FLIGHT``), so the hub validates one while it stores
the other, and a worker thread writes the next batch and applies each receipt meanwhile:
the laptop's ``next_batch``/``apply_receipt`` times and the POST times overlap (the POST
times of the two in flight overlap each other too, so their sum exceeds the push time).
The sync rows also give the CPU per record over the push phase, the laptop's (this
process) and the hub's (its process group, from /proc), and the raw ingest's: a loaded
machine stretches wall times by whatever else runs, the CPU per record far less.
Writes bench/results/sync.json.
Targets: ≥ 10,000 records/s into SQLite and ≥ 50 % of the raw ingest.
"""

from __future__ import annotations

import argparse
import cProfile
import hashlib
import hmac
import io
import json
import os
import pstats
import sqlite3
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import benchlib
import httpx
from benchlib import ratio, table

from outreach_tui.domain import wire
from outreach_tui.hub.evaluate import person_key
from outreach_tui.hub.ingest import RECORD_COLUMNS  # the raw rows are the hub's rows
from outreach_tui.hub.storage import open_storage
from outreach_tui.hub.storage.sqlite import WAL_AUTOCHECKPOINT_PAGES
from outreach_tui.store import Store
from outreach_tui.store.outbox import SyncQueue
from outreach_tui.sync.client import HubClient
from outreach_tui.sync.runner import SyncProgress, SyncReport, SyncRunner
from tests.support.hub_server import HubServer, enroll_device

VERSION_COLUMNS = ("uuid", "version", "content_hash", "data", "batch_id", "received_at")


# -- the laptop ---------------------------------------------------------------------------


def pending_laptop(source: Path, target: Path) -> Path:
    """A copy of ``source`` with every record waiting to sync (as if never synced)."""
    with sqlite3.connect(f"file:{source}?mode=ro", uri=True) as src, sqlite3.connect(target) as out:
        src.backup(out)
    conn = sqlite3.connect(target)
    with conn:
        for t in ("registrations", "leads"):
            conn.execute(f"UPDATE {t} SET sync_state = 'pending', base_version = NULL,"
                         " synced_at = NULL, sync_code = NULL, sync_field = NULL,"
                         " sync_message = NULL")  # fmt: skip
        for t in ("sync_receipts", "sync_batches", "sync_checkpoints"):
            conn.execute(f"DELETE FROM {t}")
    conn.execute("PRAGMA journal_mode = WAL")
    conn.close()
    return target


def count_records(path: Path) -> int:
    with sqlite3.connect(path) as conn:
        return conn.execute(
            "SELECT (SELECT count(*) FROM registrations) + (SELECT count(*) FROM leads)"
        ).fetchone()[0]


class TimedQueue(SyncQueue):
    """The real queue; adds up the time its two per-batch transactions take."""

    spent: dict[str, float]

    def next_batch(self, limit: int, *, hub_id: str, exclude: Any = ()) -> Any:
        started = time.perf_counter()
        try:
            return super().next_batch(limit, hub_id=hub_id, exclude=exclude)
        finally:
            self.spent["laptop: next_batch (pick, body, mark uploading)"] += (
                time.perf_counter() - started
            )

    def apply_receipt(self, batch_id: str, receipt: dict[str, Any], *, sent: Any = None) -> Any:
        started = time.perf_counter()
        try:
            return super().apply_receipt(batch_id, receipt, sent=sent)
        finally:
            self.spent["laptop: apply_receipt"] += time.perf_counter() - started


class TimedClient(HubClient):
    """The real client; keeps each body it sent and the time each POST took."""

    bodies: list[dict[str, Any]]
    spent: dict[str, float]

    def push(self, body: dict[str, Any], *, encoded: bytes | None = None) -> dict[str, Any]:
        started = time.perf_counter()
        try:
            return super().push(body, encoded=encoded)
        finally:
            self.spent["POST /batches (HTTP + hub)"] += time.perf_counter() - started
            self.bodies.append(body)


def group_cpu_seconds(group: int | None) -> float:
    """User + system CPU so far of every live process in process group ``group`` (the hub
    and its uvicorn workers: tests/support/hub_server.py starts them in their own), read
    from /proc; 0.0 without a group or without /proc."""
    if group is None:
        return 0.0
    ticks = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()  # after "pid (comm)"
        except OSError:  # the process ended meanwhile
            continue
        if int(fields[2]) == group:  # state, ppid, pgrp, …, utime (11), stime (12)
            ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


def run_sync(laptop: Path, hub_url: str, token: str, hub_id: str, batch_size: int) -> dict:
    """One real sync run; records/s over the push phase and end to end, a breakdown, and
    the CPU the laptop (this process: runner, client, queue) and the hub spent per record
    over the push phase: figures a loaded machine changes far less than the wall times."""
    marks: dict[str, float] = {}
    cpu: dict[str, float] = {}

    def progress(p: SyncProgress) -> None:
        now = time.perf_counter()
        if p.phase == "reconcile" and "first_reconcile" not in marks:
            cpu["laptop_end"], cpu["hub_end"] = time.process_time(), group_cpu_seconds(HUB_GROUP[0])
        marks.setdefault(f"first_{p.phase}", now)
        marks[f"last_{p.phase}"] = now

    spent = {"laptop: next_batch (pick, body, mark uploading)": 0.0,
             "laptop: apply_receipt": 0.0, "POST /batches (HTTP + hub)": 0.0}  # fmt: skip
    with Store(laptop, create=False) as store:
        queue = TimedQueue(store.database, store.device_id)
        queue.spent = spent
        key = httpx.get(f"{hub_url}/api/v1/capabilities", timeout=30).json()["hub_key"]
        with TimedClient(hub_url, token, hub_key=key) as client:
            client.bodies, client.spent = [], spent
            runner = SyncRunner(queue, client, expected_hub_id=hub_id, batch_size=batch_size,
                                progress=progress)  # fmt: skip
            cpu["laptop_start"], cpu["hub_start"] = time.process_time(), group_cpu_seconds(
                HUB_GROUP[0])  # fmt: skip
            started = time.perf_counter()
            report: SyncReport = runner.run()
            ended = time.perf_counter()
    assert report.error is None, report.error
    sent = sum(report.counts.values())
    assert report.counts["accepted"] == sent, report.counts
    assert report.still_pending == 0 and all(d.matches for d in report.reconciliation)
    push_s = marks["first_reconcile"] - started  # capabilities + recover are ~ms
    return {
        "records": sent, "batches": report.batches, "batch_size": batch_size,
        "push_seconds": round(push_s, 3), "total_seconds": round(ended - started, 3),
        "records_per_s": round(sent / push_s, 1),
        "records_per_s_end_to_end": round(sent / (ended - started), 1),
        "breakdown_s": {k: round(v, 3) for k, v in spent.items()},
        "cpu_us_per_record_push": {
            side: round((cpu[f"{side}_end"] - cpu[f"{side}_start"]) / sent * 1e6, 1)
            for side in ("laptop", "hub")
        },
        "_bodies": client.bodies,
    }  # fmt: skip


# -- raw ingest baselines -----------------------------------------------------------------


def _digest(key: bytes, text: str) -> str:
    return hmac.digest(key, text.encode(), hashlib.sha256).hex()


def raw_rows(bodies: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    """The ``records`` rows the hub stores, every column filled as the hub fills it (the
    two keyed digests too, so their indexes do the same work), from cheap derivations:
    no validation, no receipts, no rollups."""
    key = b"k" * 32
    now = "2026-11-23T10:00:00.000Z"
    rows = []
    for body in bodies:
        for r in body["records"]:
            d = r["data"]
            role = d.get("role") or "lead"
            nik, phone = d.get("nik"), d.get("phone")
            person = (person_key(d["full_name"], d["birth_date"], phone)
                      if role != "lead" else None)  # fmt: skip
            rows.append((
                r["uuid"], r["entity"], r["version"], r["content_hash"], body["device_id"],
                "dev-1", d["officer_code"], d.get("event_code") or "", d["created_at"][:10],
                role, d.get("path") or "", d.get("sector") or "", d.get("monthly_due") or 0,
                int(bool(d.get("voided_at"))), _digest(key, nik) if nik else None,
                wire.canonical_json(d).decode(), d["created_at"], now, now, body["batch_id"],
                ",".join(d.get("programs") or []), 0,
                None if role == "lead" else (_digest(key, person) if person else ""),
            ))  # fmt: skip
    return rows


def version_rows(rows: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """Each record's ``record_versions`` row: the hub keeps every version it accepted
    (an invariant of its schema, tests/reliability/invariants.py: ``missing_history``)."""
    at = {c: RECORD_COLUMNS.index(c) for c in VERSION_COLUMNS}
    return [tuple(row[at[c]] for c in VERSION_COLUMNS) for row in rows]


def _inserts(mark: str) -> tuple[str, str]:
    return (
        f"INSERT INTO records ({', '.join(RECORD_COLUMNS)}) "
        f"VALUES ({', '.join([mark] * len(RECORD_COLUMNS))})",
        f"INSERT INTO record_versions ({', '.join(VERSION_COLUMNS)}) "
        f"VALUES ({', '.join([mark] * len(VERSION_COLUMNS))})",
    )


def raw_ingest_sqlite(folder: Path, bodies: list[dict[str, Any]], *, history: bool) -> dict:
    """The rows into a fresh file with the hub's own schema, indexes and pragmas (WAL,
    ``synchronous=FULL``), ``executemany`` in one transaction. ``history``: the
    ``record_versions`` rows too (the same rows the hub must write); else ``records`` only."""
    path = folder / f"raw-hub-{int(history)}.db"
    open_storage(str(path)).close()  # the hub's own schema and indexes
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute(f"PRAGMA wal_autocheckpoint = {WAL_AUTOCHECKPOINT_PAGES}")
    records_sql, versions_sql = _inserts("?")
    started, cpu = time.perf_counter(), time.process_time()
    rows = raw_rows(bodies)
    built = time.perf_counter()
    conn.execute("BEGIN IMMEDIATE")
    conn.executemany(records_sql, rows)
    if history:
        conn.executemany(versions_sql, version_rows(rows))
    conn.execute("COMMIT")
    ended, cpu = time.perf_counter(), time.process_time() - cpu
    conn.close()
    return {"records": len(rows), "history": history, "seconds": round(ended - started, 3),
            "build_rows_seconds": round(built - started, 3),
            "cpu_us_per_record": round(cpu / len(rows) * 1e6, 1),
            "records_per_s": round(len(rows) / (ended - started), 1)}  # fmt: skip


def raw_ingest_postgres(url: str, bodies: list[dict[str, Any]]) -> dict[str, Any]:
    import psycopg

    open_storage(url).close()
    records_sql, versions_sql = _inserts("%s")
    with psycopg.connect(url) as conn:
        started = time.perf_counter()
        rows = raw_rows(bodies)
        with conn.transaction(), conn.cursor() as cur:
            cur.executemany(records_sql, rows)
            cur.executemany(versions_sql, version_rows(rows))
        ended = time.perf_counter()
    return {"records": len(rows), "history": True, "seconds": round(ended - started, 3),
            "records_per_s": round(len(rows) / (ended - started), 1)}  # fmt: skip


# -- one record per request ---------------------------------------------------------------


def post_one_by_one(hub_url: str, token: str, bodies: list[dict[str, Any]], count: int) -> dict:
    """``count`` records, each its own batch (same context), over one keep-alive client."""
    from outreach_tui.domain.ids import new_uuid

    singles = []
    for body in bodies:
        for r in body["records"]:
            if len(singles) < count:
                singles.append({**body, "batch_id": new_uuid(), "records": [r]})
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    with httpx.Client(base_url=hub_url, headers=headers, timeout=60) as http:
        started = time.perf_counter()
        for one in singles:
            response = http.post("/api/v1/batches", content=json.dumps(one).encode())
            assert response.status_code == 200, response.text
            assert response.json()["results"][0]["outcome"] == "accepted", response.text
        elapsed = time.perf_counter() - started
    return {"records": len(singles), "seconds": round(elapsed, 3),
            "records_per_s": round(len(singles) / elapsed, 1)}  # fmt: skip


def replay_batches(hub_url: str, token: str, bodies: list[dict[str, Any]]) -> dict:
    """The hub alone over HTTP: the sync run's batch bodies, encoded beforehand, POSTed to
    a fresh hub two at a time (as the runner sends them) by a sender that does nothing
    else. What a branch hub takes in when the laptops are other machines: here the
    sender's few µs per record are all the hub shares its two cores with."""
    from concurrent.futures import ThreadPoolExecutor

    encoded = [json.dumps(b, ensure_ascii=False, separators=(",", ":")).encode() for b in bodies]
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    with httpx.Client(base_url=hub_url, headers=headers, timeout=120) as http:

        def post(raw: bytes) -> int:
            response = http.post("/api/v1/batches", content=raw)
            assert response.status_code == 200, response.text
            results = response.json()["results"]
            assert all(r["outcome"] == "accepted" for r in results), results[:3]
            return len(results)

        with ThreadPoolExecutor(2) as pool:
            started = time.perf_counter()
            records = sum(pool.map(post, encoded))
            elapsed = time.perf_counter() - started
    return {"records": records, "batches": len(bodies), "seconds": round(elapsed, 3),
            "records_per_s": round(records / elapsed, 1)}  # fmt: skip


# -- where the hub's time goes (in process, same bodies) ----------------------------------


def hub_breakdown(folder: Path, bodies: list[dict[str, Any]], profile: bool) -> dict[str, Any]:
    """Replay the bodies through the hub's own code without HTTP: parse, judge, store."""
    from outreach_tui.hub import ingest
    from outreach_tui.hub.auth import enroll
    from outreach_tui.hub.body import parse_model
    from outreach_tui.hub.evaluate import evaluate
    from outreach_tui.hub.ingest import ingest_batch
    from outreach_tui.hub.meta import load_hub_info
    from outreach_tui.protocol.requests import BatchIn

    storage = open_storage(str(folder / "breakdown-hub.db"))
    hub = load_hub_info(storage)
    # A batch comes from an enrolled device (its laptop id is bound on the first batch).
    device, _ = enroll(storage, officer="PLG-01", name="bench laptop")
    raws = [json.dumps(b, ensure_ascii=False, separators=(",", ":")).encode() for b in bodies]
    spent = {"parse (msgspec: JSON + models)": 0.0, "evaluate (hash + validation)": 0.0,
             "transaction (SQL, rollups, receipt, fsync)": 0.0}  # fmt: skip
    # "transaction" is the rest of ingest_batch: canonical JSON and the batch digest too.
    judged: dict[int, Any] = {}
    real_evaluate = ingest.evaluate
    # ingest_batch judges every record before its transaction; hand it the judgements
    # made (and timed) just before, so the transaction is timed on its own.
    ingest.evaluate = lambda record, *_, **__: judged[id(record)]  # type: ignore[assignment]
    profiler = cProfile.Profile() if profile else None
    records = 0
    try:
        for raw in raws:
            t0 = time.perf_counter()
            batch = parse_model(BatchIn, raw, max_records=10_000, max_bytes=50_000_000)
            parsed = time.perf_counter()
            # ingest_batch computes each record's canonical JSON (the hash preimage) once,
            # and that is timed with it below; evaluate is handed the same bytes there.
            canonical = [wire.canonical_json(record.data) for record in batch.records]
            t1 = time.perf_counter()
            if profiler:
                profiler.enable()
            judged = {
                id(record): evaluate(record, hub, "id", canonical=data)
                for record, data in zip(batch.records, canonical, strict=True)
            }
            t2 = time.perf_counter()
            ingest_batch(storage, hub, batch, device=device)
            if profiler:
                profiler.disable()
            t3 = time.perf_counter()
            spent["parse (msgspec: JSON + models)"] += parsed - t0
            spent["evaluate (hash + validation)"] += t2 - t1
            spent["transaction (SQL, rollups, receipt, fsync)"] += t3 - t2
            records += len(batch.records)
    finally:
        ingest.evaluate = real_evaluate  # type: ignore[assignment]
        storage.close()
    result: dict[str, Any] = {
        "records": records,
        "seconds": {k: round(v, 3) for k, v in spent.items()},
        "records_per_s_in_process": round(records / sum(spent.values()), 1),
        "records_per_s_without_validation": round(
            records / (sum(spent.values()) - spent["evaluate (hash + validation)"]), 1),
    }  # fmt: skip
    if profiler:
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(30)
        result["profile_top"] = out.getvalue()
    return result


def laptop_profile(source: Path, folder: Path, hub_url: str, token: str, hub_id: str,
                   batch_size: int) -> str:  # fmt: skip
    """cProfile of one real sync run on the laptop side (the hub is another process)."""
    laptop = pending_laptop(source, folder / "laptop-profile.db")
    profiler = cProfile.Profile()
    profiler.enable()
    run_sync(laptop, hub_url, token, hub_id, batch_size)
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(20)
    return out.getvalue()


# -- main ---------------------------------------------------------------------------------


HUB_ARGS: list[str] = []  # extra `outreach hub serve` flags (--hub-max-records)
HUB_WORKERS = [2]  # `outreach hub serve --workers` (--hub-workers)
HUB_GROUP: list[int | None] = [None]  # process group of the hub now serving (its CPU)


def with_hub(db: str, work: Callable[[str, str, str], dict], *, workers: int | None = None) -> dict:
    count = HUB_WORKERS[0] if workers is None else workers
    with HubServer(db, *HUB_ARGS, "--workers", str(count)) as server:
        _, token = enroll_device(db, officer="PLG-01", name="bench-laptop")
        hub_id = httpx.get(f"{server.url}/api/v1/capabilities").json()["hub_id"]
        HUB_GROUP[0] = server.process.pid if server.process else None  # its own group
        try:
            return work(server.url, token, hub_id)
        finally:
            HUB_GROUP[0] = None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--registrations",
        type=int,
        default=10_000,
        help="registration rows of the laptop (plus its leads)",
    )
    parser.add_argument(
        "--single", type=int, default=300, help="records sent one per request (slow: keep small)"
    )
    parser.add_argument(
        "--batch-size", type=int, default=1000, help="as outreach sync --batch-size"
    )
    parser.add_argument(
        "--other-batch-size",
        type=int,
        default=200,
        help="a second sync at this size (200: outreach sync's default before 1000)",
    )
    parser.add_argument(
        "--hub-max-records",
        type=int,
        default=1000,
        help="outreach hub serve --max-records (its default: 1000)",
    )
    parser.add_argument(
        "--hub-workers",
        type=int,
        default=2,
        help="outreach hub serve --workers (a second run always uses 1)",
    )
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument(
        "--headline",
        action="store_true",
        help="only the sync on --hub-workers, the raw ingest and the hub in process",
    )
    parser.add_argument("--profile", action="store_true", help="print cProfile tops")
    args = parser.parse_args()
    HUB_ARGS[:] = ["--max-records", str(args.hub_max_records)]
    HUB_WORKERS[:] = [args.hub_workers]

    source = benchlib.sample_db(args.registrations)
    small = benchlib.sample_db(args.single)
    result: dict[str, Any] = {"registrations": args.registrations, "single": args.single,
                              "batch_size": args.batch_size,
                              "hub_max_records": args.hub_max_records,
                              "hub_workers": args.hub_workers}  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="bench-sync-") as tmp:
        folder = Path(tmp)
        laptop = pending_laptop(source, folder / "laptop.db")
        result["laptop_records"] = count_records(laptop)
        print(f"laptop: {result['laptop_records']:,} records pending; hub on SQLite …", flush=True)

        def sqlite_run(url: str, token: str, hub_id: str) -> dict:
            return run_sync(laptop, url, token, hub_id, args.batch_size)

        sync_sqlite = with_hub(str(folder / "hub.db"), sqlite_run)
        bodies = sync_sqlite.pop("_bodies")
        result["sync_sqlite"] = sync_sqlite
        if not args.headline:
            others(args, result, source, small, folder, bodies)
        print("raw ingest (SQLite) …", flush=True)
        result["raw_sqlite"] = raw_ingest_sqlite(folder, bodies, history=True)
        result["raw_sqlite_records_only"] = raw_ingest_sqlite(folder, bodies, history=False)

        print("hub code in process (no HTTP) …", flush=True)
        result["hub_in_process"] = hub_breakdown(folder, bodies, args.profile)
        if args.profile:
            result["laptop_profile_top"] = with_hub(
                str(folder / "hub-profile.db"),
                lambda url, token, hub_id: {"top": laptop_profile(
                    source, folder, url, token, hub_id, args.batch_size)},
            )["top"]  # fmt: skip

        if not args.no_postgres and not args.headline:
            result.update(postgres_runs(source, folder, bodies, args.batch_size))

    report(result)
    for key in ("profile_top",):
        if key in result["hub_in_process"]:
            print("\nhub ingest_batch, cProfile (cumulative):\n", result["hub_in_process"][key])
    if "laptop_profile_top" in result:
        print("\nlaptop side of one sync run, cProfile (tottime):\n", result["laptop_profile_top"])
    benchlib.write_result("sync", result, command=benchlib.command_line())


def others(args: argparse.Namespace, result: dict[str, Any], source: Path, small: Path,
           folder: Path, bodies: list[dict[str, Any]]) -> None:  # fmt: skip
    """The modes besides the headline: other batch sizes, one hub worker, the hub alone,
    one request per record."""
    other = pending_laptop(source, folder / "laptop-other.db")
    print(f"same laptop, --batch-size {args.other_batch_size} …", flush=True)
    result["sync_sqlite_other"] = with_hub(
        str(folder / "hub-other.db"),
        lambda url, token, hub_id: run_sync(other, url, token, hub_id,
                                            args.other_batch_size),
    )  # fmt: skip
    result["sync_sqlite_other"].pop("_bodies")
    if args.hub_workers != 1:
        print("same laptop, the hub on one worker process …", flush=True)
        one = pending_laptop(source, folder / "laptop-one-worker.db")
        result["sync_sqlite_one_worker"] = with_hub(
            str(folder / "hub-one-worker.db"),
            lambda url, token, hub_id: run_sync(one, url, token, hub_id, args.batch_size),
            workers=1,
        )
        result["sync_sqlite_one_worker"].pop("_bodies")
    print("the hub alone: the same batches, encoded beforehand …", flush=True)
    result["hub_replay"] = with_hub(
        str(folder / "hub-replay.db"),
        lambda url, token, _: replay_batches(url, token, bodies),
    )

    print(f"one request per record ({args.single}) …", flush=True)
    result["http_per_record"] = with_hub(
        str(folder / "hub-single.db"),
        lambda url, token, _: post_one_by_one(url, token, bodies, args.single),
    )
    small_laptop = pending_laptop(small, folder / "laptop-small.db")
    small_batched = pending_laptop(small, folder / "laptop-small-batched.db")
    per_record_sync = with_hub(
        str(folder / "hub-single-sync.db"),
        lambda url, token, hub_id: run_sync(small_laptop, url, token, hub_id, 1),
    )
    per_record_sync.pop("_bodies")
    result["sync_batch_size_1"] = per_record_sync
    small_run = with_hub(
        str(folder / "hub-small.db"),
        lambda url, token, hub_id: run_sync(small_batched, url, token, hub_id,
                                            args.batch_size),
    )  # fmt: skip
    small_run.pop("_bodies")
    result["sync_small_same_laptop"] = small_run


def postgres_runs(source: Path, folder: Path, bodies: list[dict[str, Any]],
                  batch_size: int) -> dict[str, Any]:  # fmt: skip
    from tests.support.postgres import PostgresCluster, find_pg_bin

    if find_pg_bin() is None:
        print("no PostgreSQL binaries: skipping the PostgreSQL hub")
        return {"postgres": "skipped: no binaries"}
    print("hub on PostgreSQL (throwaway cluster, fsync off) …", flush=True)
    cluster = PostgresCluster().start()
    try:
        laptop = pending_laptop(source, folder / "laptop-pg.db")
        sync_pg = with_hub(
            cluster.create_database("bench_sync"),
            lambda url, token, hub_id: run_sync(laptop, url, token, hub_id, batch_size),
        )
        sync_pg.pop("_bodies")
        raw_pg = raw_ingest_postgres(cluster.create_database("bench_raw"), bodies)
    finally:
        cluster.stop()
    return {"sync_postgres": sync_pg, "raw_postgres": raw_pg}


def report(r: dict[str, Any]) -> None:
    base = r["sync_sqlite"]["records_per_s"]
    rows = [
        [f"outreach sync -> hub (SQLite, {r.get('hub_workers', 1)} workers), push phase",
         r["sync_sqlite"]["records"], r["sync_sqlite"]["push_seconds"],
         r["sync_sqlite"]["records_per_s"], 1.0],
        ["  same run, end to end (+reconcile, downlink)", r["sync_sqlite"]["records"],
         r["sync_sqlite"]["total_seconds"], r["sync_sqlite"]["records_per_s_end_to_end"],
         ratio(r["sync_sqlite"]["records_per_s_end_to_end"], base)],
        *([["  same laptop, the hub on 1 worker", r["sync_sqlite_one_worker"]["records"],
            r["sync_sqlite_one_worker"]["push_seconds"],
            r["sync_sqlite_one_worker"]["records_per_s"],
            ratio(r["sync_sqlite_one_worker"]["records_per_s"], base)]]
          if "sync_sqlite_one_worker" in r else []),
        ["raw ingest: executemany, one tx (SQLite)", r["raw_sqlite"]["records"],
         r["raw_sqlite"]["seconds"], r["raw_sqlite"]["records_per_s"],
         ratio(r["raw_sqlite"]["records_per_s"], base)],
        ["  same, records only (no history rows)", r["raw_sqlite_records_only"]["records"],
         r["raw_sqlite_records_only"]["seconds"],
         r["raw_sqlite_records_only"]["records_per_s"],
         ratio(r["raw_sqlite_records_only"]["records_per_s"], base)],
    ]  # fmt: skip
    if "hub_replay" in r:
        rows += [
        ["hub alone: same batches pre-encoded, 2 in flight", r["hub_replay"]["records"],
         r["hub_replay"]["seconds"], r["hub_replay"]["records_per_s"],
         ratio(r["hub_replay"]["records_per_s"], base)],
        ["HTTP POST per record (keep-alive)", r["http_per_record"]["records"],
         r["http_per_record"]["seconds"], r["http_per_record"]["records_per_s"],
         ratio(r["http_per_record"]["records_per_s"], base)],
        ["outreach sync --batch-size 1", r["sync_batch_size_1"]["records"],
         r["sync_batch_size_1"]["push_seconds"], r["sync_batch_size_1"]["records_per_s"],
         ratio(r["sync_batch_size_1"]["records_per_s"], base)],
        [f"  same small laptop, --batch-size {r['batch_size']}",
         r["sync_small_same_laptop"]["records"], r["sync_small_same_laptop"]["push_seconds"],
         r["sync_small_same_laptop"]["records_per_s"],
         ratio(r["sync_small_same_laptop"]["records_per_s"], base)],
        [f"  same laptop, --batch-size {r['sync_sqlite_other']['batch_size']}",
         r["sync_sqlite_other"]["records"], r["sync_sqlite_other"]["push_seconds"],
         r["sync_sqlite_other"]["records_per_s"],
         ratio(r["sync_sqlite_other"]["records_per_s"], base)],
    ]  # fmt: skip
    rows += [
        ["hub code in process, no HTTP (SQLite)", r["hub_in_process"]["records"],
         round(sum(r["hub_in_process"]["seconds"].values()), 3),
         r["hub_in_process"]["records_per_s_in_process"],
         ratio(r["hub_in_process"]["records_per_s_in_process"], base)],
        ["  same, validation left out", r["hub_in_process"]["records"],
         round(sum(r["hub_in_process"]["seconds"].values())
               - r["hub_in_process"]["seconds"]["evaluate (hash + validation)"], 3),
         r["hub_in_process"]["records_per_s_without_validation"],
         ratio(r["hub_in_process"]["records_per_s_without_validation"], base)],
    ]  # fmt: skip
    if "sync_postgres" in r:
        rows += [
            ["outreach sync -> hub (PostgreSQL), push phase", r["sync_postgres"]["records"],
             r["sync_postgres"]["push_seconds"], r["sync_postgres"]["records_per_s"],
             ratio(r["sync_postgres"]["records_per_s"], base)],
            ["raw ingest: executemany, one tx (PostgreSQL)", r["raw_postgres"]["records"],
             r["raw_postgres"]["seconds"], r["raw_postgres"]["records_per_s"],
             ratio(r["raw_postgres"]["records_per_s"], base)],
        ]  # fmt: skip
    print(table(["mode", "records", "seconds", "records/s", "x sync(SQLite)"], rows))
    sync_vs_raw = ratio(base, r["raw_sqlite"]["records_per_s"])
    r["ratio_sync_to_raw_sqlite"] = sync_vs_raw
    r["ratio_sync_to_raw_sqlite_records_only"] = ratio(
        base, r["raw_sqlite_records_only"]["records_per_s"]
    )
    if "hub_replay" in r:
        r["ratio_sync_to_http_per_record"] = ratio(base, r["http_per_record"]["records_per_s"])
        r["ratio_hub_alone_to_raw_sqlite"] = ratio(
            r["hub_replay"]["records_per_s"], r["raw_sqlite"]["records_per_s"]
        )
    if "sync_postgres" in r:
        r["ratio_sync_postgres_to_raw_postgres"] = ratio(
            r["sync_postgres"]["records_per_s"], r["raw_postgres"]["records_per_s"]
        )
    print(
        f"sync / raw ingest (SQLite): {sync_vs_raw:.3f}  (target >= 0.5; records only: "
        f"{r['ratio_sync_to_raw_sqlite_records_only']:.3f});  "
        f"sync: {base:,.0f} records/s (target >= 10,000)"
    )
    if "hub_replay" in r:
        print(f"hub alone (pre-encoded batches) / raw ingest: "
              f"{r['ratio_hub_alone_to_raw_sqlite']:.3f}")  # fmt: skip
    if "sync_sqlite_one_worker" in r:
        r["ratio_sync_one_worker_to_raw_sqlite"] = ratio(
            r["sync_sqlite_one_worker"]["records_per_s"], r["raw_sqlite"]["records_per_s"]
        )
        print(f"sync with the hub on 1 worker / raw ingest: "
              f"{r['ratio_sync_one_worker_to_raw_sqlite']:.3f}")  # fmt: skip
    if "hub_replay" in r:
        print(f"sync / one request per record: {r['ratio_sync_to_http_per_record']:.1f}x")
    print("time of the SQLite sync run, by part (s):")
    parts = [*r["sync_sqlite"]["breakdown_s"].items(),
             ("push phase, all", r["sync_sqlite"]["push_seconds"])]  # fmt: skip
    print(table(["part", "seconds"], parts))
    cpu = r["sync_sqlite"]["cpu_us_per_record_push"]
    print(f"CPU per record over the push phase: laptop {cpu['laptop']:.1f} µs, hub (all its "
          f"processes) {cpu['hub']:.1f} µs; both cores' worth at this rate: "
          f"{2e6 / (cpu['laptop'] + cpu['hub']):,.0f} records/s; raw ingest "
          f"{r['raw_sqlite']['cpu_us_per_record']:.1f} µs")  # fmt: skip
    print("hub code in process (s):")
    print(table(["part", "seconds"], list(r["hub_in_process"]["seconds"].items())))


if __name__ == "__main__":
    main()
