"""``GET /api/v1/reconcile``: per day, what the hub holds from one laptop (§4)."""

from __future__ import annotations

import re
from typing import Any

from fastapi import APIRouter
from starlette.concurrency import run_in_threadpool

from outreach_tui.hub import reconcile
from outreach_tui.hub.api.deps import DeviceAuth, HubContext, day_param
from outreach_tui.hub.errors import HubError

router = APIRouter()
_DEVICE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$")


@router.get("/api/v1/reconcile")
async def reconcile_days(
    hub: HubContext, _: DeviceAuth, device_id: str, since: str | None = None,
    until: str | None = None,
) -> dict[str, Any]:  # fmt: skip
    if not _DEVICE_ID.match(device_id):
        raise HubError("request.invalid", 422, field="device_id", detail="device id")
    first, last = day_param(since, "since"), day_param(until, "until")
    return await run_in_threadpool(
        reconcile.reconcile, hub.storage, device_id, first=first, last=last
    )
