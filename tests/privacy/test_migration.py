"""Migration 0004 rebuilds registrations and leads (nullable personal fields, digests,
purged_at, consent triggers): an older file full of data comes through unchanged."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from outreach_tui.sampledata.generator import generate
from outreach_tui.store import Store, migrations
from tests.privacy.conftest import found_in_file, rows, run

V3_TABLES = (
    "settings", "counters", "branches", "officers", "events", "registrations", "leads",
    "record_history", "audit_log", "sync_batches", "sync_receipts", "sync_checkpoints",
    "reference_data", "known_participants", "review_outcomes",
)  # fmt: skip


PAYMENT_MONTHS_BEFORE_V9 = "CASE payment_months WHEN 2 THEN 1 ELSE payment_months END"


def columns(conn: sqlite3.Connection, table: str) -> list[str]:
    return [r[1] for r in conn.execute(f"PRAGMA table_info({table})")]


@pytest.fixture
def v3_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    """(a schema-v3 file holding sample.db-like data, the v4 sample it was copied from)."""
    source = tmp_path / "sample-v4.db"
    generate(source, seed=7)
    old = tmp_path / "laptop-v3.db"
    first_three = migrations.migrations()[:3]
    with monkeypatch.context() as patch:
        patch.setattr(migrations, "migrations", lambda: first_three)
        Store(old).close()
    conn = sqlite3.connect(old)
    conn.execute("ATTACH DATABASE ? AS src", [str(source)])
    with conn:
        for table in V3_TABLES:
            names = ", ".join(columns(conn, table))
            # an older schema has no 2-month period (0009): such sample rows pay for 1
            picked = names.replace("payment_months", PAYMENT_MONTHS_BEFORE_V9)
            conn.execute(f"INSERT OR REPLACE INTO main.{table} ({names}) SELECT {picked}"
                         f" FROM src.{table}")  # fmt: skip
    conn.execute("DETACH DATABASE src")
    assert conn.execute("SELECT max(version) FROM schema_migrations").fetchone() == (3,)
    conn.close()
    return old, source


def test_a_populated_v3_file_migrates_without_losing_anything(v3_file: tuple[Path, Path]) -> None:
    old, source = v3_file
    before = {t: rows(old, f"SELECT * FROM {t} ORDER BY rowid") for t in V3_TABLES}
    with Store(old) as store:
        assert store.schema_version() == migrations.latest_version()
        assert store.integrity_check() == ["ok"]
    after = sqlite3.connect(old)
    assert after.execute("PRAGMA foreign_key_check").fetchall() == []
    for table in V3_TABLES:
        added = (
            "nik_digest",
            "nik_key_id",
            "purged_at",
            "state_funded",  # after v3
            "occupation",
            "work_location",
            "working_hours",
            "postal_code",
            "branch_code",
            "income_band",  # 0009
            "reminder_consent_version",
            "reminder_consent_at",
            "guardian_name",
            "guardian_relation",
            "guardian_consent",
            "withdrawn_at",
            "withdrawal_reason",
            "withdrawal_due_at",
        )  # 0010
        names = [c for c in columns(after, table) if c not in added]
        got = rows(old, f"SELECT {', '.join(names)} FROM {table} ORDER BY rowid")
        assert got == [{k: r[k] for k in names} for r in before[table]], table
    leftovers = after.execute("SELECT name FROM sqlite_master WHERE name LIKE '%_v3%'").fetchall()
    assert leftovers == []
    indexes = {r[0] for r in after.execute("SELECT name FROM sqlite_master WHERE type='index'")}
    assert {"registrations_tally", "leads_tally", "registrations_nik_digest",
            "registrations_phone", "registrations_owner"} <= indexes  # fmt: skip
    fks = after.execute("PRAGMA foreign_key_list(leads)").fetchall()
    assert ("registrations", "converted_uuid") in {(r[2], r[3]) for r in fks}
    after.close()
    # same content as a file made at v4 directly
    fresh = rows(source, "SELECT uuid, nik, phone FROM registrations ORDER BY uuid")
    assert rows(old, "SELECT uuid, nik, phone FROM registrations ORDER BY uuid") == fresh


def test_the_migrated_sample_purges_with_tallies_unchanged(v3_file: tuple[Path, Path]) -> None:
    old, _ = v3_file
    with Store(old):
        pass
    synced = rows(old, "SELECT nik, phone FROM registrations WHERE sync_state = 'synced'"
                       " AND phone IS NOT NULL LIMIT 3")  # fmt: skip
    before = [json.loads(run("tally", "--by", b, "--json", db=old).stdout)
              for b in ("day", "officer", "sector", "program")]  # fmt: skip
    result = run("purge", "--json", db=old)
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["registrations"] > 500 and report["compacted"]
    after = [json.loads(run("tally", "--by", b, "--json", db=old).stdout)
             for b in ("day", "officer", "sector", "program")]  # fmt: skip
    assert after == before
    assert found_in_file(old, *[r["nik"] for r in synced], *[r["phone"] for r in synced]) == []
    doctor = json.loads(run("doctor", "--json", db=old).stdout)
    assert doctor["integrity"] == "ok" and doctor["pending_sync"] > 0
