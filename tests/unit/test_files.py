"""outreach_tui/files.py, the one writer of every file the product writes: what it refuses,
what it leaves behind when something fails (nothing), and the race between its check and
its rename. Real files, devices, FIFOs and a real small tmpfs (tests run as root)."""

from __future__ import annotations

import errno
import os
import sqlite3
import stat
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from outreach_tui import files
from outreach_tui.files import TargetRefused, WriteFailed


def mode(path: Path) -> int:
    return stat.S_IMODE(os.lstat(path).st_mode)


def listing(folder: Path) -> list[str]:
    return sorted(os.listdir(folder))


@pytest.fixture(params=[0o022, 0o000], ids=["umask-022", "umask-000"])
def umask(request: pytest.FixtureRequest) -> Iterator[int]:
    old = os.umask(request.param)
    try:
        yield request.param
    finally:
        os.umask(old)


def test_a_new_file_is_private_complete_and_alone(tmp_path: Path, umask: int) -> None:
    target = tmp_path / "new" / "deep" / "bundle.json"
    written = files.write_bytes(target, b"{}\n")
    assert target.read_bytes() == b"{}\n"
    assert mode(target) == 0o600
    assert listing(target.parent) == ["bundle.json"]
    assert (written.path, written.size) == (target, 3)
    assert written.inode == os.lstat(target).st_ino


def test_the_temporary_file_is_private_from_creation(tmp_path: Path, umask: int) -> None:
    seen: list[int] = []

    def writer(temp: Path) -> None:
        seen.append(mode(temp))
        assert temp.parent == tmp_path and temp.name.startswith(".out.csv.")
        temp.write_text("a,b\n")

    files.write_with(tmp_path / "out.csv", writer)
    assert seen == [0o600]


def test_stream_writer_gets_a_binary_file(tmp_path: Path) -> None:
    written = files.write_stream(tmp_path / "s.bin", lambda handle: handle.write(b"xyz"))
    assert (tmp_path / "s.bin").read_bytes() == b"xyz" and written.result == 3


@pytest.mark.parametrize(
    ("kind", "make"),
    [
        ("device", lambda p: os.mknod(p, stat.S_IFCHR | 0o666, os.makedev(1, 3))),
        ("fifo", lambda p: os.mkfifo(p)),
        ("folder", lambda p: p.mkdir()),
        ("symlink", lambda p: p.symlink_to(p.parent / "elsewhere")),
        ("symlink", lambda p: p.symlink_to("/nonexistent")),
    ],
    ids=["char-device", "fifo", "folder", "symlink-to-file", "dangling-symlink"],
)
@pytest.mark.parametrize("force", [False, True], ids=["plain", "force"])
def test_only_a_regular_file_is_ever_replaced(tmp_path: Path, kind: str, make, force: bool) -> None:
    (tmp_path / "elsewhere").write_bytes(b"not mine")
    target = tmp_path / "target"
    make(target)
    before = (os.lstat(target).st_ino, os.lstat(target).st_mode, listing(tmp_path))
    with pytest.raises(TargetRefused) as caught:
        files.write_bytes(target, b"data", force=force)
    assert caught.value.reason == kind and caught.value.exit_code == 2
    assert str(target) in str(caught.value)
    assert (os.lstat(target).st_ino, os.lstat(target).st_mode, listing(tmp_path)) == before
    assert (tmp_path / "elsewhere").read_bytes() == b"not mine"


def test_an_existing_file_only_with_force_and_its_mode_is_untouched_until_then(
    tmp_path: Path,
) -> None:
    target = tmp_path / "report.csv"
    target.write_bytes(b"old")
    os.chmod(target, 0o644)
    with pytest.raises(TargetRefused, match="--force") as caught:
        files.write_bytes(target, b"new")
    assert caught.value.reason == "exists"
    assert (target.read_bytes(), mode(target)) == (b"old", 0o644)
    files.write_bytes(target, b"new", force=True)
    assert (target.read_bytes(), mode(target)) == (b"new", 0o600)
    assert listing(tmp_path) == ["report.csv"]


@pytest.mark.parametrize(
    "header", [files.SQLITE_HEADER, *files.WAL_MAGICS], ids=["db", "wal", "wal-be"]
)
def test_never_onto_an_sqlite_file_even_with_force(tmp_path: Path, header: bytes) -> None:
    target = tmp_path / "hub.db"
    target.write_bytes(header + b"\0" * 100)
    os.chmod(target, 0o644)
    with pytest.raises(TargetRefused, match="SQLite") as caught:
        files.write_bytes(target, b"x", force=True)
    assert caught.value.reason == "database"
    assert target.read_bytes()[: len(header)] == header and mode(target) == 0o644


def test_never_onto_the_protected_database_or_its_sidecars(tmp_path: Path) -> None:
    db = tmp_path / "laptop.db"
    with sqlite3.connect(db) as conn:
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("CREATE TABLE t (x)")
        conn.execute("INSERT INTO t VALUES (1)")
        alias = tmp_path / "alias"
        os.link(db, alias)
        for target in (db, alias, Path(f"{db}-wal"), Path(f"{db}-shm")):
            with pytest.raises(TargetRefused) as caught:
                files.write_bytes(target, b"x", force=True, protect=[db])
            assert caught.value.reason in {"own_database", "database"}, target
            assert caught.value.reason == "own_database" or target == alias
        assert conn.execute("SELECT x FROM t").fetchall() == [(1,)]
    conn.close()


def test_a_new_database_is_not_written_beside_a_leftover_sidecar(tmp_path: Path) -> None:
    target = tmp_path / "copy.db"
    Path(f"{target}-journal").write_bytes(b"hot journal of another file")
    with pytest.raises(TargetRefused) as caught:
        files.write_with(target, lambda temp: None, sqlite_output=True)
    assert caught.value.reason == "sidecar" and caught.value.path.name == "copy.db-journal"
    assert listing(tmp_path) == ["copy.db-journal"]


