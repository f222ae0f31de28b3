"""The hub's HTTP API (docs/SYNC_PROTOCOL.md), a FastAPI app over one ``Storage``.

The routes are in ``hub/api/`` (one router per resource, the token check a dependency);
this module assembles them with what every route shares: every error is
``{"error": {"code", "message", "field"}}``: 4xx for anything a client sent wrong, 503
when the database is unavailable, 500 only for a bug. Blocking database work runs in the
thread pool; request bodies are read with a byte limit before parsing.
"""

from __future__ import annotations

import logging
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from outreach_tui.hub import openapi
from outreach_tui.hub.api import ROUTERS
from outreach_tui.hub.api.deps import Hub, language_of
from outreach_tui.hub.errors import HubError
from outreach_tui.hub.meta import load_hub_info
from outreach_tui.hub.storage import Storage

MAX_RECORDS = 1000  # ≈ 1.1 MB of typical records, well within MAX_BYTES
MAX_BYTES = 5_000_000
log = logging.getLogger("outreach.hub")


def _error(request: Request, exc: HubError) -> JSONResponse:
    headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else None
    return JSONResponse(exc.as_body(language_of(request)), exc.status, headers=headers)


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
    for router in ROUTERS:
        app.include_router(router)
    openapi.install(app)  # /openapi.json, with the bodies the hub reads itself
    app.state.storage, app.state.hub = storage, hub
    app.state.hub_context = Hub(storage, hub, max_records, max_bytes)

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
