"""The hub's versioned schema, written once for both engines.

Each migration is a list of statements (never a script: sqlite3's ``executescript``
would commit half-way). ``{id}`` and ``{int}`` are the only spelling differences; the
append-only triggers differ per engine and live in their own lists. Never edit a
released migration: add the next one.
"""

from __future__ import annotations

from outreach_tui.hub.storage.schema.first_wave import (
    V1_APPEND_ONLY,
    V1_TABLES,
    V2_BACKFILL,
    V2_COMMON,
    V2_ROLLUP,
    V3_AUDIT_GUARD,
    V4_LAPTOPS,
    V5_WITHDRAWALS,
    V6_HANDOFF,
    V7_NAME_SEARCH,
)
from outreach_tui.hub.storage.schema.scale import (
    DUPLICATE_CASE_COLUMNS,
    DUPLICATE_CASES_FROM_RECORDS,
    DUPLICATE_KEYS,
    OFFICER_EVENT_FROM_DAILY,
    OFFICER_EVENT_KEY,
    V13_NAME_KEY,
    V14_OFFICER_EVENT,
    V15_DUPLICATE_CASES,
    duplicate_cases_select,
)
from outreach_tui.hub.storage.schema.units import (
    UNIT_DAY_COUNTS,
    UNIT_DAY_FROM_DAILY,
    V8_UNITS,
    V9_RELAY,
    V9_ROLE,
    V10_UNIT_DAY,
    V11_UNIT_DOWNLINK,
    V12_FUNNEL_UNITS,
)

# What ingest, the rollups, the duplicate queue and the bulk loader share with the schema.
__all__ = [
    "DUPLICATE_CASES_FROM_RECORDS",
    "DUPLICATE_CASE_COLUMNS",
    "DUPLICATE_KEYS",
    "LATEST_VERSION",
    "OFFICER_EVENT_FROM_DAILY",
    "OFFICER_EVENT_KEY",
    "UNIT_DAY_COUNTS",
    "UNIT_DAY_FROM_DAILY",
    "duplicate_cases_select",
    "migrations",
]

DIALECT = {
    "sqlite": {"id": "INTEGER PRIMARY KEY AUTOINCREMENT", "int": "INTEGER"},
    "postgres": {"id": "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY", "int": "BIGINT"},
}


def migrations(dialect: str) -> list[tuple[int, str, list[str]]]:
    """(version, name, statements) in order, spelt for ``dialect``."""
    words = DIALECT[dialect]

    def spell(statements: list[str]) -> list[str]:
        return [s.replace("{id}", words["id"]).replace("{int}", words["int"]) for s in statements]

    v2 = spell(V2_COMMON) + V2_BACKFILL[dialect] + V2_ROLLUP
    return [
        (1, "initial", spell(V1_TABLES) + V1_APPEND_ONLY[dialect]),
        (2, "reports", v2),
        (3, "audit_guard", V3_AUDIT_GUARD[dialect]),
        (4, "laptop_binding", V4_LAPTOPS),
        (5, "consent_withdrawals", V5_WITHDRAWALS),
        (6, "handoff_activation", spell(V6_HANDOFF)),
        (7, "name_search", V7_NAME_SEARCH[dialect]),
        (8, "units", spell(V8_UNITS)),
        (9, "relay", V9_ROLE[dialect] + spell(V9_RELAY)),
        (10, "unit_day_rollup", spell(V10_UNIT_DAY)),
        (11, "unit_downlink", V11_UNIT_DOWNLINK),
        (12, "funnel_units", spell(V12_FUNNEL_UNITS)),
        (13, "name_key", V13_NAME_KEY[dialect]),
        (14, "officer_event_rollup", spell(V14_OFFICER_EVENT)),
        (15, "duplicate_cases", spell(V15_DUPLICATE_CASES)),
    ]


LATEST_VERSION = 15
