"""``GET /api/v1/tallies`` (supervisor): the daily rollups and what they name (§7).

With ``group`` (comma-separated rollup columns, empty for one total) the hub sums the rows
itself and answers ``facts``, one row per group: a region's year is thousands of rollup
rows but a few hundred groups. Without it (a client before this), the rows themselves."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter
from starlette.concurrency import run_in_threadpool

from outreach_tui.domain.tally_columns import HUB_GROUP_COLUMNS
from outreach_tui.hub import tallies
from outreach_tui.hub.api.deps import HubContext, Scope, SupervisorAuth, day_param
from outreach_tui.hub.errors import HubError

router = APIRouter()


@router.get("/api/v1/tallies")
async def rollup_rows(
    hub: HubContext,
    _: SupervisorAuth,
    scope: Scope,
    since: str | None = None,
    until: str | None = None,
    group: str | None = None,
) -> dict[str, Any]:
    """Only the rows of the token's units (issue 17): a region's supervisor never
    receives another region's rollups, events or officers."""
    first, last = day_param(since, "since"), day_param(until, "until")
    known = await run_in_threadpool(tallies.context, hub.storage, scope)  # events, units, …
    if group is None:
        rows = await run_in_threadpool(tallies.rollup_rows, hub.storage, first, last, scope)
        return {"hub_id": hub.info.hub_id, "rows": rows, **known}
    columns = [c for c in group.split(",") if c]
    if len(set(columns)) != len(columns) or set(columns) - set(HUB_GROUP_COLUMNS):
        raise HubError("request.bad_group", 422, field="group", value=group[:80])
    low = date.fromisoformat(first) if first else None
    high = date.fromisoformat(last) if last else None
    facts = await run_in_threadpool(tallies.facts, hub.storage, columns, low, high, scope)
    return {"hub_id": hub.info.hub_id, "rows": [], "facts": facts, **known}
