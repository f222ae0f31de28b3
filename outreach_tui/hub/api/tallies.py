"""``GET /api/v1/tallies`` (supervisor): the daily rollups and what they name (§7)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from starlette.concurrency import run_in_threadpool

from outreach_tui.hub import tallies
from outreach_tui.hub.api.deps import HubContext, SupervisorAuth, day_param

router = APIRouter()


@router.get("/api/v1/tallies")
async def rollup_rows(
    hub: HubContext, _: SupervisorAuth, since: str | None = None, until: str | None = None
) -> dict[str, Any]:
    first, last = day_param(since, "since"), day_param(until, "until")
    rows = await run_in_threadpool(tallies.rollup_rows, hub.storage, first, last)
    known = await run_in_threadpool(tallies.context, hub.storage)  # events, branches, …
    return {"hub_id": hub.info.hub_id, "rows": rows, **known}
