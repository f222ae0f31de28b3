"""Is sign-in needed on this laptop? One indexed query, asked as the booth starts.

Kept apart from officers_auth.py (hashing, lock-outs, audit) so the booth's start-up
imports nothing more than this when no officer has a PIN.
"""

from __future__ import annotations

from outreach_tui.store.database import Database


def pins_configured(database: Database) -> bool:
    """Does any officer on this laptop have a PIN? (Then the booth asks for a sign-in.)"""
    with database.read() as db:
        found: int = db.execute("SELECT EXISTS (SELECT 1 FROM officer_pins)").fetchone()[0]
    return found == 1
