"""Issue 17, end to end with the real sync runner and officer files: a laptop of branch
KC-A learns branch KC-B's participants (same region) for offline duplicate warnings once
its region chose the region's digests — also the ones published before the switch — and
never those of KC-C in another region. A private SQLite hub (the session hub must not
learn units); the HTTP tests in tests/hub/test_region_downlink.py run on both engines."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from outreach_tui.cli.main import app
from outreach_tui.hub.downlink import REPLAY
from outreach_tui.store import Store
from outreach_tui.store.outbox import SyncQueue
from tests.support.hub_server import enroll_device
from tests.sync.helpers import Hub, laptop_sync, rows

pytestmark = pytest.mark.e2e
cli = CliRunner()
TREE = (("HO", "head_office", None), ("KW-R", "region", "HO"), ("KW-S", "region", "HO"),
        ("KC-A", "branch", "KW-R"), ("KC-B", "branch", "KW-R"),
        ("KC-C", "branch", "KW-S"))  # fmt: skip


def _niks(path: Path) -> list[str]:
    return [r["nik"] for r in rows(path, "SELECT nik FROM registrations WHERE voided_at IS NULL")]


def _knows(path: Path, nik: str) -> bool:
    with Store(path) as store:
        return SyncQueue(store.database, store.device_id).known_participant(nik) is not None


def test_a_laptop_learns_its_regions_participants_and_no_other_regions(
    own_hub: Callable[..., Hub], make_laptop: Callable[..., Path]
) -> None:
    hub = own_hub()
    for code, kind, parent in TREE:
        extra = ["--parent", parent] if parent else []
        done = cli.invoke(app, ["hub", "unit", "add", code, "--db", hub.db, "--name", code,
                                "--kind", kind, *extra])  # fmt: skip
        assert done.exit_code == 0, done.output
    laptops = {unit: make_laptop(6) for unit in ("KC-A", "KC-B", "KC-C")}
    tokens = {unit: enroll_device(hub.db, unit=unit)[1] for unit in laptops}
    for unit in ("KC-B", "KC-C", "KC-A"):
        assert laptop_sync(laptops[unit], hub, tokens[unit]).exit_code == 0
    a = laptops["KC-A"]
    assert all(_knows(a, nik) for nik in _niks(a))
    assert not any(_knows(a, nik) for nik in _niks(laptops["KC-B"]))  # per branch, by default

    switched = cli.invoke(app, ["hub", "unit", "downlink", "KW-R", "region", "--db", hub.db])
    assert switched.exit_code == 0, switched.output
    report = laptop_sync(a, hub, tokens["KC-A"])
    assert report.exit_code == 0 and report.downlink["known_participants"] > 0
    assert all(_knows(a, nik) for nik in _niks(laptops["KC-B"]))  # published before the switch
    assert not any(_knows(a, nik) for nik in _niks(laptops["KC-C"]))  # never another region's
    cursor = rows(a, "SELECT downlink_cursor FROM sync_checkpoints")[0]["downlink_cursor"]
    assert int(cursor) > REPLAY  # the replay's first page, kept as the hub wrote it

    again = laptop_sync(a, hub, tokens["KC-A"])
    assert again.exit_code == 0 and again.downlink["known_participants"] == 0  # once
    cursor = rows(a, "SELECT downlink_cursor FROM sync_checkpoints")[0]["downlink_cursor"]
    assert 0 < int(cursor) < REPLAY
    assert not any(_knows(a, nik) for nik in _niks(laptops["KC-C"]))
