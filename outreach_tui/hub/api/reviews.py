"""``POST /api/v1/reviews`` (supervisor): a decision on a possible duplicate (§7)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from outreach_tui.hub import downlink
from outreach_tui.hub.api.deps import HubContext, Scope, SupervisorAuth, read_body
from outreach_tui.hub.body import check_media_type, parse_model
from outreach_tui.protocol.requests import ReviewIn

router = APIRouter()
LIMIT = 10_000


@router.post("/api/v1/reviews")
async def review(
    request: Request, hub: HubContext, who: SupervisorAuth, scope: Scope
) -> JSONResponse:
    check_media_type(request.headers.get("content-type"))
    body = parse_model(ReviewIn, await read_body(request, LIMIT), max_records=0, max_bytes=LIMIT)
    saved = await run_in_threadpool(
        downlink.record_review, hub.storage, body.uuid, body.outcome, who.id, scope
    )
    return JSONResponse(saved, 201)
