"""Turning untrusted bytes into a ``BatchIn``, with a reason for every refusal.

Shared by the API (request bodies) and ``outreach hub import`` (bundle files): size
limits first (413), then UTF-8, strict JSON, text the databases can store, and the
strict models (422 with the field). Nothing here touches storage.

One reading for every body: the standard library's, strict where JSON readers are usually
lenient (a byte order mark, a key given twice, ``NaN``, a number of hundreds of digits are
refused), then the model. Every refusal is coded and one line, never Python's own words.
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any, TypeVar

import msgspec

from outreach_tui.hub.errors import HubError
from outreach_tui.protocol.requests import first_error

M = TypeVar("M", bound=msgspec.Struct)
MAX_DEPTH = 32
_BOM = b"\xef\xbb\xbf"


def check_media_type(content_type: str | None) -> None:
    """A body the hub reads is JSON, said so: ``application/json`` (a charset parameter,
    if any, is UTF-8). Anything else, or nothing, is 415 ``request.media_type``."""
    kind, _, params = (content_type or "").partition(";")
    charset = params.strip().lower().removeprefix("charset=").strip('"')
    if kind.strip().lower() != "application/json" or charset not in ("", "utf-8"):
        raise HubError("request.media_type", 415)


def _bad_json(reason: str) -> HubError:
    return HubError("request.bad_json", 422, reason=reason)


def _no_constants(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """An object, refused when it names a key twice (readers disagree on which one wins)."""
    value = dict(pairs)
    if len(value) != len(pairs):
        twice = next(key for key, count in Counter(k for k, _ in pairs).items() if count > 1)
        raise ValueError(f"the key {json.dumps(twice[:40])} is given twice")
    return value


def _check_text(value: Any, depth: int = 0) -> None:
    """No NUL (PostgreSQL cannot store it) and no lone surrogates (not UTF-8), and no
    nesting deeper than ``MAX_DEPTH``."""
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
    """``_check_text``'s depth rule alone, for a text whose strings cannot be bad."""
    if depth > MAX_DEPTH:
        raise HubError("request.too_deep", 422, depth=MAX_DEPTH)
    items = value.values() if isinstance(value, dict) else value
    for item in items:
        if isinstance(item, (dict, list)):
            _check_depth(item, depth + 1)
        elif depth >= MAX_DEPTH:  # a scalar one level deeper, as _check_text counts it
            raise HubError("request.too_deep", 422, depth=MAX_DEPTH)


def _may_hold_bad_text(raw: bytes) -> bool:
    """A JSON text can only yield a NUL or a lone surrogate through a ``\\u`` escape (raw
    control characters are invalid JSON, and UTF-8 has no surrogates)."""
    lowered = raw.lower()
    return b"\\u0000" in lowered or b"\\ud" in lowered


def parse_json(raw: bytes) -> dict[str, Any]:
    """``raw`` as a JSON object, every refusal with its code and reason."""
    if raw.startswith(_BOM):
        raise _bad_json("a byte order mark before the JSON")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise HubError("request.not_utf8", 422) from None
    try:
        value = json.loads(text, object_pairs_hook=_unique_keys, parse_constant=_no_constants)
    except RecursionError:
        raise HubError("request.too_deep", 422, depth=MAX_DEPTH) from None
    except ValueError as exc:  # json.JSONDecodeError too
        if "integer string conversion" in str(exc):  # Python's limit, in Python's words
            raise _bad_json("a number with too many digits") from None
        raise _bad_json(" ".join(str(exc).split())[:120] or "invalid") from None
    if not isinstance(value, dict):
        raise HubError("request.not_object", 422)
    if _may_hold_bad_text(raw):
        _check_text(value)  # every string, one by one
    else:
        _check_depth(value)
    return value


def parse_model(model: type[M], raw: bytes, *, max_records: int, max_bytes: int) -> M:
    """``raw`` as ``model``, or a HubError: 413 over ``max_records``, 422 with a reason."""
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
