"""The hub's OpenAPI description, served at ``/openapi.json``.

FastAPI describes the routes and their query parameters; the two bodies the hub reads
itself (a batch, a review) are added from their msgspec models, with the bearer token
every route but ``capabilities`` needs. A record's ``data`` is described by the schema of
its entity (``wire.RegistrationData``, ``wire.LeadData``), the same structs the hub checks
each record with, so the description cannot drift from what the hub accepts. No
interactive docs page: it would load scripts from the internet, which a branch hub may
not reach.
"""

from __future__ import annotations

from typing import Any

import msgspec
from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from outreach_tui.domain import wire
from outreach_tui.protocol.requests import BatchIn, ReviewIn

REF = "#/components/schemas/{name}"
BODIES = {"/api/v1/batches": BatchIn, "/api/v1/reviews": ReviewIn}


def describe(app: FastAPI) -> dict[str, Any]:
    spec = get_openapi(
        title=app.title,
        version=app.version,
        description="outreach branch hub: docs/SYNC_PROTOCOL.md",
        routes=app.routes,
    )
    models = [*BODIES.values(), *wire.SCHEMAS.values()]
    (refs, schemas) = msgspec.json.schema_components(models, ref_template=REF)
    schemas["RecordIn"]["properties"]["data"] = {
        "description": "The record's fields: RegistrationData for entity registration, "
        "LeadData for entity lead. A record whose data breaks its schema is rejected on its "
        "own (outcome rejected, a record.* code and the field), not the batch.",
        "oneOf": [{"$ref": REF.format(name=m.__name__)} for m in wire.SCHEMAS.values()],
    }
    spec.setdefault("components", {}).setdefault("schemas", {}).update(schemas)
    for (path, model), ref in zip(BODIES.items(), refs, strict=False):
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
