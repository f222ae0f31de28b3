"""`outreach hub …`: the branch server and its admin commands (issue 5: being built)."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Attach the `hub` command group (added by the sync work)."""
