"""Issue 18, the hand-off to the Perisai channel: a file in the mapping's columns, each
record version handed once, a correction handed again as a correction, recorded, audited
and written 0600 — on SQLite and PostgreSQL (the ``db`` fixture)."""

from __future__ import annotations

import hashlib
import json
import shutil
import stat
import subprocess
from pathlib import Path

import pytest
from handoff_support import Laptop, read_csv
from typer.testing import CliRunner

from outreach_tui.cli.main import app
from outreach_tui.domain.handoff_mapping import MappingError, load_handoff_mapping
from outreach_tui.hub.handoff import NothingToHandOff, hand_off
from outreach_tui.hub.storage import open_storage
from tests.support.ci import require

runner = CliRunner()


def _csv(storage, out: Path, **kwargs) -> list[dict[str, str]]:
    hand_off(storage, load_handoff_mapping(), out, fmt="csv", actor="test", **kwargs)
    return read_csv(out)


def test_a_second_hand_off_holds_exactly_the_corrected_record(db: str, tmp_path: Path) -> None:
    with open_storage(db) as storage:
        laptop = Laptop(storage)
        owner = laptop.register(full_name="Siti Aminah", sector="kuliner")
        worker = laptop.register(full_name="Budi Santoso")
        laptop.edit(worker["uuid"], owner_uuid=None)  # still an owner; a plain second version
        void_never_handed = laptop.register(full_name="Void Dulu")
        laptop.edit(void_never_handed["uuid"], voided_at="2026-11-23T05:00:00.000Z",
                    void_reason="salah ketik")  # fmt: skip

        first = _csv(storage, tmp_path / "h1.csv")
        mapping = load_handoff_mapping()
        assert list(first[0]) == list(mapping.titles)  # the mapped headers, in order
        by_ref = {r["No Referensi"]: r for r in first}
        assert set(by_ref) == {owner["data"]["reference_no"], worker["data"]["reference_no"]}
        siti = by_ref[owner["data"]["reference_no"]]
        assert siti["Jenis Data"] == "BARU" and siti["NIK"] == owner["data"]["nik"]
        assert siti["Sektor Usaha"] == "KULINER" and siti["Jenis Kelamin"] == "P"
        assert siti["Tanggal Daftar"] == "23-11-2026" and siti["Penghasilan"] == "2500000"
        assert siti["Program"] == "JKK,JKM" and siti["Kode Kantor Cabang"] == "PLG"
        assert stat.S_IMODE((tmp_path / "h1.csv").stat().st_mode) == 0o600

        with pytest.raises(NothingToHandOff):  # nothing new: no file, no record
            _csv(storage, tmp_path / "h2.csv")
        assert not (tmp_path / "h2.csv").exists()

        laptop.edit(owner["uuid"], full_name="Siti Aminah Rahma")
        laptop.edit(worker["uuid"], workers_count=3)  # a change the mapping does not show
        third = _csv(storage, tmp_path / "h3.csv")
        assert [(r["No Referensi"], r["Jenis Data"], r["Nama Lengkap"]) for r in third] == [
            (owner["data"]["reference_no"], "KOREKSI", "Siti Aminah Rahma")
        ]
        laptop.edit(owner["uuid"], voided_at="2026-11-24T05:00:00.000Z", void_reason="ganda")
        fourth = _csv(storage, tmp_path / "h4.csv")
        assert [(r["No Referensi"], r["Jenis Data"]) for r in fourth] == [
            (owner["data"]["reference_no"], "BATAL")
        ]
        with storage.read() as tx:
            items = tx.all("SELECT uuid, version, kind FROM handoff_items ORDER BY uuid, version")
            handoffs = tx.all("SELECT * FROM handoffs ORDER BY created_at")
            audits = tx.all("SELECT detail FROM audit_log WHERE action = 'handoff.export'")
    assert {(i["uuid"], i["kind"]) for i in items} == {
        (owner["uuid"], "new"), (owner["uuid"], "correction"), (owner["uuid"], "cancel"),
        (worker["uuid"], "new"), (worker["uuid"], "unchanged"),
    }  # fmt: skip
    assert len({(i["uuid"], i["version"]) for i in items}) == len(items)  # each version once
    assert [h["row_count"] for h in handoffs] == [2, 1, 1]
    assert (
        handoffs[0]["file_digest"] == hashlib.sha256((tmp_path / "h1.csv").read_bytes()).hexdigest()
    )
    assert handoffs[1]["unchanged_count"] == 1
    assert len(audits) == 3 and json.loads(audits[0]["detail"])["rows"] == 2


