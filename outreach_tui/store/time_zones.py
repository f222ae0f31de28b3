"""The time zone of each event on this file, and of the officer's branch (for records
without an event), resolved once per read from the events' and branches' cities
(``domain.localtime``). Everything that files a record under a day asks here, so the
booth header, dashboard, receipt, tallies, exports and reconciliation agree — and the
zones travel with the events in a sync batch, so the hub files the same day.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from outreach_tui.domain import localtime
from outreach_tui.store.database import Database

if TYPE_CHECKING:
    from outreach_tui.store.database import Transaction


@dataclass(frozen=True)
class Zones:
    default: str  # the current officer's branch zone (records without an event)
    by_event_id: dict[str, str] = field(default_factory=dict)
    by_event_code: dict[str, str] = field(default_factory=dict)
    current_event_id: str | None = None

    def for_event_id(self, event_id: str | None) -> str:
        return self.by_event_id.get(event_id or "", self.default)

    def for_event_code(self, code: str | None) -> str:
        return self.by_event_code.get(code or "", self.default)

    @property
    def current(self) -> str:
        """The zone of the event chosen at the start of the day (the booth's "today")."""
        return self.for_event_id(self.current_event_id)

    def offset_sql(self, column: str = "t.event_id") -> str:
        """SQL for the UTC offset in minutes of a row's zone, from its ``event_id``: event
        ids are client-made UUIDs (no quoting issue) and a file holds a few dozen events."""
        default = localtime.offset_minutes(self.default)
        cases = [
            f"WHEN '{event_id}' THEN {localtime.offset_minutes(name)}"
            for event_id, name in sorted(self.by_event_id.items())
            if localtime.offset_minutes(name) != default and "'" not in event_id
        ]
        return f"(CASE {column} {' '.join(cases)} ELSE {default} END)" if cases else str(default)

    def day_sql(self, column: str = "t.created_at", event_column: str = "t.event_id") -> str:
        """SQL for a row's booth day (``YYYY-MM-DD``): Indonesia's offsets are fixed."""
        return f"date({column}, {self.offset_sql(event_column)} || ' minutes')"

    @property
    def widest_offsets(self) -> tuple[int, int]:
        """The smallest and largest offsets in use (UTC bounds wide enough for a range)."""
        offsets = {localtime.offset_minutes(z) for z in (self.default, *self.by_event_id.values())}
        return min(offsets), max(offsets)


def read_zones(conn: Transaction) -> Zones:
    """The zones, from one connection (a few small reads)."""
    settings = dict(
        conn.execute(
            "SELECT key, value FROM settings WHERE key IN ('officer_code', 'event_id')"
        ).fetchall()
    )
    branches = {code: city for code, city in conn.execute("SELECT code, city FROM branches")}
    officer_branch = conn.execute(
        "SELECT branch_code FROM officers WHERE code = ?", [settings.get("officer_code")]
    ).fetchone()
    branch_code = officer_branch[0] if officer_branch else None
    if branch_code is None and len(branches) == 1:
        branch_code = next(iter(branches))
    default = localtime.resolve(city=branches.get(branch_code or ""))
    by_id: dict[str, str] = {}
    by_code: dict[str, str] = {}
    for event_id, code, city, event_branch in conn.execute(
        "SELECT id, code, city, branch_code FROM events"
    ):
        fallback = localtime.resolve(city=branches.get(event_branch), fallback=default)
        by_id[event_id] = by_code[code] = localtime.resolve(city=city, fallback=fallback)
    return Zones(default, by_id, by_code, settings.get("event_id"))


def load_zones(database: Database) -> Zones:
    with database.read() as conn:
        return read_zones(conn)
