"""What tables an SQLite file holds, looked at read-only: the laptop and the hub refuse a
file that is not theirs before opening it for writing (which would switch it to WAL)."""

from __future__ import annotations

import sqlite3
from pathlib import Path


def table_names(path: Path) -> set[str] | None:
    """The names in ``sqlite_master``; None when SQLite cannot read the file (damaged, not
    a database: the caller's own opening then says so)."""
    try:
        conn = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
        try:
            return {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
        finally:
            conn.close()
    except sqlite3.DatabaseError:
        return None
