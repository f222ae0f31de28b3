"""``GET /api/v1/capabilities`` (no token): who the hub is and what it takes (§1)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response

from outreach_tui.domain.wire import PROTOCOL_VERSION
from outreach_tui.hub import downlink
from outreach_tui.hub.api.deps import HubContext
from outreach_tui.hub.storage import utc_now
from outreach_tui.protocol import replies

router = APIRouter()


@router.get("/api/v1/capabilities")
async def capabilities(hub: HubContext) -> Response:
    answer = replies.Capabilities(
        hub_id=hub.info.hub_id,
        protocol=PROTOCOL_VERSION,
        max_records=hub.max_records,
        max_bytes=hub.max_bytes,
        server_time=utc_now(),
        reference_version=downlink.reference_version(),
        hub_key=hub.info.public_key,  # pinned by `outreach login`; every receipt is signed by it
    )
    return Response(replies.encode(answer), media_type="application/json")
