"""Issue 17 exports: openpyxl write-only against xlsxwriter constant-memory on the same rows,
then the product's export of one branch's month (XLSX) and of a whole region (CSV).

    python bench/bench_exports.py [--rows 100000] [--runs 3] [--db /tmp/…/hub-exports.db]

**Writers, side by side.** Each writer runs in a process of its own (so its peak RSS is
its own, ``VmHWM``) on the same ``--rows`` generated rows of a branch's month in the
export's real columns (``reports.export.RECORD_COLUMNS``, made as ``HubTallies.export_rows``
yields them and shown as the XLSX shows them: words, date and date-time cells):

- ``generate``: the rows made and shown, nothing written (the floor under every writer);
- ``csv``: ``csv.writer`` of the same cells (the same-run baseline of the ratios);
- ``openpyxl``: ``Workbook(write_only=True)``, ``append`` per row;
- ``xlsxwriter``: ``Workbook(constant_memory=True)``, a typed ``write_*`` per cell;
- ``product``: ``reports/xlsx.py`` (xlsxwriter, as chosen, with its cell rules).

Each also at a fifth of the rows: a flat peak RSS between the two sizes is what "bounded
memory" means. Runs alternate between writers, medians are printed.

**The product's exports.** A hub database (SQLite, built in bulk and kept) with region
KW-A (branches KC-A1 with ``--rows`` registrations in November 2026 and a tenth more in
October, KC-A2 with half as many) and region KW-B (KC-B1, a fifth). Then, as a user runs
them, in a child process: ``outreach export-report --hub-db … --unit KC-A1 --month 2026-11
--format xlsx`` and ``--unit KW-A --format csv``, timed with their peak RSS; the baseline
is the raw ``SELECT`` of the same rows through sqlite3 (no writing). Writes
``bench/results/exports.json``.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
import zlib
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import benchlib
from benchlib import CACHE, ROOT, table

WRITERS = ("generate", "csv", "openpyxl", "xlsxwriter", "product")
SECTORS = ("kuliner", "perdagangan", "jasa", "kerajinan", "fesyen", "pertanian")
BANDS = ("bpu-band-lowest", "bpu-band-declared", "bpu-band-top")


# -- rows ---------------------------------------------------------------------------------


def source_rows(n: int, *, branch: str = "KC-A1", seed: int = 17) -> Iterator[dict[str, Any]]:
    """``n`` export rows of one branch's November, as ``HubTallies.export_rows`` yields
    them: about 3 workers per owner, 4 % leads, 1 % voided, a fifth with JHT."""
    rand = random.Random(seed)
    made = 0
    while made < n:
        day = date(2026, 11, 1) + timedelta(days=rand.randrange(30))
        officer = f"{branch}-{rand.randrange(1, 11):02d}"
        sector = rand.choice(SECTORS)
        owner = str(uuid.UUID(int=rand.getrandbits(128)))
        roles = ["owner"] + ["worker"] * rand.choice((0, 1, 2, 3, 4, 5, 6))
        roles += ["lead"] if rand.random() < 0.04 else []
        for role in roles:
            if made == n:
                return
            jht = role != "lead" and rand.random() < 0.2
            yield {
                "entity": "lead" if role == "lead" else "registration",
                "uuid": owner if role == "owner" else str(uuid.UUID(int=rand.getrandbits(128))),
                "version": 1,
                "reference_no": uuid.UUID(int=rand.getrandbits(128)).hex[:12].upper(),
                "day": day.isoformat(),
                "created_at": f"{day}T0{rand.randrange(2, 10)}:{rand.randrange(60):02d}:00.000Z",
                "event_code": f"EXPO-{branch}-11",
                "officer_code": officer,
                "device_id": f"laptop-{officer}",
                "role": role,
                "path": "" if role == "lead" else "bpu",
                "sector": sector,
                "programs": "" if role == "lead" else ("JKK,JKM,JHT" if jht else "JKK,JKM"),
                "monthly_due": 0 if role == "lead" else (28_400 if jht else 16_800),
                "voided": int(rand.random() < 0.01),
                "converted": int(role == "lead" and rand.random() < 0.2),
                "owner_uuid": owner if role == "worker" else None,
                "occupation": "84" if role != "lead" else None,
                "working_hours": rand.choice((None, 6, 8, 10)),
                "postal_code": f"57{rand.randrange(100, 200)}",
                "branch_code": branch,
                "income_band": rand.choice(BANDS) if role != "lead" else None,
                "reminders": int(rand.random() < 0.5),
            }
            made += 1


def shown_rows(n: int) -> Iterator[list[Any]]:
    """The cells the XLSX holds (words, date and date-time cells), as the product makes
    them: ``record_rows`` then the Indonesian ``records_presentation``."""
    from outreach_tui.reports import export

    shown = export.records_presentation("id")
    columns = export.RECORD_COLUMNS
    for row in export.record_rows(source_rows(n)):
        yield [shown.cell(c, row.get(c)) for c in columns]


def headers() -> list[str]:
    from outreach_tui.reports import export

    return list(export.records_presentation("id").headers)


# -- one writer, in its own process ----------------------------------------------------------


def _write_openpyxl(path: Path, n: int) -> None:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Data")
    sheet.append(headers())
    for row in shown_rows(n):
        sheet.append(row)
    book.save(path)


def _write_xlsxwriter(path: Path, n: int) -> None:
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_urls": False,
                                           "strings_to_formulas": False})  # fmt: skip
    sheet = book.add_worksheet("Data")
    day = book.add_format({"num_format": "yyyy-mm-dd"})
    moment = book.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
    sheet.write_row(0, 0, headers())
    for line, row in enumerate(shown_rows(n), start=1):
        for column, value in enumerate(row):
            if value is None or value == "":
                continue
            if isinstance(value, str):
                sheet.write_string(line, column, value)
            elif isinstance(value, datetime):
                sheet.write_datetime(line, column, value, moment)
            elif isinstance(value, date):
                sheet.write_datetime(line, column, value, day)
            else:
                sheet.write_number(line, column, value)
    book.close()


def _write_csv(path: Path, n: int) -> None:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(headers())
        for row in shown_rows(n):
            writer.writerow(["" if v is None else v for v in row])


def _write_product(path: Path, n: int) -> None:
    from outreach_tui.reports import xlsx

    xlsx.write_rows(path, shown_rows(n), headers(), sheet="Data")


def _peak_rss_kib() -> int:
    """This process's own peak RSS: ``VmHWM`` (``ru_maxrss`` survives ``exec`` on Linux, so
    a child would report its forking parent's peak when that was higher)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def one(writer: str, n: int) -> dict[str, Any]:
    """Run ``writer`` on ``n`` rows here (a child process): seconds, peak RSS, bytes."""
    folder = Path(tempfile.mkdtemp(prefix="bench-exports-"))
    path = folder / ("out.csv" if writer == "csv" else "out.xlsx")
    started = time.perf_counter()
    if writer == "generate":
        count = sum(1 for _ in shown_rows(n))
        assert count == n
    else:
        {"csv": _write_csv, "openpyxl": _write_openpyxl, "xlsxwriter": _write_xlsxwriter,
         "product": _write_product}[writer](path, n)  # fmt: skip
    seconds = time.perf_counter() - started
    size = path.stat().st_size if path.exists() else 0
    peak_mib = _peak_rss_kib() / 1024
    if path.exists():
        path.unlink()
    folder.rmdir()
    return {"writer": writer, "rows": n, "seconds": seconds, "peak_rss_mib": peak_mib,
            "bytes": size}  # fmt: skip


