"""A hub database as an older hub left it: the migrations up to a version, recorded as
applied, so opening it with the current code runs the rest (the upgrade tests)."""

from __future__ import annotations

from outreach_tui.hub.storage import Tx
from outreach_tui.hub.storage.schema import migrations


def migrate_to(tx: Tx, version: int) -> None:
    """Apply (and record) every migration up to ``version``, nothing after it."""
    tx.execute("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, "
               "name TEXT NOT NULL, applied_at TEXT NOT NULL)")  # fmt: skip
    for number, name, statements in migrations(tx.dialect):
        if number > version:
            break
        for statement in statements:
            tx.execute(statement)
        tx.execute("INSERT INTO schema_migrations VALUES (?, ?, 'x')", (number, name))
