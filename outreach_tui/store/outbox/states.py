"""The words the outbox's parts share: which tables travel, and the sync states."""

from __future__ import annotations

from outreach_tui.store.crypto import ENTITY_TABLES

TABLES = ENTITY_TABLES  # entity -> table: registration -> registrations, lead -> leads
OUTCOMES = ("accepted", "duplicate", "conflict", "rejected")  # a receipt's answers
WAITING = ("pending", "uploading")  # not yet acknowledged by a hub
ACKNOWLEDGED = ("synced", "duplicate")  # the hub holds this version
