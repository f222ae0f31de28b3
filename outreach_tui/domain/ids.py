"""Identifiers: time-ordered UUIDv7 (RFC 9562) made on the device at finalisation."""

from __future__ import annotations


def new_uuid() -> str:
    import uuid6  # here, not at module level: it pulls importlib.metadata (~15 ms)

    return str(uuid6.uuid7())
