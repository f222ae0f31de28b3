"""Turning untrusted bytes into a ``BatchIn``, with a reason for every refusal.

Shared by the API (request bodies) and ``outreach hub import`` (bundle files): size
limits first (413), then UTF-8, JSON, text the databases can store, and the strict
models (422 with the field). Nothing here touches storage.
"""

from __future__ import annotations

import json
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from outreach_tui.hub.errors import HubError
from outreach_tui.hub.models import first_error

M = TypeVar("M", bound=BaseModel)
MAX_DEPTH = 32


def _no_constants(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _check_text(value: Any, depth: int = 0) -> None:
    """No NUL (PostgreSQL TEXT cannot hold it) and no lone surrogates (not UTF-8)."""
    if depth > MAX_DEPTH:
        raise HubError("request.too_deep", 422, depth=MAX_DEPTH)
    if isinstance(value, str):
        if "\x00" in value:
            raise HubError("request.bad_text", 422)
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise HubError("request.bad_text", 422) from None
    elif isinstance(value, dict):
        for key, item in value.items():
            _check_text(key, depth + 1)
            _check_text(item, depth + 1)
    elif isinstance(value, list):
        for item in value:
            _check_text(item, depth + 1)


def _check_depth(value: Any, depth: int = 0) -> None:
    """``_check_text`` for containers only: enough when the text cannot hold bad strings."""
    if depth > MAX_DEPTH:
        raise HubError("request.too_deep", 422, depth=MAX_DEPTH)
    items = value.values() if isinstance(value, dict) else value
    for item in items:
        if isinstance(item, (dict, list)):
            _check_depth(item, depth + 1)
        elif depth >= MAX_DEPTH:  # a scalar one level deeper, as _check_text counts it
            raise HubError("request.too_deep", 422, depth=MAX_DEPTH)


def _may_hold_bad_text(text: str) -> bool:
    """A decoded JSON text can only yield a NUL or a lone surrogate through a ``\\u``
    escape (raw control characters are invalid JSON, and UTF-8 has no surrogates)."""
    if "\\u" not in text:
        return False
    lowered = text.lower()
    return "\\u0000" in lowered or "\\ud" in lowered


def parse_json(raw: bytes) -> dict[str, Any]:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise HubError("request.not_utf8", 422) from None
    try:
        value = json.loads(text.removeprefix("\ufeff"), parse_constant=_no_constants)
    except (ValueError, RecursionError) as exc:
        reason = str(exc).splitlines()[0][:120] if str(exc) else "invalid"
        raise HubError("request.bad_json", 422, reason=reason) from None
    if not isinstance(value, dict):
        raise HubError("request.not_object", 422)
    if _may_hold_bad_text(text):
        _check_text(value)  # every string, one by one
    else:
        _check_depth(value)
    return value


def parse_model(model: type[M], raw: bytes, *, max_records: int, max_bytes: int) -> M:
    value = parse_json(raw)
    records = value.get("records")
    if isinstance(records, list) and len(records) > max_records:
        raise HubError(
            "batch.too_large", 413, field="records", max_records=max_records, max_bytes=max_bytes
        )
    try:
        return model.model_validate(value)
    except ValidationError as exc:
        field, detail = first_error(exc)
        raise HubError("request.invalid", 422, field=field, detail=detail[:200]) from None
