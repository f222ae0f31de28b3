"""What the booth's second screen (``outreach kiosk``) reads: today's counts and the
event's target, aggregates only, from the booth's file opened **read-only**.

The kiosk runs beside the booth, on the same file, while the officer saves. So it never
opens the store's writer (``store.database.Database`` opens one and switches the journal
to WAL, both writes): every read is a fresh ``mode=ro`` connection with
``query_only``, which SQLite cannot turn into a writer, and it holds no transaction
between reads. A WAL reader never blocks the booth's ``BEGIN IMMEDIATE``; the short
busy timeout only bounds how long a read waits behind a process that holds the whole
file (``locking_mode=EXCLUSIVE``, a rollback-journal writer).

No names, NIKs, phones or addresses are selected here: only counts.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from outreach_tui.domain import localtime
from outreach_tui.store.damage import is_corruption
from outreach_tui.store.database import (
    FileDamaged,
    FileEmpty,
    FileMissing,
    StoreError,
    Transaction,
    resolve_path,
)
from outreach_tui.store.migrations import latest_version
from outreach_tui.store.time_zones import read_zones

KIOSK_BUSY_TIMEOUT_MS = 2_000  # a refresh that waits longer is skipped, not queued


class FileLocked(StoreError):
    """Another process holds the whole file (not the booth's normal WAL writes)."""

    def __init__(self, path: Path) -> None:
        super().__init__(f"database is locked by another process: {path}")
        self.path = path


class UnknownEvent(StoreError):
    """``--event CODE`` names no event on this file."""

    def __init__(self, code: str, known: list[str]) -> None:
        super().__init__(f"no event {code!r} on this file (known: {', '.join(known) or '-'})")
        self.code = code
        self.known = known


@dataclass(frozen=True)
class BoothToday:
    """Today's aggregates at this booth (the event's zone decides "today")."""

    day: date
    zone: str
    event_code: str | None
    event_name: str | None
    owners_today: int
    workers_today: int
    leads_today: int
    event_owners: int  # at the event, any day (what ``target_registrations`` counts)
    event_workers: int
    target_owners: int | None
    target_workers: int | None
    starts_on: date | None
    ends_on: date | None


def _day(value: object) -> date | None:
    try:
        return date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


class KioskReader:
    """Read-only aggregates over the booth's file (any thread: a connection per read)."""

    def __init__(
        self,
        path: str | Path,
        *,
        event_code: str | None = None,
        busy_timeout_ms: int = KIOSK_BUSY_TIMEOUT_MS,
    ) -> None:
        """Checks at once that the file is there, readable and of this outreach's schema,
        and that ``event_code`` exists: the CLI then says what is wrong in one line."""
        self.path = resolve_path(path)
        self.event_code = event_code
        self.busy_timeout_ms = busy_timeout_ms
        if not self.path.exists():
            raise FileMissing(self.path)
        if not self.path.is_file():
            raise StoreError(f"not a database file: {self.path}")
        if self.path.stat().st_size == 0:
            raise FileEmpty(self.path)
        with self.read() as conn:
            version = self._schema_version(conn)
            if version != latest_version():
                raise StoreError(
                    f"{self.path} has schema version {version}, this outreach reads"
                    f" {latest_version()}: open it once with the booth (`outreach`) first"
                    if version < latest_version()
                    else f"{self.path} was written by a newer outreach (schema {version})"
                )
            if event_code is not None:
                codes = [code for (code,) in conn.execute("SELECT code FROM events ORDER BY code")]
                if event_code not in codes:
                    raise UnknownEvent(event_code, codes)

    @contextmanager
    def read(self) -> Iterator[Transaction]:
        """A fresh read-only connection (the store's ``Transaction``); SQLite errors
        become one-line StoreErrors."""
        try:
            conn = sqlite3.connect(
                f"{self.path.as_uri()}?mode=ro",
                uri=True,
                check_same_thread=False,
                timeout=self.busy_timeout_ms / 1000,
            )
        except sqlite3.Error as exc:
            raise self._problem(exc) from exc
        try:
            conn.execute(f"PRAGMA busy_timeout = {int(self.busy_timeout_ms)}")
            conn.execute("PRAGMA query_only = ON")
            yield Transaction(conn)
        except sqlite3.Error as exc:
            raise self._problem(exc) from exc
        finally:
            conn.close()

    def _problem(self, exc: sqlite3.Error) -> StoreError:
        if not self.path.exists():
            return FileMissing(self.path)
        if is_corruption(exc):
            return FileDamaged(self.path, str(exc))
        if "locked" in str(exc).lower() or "busy" in str(exc).lower():
            return FileLocked(self.path)
        return StoreError(f"cannot read {self.path}: {exc}")

    @staticmethod
    def _schema_version(conn: Transaction) -> int:
        found = conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'"
        ).fetchone()
        if found is None:
            return 0
        (version,) = conn.execute("SELECT max(version) FROM schema_migrations").fetchone()
        return int(version or 0)

    def today(self, now: datetime) -> BoothToday:
        """Counts for the local day of ``now`` (UTC) in the event's zone: the event of
        ``--event``, else the one chosen at the booth's start of day, else the whole file
        in the branch's zone. One read snapshot for all counts."""
        with self.read() as conn:
            conn.execute("BEGIN")  # one snapshot: today's and the event's counts agree
            zones = read_zones(conn)
            if self.event_code is not None:
                event = conn.execute(
                    "SELECT id, code, name, starts_on, ends_on, target_registrations,"
                    " target_workers FROM events WHERE code = ?",
                    [self.event_code],
                ).fetchone()
            else:
                event = conn.execute(
                    "SELECT e.id, e.code, e.name, e.starts_on, e.ends_on,"
                    " e.target_registrations, e.target_workers"
                    " FROM settings s JOIN events e ON e.id = s.value WHERE s.key = 'event_id'"
                ).fetchone()
            zone = zones.for_event_id(event[0]) if event else zones.current
            day = localtime.today(zone, now)
            start, end = localtime.day_bounds(day, zone)
            by_event = " AND event_id = ?" if event else ""
            event_params = [event[0]] if event else []
            owners, workers = conn.execute(
                "SELECT count(*) FILTER (WHERE role = 'owner'),"
                " count(*) FILTER (WHERE role = 'worker') FROM registrations"
                f" WHERE created_at >= ? AND created_at < ? AND voided_at IS NULL{by_event}",
                [start, end, *event_params],
            ).fetchone()
            (leads,) = conn.execute(
                "SELECT count(*) FROM leads"
                f" WHERE created_at >= ? AND created_at < ? AND voided_at IS NULL{by_event}",
                [start, end, *event_params],
            ).fetchone()
            event_owners = event_workers = 0
            if event:
                event_owners, event_workers = conn.execute(
                    "SELECT count(*) FILTER (WHERE role = 'owner'),"
                    " count(*) FILTER (WHERE role = 'worker') FROM registrations"
                    " WHERE event_id = ? AND voided_at IS NULL",
                    [event[0]],
                ).fetchone()
            conn.execute("COMMIT")
        return BoothToday(
            day=day,
            zone=zone,
            event_code=event[1] if event else None,
            event_name=event[2] if event else None,
            owners_today=int(owners),
            workers_today=int(workers),
            leads_today=int(leads),
            event_owners=int(event_owners),
            event_workers=int(event_workers),
            target_owners=event[5] if event else None,
            target_workers=event[6] if event else None,
            starts_on=_day(event[3]) if event else None,
            ends_on=_day(event[4]) if event else None,
        )