def test_since_and_unit_filter_and_a_custom_mapping_shapes_the_file(
    db: str, tmp_path: Path
) -> None:
    custom = tmp_path / "cabang.toml"
    custom.write_text(
        'name = "cabang-plg"\nsheet = "Data"\ndate_format = "%Y/%m/%d"\n'
        'money_format = "rupiah"\nlist_separator = "+"\ndelimiter = ";"\n'
        '[[columns]]\ntitle = "ID"\nfield = "reference_no"\n'
        '[[columns]]\ntitle = "Gaji"\nfield = "declared_income"\n'
        '[[columns]]\ntitle = "Lahir"\nfield = "birth_date"\n'
        '[[columns]]\ntitle = "Prog"\nfield = "programs"\n'
        '[[columns]]\ntitle = "Sektor"\nfield = "sector"\ncodes = "s"\n'
        '[codes.s]\nkuliner = "K01"\n',
        encoding="utf-8",
    )
    with open_storage(db) as storage:
        laptop = Laptop(storage)
        early = laptop.register(created_at="2026-11-20T03:00:00.000Z")
        late = laptop.register(created_at="2026-11-23T03:00:00.000Z", branch_code="PLG")
        mapping = load_handoff_mapping(custom)
        with pytest.raises(NothingToHandOff):
            hand_off(storage, mapping, tmp_path / "x.csv", fmt="csv", unit="SBY")
        hand_off(storage, mapping, tmp_path / "a.csv", fmt="csv", since="2026-11-22", unit="PLG")
        text = (tmp_path / "a.csv").read_text(encoding="utf-8")
        assert text.splitlines()[0] == "ID;Gaji;Lahir;Prog;Sektor"
        assert text.splitlines()[1] == (
            f"{late['data']['reference_no']};Rp2.500.000;1990/12/05;JKK+JKM;K01"
        )
        assert len(text.splitlines()) == 2  # the earlier day waits for a hand-off without it
        rest = _csv(storage, tmp_path / "b.csv")
        assert [r["No Referensi"] for r in rest] == [early["data"]["reference_no"]]


def test_the_xlsx_hand_off_has_the_mapped_headers(db: str, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    with open_storage(db) as storage:
        laptop = Laptop(storage)
        owner = laptop.register()
        result = hand_off(storage, load_handoff_mapping(), tmp_path / "h.xlsx", fmt="xlsx")
    assert result.rows == 1 and result.new == 1
    sheet = load_workbook(tmp_path / "h.xlsx", read_only=True).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert sheet.title == "Pendaftaran"
    assert list(rows[0]) == list(load_handoff_mapping().titles)
    assert rows[1][2] == owner["data"]["nik"]  # a text cell: all 16 digits kept
    assert stat.S_IMODE((tmp_path / "h.xlsx").stat().st_mode) == 0o600


def test_the_xlsx_opens_in_libreoffice_with_the_mapped_headers(db: str, tmp_path: Path) -> None:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    require(soffice is not None, "LibreOffice is missing (apt install libreoffice-calc-nogui)")
    assert soffice is not None
    with open_storage(db) as storage:
        Laptop(storage).register()
        hand_off(storage, load_handoff_mapping(), tmp_path / "h.xlsx", fmt="xlsx")
    # A profile of its own: two test workers converting at once would share the default one.
    profile = f"-env:UserInstallation={(tmp_path / 'lo-profile').as_uri()}"
    subprocess.run([soffice, profile, "--headless", "--convert-to", "csv", "--outdir",
                    str(tmp_path), str(tmp_path / "h.xlsx")], check=True, timeout=180,
                   capture_output=True)  # fmt: skip
    header = (tmp_path / "h.csv").read_text(encoding="utf-8").splitlines()[0]
    assert header.split(",") == list(load_handoff_mapping().titles)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ('name = "x"\n[[columns]]\ntitle = "A"\nfield = "nama"\n', "unknown_field"),
        ('name = "x"\n[[columns]]\ntitle = "A"\nfield = "sex"\ncodes = "jk"\n', "unknown_codes"),
        ('name = "x"\ncolour = "red"\n[[columns]]\ntitle = "A"\nfield = "sex"\n', "unknown_key"),
        ('name = "x"\nmoney_format = "euro"\n[[columns]]\ntitle = "A"\nfield = "nik"\n',
         "bad_key"),
        ('name = "x"\n[[columns]]\ntitle = "A"\nfield = "nik"\n[[columns]]\ntitle = "A"\n'
         'field = "sex"\n', "same_title"),
        ("name = [", "not_toml"),
    ],
)  # fmt: skip
def test_a_mapping_that_cannot_be_used_is_refused(tmp_path: Path, text: str, code: str) -> None:
    path = tmp_path / "m.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(MappingError) as caught:
        load_handoff_mapping(path)
    assert caught.value.code == code
    assert "\n" not in caught.value.message("en")


