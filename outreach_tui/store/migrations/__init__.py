"""Versioned schema migrations for the officer's file.

Each migration is ``NNNN_name.sql`` in this folder, applied once, in order, inside one
``BEGIN IMMEDIATE`` transaction together with its row in ``schema_migrations`` — so two
processes opening a new file at once cannot apply the same step twice, and a crash
mid-migration leaves the previous version intact. ``PRAGMA user_version`` mirrors the
latest version for tools that only look there.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from functools import cache
from importlib import resources

from outreach_tui.store.database import Database, SchemaTooNew, StoreError, utc_now

_NAME = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str


@cache
def migrations() -> tuple[Migration, ...]:
    found = []
    for entry in resources.files(__name__).iterdir():
        match = _NAME.match(entry.name)
        if match:
            found.append(Migration(int(match[1]), match[2], entry.read_text(encoding="utf-8")))
    found.sort(key=lambda m: m.version)
    if [m.version for m in found] != list(range(1, len(found) + 1)):
        raise RuntimeError("migration versions must be 1..N without gaps")
    return tuple(found)


def latest_version() -> int:
    return migrations()[-1].version


def current_version(db: Database) -> int:
    # Plain SQL: every open asks this, and sqlite-utils costs ~60 ms to import.
    with db.read() as conn:
        found = conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'"
        ).fetchone()
        if found is None:
            return 0
        row = conn.execute("SELECT max(version) FROM schema_migrations").fetchone()
        return row[0] or 0


def _split(sql: str) -> list[str]:
    """Split a migration into statements, keeping trigger bodies whole."""
    statements, buffer = [], []
    for line in sql.splitlines():
        buffer.append(line)
        text = "\n".join(buffer).strip()
        if text.endswith(";") and sqlite3.complete_statement(text):
            statements.append(text)
            buffer = []
    rest = "\n".join(buffer).strip()
    if rest and not all(part.startswith("--") for part in rest.splitlines() if part.strip()):
        statements.append(rest)
    return statements


def migrate(db: Database) -> list[int]:
    """Bring the file to the latest schema; returns the versions applied (may be none)."""
    if current_version(db) == latest_version():
        return []  # the usual case: a read, no write transaction (the file stays untouched)
    applied = []
    # Foreign keys off while the schema changes (SQLite's own procedure for rebuilding a
    # table: the PRAGMA is a no-op inside a transaction, so it is set before), checked in
    # full before the commit, and on again whatever happens.
    db.set_foreign_keys(False)
    try:
        applied = _apply(db)
    finally:
        db.set_foreign_keys(True)
    return applied


def _apply(db: Database) -> list[int]:
    applied = []
    with db.write() as conn:
        conn.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations ("
            " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
        )
        done = {row[0] for row in conn.execute("SELECT version FROM schema_migrations")}
        if done and max(done) > latest_version():
            raise SchemaTooNew(db.path, max(done), latest_version())
        for migration in migrations():
            if migration.version in done:
                continue
            # executescript would COMMIT the open transaction; run statement by statement.
            for statement in _split(migration.sql):
                conn.execute(statement)
            conn.execute(
                "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
                [migration.version, migration.name, utc_now()],
            )
            applied.append(migration.version)
        broken = conn.execute("PRAGMA foreign_key_check").fetchone()
        if broken is not None:
            raise StoreError(f"migration left a broken reference in {broken[0]}: not applied")
        conn.execute(f"PRAGMA user_version = {latest_version()}")
    return applied
