"""Fixtures of the reliability suite (helpers and loop counts: harness.py)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.reliability.harness import RunningHub, laptop_seed, make_laptop


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
