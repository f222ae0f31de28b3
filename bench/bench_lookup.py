"""NIK duplicate lookup and record search on a big officer file, against raw SQL.

    python bench/bench_lookup.py [--rows 100000] [--reps 20] [--seed 7]
    python bench/bench_lookup.py --rows 1000000      # the figure in docs/BENCHMARKS.md

The file comes from the real generator (``outreach sample --registrations ROWS``) and is
cached under /tmp/outreach-bench (a million rows take about a minute the first time;
``--rebuild`` makes it again). Nothing here writes to it.

What is timed, per call, on the "all records" scope (the heavy one):

- ``store.registrations.find_by_nik(nik)``: the duplicate warning of the form, for a NIK
  on file and for one that is not;
- ``store.queries.page("registrations", search=…, limit=19)``: the records screen at
  80×24 (19 rows), searching a full name, a surname, three letters of a name, two letters
  (the prefix fallback), a NIK prefix (10 digits), a phone prefix (8 digits, national
  format), then no search (first page) and a page 10,000 rows in.

Baseline, same run: the same SQL written by hand on one persistent ``sqlite3`` connection
(no fresh connection per call, no sqlite-utils, tuples not dicts), checked to return the
same rows and totals; for names that is the raw FTS5 trigram query (migration 0011). A
second raw line opens a connection per call, as the store does (so Textual worker threads
can read), to show what that costs. Calls alternate between the store and raw SQL. The
name search before 0011 (``LIKE '%…%'`` over name, receipt number and business name) is
timed on the same terms as a further raw line, checked to find the same totals. Search
terms are sampled from the file with a fixed seed.

Prints p50/p99 and ratios, writes bench/results/lookup.json.
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import benchlib
from benchlib import ms, percentile, ratio, table

from outreach_tui.store import Store

PAGE = 19  # rows the records screen shows at 80x24 (24 minus header, bar, heading, page, footer)
COLUMNS_ORDER = " ORDER BY created_at DESC, uuid DESC LIMIT ? OFFSET ?"


def sample_terms(path: Path, count: int, seed: int) -> dict[str, list[str]]:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    (top,) = conn.execute("SELECT max(rowid) FROM registrations").fetchone()
    rng = random.Random(seed)
    rows: list[tuple[str, str, str | None]] = []
    while len(rows) < count:
        found = conn.execute(
            "SELECT nik, full_name, phone FROM registrations WHERE rowid = ?",
            [rng.randint(1, top)],
        ).fetchone()
        if found:
            rows.append(found)
    phones = [p for _, _, p in rows if p and p.startswith("+62")]
    conn.close()
    surnames = [name.split()[-1] for _, name, _ in rows]
    return {
        "surname": surnames,
        "three_letters": [s[1:4] for s in surnames if len(s) >= 4] or ["ari"],
        "two_letters": [name[:2] for _, name, _ in rows],
        "nik_hit": [nik for nik, _, _ in rows],
        "nik_miss": [nik[:12] + "0000" for nik, _, _ in rows],  # serial 0000 is never issued
        "name": [name for _, name, _ in rows],
        "nik_prefix": [nik[:10] for nik, _, _ in rows],
        "phone_prefix": ["0" + p[3:11] for p in phones] or ["08123456"],
    }


class Raw:
    """Hand-written SQL with the same meaning as the store's queries."""

    def __init__(self, path: Path, *, per_call: bool) -> None:
        self.path, self.per_call = path, per_call
        self.conn = None if per_call else self._open()

    def _open(self) -> sqlite3.Connection:
        return sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, check_same_thread=False)

    def run(self, work: Callable[[sqlite3.Connection], Any]) -> Any:
        if self.conn is not None:
            return work(self.conn)
        conn = self._open()
        try:
            return work(conn)
        finally:
            conn.close()

    def find_by_nik(self, nik: str) -> list[tuple]:  # type: ignore[type-arg]
        return self.run(lambda c: c.execute(
            "SELECT * FROM registrations WHERE nik = ? AND voided_at IS NULL ORDER BY created_at",
            [nik]).fetchall())  # fmt: skip

    def page(self, search: str, offset: int = 0) -> tuple[int, list[tuple]]:  # type: ignore[type-arg]
        where, params, order, order_params = raw_where(search)

        def work(c: sqlite3.Connection) -> tuple[int, list[tuple]]:  # type: ignore[type-arg]
            (total,) = c.execute(f"SELECT count(*) FROM registrations{where}", params).fetchone()
            rows = c.execute(f"SELECT * FROM registrations{where}{order}",
                             [*params, *order_params, PAGE, offset]).fetchall()  # fmt: skip
            return total, rows

        return self.run(work)

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()


