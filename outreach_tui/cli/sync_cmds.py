"""`outreach login`, `outreach sync`, `outreach export` (issue 5: being built)."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Attach the officer-side sync commands (added by the sync work)."""
