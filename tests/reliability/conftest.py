"""Fixtures of the reliability suite (helpers and loop counts: harness.py)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.reliability.harness import HUB_KINDS, RunningHub, laptop_seed, make_laptop
from tests.support.postgres import PostgresCluster, pg_cluster  # noqa: F401 - a fixture


@pytest.fixture
def start_hub(tmp_path: Path) -> Iterator[Callable[..., RunningHub]]:
    """``start_hub(*serve_args, db=None)``: a real hub a test may kill and restart."""
    started: list[RunningHub] = []

    def _start(*args: str, db: str | None = None) -> RunningHub:
        hub = RunningHub(db or str(tmp_path / f"hub-{len(started)}.db"), *args)
        started.append(hub)
        return hub

    yield _start
    for hub in started:
        hub.stop()


@pytest.fixture
def hub_of_kind(
    start_hub: Callable[..., RunningHub], request: pytest.FixtureRequest
) -> Callable[[str], RunningHub]:
    """``hub_of_kind(kind)``: a started hub of one of ``HUB_KINDS`` — ``sqlite`` (one
    worker), ``postgres`` (a fresh database on the session's throwaway cluster) or
    ``sqlite-workers2`` (``outreach hub serve --workers 2`` on one SQLite file)."""

    def _start(kind: str) -> RunningHub:
        assert kind in HUB_KINDS, kind
        db = None
        if kind.startswith("postgres"):
            cluster: PostgresCluster = request.getfixturevalue("pg_cluster")
            db = cluster.create_database()
        args = ("--workers", "2") if kind.endswith("workers2") else ()
        return start_hub(*args, db=db)

    return _start


@pytest.fixture
def laptop_factory(tmp_path: Path, request: pytest.FixtureRequest) -> Callable[..., Path]:
    """``laptop_factory(registrations=100)``: a fresh never-synced laptop file."""
    made = [0]

    def _make(registrations: int = 100) -> Path:
        made[0] += 1
        seed = laptop_seed(request.node.nodeid, made[0])
        return make_laptop(
            tmp_path / f"laptop-{made[0]}.db", seed=seed, registrations=registrations
        )

    return _make
