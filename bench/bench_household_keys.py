"""Keys an officer presses beyond the data itself, registering an owner and three workers
through the real booth (Pilot, 80×24), from the empty form to the receipt.

    python bench/bench_household_keys.py [--path fewest|nik-tab|before ...]

The figure is (keys pressed − characters of data) / characters of data: the keys that
carry no data (Tab, a sector's type-ahead letters, the consent boxes, ctrl+s) against
the data typed. Target (issue #15): ≤ 15 %. Each path is typed on a fresh file, in a
process of its own, and must save exactly the household typed (checked in the file):

- ``fewest``: what the booth needs: a complete NIK moves on by itself, a worker's
  ticked consent moves to the next row, optional fields are passed with one Tab;
- ``nik-tab``: the same with a Tab after every NIK, as a reader with a Tab suffix or an
  officer's habit types it (the Tab after a NIK's own move is absorbed);
- ``before``: the path the form needed before (#15): a Tab after every NIK, and space
  then Tab from a worker's consent to the next row. The booth still takes it (a Tab
  that is the very next key after an automatic move is absorbed).

A count, not a time: the ratio is against the data, so there is no baseline app to run.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sqlite3
import tempfile
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import benchlib
from benchlib import table

SIZE = (80, 24)
OWNER = {  # in the form's order; "" is a field passed with Tab
    "nik": "1671064512900001", "full_name": "Siti Aminah", "birth_date": "",
    "birth_place": "", "phone": "081234567890", "email": "",
    "address": "Jl. Merdeka No. 5, Palembang", "business_name": "Pempek Cek Siti",
    "workers_count": "3", "declared_income": "1500000",
}  # fmt: skip
WORKERS = [  # nik, full_name, phone, declared_income
    ("1671010303950002", "Budi Santoso", "081311112222", "1200000"),
    ("1671014408980003", "Ani Lestari", "", "1100000"),
    ("1671011212000004", "Rudi Hartono", "", "1300000"),
]
SECTOR_KEYS = ["k", "k"]  # type-ahead on the sector: Kurir, then Kuliner


def data_characters() -> int:
    return sum(map(len, OWNER.values())) + sum(len(v) for row in WORKERS for v in row)


def owner_keys(path: str) -> list[str]:
    keys: list[str] = []
    for field, value in OWNER.items():
        keys += list(value)
        if field != "nik" or path != "fewest":
            keys.append("tab")  # a complete NIK moves on by itself
    # sector; months as offered, JHT not taken, past the consent text; consent ticked
    keys += [*SECTOR_KEYS, "tab", "tab", "tab", "tab", "space", "ctrl+s"]
    return keys


def worker_keys(path: str) -> list[str]:
    keys: list[str] = []
    for index, (nik, name, phone, income) in enumerate(WORKERS):
        keys += list(nik) + ([] if path == "fewest" else ["tab"])
        # the consent's space, then the worker's own yes in the dialog addressed to them
        # (issue 20: each worker consents for themself)
        keys += [*name, "tab", *phone, "tab", *income, "tab", "space", "ctrl+s"]
        if path == "before" and index < len(WORKERS) - 1:
            keys.append("tab")  # the tick stayed on the box; Tab went to the next row
    return [*keys, "ctrl+s"]


def fresh_store(folder: Path) -> Any:
    from outreach_tui.store import Store

    store = Store(folder / "booth.db")
    store.setup.upsert_branch("PLG", "Kantor Cabang Palembang", "Palembang")
    store.setup.upsert_officer("PLG-01", "Rina Marlina", "PLG")
    today = date.today()
    store.setup.create_event(code="BENCH", name="Bazar UMKM", venue="PIM", city="Palembang",
                             branch_code="PLG", starts_on=today - timedelta(days=1),
                             ends_on=today + timedelta(days=1))  # fmt: skip
    store.settings.set("officer_code", "PLG-01")
    store.settings.set("event_id", store.setup.event("BENCH")["id"])
    return store


async def type_household(path: str) -> dict[str, Any]:
    from textual.pilot import Pilot

    from outreach_tui.tui.app import OutreachApp
    from outreach_tui.tui.screens.receipt import ReceiptScreen
    from outreach_tui.tui.screens.workers import WorkersScreen

    async def until(pilot: Pilot[Any], done: Any) -> None:
        for _ in range(400):
            if done():
                return
            await pilot.app.workers.wait_for_complete()
            await pilot.pause(0.05)
        raise RuntimeError("the booth did not get there")

    with tempfile.TemporaryDirectory(prefix="bench-household-") as tmp:
        store = fresh_store(Path(tmp))
        app = OutreachApp(store, ask_start_of_day=False)
        owner, workers = owner_keys(path), worker_keys(path)
        async with app.run_test(size=SIZE) as pilot:
            await until(pilot, lambda: app.screen.id == "registration")
            await app.workers.wait_for_complete()
            await pilot.press(*owner)
            await until(pilot, lambda: isinstance(app.screen, WorkersScreen)
                        and bool(app.screen.query("#worker-2-consent")))  # fmt: skip
            await app.workers.wait_for_complete()
            await pilot.press(*workers)
            await until(pilot, lambda: isinstance(app.screen, ReceiptScreen))
        with sqlite3.connect(store.path) as conn:
            saved = conn.execute(
                "SELECT nik, full_name, coalesce(phone, ''), declared_income, sector,"
                " occupation, income_band, branch_code FROM registrations ORDER BY seq"
            ).fetchall()
        store.close()
    return {"owner_keys": len(owner), "worker_keys": len(workers), "saved": saved}


def expected() -> list[list[Any]]:
    def phone(text: str) -> str:
        return "+62" + text[1:] if text else ""

    # The core system's details (issue 20) with no key pressed: the sector's occupation
    # (data/occupations.toml), the typed income's band, the laptop's branch.
    details = ["84", "bpu-band-declared", "PLG"]
    first = [OWNER["nik"], OWNER["full_name"], phone(OWNER["phone"]),
             int(OWNER["declared_income"]), "kuliner", *details]  # fmt: skip
    return [first] + [[n, f, phone(p), int(i), "kuliner", *details] for n, f, p, i in WORKERS]


PATHS = ("fewest", "nik-tab", "before")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--path", action="append", choices=PATHS,
                        help="paths to type (default: all three)")  # fmt: skip
    parser.add_argument("--child", choices=PATHS, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(asyncio.run(type_household(args.child))))
        return
    chars = data_characters()
    rows, result = [], {"data_characters": chars, "paths": {}}
    for path in args.path or PATHS:
        got = benchlib.child_json(__file__, "--child", path)
        keys = got["owner_keys"] + got["worker_keys"]
        beyond = keys - chars
        exact = [list(row) for row in got["saved"]] == expected()
        share = round(100 * beyond / chars, 1)
        result["paths"][path] = {
            "keys": keys, "beyond_data": beyond, "percent": share, "saved_exact": exact,
            "owner_keys": got["owner_keys"], "worker_keys": got["worker_keys"],
        }  # fmt: skip
        rows.append([path, keys, chars, beyond, share, "yes" if exact else "NO"])
    print("owner + 3 workers through the booth (Pilot, 80x24): keys beyond the data")
    print(table(["path", "keys", "data chars", "beyond", "% of data", "saved exact"], rows))
    print("target: 'fewest' <= 15 % of the data (issue #15)")
    benchlib.write_result("household_keys", result, command=benchlib.command_line())


if __name__ == "__main__":
    main()
