"""Identifiers: time-ordered UUIDv7 (RFC 9562) made on the device at finalisation."""

from __future__ import annotations

import uuid6


def new_uuid() -> str:
    return str(uuid6.uuid7())
