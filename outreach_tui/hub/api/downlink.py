"""``GET /api/v1/downlink``: one page of what a laptop learns from the branch (§5)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from starlette.concurrency import run_in_threadpool

from outreach_tui.hub import downlink
from outreach_tui.hub.api.deps import HubContext, LaptopAuth, Scope

router = APIRouter()


@router.get("/api/v1/downlink")
async def downlink_since(
    hub: HubContext,
    device: LaptopAuth,
    scope: Scope,
    since: str | None = None,
    reference_version: str | None = None,
) -> dict[str, Any]:
    """Known participants (of the token's branch, or its region where the unit chose
    so) and review outcomes of the token's units only (issue 17)."""
    return await run_in_threadpool(
        downlink.downlink,
        hub.storage,
        hub.info,
        since,
        reference_version,
        scope,
        device.id,
        device.unit_code,
    )
