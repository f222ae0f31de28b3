"""``POST /api/v1/laptops``: bind the caller's token to a laptop id and its public key."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from outreach_tui.hub import binding
from outreach_tui.hub.api.deps import HubContext, LaptopAuth, read_body
from outreach_tui.hub.body import parse_model
from outreach_tui.protocol.requests import LaptopIn

router = APIRouter()
LIMIT = 10_000


@router.post("/api/v1/laptops")
async def register_laptop(request: Request, hub: HubContext, who: LaptopAuth) -> JSONResponse:
    body = parse_model(LaptopIn, await read_body(request, LIMIT), max_records=0, max_bytes=LIMIT)
    bound = await run_in_threadpool(
        binding.register, hub.storage, hub.info, who, body.laptop_id, body.public_key,
        body.signature,
    )  # fmt: skip
    return JSONResponse(bound)
