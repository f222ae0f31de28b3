"""Branches, officers, events and device settings: the context a booth works in."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from outreach_tui.domain.ids import new_uuid
from outreach_tui.store.database import Database, StoreError, Transaction, utc_now


@dataclass(frozen=True)
class EventTargets:
    registrations: int | None = None
    workers: int | None = None
    leads: int | None = None


def setting(db: Transaction, key: str) -> str | None:
    """A device setting inside the caller's transaction (None when unset)."""
    row = db.execute("SELECT value FROM settings WHERE key = ?", [key]).fetchone()
    value: str | None = row[0] if row else None
    return value


def put_setting(db: Transaction, key: str, value: str) -> None:
    """Set a device setting inside the caller's transaction (it commits with the change)."""
    db.execute(
        "INSERT INTO settings (key, value) VALUES (?, ?)"
        " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        [key, value],
    )


class SettingsStore:
    """Small key/value facts about this device: its id, the current officer and event."""

    def __init__(self, database: Database) -> None:
        self._database = database

    def get(self, key: str, default: str | None = None) -> str | None:
        with self._database.read() as db:
            value = setting(db, key)
        return default if value is None else value

    def set(self, key: str, value: str) -> None:
        with self._database.write() as db:
            put_setting(db, key, value)


class SetupStore:
    def __init__(self, database: Database) -> None:
        self._database = database

    def upsert_branch(
        self,
        code: str,
        name: str,
        city: str,
        *,
        target_year: int | None = None,
        target_new_employers: int | None = None,
        target_informal: int | None = None,
    ) -> None:
        with self._database.write() as db:
            db.table("branches").upsert(
                {
                    "code": code,
                    "name": name,
                    "city": city,
                    "target_year": target_year,
                    "target_new_employers": target_new_employers,
                    "target_informal": target_informal,
                    "created_at": utc_now(),
                },
                pk="code",
            )

    def upsert_officer(self, code: str, name: str, branch_code: str | None = None) -> None:
        with self._database.write() as db:
            db.execute(
                "INSERT INTO officers (code, name, branch_code, created_at) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (code) DO UPDATE SET name = excluded.name,"
                " branch_code = excluded.branch_code",
                [code, name, branch_code, utc_now()],
            )

    def create_event(
        self,
        *,
        code: str,
        name: str,
        starts_on: date,
        ends_on: date,
        venue: str | None = None,
        city: str | None = None,
        branch_code: str | None = None,
        targets: EventTargets = EventTargets(),
    ) -> str:
        if ends_on < starts_on:
            raise StoreError("the event must end on or after its first day")
        event_id = new_uuid()
        with self._database.write() as db:
            if db.execute("SELECT 1 FROM events WHERE code = ?", [code]).fetchone():
                raise StoreError(f"an event with code {code!r} already exists")
            db.table("events").insert(
                {
                    "id": event_id,
                    "code": code,
                    "name": name,
                    "venue": venue,
                    "city": city,
                    "branch_code": branch_code,
                    "starts_on": starts_on.isoformat(),
                    "ends_on": ends_on.isoformat(),
                    "target_registrations": targets.registrations,
                    "target_workers": targets.workers,
                    "target_leads": targets.leads,
                    "created_at": utc_now(),
                }
            )
        return event_id

    def officers(self) -> list[dict[str, Any]]:
        with self._database.read() as db:
            return list(db.query("SELECT * FROM officers ORDER BY code"))

    def officer(self, code: str) -> dict[str, Any] | None:
        with self._database.read() as db:
            rows = list(db.query("SELECT * FROM officers WHERE code = ?", [code]))
        return rows[0] if rows else None

    def branches(self) -> list[dict[str, Any]]:
        with self._database.read() as db:
            return list(db.query("SELECT * FROM branches ORDER BY code"))

    def events(self) -> list[dict[str, Any]]:
        with self._database.read() as db:
            return list(db.query("SELECT * FROM events ORDER BY starts_on DESC, code"))

    def event(self, id_or_code: str) -> dict[str, Any] | None:
        with self._database.read() as db:
            rows = list(
                db.query("SELECT * FROM events WHERE id = ? OR code = ?", [id_or_code, id_or_code])
            )
        return rows[0] if rows else None
