"""The only code that touches the officer's SQLite file."""

from outreach_tui.store.database import StoreError
from outreach_tui.store.store import Store, StoreSummary

__all__ = ["Store", "StoreError", "StoreSummary"]
