"""Issue 17: exports by unit on the hub, on SQLite and PostgreSQL — one branch's month as
XLSX (`outreach export-report --hub-db … --unit KC-SKA --month 2026-11 --format xlsx`) and
a whole region as CSV (`--unit KW-JATENG --format csv`): exactly the rows of that unit's
subtree and days (read back with openpyxl and csv), nothing of another unit, 0600, and
audited (`report.export`). The organisation is test_hub_units' ``org``; each laptop pushes
a few more registrations around the month's edges (days are Asia/Jakarta days).
"""

from __future__ import annotations

import csv
import json
import stat
from datetime import datetime
from pathlib import Path

import httpx
from hub_builders import batch, nik, record, registration_data
from test_hub_units import LAPTOP_UNITS, Org, cli, org  # noqa: F401 - org is a fixture

from outreach_tui.cli.output import EXIT_INVALID, EXIT_USAGE
from outreach_tui.hub.storage import open_storage
from outreach_tui.reports.export import RECORD_COLUMNS

# created_at (UTC) -> the Jakarta day's month: the edges of November on both sides.
MOMENTS = {
    "2026-10-31T16:30:00.000Z": "2026-10",  # 23:30 WIB on 31 October
    "2026-10-31T17:30:00.000Z": "2026-11",  # 00:30 WIB on 1 November
    "2026-11-15T03:00:00.000Z": "2026-11",
    "2026-11-30T16:00:00.000Z": "2026-11",  # 23:00 WIB on 30 November
    "2026-11-30T17:30:00.000Z": "2026-12",  # 00:30 WIB on 1 December
}
REGION = {"KC-SKA", "KCP-SKA-1", "KC-KLT"}  # KW-JATENG; KC-PLG is KW-SUMSEL's


def _push_months(hub: Org) -> dict[str, dict[str, str]]:
    """Each laptop pushes one registration per moment; reference numbers by unit, each
    with its month (the hub's own first record, of 23 November, included)."""
    refs: dict[str, dict[str, str]] = {}
    with open_storage(hub.db) as storage, storage.read() as tx:
        for row in tx.all("SELECT unit_code, data FROM records"):
            refs.setdefault(row["unit_code"], {})[json.loads(row["data"])["reference_no"]] = (
                "2026-11"
            )
    with httpx.Client(base_url=hub.url, timeout=60) as http:
        for n, unit in enumerate(LAPTOP_UNITS):
            laptop, headers = hub.laptops[unit]
            records = []
            for i, (moment, month) in enumerate(MOMENTS.items()):
                born = datetime(1970 + n, 1 + i, 9).date()
                data = registration_data(device_id=laptop, created_at=moment, nik=nik(birth=born))
                data.update(officer_code=f"OF-{n}", event_code=f"EVM-{unit}")
                records.append(record(data))
                refs[unit][data["reference_no"]] = month
            body = batch(laptop, records,
                         officer={"code": f"OF-{n}", "name": f"Petugas {n}", "branch_code": unit},
                         events=[{"code": f"EVM-{unit}", "name": f"Bulan {unit}",
                                  "branch_code": unit, "starts_on": "2026-10-31",
                                  "ends_on": "2026-12-01"}])  # fmt: skip
            answer = http.post("/api/v1/batches", json=body, headers=headers)
            assert answer.status_code == 200, answer.text
            assert {r["outcome"] for r in answer.json()["results"]} == {"accepted"}, answer.text
    return refs


def _export(hub: Org, out: Path, *args: str) -> dict[str, object]:
    shown: dict[str, object] = json.loads(
        cli("export-report", "--hub-db", hub.db, "--out", str(out), "--json", *args)
    )
    return shown


def _audits(hub: Org) -> list[dict[str, object]]:
    with open_storage(hub.db) as storage, storage.read() as tx:
        rows = tx.all("SELECT detail FROM audit_log WHERE action = 'report.export' ORDER BY id")
    return [json.loads(r["detail"]) for r in rows]


