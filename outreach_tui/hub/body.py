"""Turning untrusted bytes into a ``BatchIn``, with a reason for every refusal.

Shared by the API (request bodies) and ``outreach hub import`` (bundle files): size
limits first (413), then UTF-8, JSON, text the databases can store, and the strict
models (422 with the field). Nothing here touches storage.
"""

from __future__ import annotations

import json
from typing import Any, TypeVar

import orjson
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


def _check_depth(value: dict[str, Any] | list[Any], depth: int = 0) -> bool:
    """``_check_text`` for containers only: enough when the text cannot hold bad strings.
    True when a float was met (see ``_loads``)."""
    if depth > MAX_DEPTH:
        raise HubError("request.too_deep", 422, depth=MAX_DEPTH)
    items = value.values() if type(value) is dict else value
    kinds = set(map(type, items))  # one pass in C; the loop below only for nested values
    if kinds and depth >= MAX_DEPTH:  # anything one level deeper, as _check_text counts
        raise HubError("request.too_deep", 422, depth=MAX_DEPTH)
    floats = float in kinds
    if dict in kinds or list in kinds:
        for item in items:
            if type(item) is dict or type(item) is list:
                floats |= _check_depth(item, depth + 1)
    return floats


def _may_hold_bad_text(text: str) -> bool:
    """A decoded JSON text can only yield a NUL or a lone surrogate through a ``\\u``
    escape (raw control characters are invalid JSON, and UTF-8 has no surrogates)."""
    if "\\u" not in text:
        return False
    lowered = text.lower()
    return "\\u0000" in lowered or "\\ud" in lowered


def _loads(raw: bytes, text: str, *, exact: bool) -> Any:
    """orjson (fast), or with ``exact`` the standard library, whose value and refusal
    reasons the API has always given. orjson refuses some text ``json`` reads (lone
    surrogates, numbers past a double, nesting past 1,024): those go the old way too. It
    also reads integers past 64 bits as floats, which callers check for (a body of ours
    never holds a float) before trusting its value.
    """
    if not exact:
        try:
            return orjson.loads(raw)
        except orjson.JSONDecodeError:
            pass
    try:
        return json.loads(text, parse_constant=_no_constants)
    except (ValueError, RecursionError) as exc:
        reason = str(exc).splitlines()[0][:120] if str(exc) else "invalid"
        raise HubError("request.bad_json", 422, reason=reason) from None


def parse_json(raw: bytes, *, exact: bool = True, check_depth: bool = True) -> dict[str, Any]:
    """``exact=False``: may read with orjson (see ``_loads``). ``check_depth=False``: the
    caller checks nesting (``parse_model`` does, once the model has typed the body)."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise HubError("request.not_utf8", 422) from None
    if text.startswith("\ufeff"):
        text, raw = text[1:], raw[3:]
    value = _loads(raw, text, exact=exact)
    if not isinstance(value, dict):
        raise HubError("request.not_object", 422)
    if _may_hold_bad_text(text):
        _check_text(value)  # every string, one by one
    elif check_depth:
        _check_depth(value)
    return value


def parse_model(
    model: type[M], raw: bytes, *, max_records: int, max_bytes: int, exact: bool = False
) -> M:
    value = parse_json(raw, exact=exact, check_depth=False)
    records = value.get("records")
    if isinstance(records, list) and len(records) > max_records:
        raise HubError(
            "batch.too_large", 413, field="records", max_records=max_records, max_bytes=max_bytes
        )
    try:
        parsed = model.model_validate(value)
    except ValidationError as exc:
        if not exact:  # the refusal as the standard library's reading words it
            return parse_model(model, raw, max_records=max_records, max_bytes=max_bytes,
                               exact=True)  # fmt: skip
        _check_depth(value)  # too deep says so, rather than naming a field
        field, detail = first_error(exc)
        raise HubError("request.invalid", 422, field=field, detail=detail[:200]) from None
    # Valid, so every field is typed and flat but the records' free-form ``data``:
    # checking those is checking the whole body (a record's data sits at depth 3).
    floats = False
    for record in getattr(parsed, "records", ()):
        floats |= _check_depth(record.data, 3)
    if floats and not exact:  # maybe an integer orjson could not keep: read it exactly
        return parse_model(model, raw, max_records=max_records, max_bytes=max_bytes, exact=True)
    return parsed