def _trimmed(row: tuple[Any, ...]) -> tuple[Any, ...]:
    """A row without its trailing empty cells (readers pad rows to the sheet's width)."""
    cells = list(row)
    while cells and cells[-1] is None:
        cells.pop()
    return tuple(cells)


def check_equal_content(n: int) -> None:
    """openpyxl's and xlsxwriter's files (and the product's) hold the same cells."""
    from openpyxl import load_workbook

    folder = Path(tempfile.mkdtemp(prefix="bench-exports-check-"))
    seen = []
    for name, write in (("openpyxl", _write_openpyxl), ("xlsxwriter", _write_xlsxwriter),
                        ("product", _write_product)):  # fmt: skip
        path = folder / f"{name}.xlsx"
        write(path, n)
        sheet = load_workbook(path, read_only=True).worksheets[0]
        seen.append([_trimmed(r) for r in sheet.iter_rows(values_only=True)])
        path.unlink()
    folder.rmdir()
    assert seen[0] == seen[1] == seen[2], "the writers' files differ"
    assert len(seen[0]) == n + 1


# -- the product's exports on a hub database -------------------------------------------------


TREE = (("HO", "head_office", None), ("KW-A", "region", "HO"), ("KW-B", "region", "HO"),
        ("KC-A1", "branch", "KW-A"), ("KC-A2", "branch", "KW-A"),
        ("KC-B1", "branch", "KW-B"))  # fmt: skip


