"""Salvage what can be read from a damaged laptop file into a new file.

SQLite's own recovery does the work: the ``sqlite3`` command-line shell's ``.recover``
reads every page it can (tables whose schema is lost end up in ``lost_and_found``) and
prints SQL that a second shell loads into a fresh file. It runs on a private copy of the
damaged file and its WAL, inside a temporary folder next to the target, so the damaged
file is only ever read. The new file appears under its name only once it is complete
(a hard link, which refuses an existing name, or a rename checked just before).
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from outreach_tui.store.damage import SQLITE_MAGIC, working_copy
from outreach_tui.store.database import StoreError

if TYPE_CHECKING:
    from outreach_tui.store.store import Store

SQLITE3_PACKAGE = "sqlite3"  # the Debian/Ubuntu package with the shell (apt install sqlite3)


class RecoverError(StoreError):
    """Recovery cannot run or cannot finish (one-line reason, nothing written)."""

    def __init__(self, key: str, **params: object) -> None:
        super().__init__(key)
        self.key = key
        self.params = params


@dataclass(frozen=True)
class Salvaged:
    """The new file and what came back into it."""

    out: Path
    device_id: str | None
    owners: int
    workers: int
    leads: int
    lost_and_found: int  # rows SQLite found without their table
    integrity: list[str]  # "ok", then any foreign-key findings (orphaned rows)
    method: str  # "recover" (sqlite3 .recover) or "dump" (sqlite3 .dump, page errors skipped)
    header_rebuilt: bool
    complaint: str  # the shell's first message about what it could not read


def sqlite3_shell() -> str:
    found = shutil.which("sqlite3")
    if found is None:
        raise RecoverError("recover.no_sqlite3", package=SQLITE3_PACKAGE)
    return found


def check_target(out: Path, source: Path) -> Path:
    """``out`` must be a new name in an existing folder, not the damaged file."""
    out = Path(os.path.abspath(out.expanduser()))
    if os.path.lexists(out):
        kind = "file" if out.is_file() and not out.is_symlink() else "other"
        raise RecoverError(f"recover.out_exists_{kind}", out=str(out))
    if not out.parent.is_dir():
        raise RecoverError("recover.out_folder", folder=str(out.parent))
    if out == source:
        raise RecoverError("recover.out_is_source", out=str(out))
    return out


def recover_works(shell: str) -> bool:
    """Whether this shell's ``.recover`` runs: it needs SQLite built with the
    ``sqlite_dbpage`` table, which some packages leave out (Debian 12's 3.40.1 answers
    "SQL logic error" to every ``.recover``)."""
    probe = subprocess.run(
        [shell, "-batch", ":memory:", ".recover"], capture_output=True, check=False,
        stdin=subprocess.DEVNULL, timeout=30,
    )  # fmt: skip
    return probe.returncode == 0 and b"error" not in probe.stderr.lower()


def _first_line(raw: bytes) -> str:
    text = raw.decode("utf-8", "replace").strip()
    return text.splitlines()[0][:200] if text else ""


def _run_shell(shell: str, copy: Path, fresh: Path, method: str) -> str:
    """``sqlite3 copy .recover | sqlite3 fresh`` (or ``.dump``), streaming: no SQL text
    is kept in memory. Returns the readers' first complaint ("" when none)."""
    reader = subprocess.Popen(
        [shell, "-batch", str(copy), f".{method}"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
    )  # fmt: skip
    writer = subprocess.Popen(
        [shell, "-batch", str(fresh)],
        stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    assert reader.stdout is not None and writer.stdin is not None
    # `.dump` ends with "ROLLBACK; -- due to errors" when it met an unreadable page; what
    # it could read is exactly what we want kept, so that last line becomes a COMMIT.
    held: bytes | None = None
    for line in reader.stdout:
        if held is not None:
            writer.stdin.write(held)
        held = line
    if held is not None:
        writer.stdin.write(b"COMMIT;\n" if held.startswith(b"ROLLBACK; -- due to errors") else held)
    writer.stdin.close()
    reader_err = reader.stderr.read() if reader.stderr else b""
    writer_err = writer.stderr.read() if writer.stderr else b""
    reader.wait()
    writer.wait()
    if not fresh.is_file():
        detail = _first_line(reader_err or writer_err) or f"exit {reader.returncode}"
        raise RecoverError("recover.sqlite3_failed", detail=detail)
    return _first_line(reader_err)


def repair_header(copy: Path) -> bool:
    """Give a copy whose first bytes were overwritten a plain SQLite header again, so
    SQLite can read its pages. The page size is guessed from page 2's b-tree type byte."""
    size = copy.stat().st_size
    with copy.open("rb+") as f:
        for page_size in (4096, 1024, 2048, 8192, 16384, 32768, 65536, 512):
            if size % page_size or size < 2 * page_size:
                continue
            f.seek(page_size)
            if f.read(1) in (b"\x02", b"\x05", b"\x0a", b"\x0d"):
                break
        else:
            return False
        pages = size // page_size
        header = bytearray(100)
        header[0:16] = SQLITE_MAGIC
        header[16:18] = (1 if page_size == 65536 else page_size).to_bytes(2, "big")
        header[18:24] = bytes([1, 1, 0, 64, 32, 32])
        header[24:28] = (1).to_bytes(4, "big")  # change counter
        header[28:32] = pages.to_bytes(4, "big")
        header[40:44] = (1).to_bytes(4, "big")  # schema cookie
        header[44:48] = (4).to_bytes(4, "big")  # schema format
        header[56:60] = (1).to_bytes(4, "big")  # UTF-8
        header[92:96] = (1).to_bytes(4, "big")  # version-valid-for = change counter
        header[96:100] = (3040001).to_bytes(4, "big")
        f.seek(0)
        f.write(header)
    return True


def _restore_device_id(fresh: Path, device_id: str | None) -> str | None:
    """Keep the laptop's identity: the hub knows its records under this id."""
    with sqlite3.connect(fresh) as conn:
        try:
            row = conn.execute("SELECT value FROM settings WHERE key = 'device_id'").fetchone()
        except sqlite3.OperationalError:
            row = None  # the settings table itself was lost: the store recreates it
        if row is not None:
            stored: str = row[0]
            return stored
        if device_id is None:
            return None
        try:
            conn.execute("INSERT INTO settings (key, value) VALUES ('device_id', ?)", [device_id])
        except sqlite3.OperationalError:
            return None
    conn.close()
    return device_id


def _restore_seq_counter(store: Store) -> None:
    """A counter page lost while rows survived would hand out a seq twice (the sync
    checkpoint runs on seq): never let it be behind the highest seq recovered."""
    with store.database.write() as conn:
        top = conn.execute(
            "SELECT max(s) FROM (SELECT max(seq) AS s FROM registrations"
            " UNION ALL SELECT max(seq) FROM leads)"
        ).fetchone()[0]
        conn.execute(
            "INSERT INTO counters (name, value) VALUES ('seq', ?) ON CONFLICT (name)"
            " DO UPDATE SET value = max(value, excluded.value)",
            [top or 0],
        )


def _lost_and_found(fresh: Path) -> int:
    with sqlite3.connect(fresh) as conn:
        tables = [r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'lost_and_found%'"
        )]  # fmt: skip
        total: int = sum(conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables)
    conn.close()
    return total


def _publish(fresh: Path, out: Path) -> None:
    with fresh.open("rb+") as f:
        os.fsync(f.fileno())
    try:
        os.link(fresh, out)  # fails if the name was taken meanwhile: never replaces
    except FileExistsError as exc:
        raise RecoverError("recover.out_exists_file", out=str(out)) from exc
    except OSError:
        if os.path.lexists(out):  # a filesystem without hard links (FAT on a USB stick)
            raise RecoverError("recover.out_exists_file", out=str(out)) from None
        os.rename(fresh, out)
    dir_fd = os.open(out.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def orphans(result: Salvaged) -> int:
    return sum(1 for m in result.integrity if m.startswith("foreign key:"))


def _has_magic(path: Path) -> bool:
    with path.open("rb") as f:
        return f.read(len(SQLITE_MAGIC)) == SQLITE_MAGIC


def salvage(source: Path, out: Path, *, device_id: str | None = None) -> Salvaged:
    """Recover ``source`` into the new file ``out`` and open it with the store."""
    from outreach_tui.store.store import Store

    shell = sqlite3_shell()
    out = check_target(out, source)
    tmp = Path(tempfile.mkdtemp(prefix=".outreach-recover-", dir=out.parent))
    try:
        fresh = tmp / "recovered.db"
        method = "recover" if recover_works(shell) else "dump"
        with working_copy(source, tmp) as copy:
            header_rebuilt = not _has_magic(copy) and repair_header(copy)
            complaint = _run_shell(shell, copy, fresh, method)
        os.chmod(fresh, 0o600)
        kept_id = _restore_device_id(fresh, device_id)
        lost = _lost_and_found(fresh)
        # The project's store: migrations bring a half-recovered schema up to date and the
        # integrity check proves the new file is sound before it gets its name.
        with Store(fresh, create=False) as store:
            _restore_seq_counter(store)
            integrity = store.integrity_check()
            summary = store.summary()
            kept_id = kept_id or store.device_id
            store.database.checkpoint()
        for side in ("-wal", "-shm"):
            fresh.with_name(fresh.name + side).unlink(missing_ok=True)
        # Foreign-key findings are expected of a salvage (a worker whose owner sat on an
        # unreadable page): they are kept and reported; a damaged structure is refused.
        structural = [m for m in integrity if m != "ok" and not m.startswith("foreign key:")]
        if structural:
            raise RecoverError("recover.still_damaged", detail=structural[0][:200])
        _publish(fresh, out)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return Salvaged(
        out=out, device_id=kept_id, owners=summary.owners, workers=summary.workers,
        leads=summary.leads, lost_and_found=lost, integrity=integrity, method=method,
        header_rebuilt=header_rebuilt, complaint=complaint,
    )  # fmt: skip
