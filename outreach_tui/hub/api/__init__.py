"""The hub's HTTP routes, one router per resource (docs/SYNC_PROTOCOL.md):

``capabilities`` (open: who the hub is), ``laptops`` (bind a token to a laptop key),
``batches`` (push), ``reconcile``, ``downlink``, ``tallies`` and ``reviews`` (supervisor).
What every route shares, the token check included, is in ``deps.py``.
"""

from __future__ import annotations

from fastapi import APIRouter

from outreach_tui.hub.api import (
    batches,
    capabilities,
    downlink,
    laptops,
    reconcile,
    reviews,
    tallies,
)

ROUTERS: tuple[APIRouter, ...] = (
    capabilities.router,
    laptops.router,
    batches.router,
    reconcile.router,
    downlink.router,
    tallies.router,
    reviews.router,
)
