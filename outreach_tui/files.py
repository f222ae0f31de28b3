"""Every file the product writes goes through here (bundles, reports, samples, backups,
receipts, credentials, the unlock session).

The rules, one place for all of them:

- The bytes go to a temporary file in the target's folder, created 0600 (it may hold NIKs
  and phone numbers), fsynced, then renamed into place and the folder fsynced: a reader
  sees the old file or the new one, never half of one, even after a power cut.
- Only a regular file is ever replaced. A device, FIFO, socket, folder or symlink (even a
  dangling one) at the target is refused, and nothing is followed through it.
- An existing regular file only with ``force=True``; never an SQLite database (its header,
  or a WAL file's) nor the database the command itself reads (same inode, sidecars too),
  whatever ``force`` says.
- The target is checked before the work and again just before the rename; when nothing
  was there, the new file is linked in (which fails if something appeared meanwhile).
  Nothing touches the target's mode or bytes before that commit.
- On any failure (a full disk included) the temporary file and its SQLite sidecars are
  removed, and the error names the target.

No project imports at module level, so every layer may use it; the messages come from the
catalogue (``outreach_tui.i18n``, itself a leaf) only when they are shown.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import stat
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

SQLITE_HEADER = b"SQLite format 3\x00"
WAL_MAGICS = (b"\x37\x7f\x06\x82", b"\x37\x7f\x06\x83")
SIDECARS = ("-wal", "-shm", "-journal")
SQLITE_FULL = 13  # sqlite3.Error.sqlite_errorcode of "database or disk is full"
NO_SPACE = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG}

StrPath = str | os.PathLike[str]


class FileWriteError(Exception):
    """A file the product did not write: one line naming the target, and an exit code."""

    exit_code = 2

    def __init__(self, reason: str, path: StrPath, detail: str = "") -> None:
        self.reason = reason
        self.path = Path(path)
        self.detail = detail
        super().__init__(self.message("en"))

    def message(self, language: str = "id") -> str:
        from outreach_tui.i18n import t

        return t(f"files.{self.reason}", language, path=str(self.path), detail=self.detail)


class TargetRefused(FileWriteError):
    """What is at the target (or beside it) must not be replaced: a usage error (exit 2)."""

    exit_code = 2


class WriteFailed(FileWriteError):
    """The write itself failed (full disk, I/O, permission); nothing was left (exit 3)."""

    exit_code = 3


@dataclass(frozen=True)
class Written:
    """A committed file: where, how big, and which inode (so it can be taken back)."""

    path: Path
    size: int
    device: int
    inode: int
    changed_ns: int  # st_ctime_ns: a freed inode number may be reused by another file
    result: Any = None  # what the writer returned (say, a row count)

    @classmethod
    def of(cls, path: Path, result: Any = None) -> Written:
        info = os.lstat(path)
        return cls(path, info.st_size, info.st_dev, info.st_ino, info.st_ctime_ns, result)


def write_bytes(
    path: StrPath, data: bytes, *, force: bool = False, protect: Iterable[StrPath] = ()
) -> Written:
    """Write ``data`` to ``path`` under the rules above."""
    return write_stream(path, lambda handle: handle.write(data), force=force, protect=protect)


def write_stream(
    path: StrPath,
    writer: Callable[[IO[bytes]], Any],
    *,
    force: bool = False,
    protect: Iterable[StrPath] = (),
) -> Written:
    """``writer(handle)`` fills a binary file object; the rules above apply."""

    def fill(temp: Path) -> Any:
        with open(temp, "r+b") as handle:
            result = writer(handle)
            handle.flush()
            os.fsync(handle.fileno())
        return result

    return write_with(path, fill, force=force, protect=protect)


def write_with(
    path: StrPath,
    writer: Callable[[Path], Any],
    *,
    force: bool = False,
    protect: Iterable[StrPath] = (),
    sqlite_output: bool = False,
) -> Written:
    """``writer(temp)`` writes a whole file at ``temp`` (an empty 0600 file in the target's
    folder; xlsx writers and SQLite's backup API need a path), which is then committed.

    ``protect``: database paths the command reads (their sidecars are protected too).
    ``sqlite_output``: the new file is a database, so a leftover ``-wal``/``-shm``/
    ``-journal`` beside the target (which SQLite would apply to it) is refused as well.
    """
    target = _absolute(path)
    guard = _Guard(protect)
    _check(target, force=force, guard=guard, sqlite_output=sqlite_output)
    folder = target.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError) as exc:
        raise WriteFailed("parent", target) from exc
    except OSError as exc:
        raise _failure(exc, target) from exc
    try:
        fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise _failure(exc, target) from exc
    os.close(fd)
    temp = Path(name)
    try:
        result = writer(temp)
        _settle(temp, target)
        _check(target, force=force, guard=guard, sqlite_output=sqlite_output)
        _commit(temp, target, force=force, guard=guard, sqlite_output=sqlite_output)
    except BaseException as exc:
        _remove_temp(temp)
        if isinstance(exc, FileWriteError):
            raise
        if isinstance(exc, OSError) or _disk_full(exc):
            raise _failure(exc, target) from exc
        raise
    _sync_folder(folder)
    return Written.of(target, result)


def check_target(
    path: StrPath,
    *,
    force: bool = False,
    protect: Iterable[StrPath] = (),
    sqlite_output: bool = False,
) -> Path:
    """Refuse early (before slow work) what ``write_with`` would refuse; the absolute path."""
    target = _absolute(path)
    _check(target, force=force, guard=_Guard(protect), sqlite_output=sqlite_output)
    return target


def take_back(written: Written) -> None:
    """Remove a file this module committed, if it is still that file (same inode): for
    all-or-nothing commands whose next step (say, an audit entry) failed."""
    with contextlib.suppress(OSError):
        info = os.lstat(written.path)
        if (info.st_dev, info.st_ino, info.st_ctime_ns) == (
            written.device,
            written.inode,
            written.changed_ns,
        ):
            os.unlink(written.path)
            _sync_folder(written.path.parent)


# -- internals ------------------------------------------------------------------------


class _Guard:
    """The inodes of the databases a command reads, their sidecars included."""

    def __init__(self, paths: Iterable[StrPath]) -> None:
        self._inodes: set[tuple[int, int]] = set()
        for path in paths:
            for suffix in ("", *SIDECARS):
                with contextlib.suppress(OSError, ValueError):
                    info = os.stat(f"{os.fspath(path)}{suffix}")
                    self._inodes.add((info.st_dev, info.st_ino))

    def covers(self, info: os.stat_result) -> bool:
        return (info.st_dev, info.st_ino) in self._inodes


def _absolute(path: StrPath) -> Path:
    """The target as an absolute path, its last part kept (never resolved: a symlink there
    must be seen as one)."""
    text = os.path.expanduser(os.fspath(path))
    target = Path(os.path.abspath(text))
    if target.name in ("", ".", ".."):
        raise TargetRefused("folder", target)
    return target


def _kind(mode: int) -> str:
    if stat.S_ISREG(mode):
        return "file"
    if stat.S_ISLNK(mode):
        return "symlink"
    if stat.S_ISDIR(mode):
        return "folder"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "device"
    if stat.S_ISFIFO(mode):
        return "fifo"
    if stat.S_ISSOCK(mode):
        return "socket"
    return "special"


def _check(target: Path, *, force: bool, guard: _Guard, sqlite_output: bool) -> None:
    try:
        info: os.stat_result | None = os.lstat(target)
    except FileNotFoundError:
        info = None
    except NotADirectoryError as exc:
        raise WriteFailed("parent", target) from exc
    except OSError as exc:
        raise _failure(exc, target) from exc
    if info is not None:
        kind = _kind(info.st_mode)
        if kind != "file":
            raise TargetRefused(kind, target)
        if guard.covers(info):
            raise TargetRefused("own_database", target)
        try:
            database = _database_header(target)
        except OSError as exc:  # cannot be read, so cannot be shown not to be a database
            raise TargetRefused("unreadable", target, exc.strerror or "") from exc
        if database:
            raise TargetRefused("database", target)
        if not force:
            raise TargetRefused("exists", target)
    if sqlite_output:
        for suffix in SIDECARS:
            beside = Path(f"{target}{suffix}")
            if os.path.lexists(beside):
                raise TargetRefused("sidecar", beside)


def _database_header(path: Path) -> bool:
    # O_NOFOLLOW: a symlink swapped in is not followed; O_NONBLOCK: a FIFO swapped in does
    # not hang the open (fstat then shows it is no regular file).
    flags = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)
    fd = os.open(path, flags)
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return False
        head = os.read(fd, len(SQLITE_HEADER))
    finally:
        os.close(fd)
    return head == SQLITE_HEADER or head[:4] in WAL_MAGICS


def _settle(temp: Path, target: Path) -> None:
    """After the writer: the temp is still a regular file, on disk, with nothing pending
    in a sidecar (a WAL left behind would hold data the renamed file does not)."""
    fd = os.open(temp, os.O_RDONLY | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0))
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise TargetRefused("special", target)
        os.fsync(fd)
    finally:
        os.close(fd)
    for suffix in SIDECARS:
        beside = Path(f"{temp}{suffix}")
        with contextlib.suppress(FileNotFoundError):
            if suffix != "-shm" and beside.stat().st_size > 0:
                raise WriteFailed("failed", target, f"{beside.name} left behind")
            beside.unlink()


def _commit(temp: Path, target: Path, *, force: bool, guard: _Guard, sqlite_output: bool) -> None:
    if not os.path.lexists(target):
        try:
            os.link(temp, target)  # fails if anything appeared at the target meanwhile
        except FileExistsError:
            _check(target, force=force, guard=guard, sqlite_output=sqlite_output)
        except OSError as exc:
            if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EMLINK):
                raise
        else:
            os.unlink(temp)
            return
    os.replace(temp, target)  # an existing regular file the checks allowed


def _remove_temp(temp: Path) -> None:
    for suffix in ("", *SIDECARS):
        with contextlib.suppress(OSError):
            os.unlink(f"{temp}{suffix}")


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable (POSIX); a folder that cannot be opened is skipped."""
    if not hasattr(os, "O_DIRECTORY"):
        return
    try:
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        return
    try:
        with contextlib.suppress(OSError):
            os.fsync(fd)
    finally:
        os.close(fd)


def _disk_full(exc: BaseException) -> bool:
    """ENOSPC or SQLite's "database or disk is full", also under a wrapping error."""
    seen: BaseException | None = exc
    for _ in range(8):  # the chain of causes, bounded
        if seen is None:
            return False
        if isinstance(seen, OSError) and seen.errno in NO_SPACE:
            return True
        if getattr(seen, "sqlite_errorcode", None) == SQLITE_FULL:
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def _failure(exc: BaseException, target: Path) -> WriteFailed:
    if _disk_full(exc):
        return WriteFailed("no_space", target)
    detail = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
    return WriteFailed("failed", target, detail)


def sha256_of(path: Path) -> str:
    """The SHA-256 of a file's bytes, read in chunks (a hand-off or an activation file)."""
    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()
