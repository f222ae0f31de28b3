"""``POST /api/v1/batches``: a batch in, a signed receipt out (§2)."""

from __future__ import annotations

import orjson
from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from outreach_tui.domain import origin
from outreach_tui.hub.api.deps import DeviceAuth, HubContext, Language, read_body
from outreach_tui.hub.body import check_media_type, parse_model
from outreach_tui.hub.ingest import ingest_batch
from outreach_tui.protocol.requests import BatchIn

router = APIRouter()


@router.post("/api/v1/batches")
async def push(request: Request, hub: HubContext, who: DeviceAuth, language: Language) -> Response:
    check_media_type(request.headers.get("content-type"))
    raw = await read_body(request, hub.max_bytes, hub.max_records)
    batch = parse_model(BatchIn, raw, max_records=hub.max_records, max_bytes=hub.max_bytes)
    receipt = await run_in_threadpool(
        ingest_batch, hub.storage, hub.info, batch, device=who, language=language
    )
    # Signed as sent (a replay too): the laptop marks records synced only on a receipt
    # that verifies against the key it pinned at login.
    receipt["signature"] = origin.sign(hub.info.sign_key, origin.receipt_message(receipt))
    # A response, not a dict: FastAPI would walk a returned dict with jsonable_encoder
    # (~13 µs per record of a receipt), and it is plain JSON already.
    return Response(orjson.dumps(receipt), media_type="application/json")
