"""What the routes share, as FastAPI dependencies: the hub (its storage, identity and
limits), the caller's device (the bearer token, checked before anything else of the
request is read), the answer's language, and bodies read with a byte limit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from starlette.concurrency import run_in_threadpool

from outreach_tui.hub import units
from outreach_tui.hub.auth import Device, authenticate
from outreach_tui.hub.errors import HubError
from outreach_tui.hub.meta import HubInfo
from outreach_tui.hub.storage import Storage

DRAIN_LIMIT = 64_000_000  # read (and drop) an oversized body up to here so the 413 arrives
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class Hub:
    """One app's hub: set on ``app.state.hub_context`` by ``create_app``."""

    storage: Storage
    info: HubInfo
    max_records: int
    max_bytes: int


async def _hub(request: Request) -> Hub:
    context: Hub = request.app.state.hub_context
    return context


HubContext = Annotated[Hub, Depends(_hub)]


async def _device(request: Request, hub: HubContext) -> Device:
    """The device behind ``Authorization: Bearer otk_…``: 401/403 before the body is read."""
    header = request.headers.get("authorization")
    return await run_in_threadpool(authenticate, hub.storage, header)


async def _supervisor(who: Annotated[Device, Depends(_device)]) -> Device:
    if who.role != "supervisor":
        raise HubError("auth.forbidden", 403)
    return who


async def _laptop(who: Annotated[Device, Depends(_device)]) -> Device:
    """A laptop's or a supervisor's token: a relay (another hub) only pushes batches."""
    if who.role == "relay":
        raise HubError("auth.relay_only_batches", 403)
    return who


DeviceAuth = Annotated[Device, Depends(_device)]
LaptopAuth = Annotated[Device, Depends(_laptop)]
SupervisorAuth = Annotated[Device, Depends(_supervisor)]


def _scope_of(storage: Storage, who: Device) -> frozenset[str] | None:
    with storage.read() as tx:
        return units.scope_of(tx, who.unit_code)


async def _scope(hub: HubContext, who: DeviceAuth) -> frozenset[str] | None:
    """The unit codes the caller sees (None: the whole hub), from its token's unit."""
    return await run_in_threadpool(_scope_of, hub.storage, who)


# FastAPI resolves the token once per request: the scope reuses the same Device.
Scope = Annotated[frozenset[str] | None, Depends(_scope)]


def language_of(request: Request) -> str:
    """The language of the answer's messages (the client's Accept-Language)."""
    return "en" if request.headers.get("accept-language", "").lower().startswith("en") else "id"


async def _language(request: Request) -> str:
    return language_of(request)


Language = Annotated[str, Depends(_language)]


async def read_body(request: Request, limit: int, max_records: int = 0) -> bytes:
    """The body, refused with 413 past ``limit`` bytes (read on to ``DRAIN_LIMIT`` so the
    client hears the 413 instead of a reset connection)."""
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


def day_param(value: str | None, name: str) -> str | None:
    if value is not None and not _DAY.match(value):
        raise HubError("request.bad_day", 422, field=name)
    return value
