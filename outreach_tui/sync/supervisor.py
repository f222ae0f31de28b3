"""The supervisor's side of the hub over HTTP: ``outreach tally|targets --hub URL``.

The same ``HubClient`` as the sync (its ``tallies`` read needs a supervisor token), opened
with the saved login's hub id and token unless ``--token`` is given. Errors are
``SyncError``s with the sync's exit codes (5 unreachable, 6 token, 7 not that hub).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from outreach_tui.config import Settings
from outreach_tui.sync import credentials as creds
from outreach_tui.sync.client import HubClient
from outreach_tui.sync.errors import AuthError, HubIdMismatch


class TokenNeeded(AuthError):
    """No ``--token`` and no saved login (exit 6)."""

    key = "report.token_needed"


@contextmanager
def supervisor_client(settings: Settings, url: str, token: str | None) -> Iterator[HubClient]:
    """A client for the hub at ``url`` whose capabilities were checked: the hub id is the
    saved login's when the saved token is used."""
    saved = creds.load(creds.credentials_path(settings))
    base = creds.normalise_url(url, insecure=bool(saved and saved.insecure))
    expected = None
    if token is None:
        if saved is None:
            raise TokenNeeded()
        token, expected = saved.token, saved.hub_id
    with HubClient(base, token.strip(), tries=2, language=settings.language) as client:
        caps = client.capabilities()
        if expected is not None and caps.hub_id != expected:
            raise HubIdMismatch(caps.hub_id, expected=expected, got=caps.hub_id)
        yield client