def test_a_parent_that_is_a_file(tmp_path: Path) -> None:
    (tmp_path / "file").write_bytes(b"")
    with pytest.raises(WriteFailed) as caught:  # a failed write (3), not a refused target
        files.write_bytes(tmp_path / "file" / "x.csv", b"x")
    assert caught.value.reason == "parent"


def test_a_failing_writer_leaves_nothing_and_its_error_stands(tmp_path: Path) -> None:
    def writer(temp: Path) -> None:
        temp.write_bytes(b"half")
        Path(f"{temp}-journal").write_bytes(b"j")
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        files.write_with(tmp_path / "out.xlsx", writer)
    assert listing(tmp_path) == []


def test_an_sqlite_writer_through_the_backup_api_leaves_no_journal(tmp_path: Path) -> None:
    source = sqlite3.connect(":memory:")
    source.execute("CREATE TABLE t (x)")
    source.executemany("INSERT INTO t VALUES (?)", [(i,) for i in range(1000)])
    source.commit()

    def copy(temp: Path) -> None:
        out = sqlite3.connect(temp)
        try:
            source.backup(out)
        finally:
            out.close()

    target = tmp_path / "copy.db"
    files.write_with(target, copy, sqlite_output=True)
    assert listing(tmp_path) == ["copy.db"] and mode(target) == 0o600
    with sqlite3.connect(target) as conn:
        assert conn.execute("SELECT count(*) FROM t").fetchone() == (1000,)
    conn.close()


def test_a_writer_leaving_a_wal_behind_is_a_failure(tmp_path: Path) -> None:
    def writer(temp: Path) -> None:
        temp.write_bytes(b"main")
        Path(f"{temp}-wal").write_bytes(b"frames the main file does not have")

    with pytest.raises(WriteFailed, match="left behind"):
        files.write_with(tmp_path / "x.db", writer)
    assert listing(tmp_path) == []


@pytest.mark.parametrize("force", [False, True], ids=["plain", "force"])
def test_something_put_at_the_target_during_the_write_is_not_replaced(
    tmp_path: Path, force: bool
) -> None:
    """The check runs again just before the rename; a new target goes in by link(),
    which fails if anything appeared (the window between those two)."""
    target = tmp_path / "out.bundle"

    def writer(temp: Path) -> None:
        temp.write_bytes(b"bundle")
        os.mknod(target, stat.S_IFCHR | 0o600, os.makedev(1, 3))  # appears meanwhile

    with pytest.raises(TargetRefused) as caught:
        files.write_with(target, writer, force=force)
    assert caught.value.reason == "device"
    assert stat.S_ISCHR(os.lstat(target).st_mode) and listing(tmp_path) == ["out.bundle"]


def test_take_back_removes_only_the_file_it_wrote(tmp_path: Path) -> None:
    target = tmp_path / "b.json"
    written = files.write_bytes(target, b"1")
    files.take_back(written)
    assert not target.exists()
    again = files.write_bytes(target, b"2")
    os.unlink(target)
    target.write_bytes(b"someone else's")  # a new inode under the same name
    files.take_back(again)
    assert target.read_bytes() == b"someone else's"


def test_messages_in_both_languages_name_the_file(tmp_path: Path) -> None:
    error = TargetRefused("fifo", tmp_path / "p")
    assert str(tmp_path / "p") in error.message("id") and "FIFO" in error.message("id")
    assert error.message("en").startswith("not writing to") and str(error) == error.message("en")
    assert "disk penuh" in WriteFailed("no_space", tmp_path / "x").message("id")


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    mount = tmp_path / "small"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(mount)],
                          capture_output=True, text=True)  # fmt: skip
    if done.returncode != 0:
        pytest.skip(f"cannot mount a 64 KiB tmpfs here (needs root): {done.stderr.strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def test_a_full_disk_leaves_no_partial_file_and_names_the_target(small_disk: Path) -> None:
    target = small_disk / "big.csv"
    with pytest.raises(WriteFailed) as caught:
        files.write_bytes(target, b"x" * 200_000)  # three times the disk
    assert caught.value.reason == "no_space" and caught.value.path == target
    assert caught.value.exit_code == 3 and str(target) in str(caught.value)
    assert listing(small_disk) == []
    assert isinstance(caught.value.__cause__, OSError)
    assert caught.value.__cause__.errno == errno.ENOSPC


def test_a_full_disk_keeps_the_old_file_whole(small_disk: Path) -> None:
    target = small_disk / "report.csv"
    target.write_bytes(b"old report\n" * 2000)  # 22 KB of 64
    before = target.read_bytes()
    with pytest.raises(WriteFailed):
        files.write_bytes(target, b"y" * 50_000, force=True)
    assert target.read_bytes() == before and listing(small_disk) == ["report.csv"]


def test_sqlite_disk_full_is_recognised_under_a_wrapping_error(small_disk: Path) -> None:
    def fill(temp: Path) -> None:
        conn = sqlite3.connect(temp)
        try:
            conn.execute("CREATE TABLE t (x)")
            conn.executemany("INSERT INTO t VALUES (?)", [("z" * 1000,)] * 500)
            conn.commit()
        except sqlite3.Error as exc:
            raise LookupError("the store's own error type") from exc
        finally:
            conn.close()

    with pytest.raises(WriteFailed) as caught:
        files.write_with(small_disk / "s.db", fill, sqlite_output=True)
    assert caught.value.reason == "no_space"
    assert listing(small_disk) == []
