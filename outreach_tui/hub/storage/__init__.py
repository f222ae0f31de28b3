"""Hub storage: one small interface (``Storage``/``Tx``), SQLite and PostgreSQL behind it.

``open_storage(url)`` takes a file path (SQLite) or a ``postgresql://`` URL, opens it
and brings its schema up to date.
"""

from __future__ import annotations

from outreach_tui.hub.storage.base import Row, Storage, Tx, migrate, utc_now

__all__ = ["Row", "Storage", "Tx", "is_postgres_url", "open_storage", "utc_now"]


def is_postgres_url(url: str) -> bool:
    return url.startswith(("postgresql://", "postgres://"))


def open_storage(url: str, *, create: bool = True, upgrade: bool = True) -> Storage:
    """Open the hub database at ``url``; ``create=False`` refuses a missing SQLite file."""
    storage: Storage
    if is_postgres_url(url):
        from outreach_tui.hub.storage.postgres import PostgresStorage

        storage = PostgresStorage(url)
    else:
        from outreach_tui.hub.storage.sqlite import SqliteStorage

        storage = SqliteStorage(url.removeprefix("sqlite://"), create=create)
    if upgrade:
        try:
            migrate(storage)
        except BaseException:
            storage.close()
            raise
    return storage
