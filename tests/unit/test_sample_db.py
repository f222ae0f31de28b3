"""The committed sample.db is exactly what `outreach sample --seed 7` makes today, at the
current schema version — compared by content, not bytes."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from outreach_tui.sampledata.generator import generate
from outreach_tui.store.migrations import latest_version

COMMITTED = Path(__file__).resolve().parents[2] / "sample.db"


def tables(conn: sqlite3.Connection) -> list[str]:
    rows = conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        " AND sql NOT LIKE 'CREATE VIRTUAL TABLE%'"  # FTS5 (0011): through its shadow tables
        " ORDER BY name"
    )
    return [name for (name,) in rows]


def content(conn: sqlite3.Connection, table: str) -> list[tuple]:
    if table == "schema_migrations":  # applied_at is when the file was made
        return conn.execute("SELECT version, name FROM schema_migrations ORDER BY 1").fetchall()
    columns = [row[1] for row in conn.execute(f"PRAGMA table_info({table})")]
    order = ", ".join(f'"{c}"' for c in columns)
    return conn.execute(f'SELECT * FROM "{table}" ORDER BY {order}').fetchall()


def open_readonly(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True)


@pytest.fixture(scope="module")
def regenerated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("regenerated") / "sample.db"
    generate(path, seed=7)
    return path


def test_committed_sample_is_small_and_current() -> None:
    assert COMMITTED.exists(), "run `make sample` and commit sample.db"
    assert COMMITTED.stat().st_size < 5 * 1024 * 1024
    with open_readonly(COMMITTED) as conn:
        (version,) = conn.execute("SELECT max(version) FROM schema_migrations").fetchone()
        assert version == latest_version(), "schema changed: run `make sample` and commit"
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)


def test_committed_sample_has_the_generators_rows(regenerated: Path) -> None:
    with open_readonly(COMMITTED) as committed, open_readonly(regenerated) as fresh:
        assert tables(committed) == tables(fresh)
        for table in tables(fresh):
            assert content(committed, table) == content(fresh, table), (
                f"sample.db table {table} differs from the generator: run `make sample`"
            )


def test_sample_holds_the_news_based_story() -> None:
    with open_readonly(COMMITTED) as conn:
        events = {name for (name,) in conn.execute("SELECT name FROM events")}
        assert any("Sumsel Marketing" in name for name in events)
        assert any("Surakarta" in name for name in events)
        (owners,) = conn.execute(
            "SELECT count(*) FROM registrations WHERE role = 'owner'"
        ).fetchone()
        (total,) = conn.execute("SELECT count(*) FROM registrations").fetchone()
        assert 900 <= total <= 1100 and owners > 100
        states = {s for (s,) in conn.execute("SELECT DISTINCT sync_state FROM registrations")}
        assert {"synced", "pending"} <= states
