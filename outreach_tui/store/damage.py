"""What is wrong with a laptop file that SQLite cannot read, found without changing it.

The checks read the file's first 100 bytes (SQLite's header: magic string, page size,
page count) and then open a private *copy* of the file and its WAL, so neither the file's
bytes nor its mtime change, and no -shm or -wal appears next to it.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

SQLITE_MAGIC = b"SQLite format 3\x00"
HEADER_BYTES = 100
_CORRUPT_CODES = {11, 26}  # SQLITE_CORRUPT, SQLITE_NOTADB
_CORRUPT_WORDS = ("malformed", "not a database", "database corrupt")


def is_corruption(exc: BaseException | None) -> bool:
    """True when ``exc`` (or what caused it) is SQLite saying the file is damaged."""
    while exc is not None:
        if isinstance(exc, sqlite3.DatabaseError):
            code = getattr(exc, "sqlite_errorcode", None)
            if code is not None and code & 0xFF in _CORRUPT_CODES:
                return True
            if any(word in str(exc).lower() for word in _CORRUPT_WORDS):
                return True
        exc = exc.__cause__ or exc.__context__
    return False


def sidecars(path: Path) -> list[Path]:
    """The WAL and shared-memory files SQLite keeps next to ``path``."""
    return [path.with_name(path.name + suffix) for suffix in ("-wal", "-shm")]


def size_on_disk(path: Path) -> dict[str, int]:
    """Bytes of the file, its -wal and -shm, and their total (what the file takes)."""
    sizes = {"file_bytes": path.stat().st_size}
    for name, side in zip(("wal_bytes", "shm_bytes"), sidecars(path), strict=True):
        sizes[name] = side.stat().st_size if side.is_file() else 0
    sizes["size_bytes"] = sum(sizes.values())
    return sizes


@dataclass
class Diagnosis:
    """What is damaged. ``kinds``: ``empty``, ``header``, ``truncated``, ``pages``."""

    path: Path
    size_bytes: int
    kinds: list[str] = field(default_factory=list)
    page_size: int | None = None
    pages_expected: int | None = None
    pages_present: int | None = None
    unreadable_tables: list[str] = field(default_factory=list)
    readable_tables: list[str] = field(default_factory=list)
    integrity_messages: list[str] = field(default_factory=list)
    error: str | None = None

    def as_json(self) -> dict[str, object]:
        return {
            "kinds": self.kinds,
            "size_bytes": self.size_bytes,
            "page_size": self.page_size,
            "pages_expected": self.pages_expected,
            "pages_present": self.pages_present,
            "unreadable_tables": self.unreadable_tables,
            "integrity_messages": self.integrity_messages,
            "error": self.error,
        }


def _header_checks(path: Path, diagnosis: Diagnosis) -> None:
    with path.open("rb") as f:
        header = f.read(HEADER_BYTES)
    if len(header) < HEADER_BYTES or not header.startswith(SQLITE_MAGIC):
        diagnosis.kinds.append("header")
        return
    raw = int.from_bytes(header[16:18], "big")
    page_size = 65536 if raw == 1 else raw
    if page_size < 512 or page_size & (page_size - 1):
        diagnosis.kinds.append("header")
        return
    diagnosis.page_size = page_size
    diagnosis.pages_present = diagnosis.size_bytes // page_size
    # The page count in the header is valid only when its "version-valid-for" number
    # equals the change counter (bytes 92-95 and 24-27).
    if header[92:96] == header[24:28]:
        diagnosis.pages_expected = int.from_bytes(header[28:32], "big")
    short = diagnosis.pages_expected is not None and (
        diagnosis.pages_present < diagnosis.pages_expected
    )
    if short or diagnosis.size_bytes % page_size:
        diagnosis.kinds.append("truncated")


@contextmanager
def working_copy(path: Path, folder: Path | None = None) -> Iterator[Path]:
    """A private copy of ``path`` and its WAL in a new temporary folder, removed after.

    SQLite replays the copied WAL when the copy is opened, so what the copy shows is what
    the file holds; the original is only read.
    """
    tmp = Path(tempfile.mkdtemp(prefix=".outreach-damaged-", dir=folder))
    try:
        copy = tmp / "damaged.db"
        shutil.copyfile(path, copy)
        wal = sidecars(path)[0]
        if wal.is_file():
            shutil.copyfile(wal, tmp / "damaged.db-wal")
        os.chmod(copy, 0o600)
        yield copy
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _content_checks(copy: Path, diagnosis: Diagnosis) -> None:
    try:
        conn = sqlite3.connect(copy)
    except sqlite3.Error as exc:
        diagnosis.error = str(exc)
        diagnosis.kinds.append("pages")
        return
    try:
        try:
            tables = [
                row[0]
                for row in conn.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
                )
            ]
        except sqlite3.DatabaseError as exc:
            diagnosis.error = str(exc)
            diagnosis.kinds.append("pages")
            return
        for name in tables:
            try:
                conn.execute(f'SELECT count(*) FROM "{name}"').fetchone()
                diagnosis.readable_tables.append(name)
            except sqlite3.DatabaseError:
                diagnosis.unreadable_tables.append(name)
        try:
            messages = [row[0] for row in conn.execute("PRAGMA integrity_check(20)")]
        except sqlite3.DatabaseError as exc:
            messages = [str(exc)]
        if messages != ["ok"]:
            diagnosis.integrity_messages = messages
        if diagnosis.unreadable_tables or diagnosis.integrity_messages:
            diagnosis.kinds.append("pages")
    finally:
        conn.close()


def diagnose(path: Path) -> Diagnosis:
    """Look at ``path`` (never writing to it) and say what, if anything, is damaged."""
    diagnosis = Diagnosis(path=path, size_bytes=path.stat().st_size)
    if diagnosis.size_bytes == 0:
        diagnosis.kinds.append("empty")
        return diagnosis
    _header_checks(path, diagnosis)
    if "header" in diagnosis.kinds:
        return diagnosis
    with working_copy(path) as copy:
        _content_checks(copy, diagnosis)
    return diagnosis
