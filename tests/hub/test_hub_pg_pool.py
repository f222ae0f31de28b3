"""The hub's PostgreSQL connections are a bounded pool (psycopg_pool), closed with the hub.

Many hub processes share one server whose ``max_connections`` is finite: each process
must hold at most its pool's size, however many requests arrive at once, and give every
connection back when it stops. Counted on a real throwaway cluster, from the server's own
``pg_stat_activity``.
"""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import psycopg
import pytest

from outreach_tui.hub.storage import open_storage
from outreach_tui.hub.storage.postgres import APPLICATION_NAME, PostgresStorage
from tests.support.postgres import PostgresCluster  # pg_cluster: tests/hub/conftest.py

pytestmark = pytest.mark.e2e


_COUNTING = threading.Lock()  # one counting connection at a time: none counts another


def _connections(url: str) -> int:
    """The hub pool's connections to ``url``'s database, as the server sees them."""
    with _COUNTING, psycopg.connect(url, autocommit=True) as conn:
        row = conn.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND application_name = %s",
            (APPLICATION_NAME,),
        ).fetchone()
    assert row is not None
    return int(row[0])


def _until_none_left(url: str) -> int:
    """A closed connection's backend leaves pg_stat_activity a moment after the client."""
    for _ in range(100):
        if (left := _connections(url)) == 0:
            return 0
        time.sleep(0.1)
    return left


@pytest.mark.parametrize("configured", ["argument", "environment"])
def test_concurrent_requests_share_at_most_the_pool_size_and_close_gives_them_back(
    configured: str, pg_cluster: PostgresCluster, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = pg_cluster.create_database()
    open_storage(url).close()  # migrated once
    if configured == "environment":
        monkeypatch.setenv("OUTREACH_HUB_PG_POOL", "2")
        storage = PostgresStorage(url)
    else:
        storage = PostgresStorage(url, pool_size=2)
    inside = threading.Barrier(2, timeout=30)  # two transactions are open at once, at least
    peak: list[int] = []

    def read(n: int) -> int:
        with storage.read() as tx:
            if n < 2:
                inside.wait()
            peak.append(_connections(url))
            return int(tx.scalar("SELECT count(*) AS n FROM devices") or 0)

    try:
        with ThreadPoolExecutor(8) as requests:
            assert list(requests.map(read, range(16))) == [0] * 16
        assert 1 <= max(peak) <= 2, peak
        assert 1 <= _connections(url) <= 2  # idle in the pool, not one per request served
    finally:
        storage.close()
    assert _until_none_left(url) == 0
