"""Migration 0009 rebuilds registrations (payment period 2 allowed; occupation, work
location, working hours, postal code, branch and income band added): a populated file at
version 8 comes through with every row, index, trigger and foreign key.

Source of the change: shared/reference/bpjstk-bpu.md, audit of December 2026 ("Advance
payment: 1, 2, 3, 6 or 12 months"), and issue 20's registration fields.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from outreach_tui.sampledata.generator import generate
from outreach_tui.store import Store, migrations
from tests.privacy.conftest import rows

NEW_COLUMNS = ("occupation", "work_location", "working_hours", "postal_code", "branch_code",
               "income_band",
               # 0010's (the same open applies it): consent columns
               "reminder_consent_version", "reminder_consent_at", "guardian_name",
               "guardian_relation", "guardian_consent", "withdrawn_at", "withdrawal_reason",
               "withdrawal_due_at")  # fmt: skip


PAYMENT_MONTHS_BEFORE_V9 = "CASE payment_months WHEN 2 THEN 1 ELSE payment_months END"


def columns(conn: sqlite3.Connection, table: str) -> list[str]:
    return [r[1] for r in conn.execute(f"PRAGMA table_info({table})")]


LATER_TABLES = ("activation_outcomes",)


def tables(conn: sqlite3.Connection) -> list[str]:
    return [r[0] for r in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        " AND name <> 'schema_migrations' ORDER BY name")]  # fmt: skip


def schema_of(conn: sqlite3.Connection, table: str) -> set[tuple[str, str]]:
    """(type, name) of the indexes and triggers on ``table``."""
    return {(r[0], r[1]) for r in conn.execute(
        "SELECT type, name FROM sqlite_master WHERE tbl_name = ? AND type IN"
        " ('index', 'trigger')", [table])}  # fmt: skip


@pytest.fixture
def v8_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A schema-v8 file holding a sample's data (owners, workers, converted leads, synced
    and purged rows, history, audit)."""
    source = tmp_path / "sample.db"
    generate(source, seed=11, registrations=400)
    old = tmp_path / "laptop-v8.db"
    first_eight = migrations.migrations()[:8]
    with monkeypatch.context() as patch:
        patch.setattr(migrations, "migrations", lambda: first_eight)
        Store(old).close()
    conn = sqlite3.connect(old)
    conn.execute("ATTACH DATABASE ? AS src", [str(source)])
    with conn:
        for table in tables(conn):
            names = ", ".join(columns(conn, table))
            # an older schema has no 2-month period (0009): such sample rows pay for 1
            picked = names.replace("payment_months", PAYMENT_MONTHS_BEFORE_V9)
            conn.execute(f"INSERT OR REPLACE INTO main.{table} ({names}) SELECT {picked}"
                         f" FROM src.{table}")  # fmt: skip
    conn.execute("DETACH DATABASE src")
    assert conn.execute("SELECT max(version) FROM schema_migrations").fetchone() == (8,)
    conn.close()
    return old


def test_a_populated_v8_file_keeps_every_row_index_and_trigger(v8_file: Path) -> None:
    conn = sqlite3.connect(v8_file)
    names = tables(conn)
    before = {t: rows(v8_file, f"SELECT * FROM {t}") for t in names}
    shape = {t: schema_of(conn, t) for t in names}
    assert len(before["registrations"]) == 400 and before["leads"]
    assert any(r["converted_uuid"] for r in before["leads"])
    assert any(r["owner_uuid"] for r in before["registrations"])
    with pytest.raises(sqlite3.IntegrityError), conn:  # v8 refuses the 2-month period
        conn.execute("UPDATE registrations SET payment_months = 2 WHERE rowid = 1")
    conn.close()

    with Store(v8_file) as store:
        assert store.schema_version() == migrations.latest_version() >= 9
        assert store.integrity_check() == ["ok"]
    after = sqlite3.connect(v8_file)
    assert after.execute("PRAGMA foreign_key_check").fetchall() == []
    # Later migrations add tables of their own: 0011 the name search indexes (with their
    # triggers), 0012 activation_outcomes (issue 18).
    name_search = ("registration_names", "lead_names")
    assert [t for t in tables(after)
            if not t.startswith(name_search) and t not in LATER_TABLES] == names  # fmt: skip
    later = {("trigger", "registrations_withdrawal_final"),  # 0010, applied in the same open
             *(("trigger", f"{index}_{op}") for index in name_search
               for op in ("insert", "update", "delete")),
             ("index", "leads_name")}  # fmt: skip
    for table in names:
        assert schema_of(after, table) - later == shape[table], table
        kept = [c for c in columns(after, table) if c not in NEW_COLUMNS]
        got = rows(v8_file, f"SELECT {', '.join(kept)} FROM {table}")
        want = [{k: r[k] for k in kept} for r in before[table]]
        assert sorted(got, key=repr) == sorted(want, key=repr), table
    assert set(NEW_COLUMNS) <= set(columns(after, "registrations"))
    assert after.execute(
        f"SELECT count(*) FROM registrations WHERE {' OR '.join(NEW_COLUMNS)} IS NOT NULL"
    ).fetchone() == (0,)  # rows saved before carry none (and travel without them)
    fks = {(r[2], r[3]) for r in after.execute("PRAGMA foreign_key_list(leads)")}
    assert ("registrations", "converted_uuid") in fks
    own = {(r[2], r[3]) for r in after.execute("PRAGMA foreign_key_list(registrations)")}
    assert ("registrations", "owner_uuid") in own
    assert after.execute("SELECT name FROM sqlite_master WHERE sql LIKE '%_v8%'").fetchall() == []
    with after:  # the 2-month period is savable now; 4 months still is not
        after.execute(
            "UPDATE registrations SET payment_months = 2 WHERE rowid = 1 AND purged_at IS NULL"
        )
    with pytest.raises(sqlite3.IntegrityError), after:
        after.execute("UPDATE registrations SET payment_months = 4 WHERE rowid = 1")
    after.close()


def test_a_purged_row_stays_final_for_the_new_columns(v8_file: Path) -> None:
    """The purge guard (0005) names the new columns too, and a purged row cannot carry a
    work location (personal, like the address)."""
    with Store(v8_file) as store:
        store.purge(older_than_days=0)
    conn = sqlite3.connect(v8_file)
    purged = conn.execute("SELECT uuid FROM registrations WHERE purged_at IS NOT NULL").fetchone()
    assert purged is not None
    for column, value in (("occupation", "84"), ("work_location", "Pasar"),
                          ("postal_code", "30126")):  # fmt: skip
        with pytest.raises(sqlite3.IntegrityError, match=r"purged|CHECK"), conn:
            conn.execute(f"UPDATE registrations SET {column} = ? WHERE uuid = ?",
                         [value, purged[0]])  # fmt: skip
    conn.close()