def raw_where(search: str) -> tuple[str, list[Any], str, list[Any]]:
    """Digits: NIK or phone prefix ranges. Names (0011): three characters or more through
    the FTS5 trigram index as one phrase, fewer by prefix on the NOCASE name index or the
    receipt number; prefix matches first."""
    if not search:
        return "", [], COLUMNS_ORDER, []
    digits = search.replace(" ", "").replace("-", "")
    if digits.isdigit() and len(digits) >= 4:
        phone = "+62" + digits[1:] if digits.startswith("0") else "+62" + digits
        return (" WHERE ((phone >= ? AND phone < ?) OR (nik >= ? AND nik < ?))",
                [phone, phone + "~", digits, digits + "~"], COLUMNS_ORDER, [])  # fmt: skip
    text = " ".join(search.split())
    if len(text) >= 3:
        where = (" WHERE seq IN (SELECT rowid FROM registration_names"
                 " WHERE registration_names MATCH ?)")  # fmt: skip
        params: list[Any] = ['"' + text.replace('"', '""') + '"']
    else:
        top = "\U0010ffff"
        where = (" WHERE ((full_name >= ? COLLATE NOCASE AND full_name < ? COLLATE NOCASE)"
                 " OR (reference_no >= ? AND reference_no < ?))")  # fmt: skip
        params = [text, text + top, text.upper(), text.upper() + top]
    like = like_escape(text) + "%"
    order = (" ORDER BY CASE WHEN full_name LIKE ? ESCAPE '\\' THEN 0"
             " WHEN full_name LIKE ? ESCAPE '\\' THEN 1 ELSE 2 END,"
             " created_at DESC, uuid DESC LIMIT ? OFFSET ?")  # fmt: skip
    return where, params, order, [like, "% " + like]


