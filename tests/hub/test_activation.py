"""Issue 18, the activation import: the core system's answer matched by reference number or
by NIK (the hub's keyed digest), unmatched and ambiguous rows reported and never guessed,
idempotent, and all or nothing with a one-line error naming row and column — on SQLite
and PostgreSQL (the ``db`` fixture)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from handoff_support import Laptop, activation_file
from hub_builders import nik as random_nik
from typer.testing import CliRunner

from outreach_tui.cli.main import app
from outreach_tui.domain.handoff_mapping import load_activation_mapping, load_handoff_mapping
from outreach_tui.hub.activation import ActivationFileError, import_activations
from outreach_tui.hub.handoff import hand_off
from outreach_tui.hub.storage import Storage, open_storage

runner = CliRunner()


def _state(storage: Storage) -> dict[str, Any]:
    """Everything an import may change."""
    with storage.read() as tx:
        return {
            "activations": tx.all("SELECT * FROM activations ORDER BY uuid"),
            "funnel": tx.all("SELECT * FROM funnel_rollup ORDER BY day, officer_code"),
            "feed": tx.scalar("SELECT value FROM counters WHERE name = 'feed'"),
            "imports": tx.all("SELECT id FROM activation_imports"),
        }


def _world(storage: Storage, tmp_path: Path) -> dict[str, Any]:
    """Two laptops; one person registered on both (the same NIK); everything handed off."""
    one, two = Laptop(storage), Laptop(storage, officer="PLG-02")
    twice = random_nik()
    people = {
        "enrolled": one.register(),
        "unpaid": one.register(),
        "refused": one.register(),
        "by_nik": one.register(),
        "twice_a": one.register(nik=twice),
        "twice_b": two.register(nik=twice),
    }
    hand_off(storage, load_handoff_mapping(), tmp_path / "h.csv", fmt="csv")
    return people


def _rows(p: dict[str, Any]) -> list[dict[str, Any]]:
    ref = lambda who: p[who]["data"]["reference_no"]  # noqa: E731
    return [
        {"reference_no": ref("enrolled"), "status": "Aktif", "kpj": "26012345678",
         "enrolled_on": "01-12-2026", "first_paid_month": "12-2026",
         "last_paid_month": "02-2027"},
        {"reference_no": ref("unpaid"), "status": "BELUM BAYAR", "kpj": "26012345679",
         "enrolled_on": "02-12-2026"},
        {"reference_no": ref("refused"), "status": "DITOLAK",
         "refusal_reason": "NIK tidak terdaftar di Dukcapil"},
        {"nik": p["by_nik"]["data"]["nik"], "status": "AKTIF", "kpj": "26012345680",
         "enrolled_on": "03-12-2026", "first_paid_month": "12-2026"},
        {"reference_no": "ZZZZZZZZZZZZ", "status": "AKTIF", "kpj": "1",
         "enrolled_on": "03-12-2026"},
        {"nik": p["twice_a"]["data"]["nik"], "status": "AKTIF", "kpj": "2",
         "enrolled_on": "03-12-2026"},
        {"reference_no": ref("enrolled"), "status": "Aktif", "kpj": "26012345678",
         "enrolled_on": "01-12-2026", "first_paid_month": "12-2026",
         "last_paid_month": "02-2027"},  # the duplicate row
    ]  # fmt: skip


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_outcomes_are_matched_never_guessed_and_a_second_import_changes_nothing(
    db: str, tmp_path: Path, suffix: str
) -> None:
    with open_storage(db) as storage:
        p = _world(storage, tmp_path)
        info = Laptop(storage).info  # the hub's identity (its NIK key)
        path = activation_file(tmp_path / f"aktivasi{suffix}", _rows(p))
        result = import_activations(storage, info, path, load_activation_mapping(), actor="t")
        assert (result.rows, result.applied, result.unmatched, result.ambiguous,
                result.duplicates) == (7, 4, 1, 1, 1)  # fmt: skip
        assert [(x["row"], x["kind"]) for x in result.problems] == [
            (6, "unmatched"),
            (7, "ambiguous"),
            (8, "duplicate"),
        ]
        with storage.read() as tx:
            held = {r["uuid"]: r for r in tx.all("SELECT * FROM activations")}
        assert set(held) == {p[k]["uuid"] for k in ("enrolled", "unpaid", "refused", "by_nik")}
        enrolled = held[p["enrolled"]["uuid"]]
        assert (enrolled["status"], enrolled["kpj"], enrolled["enrolled_on"],
                enrolled["first_paid_month"], enrolled["last_paid_month"]) == (
            "enrolled", "26012345678", "2026-12-01", "2026-12", "2027-02")  # fmt: skip
        unpaid = held[p["unpaid"]["uuid"]]
        assert unpaid["status"] == "enrolled" and unpaid["first_paid_month"] is None
        refused = held[p["refused"]["uuid"]]
        assert (refused["status"], refused["refusal_reason"]) == (
            "refused", "NIK tidak terdaftar di Dukcapil")  # fmt: skip
        assert held[p["by_nik"]["uuid"]]["last_paid_month"] == "2026-12"  # first = last
        before = _state(storage)
        again = import_activations(storage, info, path, load_activation_mapping(), actor="t")
        assert again.seen_before and again.applied == 0 and again.unchanged == 4
        assert _state(storage) == before  # nothing changed: no row, funnel or feed value


@pytest.mark.parametrize(
    ("change", "row", "column", "words"),
    [
        ({"enrolled_on": "31-02-2026"}, 4, "Tanggal Kepesertaan", "not a date like 31-12-2026"),
        ({"status": "MUNGKIN"}, 4, "Status", "unknown status 'MUNGKIN'"),
        ({"kpj": None}, 4, "No KPJ", "needs the KPJ number"),
        ({"first_paid_month": "2026-12"}, 4, "Bulan Iuran Pertama", "not a month like 12-2026"),
        ({"first_paid_month": "03-2027", "last_paid_month": "01-2027"}, 4,
         "Bulan Iuran Terakhir", "before the first"),
    ],
)  # fmt: skip
def test_a_malformed_file_names_row_and_column_and_applies_nothing(
    db: str, tmp_path: Path, change: dict[str, Any], row: int, column: str, words: str
) -> None:
    with open_storage(db) as storage:
        p = _world(storage, tmp_path)
        info = Laptop(storage).info
        rows = _rows(p)[:4]
        rows[2] = {**rows[3], **change}  # row 4 of the file (the header is row 1)
        path = activation_file(tmp_path / "bad.csv", rows)
        before = _state(storage)
        with pytest.raises(ActivationFileError) as caught:
            import_activations(storage, info, path, load_activation_mapping())
        message = caught.value.message("en")
        assert message.startswith(f"row {row}, column '{column}': ") and words in message
        assert "\n" not in message
        assert _state(storage) == before  # rows 2 and 3 were good: still not applied


def test_two_different_outcomes_for_one_person_make_the_file_malformed(
    db: str, tmp_path: Path
) -> None:
    with open_storage(db) as storage:
        p = _world(storage, tmp_path)
        rows = _rows(p)[:2]
        rows.append({**rows[0], "kpj": "999"})
        path = activation_file(tmp_path / "two.csv", rows)
        with pytest.raises(ActivationFileError) as caught:
            import_activations(storage, Laptop(storage).info, path, load_activation_mapping())
        assert caught.value.row == 4 and caught.value.code == "two_outcomes"
        assert _state(storage)["activations"] == []


def test_the_cli_imports_and_refuses_a_malformed_file_in_one_line(tmp_path: Path) -> None:
    db = str(tmp_path / "hub.db")
    with open_storage(db) as storage:
        p = _world(storage, tmp_path)
    path = activation_file(tmp_path / "a.csv", _rows(p))
    result = runner.invoke(app, ["--lang", "en", "hub", "activation", "import", str(path),
                                 "--db", db])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "7 rows — 4 applied, 0 unchanged, 1 duplicate rows, 1 unmatched, 1 ambiguous" in (
        result.output
    )
    assert "row 6: no handed-off registration matches (ZZZZZZZZZZZZ)" in result.output
    again = runner.invoke(app, ["hub", "activation", "import", str(path), "--db", db, "--json"])
    assert json.loads(again.output)["activation"]["unchanged"] == 4
    bad = activation_file(tmp_path / "b.csv", [{**_rows(p)[0], "enrolled_on": "kemarin"}])
    refused = runner.invoke(app, ["--lang", "en", "hub", "activation", "import", str(bad),
                                  "--db", db])  # fmt: skip
    assert refused.exit_code == 1
    assert refused.output.strip().splitlines() == [
        "outreach: row 2, column 'Tanggal Kepesertaan': 'kemarin' is not a date like "
        "31-12-2026. Nothing was imported."
    ]


def test_a_csv_saved_by_a_spreadsheet_is_read_bom_and_semicolons_included(tmp_path: Path) -> None:
    from outreach_tui.hub.activation import _raw_rows, _Reader

    path = tmp_path / "excel.csv"
    path.write_bytes("\ufeffNo Referensi;STATUS;No KPJ;Tanggal Kepesertaan\n"
                     "abc123;aktif;26012345678;01-12-2026\n".encode())  # fmt: skip
    mapping = load_activation_mapping()
    reader = _Reader(mapping)
    rows = _raw_rows(path, mapping)
    reader.header(next(rows)[1])  # titles match whatever their case
    number, cells = next(rows)
    row = reader.row(number, cells)
    assert row is not None and (row.reference_no, row.outcome["status"], row.outcome["kpj"]) == (
        "ABC123", "enrolled", "26012345678")  # fmt: skip
