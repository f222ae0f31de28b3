"""What a laptop file held when it was last seen healthy, and where its backups are.

Two honest sources of "how many should there be" once the file is damaged:

- a small sidecar ``<file>.last-known.json`` (no personal data: the device id, counts and
  when), written by ``outreach init``, by ``outreach doctor`` when the file is healthy and
  by ``outreach recover`` for the file it makes;
- the newest backup of the same device (``outreach backup`` copies), counted read-only.

Each figure says where it comes from and when, so a comparison never pretends more.
"""

from __future__ import annotations

import json
import os
import sqlite3
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import platformdirs

from outreach_tui import files
from outreach_tui.store.damage import SQLITE_MAGIC

BACKUP_SUFFIXES = (".db", ".sqlite", ".sqlite3", ".bak", ".backup")
MAX_ENTRIES_PER_FOLDER = 2_000  # a download folder is not scanned forever


@dataclass(frozen=True)
class KnownCounts:
    source: str  # "doctor" (the sidecar) or "backup"
    path: str
    at: float  # POSIX seconds: when the counts were true
    device_id: str | None
    owners: int
    workers: int
    leads: int

    def age_seconds(self, now: float | None = None) -> int:
        return max(0, int((now if now is not None else time.time()) - self.at))

    def as_json(self) -> dict[str, object]:
        return {**asdict(self), "age_seconds": self.age_seconds()}


def sidecar_path(db: Path) -> Path:
    return db.with_name(db.name + ".last-known.json")


def write_sidecar(db: Path, *, device_id: str, owners: int, workers: int, leads: int) -> None:
    """Remember the counts of a healthy file (``outreach_tui.files``: never half-written)."""
    target = sidecar_path(db)
    payload = {"device_id": device_id, "owners": owners, "workers": workers, "leads": leads,
               "at": time.time()}  # fmt: skip
    try:
        files.write_bytes(target, json.dumps(payload).encode(), force=True)
    except files.FileWriteError:
        return  # a read-only folder: the file itself is what matters


def read_sidecar(db: Path) -> KnownCounts | None:
    path = sidecar_path(db)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return KnownCounts(
            source="doctor", path=str(path), at=float(data["at"]),
            device_id=str(data["device_id"]), owners=int(data["owners"]),
            workers=int(data["workers"]), leads=int(data["leads"]),
        )  # fmt: skip
    except (OSError, ValueError, KeyError, TypeError):
        return None


def count_file(path: Path) -> KnownCounts | None:
    """Counts of an outreach file opened read-only and immutable (nothing written)."""
    try:
        conn = sqlite3.connect(path.as_uri() + "?mode=ro&immutable=1", uri=True)
    except (sqlite3.Error, ValueError):
        return None
    try:
        device = conn.execute("SELECT value FROM settings WHERE key = 'device_id'").fetchone()
        owners, workers = conn.execute(
            "SELECT count(*) FILTER (WHERE role = 'owner' AND voided_at IS NULL),"
            " count(*) FILTER (WHERE role = 'worker' AND voided_at IS NULL) FROM registrations"
        ).fetchone()
        (leads,) = conn.execute("SELECT count(*) FROM leads WHERE voided_at IS NULL").fetchone()
    except sqlite3.Error:
        return None
    finally:
        conn.close()
    return KnownCounts(
        source="backup", path=str(path), at=path.stat().st_mtime,
        device_id=device[0] if device else None, owners=owners, workers=workers, leads=leads,
    )  # fmt: skip


def backup_folders(db: Path) -> list[Path]:
    """Where `outreach backup` copies usually are: next to the file, a backup folder
    next to it, ``~/backup`` (the README's example) and the data dir's ``backups``."""
    home = Path.home()
    data = Path(platformdirs.user_data_dir("outreach"))
    folders = [db.parent, db.parent / "backup", db.parent / "backups", home / "backup",
               home / "backups", data, data / "backups"]  # fmt: skip
    seen: list[Path] = []
    for folder in folders:
        if folder not in seen and folder.is_dir():
            seen.append(folder)
    return seen


def _candidates(db: Path, exclude: tuple[Path, ...]) -> list[tuple[float, Path]]:
    excluded = {db, *exclude, *(db.with_name(db.name + s) for s in ("-wal", "-shm", "-journal"))}
    found: list[tuple[float, Path]] = []
    for folder in backup_folders(db):
        try:
            with os.scandir(folder) as entries:
                for n, entry in enumerate(entries):
                    if n >= MAX_ENTRIES_PER_FOLDER:
                        break
                    path = Path(entry.path)
                    if path in excluded or not entry.name.lower().endswith(BACKUP_SUFFIXES):
                        continue
                    if entry.is_file(follow_symlinks=False) and entry.stat().st_size > 0:
                        found.append((entry.stat().st_mtime, path))
        except OSError:
            continue
    return sorted(found, reverse=True)


def _is_sqlite(path: Path) -> bool:
    try:
        with path.open("rb") as f:
            return f.read(len(SQLITE_MAGIC)) == SQLITE_MAGIC
    except OSError:
        return False


def newest_backup(
    db: Path, device_id: str | None = None, *, exclude: tuple[Path, ...] = ()
) -> KnownCounts | None:
    """The newest readable outreach file near ``db`` (of ``device_id`` when known)."""
    for _, path in _candidates(db, exclude):
        if not _is_sqlite(path):
            continue
        counts = count_file(path)
        if counts is None or counts.device_id is None:
            continue
        if device_id is None or counts.device_id == device_id:
            return counts
    return None