def test_the_cli_hands_off_and_refuses_bad_input_in_one_line(tmp_path: Path) -> None:
    db = str(tmp_path / "hub.db")
    with open_storage(db) as storage:
        owner = Laptop(storage).register()
    out = tmp_path / "serah.xlsx"
    result = runner.invoke(app, ["--lang", "en", "hub", "handoff", "--db", db, "--out", str(out),
                                 "--json"])  # fmt: skip
    assert result.exit_code == 0, result.output
    body = json.loads(result.output)["handoff"]
    assert (body["rows"], body["format"], body["new"]) == (1, "xlsx", 1)
    again = runner.invoke(app, ["--lang", "en", "hub", "handoff", "--db", db, "--out",
                                str(tmp_path / "again.csv")])  # fmt: skip
    assert again.exit_code == 0 and "Nothing to hand off" in again.output
    listed = runner.invoke(app, ["hub", "handoffs", "--db", db, "--json"])
    assert [h["row_count"] for h in json.loads(listed.output)["handoffs"]] == [1]
    bad = runner.invoke(app, ["--lang", "en", "hub", "handoff", "--db", db, "--out",
                              str(tmp_path / "z.csv"), "--since", "2026-13-01"])  # fmt: skip
    assert bad.exit_code == 2 and "--since takes LAST" in bad.output
    (tmp_path / "m.toml").write_text('name = "x"\n[[columns]]\ntitle = "A"\nfield = "nama"\n')
    bad = runner.invoke(
        app,
        [
            "--lang",
            "en",
            "hub",
            "handoff",
            "--db",
            db,
            "--out",
            str(tmp_path / "z.csv"),
            "--mapping",
            str(tmp_path / "m.toml"),
        ],
    )
    assert bad.exit_code == 2 and "field outreach does not have: 'nama'" in bad.output
    exists = runner.invoke(app, ["--lang", "en", "hub", "handoff", "--db", db, "--out", str(out)])
    assert exists.exit_code == 2  # an existing file is never replaced without --force
    assert owner["data"]["reference_no"]


def test_two_hand_offs_at_once_never_hand_a_version_twice(db: str, tmp_path: Path) -> None:
    """Two supervisors at the same moment: one file holds the rows, the other run stops
    (nothing waits any more, or "another hand-off ran at the same time") and leaves no file."""
    from concurrent.futures import ThreadPoolExecutor

    from outreach_tui.hub.errors import HubError

    with open_storage(db) as storage:
        laptop = Laptop(storage)
        for _ in range(300):
            laptop.register()
        mapping = load_handoff_mapping()

        def run(n: int) -> str:
            try:
                hand_off(storage, mapping, tmp_path / f"run{n}.csv", fmt="csv")
            except NothingToHandOff:
                return "nothing"
            except HubError as exc:
                return exc.code
            return "written"

        with ThreadPoolExecutor(2) as pool:
            outcomes = sorted(pool.map(run, range(2)))
        with storage.read() as tx:
            items = tx.scalar("SELECT COUNT(*) AS n FROM handoff_items")
            handoffs = tx.scalar("SELECT COUNT(*) AS n FROM handoffs")
    assert outcomes[1] == "written" and outcomes[0] in ("nothing", "handoff.concurrent")
    written = [p for p in tmp_path.glob("run*.csv")]
    assert len(written) == 1 and len(read_csv(written[0])) == 300
    assert (int(items), int(handoffs)) == (300, 1)
    assert not list(tmp_path.glob(".run*"))  # no temporary file left behind
