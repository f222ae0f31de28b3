"""Turning untrusted bytes into a ``BatchIn``, with a reason for every refusal.

Shared by the API (request bodies) and ``outreach hub import`` (bundle files): size
limits first (413), then UTF-8, JSON, text the databases can store, and the strict
models (422 with the field). Nothing here touches storage.
"""

from __future__ import annotations

import json
from itertools import compress
from typing import Any, TypeVar

import msgspec

from outreach_tui.hub.errors import HubError
from outreach_tui.hub.models import first_error

M = TypeVar("M", bound=msgspec.Struct)
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


def _check_depth(value: dict[str, Any] | list[Any], depth: int = 0) -> None:
    """``_check_text`` for containers only: enough when the text cannot hold bad strings."""
    if depth > MAX_DEPTH:
        raise HubError("request.too_deep", 422, depth=MAX_DEPTH)
    items = value.values() if type(value) is dict else value
    if items and depth >= MAX_DEPTH:  # anything one level deeper, as _check_text counts
        raise HubError("request.too_deep", 422, depth=MAX_DEPTH)
    # Only the nested containers, picked out in C (a record's data holds one or two).
    for item in compress(items, map(_CONTAINERS.__contains__, map(type, items))):
        _check_depth(item, depth + 1)


_CONTAINERS = frozenset((dict, list))


def _may_hold_bad_text(raw: bytes) -> bool:
    """A JSON text can only yield a NUL or a lone surrogate through a ``\\u`` escape (raw
    control characters are invalid JSON, and UTF-8 has no surrogates)."""
    if b"\\u" not in raw:
        return False
    lowered = raw.lower()
    return b"\\u0000" in lowered or b"\\ud" in lowered


def parse_json(raw: bytes) -> dict[str, Any]:
    """The standard library's reading, every refusal with its reason."""
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
    if _may_hold_bad_text(raw):
        _check_text(value)  # every string, one by one
    else:
        _check_depth(value)
    return value


def parse_model(model: type[M], raw: bytes, *, max_records: int, max_bytes: int) -> M:
    """``raw`` as ``model``, or a HubError: 413 over ``max_records``, 422 with a reason.

    msgspec decodes the bytes straight into the model; the records' free-form ``data`` is
    then checked for depth (everything else is typed and flat). A body msgspec refuses,
    or one whose escapes may hide a NUL or a lone surrogate, takes the exact way.
    """
    if not _may_hold_bad_text(raw):
        try:
            parsed = msgspec.json.decode(raw, type=model)
        except (msgspec.DecodeError, msgspec.ValidationError, UnicodeDecodeError, RecursionError):
            pass  # the exact way says why
        else:
            _check_size(getattr(parsed, "records", None), max_records, max_bytes)
            for record in getattr(parsed, "records", ()):
                _check_depth(record.data, 3)  # a record's data sits at depth 3
            return parsed
    return parse_model_exactly(model, raw, max_records=max_records, max_bytes=max_bytes)


def parse_model_exactly(model: type[M], raw: bytes, *, max_records: int, max_bytes: int) -> M:
    """The standard library's reading with every check, then the model: each refusal is
    the one it always was, and msgspec's own reading never changes what is accepted."""
    value = parse_json(raw)
    _check_size(value.get("records"), max_records, max_bytes)
    try:
        return msgspec.convert(value, model)
    except msgspec.ValidationError as exc:
        field, detail = first_error(exc)
        raise HubError("request.invalid", 422, field=field, detail=detail[:200]) from None


def _check_size(records: object, max_records: int, max_bytes: int) -> None:
    if isinstance(records, list) and len(records) > max_records:
        raise HubError(
            "batch.too_large", 413, field="records", max_records=max_records, max_bytes=max_bytes
        )