def build_hub(path: Path, n: int) -> dict[str, int]:
    """The hub's schema (migrated by the product), its units through ``hub.units``, then
    the records in bulk (never through ingest: an hour for a million)."""
    from outreach_tui.hub import units
    from outreach_tui.hub.storage import open_storage

    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    with open_storage(str(path)) as storage:
        for code, kind, parent in TREE:
            units.add(storage, code, name=code, kind=kind, parent=parent, actor="bench")
    plan = {("KC-A1", 11): n, ("KC-A1", 10): n // 10, ("KC-A2", 11): n // 2,
            ("KC-B1", 11): n // 5}  # fmt: skip
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA synchronous = OFF")
    conn.execute("BEGIN")
    sql = (
        "INSERT INTO records (uuid, entity, version, content_hash, device_id, officer_code, "
        "event_code, day, role, path, sector, monthly_due, voided, nik_digest, data, "
        "created_at, received_at, updated_at, batch_id, programs, converted, unit_code) "
        "VALUES (?, ?, 1, '', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'bulk', ?, ?, ?)"
    )
    counts: dict[str, int] = {}
    for (unit, month), many in plan.items():
        batch = []
        seed = zlib.crc32(f"{unit}-{month}".encode())
        for i, row in enumerate(source_rows(many, branch=unit, seed=seed)):
            if month == 10:
                row["day"] = f"2026-10-{1 + i % 31:02d}"
                row["created_at"] = f"{row['day']}T03:00:00.000Z"
            data = {k: row[k] for k in ("reference_no", "owner_uuid", "occupation",
                                        "working_hours", "postal_code", "branch_code",
                                        "income_band") if row[k] is not None}  # fmt: skip
            if row["reminders"]:
                data["reminder_consent_version"] = "2026.1"
            batch.append((row["uuid"], row["entity"], row["device_id"], row["officer_code"],
                          row["event_code"], row["day"], row["role"], row["path"], row["sector"],
                          row["monthly_due"], row["voided"], f"{i:064x}", json.dumps(data),
                          row["created_at"], row["created_at"], row["created_at"],
                          row["programs"], row["converted"], unit))  # fmt: skip
            if len(batch) == 20_000:
                conn.executemany(sql, batch)
                batch.clear()
        conn.executemany(sql, batch)
        counts[f"{unit}-2026-{month}"] = many
    conn.execute("COMMIT")
    conn.execute("ANALYZE")
    conn.close()
    return counts


def measured(args: list[str]) -> dict[str, Any]:
    """``outreach …`` in a child; its wall time and peak RSS (RUSAGE_CHILDREN of a
    wrapper whose only child it is)."""
    wrapper = (
        "import json, resource, subprocess, sys, time\n"
        "t = time.perf_counter()\n"
        "done = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
        "s = time.perf_counter() - t\n"
        "print(json.dumps({'rc': done.returncode, 'out': done.stdout, 'err': done.stderr[-2000:],"
        " 'seconds': s, 'kib': resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}))\n"
    )
    done = subprocess.run([sys.executable, "-c", wrapper, sys.executable, "-m", "outreach_tui",
                           *args], capture_output=True, text=True, cwd=ROOT,
                          timeout=1200)  # fmt: skip
    result = json.loads(done.stdout)
    if result["rc"] != 0:
        raise RuntimeError(f"outreach {' '.join(args)} failed: {result['err']}")
    return {"seconds": result["seconds"], "peak_rss_mib": result["kib"] / 1024,
            "answer": json.loads(result["out"])}  # fmt: skip


def raw_select(path: Path, where: str, params: tuple[Any, ...]) -> tuple[float, int]:
    """The export's rows through sqlite3 (same columns, same order), counted, not written."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    started = time.perf_counter()
    rows = 0
    for entity in ("registration", "lead"):
        cursor = conn.execute(
            "SELECT entity, uuid, version, json_extract(data, '$.reference_no'), day, "
            "created_at, event_code, officer_code, device_id, role, path, sector, programs, "
            "monthly_due, voided, converted, json_extract(data, '$.owner_uuid'), "
            "json_extract(data, '$.occupation'), json_extract(data, '$.working_hours'), "
            "json_extract(data, '$.postal_code'), json_extract(data, '$.branch_code'), "
            "json_extract(data, '$.income_band'), json_extract(data, "
            "'$.reminder_consent_version') FROM records WHERE entity = ? AND "
            + where
            + " AND uuid NOT IN (SELECT uuid FROM withdrawals) ORDER BY day, created_at, uuid",
            (entity, *params),
        )
        while chunk := cursor.fetchmany(5000):
            rows += len(chunk)
    seconds = time.perf_counter() - started
    conn.close()
    return seconds, rows


def product_exports(db: Path, n: int, rebuild: bool) -> dict[str, Any]:
    built = None
    if rebuild or not db.exists():
        print(f"building {db} …", flush=True)
        started = time.perf_counter()
        build_hub(db, n)
        built = round(time.perf_counter() - started, 1)
        print(f"built in {built} s", flush=True)
    out = Path(tempfile.mkdtemp(prefix="bench-exports-out-"))
    xlsx_file, csv_file = out / "kc-a1-2026-11.xlsx", out / "kw-a.csv"
    branch = measured(["export-report", "--hub-db", str(db), "--unit", "KC-A1",
                       "--month", "2026-11", "--format", "xlsx", "--out", str(xlsx_file),
                       "--json"])  # fmt: skip
    region = measured(["export-report", "--hub-db", str(db), "--unit", "KW-A", "--format",
                       "csv", "--out", str(csv_file), "--json"])  # fmt: skip
    raw_branch = raw_select(db, "unit_code = ? AND day >= ? AND day <= ?",
                            ("KC-A1", "2026-11-01", "2026-11-30"))  # fmt: skip
    raw_region = raw_select(db, "unit_code IN (?, ?, ?)", ("KC-A1", "KC-A2", "KW-A"))
    sizes = {"xlsx": xlsx_file.stat().st_size, "csv": csv_file.stat().st_size}
    for f in (xlsx_file, csv_file):
        f.unlink()
    out.rmdir()
    assert branch["answer"]["rows"] == raw_branch[1] == n, (branch["answer"]["rows"], n)
    assert region["answer"]["rows"] == raw_region[1] == n + n // 10 + n // 2
    return {
        "db": str(db), "built_s": built,
        "branch_month_xlsx": {"rows": branch["answer"]["rows"], "seconds": branch["seconds"],
                              "rows_per_s": branch["answer"]["rows"] / branch["seconds"],
                              "peak_rss_mib": branch["peak_rss_mib"], "bytes": sizes["xlsx"],
                              "raw_select_s": raw_branch[0],
                              "ratio_to_raw_select": benchlib.ratio(branch["seconds"],
                                                                    raw_branch[0])},
        "region_csv": {"rows": region["answer"]["rows"], "seconds": region["seconds"],
                       "rows_per_s": region["answer"]["rows"] / region["seconds"],
                       "peak_rss_mib": region["peak_rss_mib"], "bytes": sizes["csv"],
                       "raw_select_s": raw_region[0],
                       "ratio_to_raw_select": benchlib.ratio(region["seconds"], raw_region[0])},
    }  # fmt: skip


# -- main -----------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--db", type=Path, default=None)
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--one", choices=WRITERS, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(one(args.one, args.rows)))
        return
    check_equal_content(500)
    sizes = (args.rows // 5, args.rows)
    runs: dict[tuple[str, int], list[dict[str, Any]]] = {}
    for _ in range(args.runs):  # alternate, so drift hits every writer alike
        for n in sizes:
            for writer in WRITERS:
                got = benchlib.child_json(__file__, "--one", writer, "--rows", str(n))
                runs.setdefault((writer, n), []).append(got)
    writers: list[dict[str, Any]] = []
    for (writer, n), got in runs.items():
        seconds = statistics.median(g["seconds"] for g in got)
        writers.append({"writer": writer, "rows": n, "seconds": round(seconds, 3),
                        "rows_per_s": round(n / seconds),
                        "peak_rss_mib": round(max(g["peak_rss_mib"] for g in got), 1),
                        "bytes": got[0]["bytes"]})  # fmt: skip
    base = {w["rows"]: w["seconds"] for w in writers if w["writer"] == "csv"}
    for w in writers:
        w["ratio_to_csv"] = benchlib.ratio(w["seconds"], base[w["rows"]])
    print(f"\nwriters, {args.rows:,} rows (and {sizes[0]:,}), median of {args.runs}:")
    print(table(["writer", "rows", "s", "rows/s", "peak RSS MiB", "bytes", "× csv"],
                [[w["writer"], w["rows"], w["seconds"], w["rows_per_s"], w["peak_rss_mib"],
                  w["bytes"], w["ratio_to_csv"] or 0.0] for w in writers]))  # fmt: skip
    full = {w["writer"]: w for w in writers if w["rows"] == args.rows}
    faster = min(("openpyxl", "xlsxwriter"), key=lambda k: full[k]["seconds"])
    speedup = benchlib.ratio(full["openpyxl"]["seconds"], full["xlsxwriter"]["seconds"])
    print(f"faster: {faster} (openpyxl / xlsxwriter = {speedup})")

    db = args.db or CACHE / f"hub-exports-{args.rows}.db"
    CACHE.mkdir(parents=True, exist_ok=True)
    product = product_exports(db, args.rows, args.rebuild)
    b, r = product["branch_month_xlsx"], product["region_csv"]
    print("\nthe product's exports (outreach export-report, child process):")
    print(table(["export", "rows", "s", "rows/s", "peak RSS MiB", "bytes", "raw SELECT s",
                 "× raw"],
                [["KC-A1 2026-11 xlsx", b["rows"], b["seconds"], round(b["rows_per_s"]),
                  b["peak_rss_mib"], b["bytes"], b["raw_select_s"], b["ratio_to_raw_select"]],
                 ["KW-A csv", r["rows"], r["seconds"], round(r["rows_per_s"]), r["peak_rss_mib"],
                  r["bytes"], r["raw_select_s"], r["ratio_to_raw_select"]]]))  # fmt: skip
    benchlib.write_result("exports", {"rows": args.rows, "runs": args.runs, "writers": writers,
                                      "faster": faster, "openpyxl_over_xlsxwriter": speedup,
                                      "product": product, "pid": os.getpid()},
                          command=benchlib.command_line())  # fmt: skip


if __name__ == "__main__":
    main()