def like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def old_like_page(conn: sqlite3.Connection, search: str) -> int:
    """The name search before migration 0011: LIKE anywhere, newest first (count + page)."""
    like = "%" + like_escape(search) + "%"
    where = (" WHERE (full_name LIKE ? ESCAPE '\\' OR reference_no LIKE ? ESCAPE '\\'"
             " OR business_name LIKE ? ESCAPE '\\')")  # fmt: skip
    (total,) = conn.execute(f"SELECT count(*) FROM registrations{where}", [like] * 3).fetchone()
    conn.execute(f"SELECT * FROM registrations{where}{COLUMNS_ORDER}",
                 [like, like, like, PAGE, 0]).fetchall()  # fmt: skip
    return int(total)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000, help="registration rows")
    parser.add_argument("--reps", type=int, default=20, help="timed calls per query and side")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--rebuild", action="store_true", help="generate the file again")
    args = parser.parse_args()

    path = benchlib.sample_db(args.rows, seed=7, rebuild=args.rebuild)
    terms = sample_terms(path, max(args.reps, 5), args.seed)
    store = Store(path, migrate_schema=False)
    raw, raw_fresh = Raw(path, per_call=False), Raw(path, per_call=True)
    regs = store.queries.page("registrations", limit=1).total

    def store_page(search: str, offset: int = 0) -> tuple[int, list[Any]]:
        got = store.queries.page("registrations", search=search, limit=PAGE, offset=offset)
        return got.total, got.rows

    cases: list[tuple[str, list[str], Callable[[str], Any], Callable[[str], Any],
                      Callable[[str], Any]]] = [
        ("find_by_nik, on file", terms["nik_hit"], store.registrations.find_by_nik,
         raw.find_by_nik, raw_fresh.find_by_nik),
        ("find_by_nik, not on file", terms["nik_miss"], store.registrations.find_by_nik,
         raw.find_by_nik, raw_fresh.find_by_nik),
        ("search full name", terms["name"], store_page, raw.page, raw_fresh.page),
        ("search surname", terms["surname"], store_page, raw.page, raw_fresh.page),
        ("search 3 letters", terms["three_letters"], store_page, raw.page, raw_fresh.page),
        ("search 2 letters (prefix)", terms["two_letters"], store_page, raw.page,
         raw_fresh.page),
        ("search NIK prefix (10)", terms["nik_prefix"], store_page, raw.page, raw_fresh.page),
        ("search phone prefix (8)", terms["phone_prefix"], store_page, raw.page, raw_fresh.page),
        ("first page, no search", [""], store_page, raw.page, raw_fresh.page),
        ("page at row 10,000", [""], lambda s: store_page(s, 10_000),
         lambda s: raw.page(s, 10_000), lambda s: raw_fresh.page(s, 10_000)),
    ]  # fmt: skip
    results: dict[str, Any] = {}
    rows_out = []
    for name, words, ours, base, base_fresh in cases:
        for word in words[:3]:  # warm the page cache, and check both sides agree
            mine, theirs = ours(word), base(word)
            if isinstance(mine, tuple):
                assert mine[0] == theirs[0] and len(mine[1]) == len(theirs[1]), (name, word)
                assert [r["uuid"] for r in mine[1]] == [r[0] for r in theirs[1]], (name, word)
            else:
                assert [r["uuid"] for r in mine] == [r[0] for r in theirs], (name, word)
        times: dict[str, list[float]] = {"store": [], "raw": [], "raw_fresh": []}
        matches = []
        for n in range(args.reps):
            word = words[n % len(words)]
            for side, call in (("store", ours), ("raw", base), ("raw_fresh", base_fresh)):
                started = time.perf_counter()
                got = call(word)
                times[side].append(time.perf_counter() - started)
            matches.append(got[0] if isinstance(got, tuple) else len(got))
        entry = {side: {"p50_ms": ms(percentile(t, 50)), "p99_ms": ms(percentile(t, 99))}
                 for side, t in times.items()}  # fmt: skip
        entry["ratio_p50"] = ratio(entry["store"]["p50_ms"], entry["raw"]["p50_ms"])
        entry["matches_median"] = sorted(matches)[len(matches) // 2]
        results[name] = entry
        rows_out.append([name, entry["store"]["p50_ms"], entry["store"]["p99_ms"],
                         entry["raw"]["p50_ms"], entry["raw_fresh"]["p50_ms"],
                         entry["ratio_p50"], entry["matches_median"]])  # fmt: skip
    # The name search before 0011, same terms, same run (timing and totals only: it
    # ordered newest first, without prefix matches first).
    for name, key in (
        ("search full name", "name"),
        ("search surname", "surname"),
        ("search 3 letters", "three_letters"),
    ):
        like_times, like_matches = [], []
        for n in range(max(3, args.reps // 2)):
            word = terms[key][n % len(terms[key])]
            started = time.perf_counter()
            total = old_like_page(raw.conn, word)  # type: ignore[arg-type]
            like_times.append(time.perf_counter() - started)
            assert total == raw.page(word)[0], (name, word)  # same rows found as the FTS
            like_matches.append(total)
        entry = results[name]
        entry["old_like_raw"] = {"p50_ms": ms(percentile(like_times, 50)),
                                 "p99_ms": ms(percentile(like_times, 99))}  # fmt: skip
        entry["store_vs_old_like_p50"] = ratio(entry["store"]["p50_ms"],
                                               entry["old_like_raw"]["p50_ms"])  # fmt: skip
        rows_out.append([f"{name}: old LIKE (raw)", "-", "-", entry["old_like_raw"]["p50_ms"],
                         "-", "-", sorted(like_matches)[len(like_matches) // 2]])  # fmt: skip
    # What if: the same full names matched as a prefix, which the NOCASE name index serves
    # (raw only; the store matches anywhere in the name). A hint, not a like-for-like row.
    prefix_times, prefix_matches = [], []
    for n in range(args.reps):
        like = terms["name"][n % len(terms["name"])] + "%"
        started = time.perf_counter()
        (total,) = raw.conn.execute(  # type: ignore[union-attr]
            "SELECT count(*) FROM registrations WHERE full_name LIKE ?", [like]
        ).fetchone()
        raw.conn.execute(  # type: ignore[union-attr]
            f"SELECT * FROM registrations WHERE full_name LIKE ?{COLUMNS_ORDER}",
            [like, PAGE, 0]).fetchall()  # fmt: skip
        prefix_times.append(time.perf_counter() - started)
        prefix_matches.append(total)
    results["what-if: name prefix via NOCASE index (raw)"] = {
        "raw": {"p50_ms": ms(percentile(prefix_times, 50)),
                "p99_ms": ms(percentile(prefix_times, 99))},
        "matches_median": sorted(prefix_matches)[len(prefix_matches) // 2],
    }  # fmt: skip
    rows_out.append(["what-if: name prefix, index (raw)", "-", "-",
                     ms(percentile(prefix_times, 50)), "-", "-",
                     sorted(prefix_matches)[len(prefix_matches) // 2]])  # fmt: skip
    store.close()
    raw.close()
    print(f"{path.name}: {regs:,} registration rows; {args.reps} calls per query and side")
    print(table(["query", "store p50 ms", "store p99 ms", "raw p50 ms", "raw+connect p50 ms",
                 "store/raw", "matches"], rows_out))  # fmt: skip
    benchlib.write_result(
        "lookup",
        {"rows": regs, "db": str(path), "reps": args.reps, "page_rows": PAGE, "queries": results},
        command=benchlib.command_line(),
    )


if __name__ == "__main__":
    main()
