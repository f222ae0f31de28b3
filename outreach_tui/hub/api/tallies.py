"""``GET /api/v1/tallies`` (supervisor): the daily rollups and what they name (§7)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from starlette.concurrency import run_in_threadpool

from outreach_tui.hub import tallies
from outreach_tui.hub.api.deps import HubContext, Scope, SupervisorAuth, day_param

router = APIRouter()


@router.get("/api/v1/tallies")
async def rollup_rows(
    hub: HubContext,
    _: SupervisorAuth,
    scope: Scope,
    since: str | None = None,
    until: str | None = None,
) -> dict[str, Any]:
    """Only the rows of the token's units (issue 17): a region's supervisor never
    receives another region's rollups, events or officers."""
    first, last = day_param(since, "since"), day_param(until, "until")
    rows = await run_in_threadpool(tallies.rollup_rows, hub.storage, first, last, scope)
    known = await run_in_threadpool(tallies.context, hub.storage, scope)  # events, units, …
    return {"hub_id": hub.info.hub_id, "rows": rows, **known}
