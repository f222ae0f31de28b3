"""Open the data source of a report: an officer's file, a hub database or a hub over HTTP.

The CLI is the one place that knows all three (``reports`` only sees the
``ReportSource`` interface); the HTTP client is the sync's (``sync/supervisor.py``).
Errors become one line with the usual exit codes: 3 for a database, the sync codes (5
unreachable, 6 token, 7 not a hub) for HTTP.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from outreach_tui.cli.output import EXIT_STORE, EXIT_USAGE, fail
from outreach_tui.config import Settings
from outreach_tui.i18n import t
from outreach_tui.reports.sources import ReportSource, RollupSource


def _scope(storage: object, unit: str | None) -> frozenset[str] | None:
    if unit is None:
        return None
    from outreach_tui.cli.hub_review_cmds import scope_for

    return scope_for(storage, unit)


@contextmanager
def open_source(
    settings: Settings,
    *,
    db: Path | None = None,
    hub_db: str | None = None,
    hub: str | None = None,
    token: str | None = None,
    unit: str | None = None,
) -> Iterator[ReportSource]:
    """Exactly one of ``db``/``hub_db``/``hub``; none means the officer's file. ``unit``
    (a hub database only) narrows it to one unit's subtree; over HTTP the token does."""
    if sum(x is not None for x in (db, hub_db, hub)) > 1:
        fail(t("report.one_source", settings.language), EXIT_USAGE)
    if unit is not None and hub_db is None:
        fail(t("report.unit_needs_hub_db", settings.language), EXIT_USAGE)
    if hub is not None:
        from outreach_tui.sync.supervisor import supervisor_client

        with supervisor_client(settings, hub, token) as client:
            yield RollupSource(client.tallies)
        return
    if hub_db is not None:
        from outreach_tui.hub.storage import open_storage
        from outreach_tui.hub.tallies import HubTallies

        with open_storage(hub_db, create=False) as storage:
            yield HubTallies(storage, _scope(storage, unit))
        return
    from outreach_tui.store import Store
    from outreach_tui.store.tallies import LaptopTallies

    path = Path(db or settings.db).expanduser()
    if not path.exists():
        fail(t("cli.db_missing", settings.language, db=str(path)), EXIT_STORE)
    with Store(path, create=False) as store:
        yield LaptopTallies(store.database)