def test_one_branchs_month_as_xlsx_and_a_whole_region_as_csv(
    org: Org,  # noqa: F811 - the fixture
    tmp_path: Path,
) -> None:
    from openpyxl import load_workbook

    refs = _push_months(org)
    ska = {"KC-SKA", "KCP-SKA-1"}  # the branch and its sub-branch
    wanted = {ref for u in ska for ref, month in refs[u].items() if month == "2026-11"}
    assert len(wanted) == 2 * 4  # the org's record and three of the five moments, each

    out = tmp_path / "ska-november.xlsx"
    shown = _export(org, out, "--unit", "KC-SKA", "--month", "2026-11", "--format", "xlsx")
    assert shown["rows"] == len(wanted) and shown["from"] == "2026-11-01"
    assert shown["to"] == "2026-11-30"
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    rows = list(load_workbook(out, read_only=True).worksheets[0].iter_rows(values_only=True))
    ref_at, day_at = RECORD_COLUMNS.index("reference_no"), RECORD_COLUMNS.index("day")
    assert rows[0][ref_at] == "No. tanda terima"  # the sheet is for people: Indonesian headers
    data = rows[1:]
    assert {r[ref_at] for r in data} == wanted and len(data) == len(wanted)
    assert {(r[day_at].year, r[day_at].month) for r in data} == {(2026, 11)}  # date cells
    assert min(r[day_at].day for r in data) == 1 and max(r[day_at].day for r in data) == 30
    others = {ref for u in LAPTOP_UNITS if u not in ska for ref in refs[u]}
    assert not {r[ref_at] for r in data} & others

    region_out = tmp_path / "jateng.csv"
    shown = _export(org, region_out, "--unit", "kw-jateng", "--format", "csv")
    with open(region_out, encoding="utf-8", newline="") as handle:
        region = list(csv.DictReader(handle))
    expected = {ref for u in REGION for ref in refs[u]}
    assert shown["rows"] == len(region) == len(expected) == 3 * 6
    assert {r["reference_no"] for r in region} == expected  # every day of the region
    assert not {r["reference_no"] for r in region} & set(refs["KC-PLG"])
    assert {r["day"][:7] for r in region} == {"2026-10", "2026-11", "2026-12"}
    # The org's first records name Palembang in their data (test_hub_units); the token's
    # unit decided where they belong, and so which export holds them.
    assert {r["branch_code"] for r in region} == {"KC-PLG", ""}
    assert stat.S_IMODE(region_out.stat().st_mode) == 0o600

    audits = _audits(org)
    assert [(a["unit"], a["format"], a["rows"], a["since"], a["until"]) for a in audits] == [
        ("KC-SKA", "xlsx", len(wanted), "2026-11-01", "2026-11-30"),
        ("KW-JATENG", "csv", len(expected), None, None),
    ]
    assert audits[0]["file"] == str(out)


def test_bad_months_and_units_are_one_line_and_write_nothing(
    org: Org,  # noqa: F811 - the fixture
    tmp_path: Path,
) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    out = folder / "x.csv"
    for args, code in (
        (["--month", "2026-13"], EXIT_USAGE),
        (["--month", "November"], EXIT_USAGE),
        (["--month", "0000-01"], EXIT_USAGE),  # no year 0 (date() would raise)
        (["--month", "²⁰²⁶-11"], EXIT_USAGE),  # digits to str.isdigit, not to int()
        (["--month", "٢٠٢٦-١١"], EXIT_USAGE),  # Arabic-Indic digits: not a month typed here
        (["--month", "2026-11", "--from", "2026-11-02"], EXIT_USAGE),
        (["--unit", "KC-NONE", "--month", "2026-11"], EXIT_INVALID),
    ):
        result = cli("export-report", "--hub-db", org.db, "--out", str(out), "--lang", "en",
                     *args, code=code)  # fmt: skip
        assert result.startswith("outreach: ") and len(result.strip().splitlines()) == 1, result
    assert not list(folder.iterdir())  # no file, no leftover temp file
    assert _audits(org) == []
