"""Open the data source of a report: an officer's file, a hub database or a hub over HTTP.

The CLI is the one place that knows all three (``reports`` only sees the
``ReportSource`` interface). Errors become one line with the usual exit codes: 3 for a
database, the sync codes (5 unreachable, 6 token, 7 not a hub) for HTTP.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

from outreach_tui.cli.output import EXIT_STORE, EXIT_USAGE, fail
from outreach_tui.config import Settings
from outreach_tui.i18n import t
from outreach_tui.reports.sources import ReportSource, RollupSource
from outreach_tui.sync.client import HubClient
from outreach_tui.sync.errors import ProtocolError


class TallyClient(HubClient):
    """The sync client plus the supervisor read ``GET /api/v1/tallies``."""

    def tallies(self, first: date | None, last: date | None) -> dict[str, Any]:
        params = {}
        if first:
            params["since"] = first.isoformat()
        if last:
            params["until"] = last.isoformat()
        response = self._request("GET", "/api/v1/tallies", params=params)
        try:
            data = response.json()
        except ValueError as exc:
            raise ProtocolError("tallies: not JSON") from exc
        if not isinstance(data, dict) or not isinstance(data.get("rows"), list):
            raise ProtocolError("tallies: rows")
        return data


def _http_source(settings: Settings, url: str, token: str | None) -> Iterator[ReportSource]:
    from outreach_tui.sync import credentials as creds

    saved = creds.load(creds.credentials_path(settings))
    base = creds.normalise_url(url, insecure=bool(saved and saved.insecure))
    expected = None
    if token is None:
        if saved is None:
            fail(t("report.token_needed", settings.language), 6)
        token, expected = saved.token, saved.hub_id
    with TallyClient(base, token.strip(), tries=2, language=settings.language) as client:
        caps = client.capabilities()
        if expected is not None and caps.hub_id != expected:
            from outreach_tui.sync.errors import HubIdMismatch

            raise HubIdMismatch(caps.hub_id, expected=expected, got=caps.hub_id)
        yield RollupSource(client.tallies)


@contextmanager
def open_source(
    settings: Settings,
    *,
    db: Path | None = None,
    hub_db: str | None = None,
    hub: str | None = None,
    token: str | None = None,
) -> Iterator[ReportSource]:
    """Exactly one of ``db``/``hub_db``/``hub``; none means the officer's file."""
    if sum(x is not None for x in (db, hub_db, hub)) > 1:
        fail(t("report.one_source", settings.language), EXIT_USAGE)
    if hub is not None:
        yield from _http_source(settings, hub, token)
        return
    if hub_db is not None:
        from outreach_tui.hub.storage import open_storage
        from outreach_tui.hub.tallies import HubTallies

        with open_storage(hub_db, create=False) as storage:
            yield HubTallies(storage)
        return
    from outreach_tui.store import Store
    from outreach_tui.store.tallies import LaptopTallies

    path = Path(db or settings.db).expanduser()
    if not path.exists():
        fail(t("cli.db_missing", settings.language, db=str(path)), EXIT_STORE)
    with Store(path, create=False) as store:
        yield LaptopTallies(store.database)
