"""A throwaway PostgreSQL cluster for tests: real ``initdb`` and ``pg_ctl``, no mocks.

API (small on purpose)::

    find_pg_bin() -> Path | None           folder holding initdb/pg_ctl, or None
    PostgresCluster().start() / .stop()    one cluster on 127.0.0.1:<free port>
    cluster.url(dbname)                    postgresql://postgres@127.0.0.1:PORT/dbname
    cluster.create_database() -> url       a fresh, empty database on the cluster

    # pytest fixtures; in a conftest: ``from tests.support.postgres import pg_cluster, pg_url``
    pg_cluster   session scope: one cluster per session (= per xdist worker); SKIPS only
                 when no PostgreSQL binaries exist at all, and FAILS then under CI=true
    cluster.ensure_running()               start it again on the same data after a crash
    pg_url       function scope: the URL of a fresh empty database on that cluster

As root (CI here), initdb/pg_ctl refuse to run: the cluster lives in a temp dir owned by
the ``postgres`` user and both run through ``runuser -u postgres --``. The cluster trusts
local connections (``-A trust``), runs with fsync off (throwaway data) and is stopped
and deleted at teardown.
"""

from __future__ import annotations

import glob
import itertools
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

__all__ = ["PostgresCluster", "find_pg_bin", "free_port", "pg_cluster", "pg_url"]

_names = itertools.count(1)


def _major(folder: str) -> tuple[int, ...]:
    version = Path(folder).parent.name  # /usr/lib/postgresql/15/bin → 15
    return tuple(int(p) for p in version.split(".") if p.isdigit())


def find_pg_bin() -> Path | None:
    """The folder of ``initdb`` and ``pg_ctl``: ``OUTREACH_TEST_PG_BIN`` when set (only
    that folder), else the one on PATH, ``/usr/local/bin`` or the newest Debian/Ubuntu
    ``/usr/lib/postgresql/N/bin`` (where ``apt-get install postgresql`` puts them, off PATH)."""
    if (forced := os.environ.get("OUTREACH_TEST_PG_BIN")) is not None:
        candidates = [forced]
    else:
        debian = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=_major, reverse=True)
        candidates = ["/usr/local/bin", *debian]
        if found := shutil.which("initdb"):
            candidates.insert(0, str(Path(found).parent))
    for folder in candidates:
        if (Path(folder) / "initdb").exists() and (Path(folder) / "pg_ctl").exists():
            return Path(folder)
    return None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class PostgresCluster:
    def __init__(self, bin_dir: Path | None = None, *, parent: Path | None = None) -> None:
        found = bin_dir or find_pg_bin()
        if found is None:
            raise RuntimeError(MISSING)
        self.bin_dir = found
        # short: socket paths are limited; ``parent`` puts the data on a chosen filesystem
        self.root = Path(tempfile.mkdtemp(prefix="pgtest-", dir=parent))
        self.data = self.root / "data"
        self.port = 0
        self._as_root = os.geteuid() == 0

    def _run(self, *args: str) -> None:
        command = [str(self.bin_dir / args[0]), *args[1:]]
        if self._as_root:
            command = ["runuser", "-u", "postgres", "--", *command]
        done = subprocess.run(command, capture_output=True, text=True, timeout=120)
        if done.returncode != 0:
            log = (
                (self.root / "server.log").read_text()
                if (self.root / "server.log").exists()
                else ""
            )
            raise RuntimeError(f"{args[0]} failed: {done.stderr.strip()} {log[-2000:]}")

    def start(self) -> PostgresCluster:
        if self._as_root:
            os.chmod(self.root, 0o755)
            shutil.chown(self.root, "postgres", "postgres")
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", "-E", "UTF8",
                  "--locale=C", "--no-sync")  # fmt: skip
        return self._start_server()

    def running(self) -> bool:
        command = [str(self.bin_dir / "pg_ctl"), "-D", str(self.data), "status"]
        if self._as_root:
            command = ["runuser", "-u", "postgres", "--", *command]
        return subprocess.run(command, capture_output=True, timeout=60).returncode == 0

    def ensure_running(self) -> PostgresCluster:
        """Start the server again on the same data if it stopped (a PANIC, a kill)."""
        if not self.running():
            (self.data / "postmaster.pid").unlink(missing_ok=True)
            self._start_server(self.port)
        return self

    def _start_server(self, port: int | None = None) -> PostgresCluster:
        for attempt in range(3):
            self.port = port if port and attempt == 0 else free_port()
            options = (
                f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off "
                "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
            )
            try:
                self._run("pg_ctl", "-D", str(self.data), "-l", str(self.root / "server.log"),
                          "-w", "-t", "60", "-o", options, "start")  # fmt: skip
                return self
            except RuntimeError:
                if attempt == 2:
                    raise
        return self

    def url(self, dbname: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{dbname}"

    def create_database(self, name: str | None = None) -> str:
        import psycopg

        name = name or f"test_{os.getpid()}_{next(_names)}"
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def stop(self) -> None:
        try:
            if (self.data / "postmaster.pid").exists():
                self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)


MISSING = (
    "PostgreSQL binaries (initdb, pg_ctl) not found on PATH, in /usr/local/bin or "
    "/usr/lib/postgresql/*/bin: install them (Debian: apt-get install -y postgresql)"
)


def require_pg_bin() -> Path:
    """The binaries' folder; without them a skip, or a failure under ``CI=true`` (CI must
    not go green with the PostgreSQL tests not run)."""
    from tests.support.ci import require

    found = find_pg_bin()
    require(found is not None, MISSING)
    assert found is not None
    return found


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[PostgresCluster]:
    require_pg_bin()
    cluster = PostgresCluster().start()
    try:
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture
def pg_url(pg_cluster: PostgresCluster) -> str:
    return pg_cluster.create_database()
