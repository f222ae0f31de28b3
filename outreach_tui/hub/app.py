"""The hub's HTTP API (docs/SYNC_PROTOCOL.md), a FastAPI app over one ``Storage``.

Every error is ``{"error": {"code", "message", "field"}}``: 4xx for anything a client
sent wrong, 503 when the database is unavailable, 500 only for a bug. Blocking database
work runs in the thread pool; request bodies are read with a byte limit before parsing.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import orjson
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from outreach_tui.domain import origin
from outreach_tui.domain.wire import PROTOCOL_VERSION
from outreach_tui.hub import binding, downlink, openapi, reconcile, status
from outreach_tui.hub import tallies as hub_tallies
from outreach_tui.hub.auth import Device, authenticate
from outreach_tui.hub.body import check_media_type, parse_model
from outreach_tui.hub.errors import HubError
from outreach_tui.hub.ingest import ingest_batch
from outreach_tui.hub.meta import load_hub_info
from outreach_tui.hub.models import BatchIn, LaptopIn, ReviewIn
from outreach_tui.hub.storage import Storage, utc_now

MAX_RECORDS = 1000  # ≈ 1.1 MB of typical records, well within MAX_BYTES
MAX_BYTES = 5_000_000
DRAIN_LIMIT = 64_000_000  # read (and drop) an oversized body up to here so the 413 arrives
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DEVICE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$")
log = logging.getLogger("outreach.hub")


def _language(request: Request) -> str:
    return "en" if request.headers.get("accept-language", "").lower().startswith("en") else "id"


def _error(request: Request, exc: HubError) -> JSONResponse:
    headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else None
    return JSONResponse(exc.as_body(_language(request)), exc.status, headers=headers)


async def _read_body(request: Request, limit: int, max_records: int = 0) -> bytes:
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > DRAIN_LIMIT:
        raise HubError("batch.too_large", 413, max_records=max_records, max_bytes=limit)
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size <= limit:
            chunks.append(chunk)
        elif size > DRAIN_LIMIT:
            break
    if size > limit:
        raise HubError("batch.too_large", 413, max_records=max_records, max_bytes=limit)
    return b"".join(chunks)


def _day_param(value: str | None, name: str) -> str | None:
    if value is not None and not _DAY.match(value):
        raise HubError("request.bad_day", 422, field=name)
    return value


def create_app(
    storage: Storage, *, max_records: int = MAX_RECORDS, max_bytes: int = MAX_BYTES
) -> FastAPI:
    """The app; it owns ``storage`` and closes it at shutdown."""
    hub = load_hub_info(storage)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        try:
            yield
        finally:
            storage.close()

    app = FastAPI(title="outreach hub", lifespan=lifespan, docs_url=None, redoc_url=None)
    openapi.install(app)  # /openapi.json, with the bodies the hub reads itself
    app.state.storage, app.state.hub = storage, hub
    hub_key = hub.public_key

    @app.exception_handler(HubError)
    async def hub_error(request: Request, exc: HubError) -> JSONResponse:
        return _error(request, exc)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        first = exc.errors()[0] if exc.errors() else {"loc": (), "msg": "invalid"}
        field = ".".join(str(p) for p in first.get("loc", ()) if p not in ("body", "query"))
        return _error(
            request,
            HubError(
                "request.invalid", 422, field=field or None, detail=str(first.get("msg", ""))[:200]
            ),
        )

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = {404: "request.not_found", 405: "request.method"}.get(
            exc.status_code, "request.http"
        )
        return _error(request, HubError(code, exc.status_code, http=exc.status_code))

    @app.exception_handler(Exception)
    async def bug(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        return _error(request, HubError("hub.internal", 500))

    async def device(request: Request, *, supervisor: bool = False) -> Device:
        found = await run_in_threadpool(authenticate, storage, request.headers.get("authorization"))
        if supervisor and found.role != "supervisor":
            raise HubError("auth.forbidden", 403)
        return found

    @app.get("/api/v1/capabilities")
    async def capabilities() -> dict[str, Any]:
        return {
            "hub_id": hub.hub_id,
            "protocol": PROTOCOL_VERSION,
            "max_records": max_records,
            "max_bytes": max_bytes,
            "server_time": utc_now(),
            "reference_version": downlink.reference_version(),
            "hub_key": hub_key,  # pinned by `outreach login`; every receipt is signed by it
        }

    @app.post("/api/v1/laptops")
    async def register_laptop(request: Request) -> JSONResponse:
        who = await device(request)
        body = parse_model(
            LaptopIn, await _read_body(request, 10_000), max_records=0, max_bytes=10_000
        )
        bound = await run_in_threadpool(
            binding.register, storage, hub, who, body.laptop_id, body.public_key, body.signature
        )
        return JSONResponse(bound)

    @app.post("/api/v1/batches")
    async def push(request: Request) -> Response:
        who = await device(request)
        check_media_type(request.headers.get("content-type"))
        raw = await _read_body(request, max_bytes, max_records)
        batch = parse_model(BatchIn, raw, max_records=max_records, max_bytes=max_bytes)
        receipt = await run_in_threadpool(
            ingest_batch, storage, hub, batch, device=who, language=_language(request)
        )
        # Signed as sent (a replay too): the laptop marks records synced only on a receipt
        # that verifies against the key it pinned at login.
        receipt["signature"] = origin.sign(hub.sign_key, origin.receipt_message(receipt))
        # A response, not a dict: FastAPI would walk a returned dict with
        # jsonable_encoder (~13 µs per record of a receipt), and it is plain JSON already.
        return Response(orjson.dumps(receipt), media_type="application/json")

    @app.get("/api/v1/reconcile")
    async def reconcile_days(
        request: Request, device_id: str, since: str | None = None, until: str | None = None
    ) -> dict[str, Any]:
        await device(request)
        if not _DEVICE_ID.match(device_id):
            raise HubError("request.invalid", 422, field="device_id", detail="device id")
        first, last = _day_param(since, "since"), _day_param(until, "until")
        return await run_in_threadpool(
            reconcile.reconcile, storage, device_id, first=first, last=last
        )

    @app.get("/api/v1/downlink")
    async def downlink_since(
        request: Request, since: str | None = None, reference_version: str | None = None
    ) -> dict[str, Any]:
        await device(request)
        return await run_in_threadpool(downlink.downlink, storage, hub, since, reference_version)

    @app.get("/api/v1/tallies")
    async def tallies(
        request: Request, since: str | None = None, until: str | None = None
    ) -> dict[str, Any]:
        await device(request, supervisor=True)
        first, last = _day_param(since, "since"), _day_param(until, "until")
        rows = await run_in_threadpool(status.tallies, storage, first, last)
        known = await run_in_threadpool(hub_tallies.context, storage)  # events, branches, …
        return {"hub_id": hub.hub_id, "rows": rows, **known}

    @app.post("/api/v1/reviews")
    async def review(request: Request) -> JSONResponse:
        who = await device(request, supervisor=True)
        check_media_type(request.headers.get("content-type"))
        body = parse_model(
            ReviewIn, await _read_body(request, 10_000), max_records=0, max_bytes=10_000
        )
        saved = await run_in_threadpool(
            downlink.record_review, storage, body.uuid, body.outcome, who.id
        )
        return JSONResponse(saved, 201)

    return app


def app_from_environment() -> FastAPI:
    """One uvicorn worker's app (``outreach hub serve --workers N``): uvicorn imports it in
    each worker process, so the settings travel in the environment."""
    from outreach_tui.hub.storage import open_storage

    storage = open_storage(os.environ["OUTREACH_HUB_DB"], create=False)
    return create_app(
        storage,
        max_records=int(os.environ["OUTREACH_HUB_MAX_RECORDS"]),
        max_bytes=int(os.environ["OUTREACH_HUB_MAX_BYTES"]),
    )
