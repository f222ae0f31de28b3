"""The canonical JSON a content hash is computed over never depends on the encoder.

``wire.canonical_json`` takes orjson for plain records and the standard library for the
rest; both ends of sync (and any older laptop or hub) must get the same bytes as
``json.dumps(sort_keys=True, separators=(",", ":"), ensure_ascii=False)``.
"""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from outreach_tui.domain import wire


def reference(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


# Any text but lone surrogates (not UTF-8: neither encoder can write them).
texts = st.text(st.characters(exclude_categories=("Cs",)), max_size=40)
scalars = (
    texts
    | st.integers()  # past 64 bits too
    | st.booleans()
    | st.none()
    | st.floats(allow_nan=False, allow_infinity=False)
)
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(texts, inner, max_size=5),
    max_leaves=30,
)


@settings(max_examples=400, deadline=None)
@given(st.dictionaries(texts, values, max_size=12))
def test_same_bytes_as_the_standard_library(data: dict[str, Any]) -> None:
    assert wire.canonical_json(data) == reference(data)


def test_every_character_is_written_as_the_standard_library_writes_it() -> None:
    # Escapes (quotes, backslashes, control characters) and raw UTF-8 for the rest.
    for start in range(0, 0x110000, 4096):
        chunk = "".join(chr(c) for c in range(start, start + 4096) if not 0xD800 <= c <= 0xDFFF)
        data = {"text": chunk, chunk[:8]: [chunk[-8:]]}
        assert wire.canonical_json(data) == reference(data)


def test_records_as_the_laptop_sends_them() -> None:
    data = {
        "full_name": "Siti Rahayu",
        "programs": ["JKK", "JKM", "JHT"],
        "workers_count": 3,
        "estimate": False,
        "email": None,
        "notes": 'kata "kutip" \\ garis\nbaru\u2028',
    }
    assert wire.canonical_json(data) == reference(data)


def test_values_orjson_would_write_differently_take_the_standard_library() -> None:
    for odd in (1e16, 1e-07, 2**64, -(2**70), 0.1, {1: "int key"}):
        data = {"x": odd, "nested": [{"y": odd}]}
        assert wire.canonical_json(data) == reference(data)
