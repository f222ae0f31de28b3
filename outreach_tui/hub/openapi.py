"""The hub's OpenAPI description, served at ``/openapi.json``.

FastAPI describes the routes and their query parameters; the two bodies the hub reads
itself (a batch, a review) are added from their msgspec models, with the bearer token
every route but ``capabilities`` needs. No interactive docs page: it would load scripts
from the internet, which a branch hub may not reach.
"""

from __future__ import annotations

from typing import Any

import msgspec
from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from outreach_tui.hub.models import BatchIn, ReviewIn

REF = "#/components/schemas/{name}"
BODIES = {"/api/v1/batches": BatchIn, "/api/v1/reviews": ReviewIn}


def describe(app: FastAPI) -> dict[str, Any]:
    spec = get_openapi(
        title=app.title,
        version=app.version,
        description="outreach branch hub: docs/SYNC_PROTOCOL.md",
        routes=app.routes,
    )
    (refs, schemas) = msgspec.json.schema_components(list(BODIES.values()), ref_template=REF)
    spec.setdefault("components", {}).setdefault("schemas", {}).update(schemas)
    for (path, model), ref in zip(BODIES.items(), refs, strict=True):
        spec["paths"][path]["post"]["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": ref}},
        }
        assert ref["$ref"].endswith(model.__name__)
    spec["components"]["securitySchemes"] = {"bearer": {"type": "http", "scheme": "bearer"}}
    spec["security"] = [{"bearer": []}]
    spec["paths"]["/api/v1/capabilities"]["get"]["security"] = []  # open: a hub's identity
    return spec


def install(app: FastAPI) -> None:
    """Serve ``describe(app)`` (built once, on the first request for it)."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = describe(app)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
