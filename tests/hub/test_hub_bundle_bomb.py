"""`outreach hub import` reads bundles in bounded memory (issue 21, item 4).

A bundle of tens of millions of empty lists once took 4.7 GB before one record was
refused. Now the file is scanned before it is decoded; the import's peak memory is
measured in a child process (docs/RELIABILITY.md gives the figure).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.peak_rss import run_measured

pytestmark = pytest.mark.reliability  # `make reliability` runs it too (issue 21)

CEILING_MB = 300  # generous: the whole `outreach hub import` process


def _write_bomb(path: Path, lists: int) -> None:
    with path.open("wb") as out:
        out.write(b'{"kind": "outreach-bundle", "protocol": 1, "records": [')
        block = b"[]," * 1_000_000
        for _ in range(lists // 1_000_000):
            out.write(block)
        out.write(b"[]]}")


def test_a_bundle_of_tens_of_millions_of_empty_lists_is_refused_in_bounded_memory(
    tmp_path: Path,
) -> None:
    bomb = tmp_path / "bomb.json"
    _write_bomb(bomb, 60_000_000)  # 180 MB, under the 200 MB file limit
    hub_db = tmp_path / "hub.db"
    done = run_measured(["--lang", "en", "hub", "import", str(bomb), "--db", str(hub_db)])
    assert done.returncode == 1, done.stderr  # EXIT_INVALID, like every refused bundle
    line = done.stderr.strip()
    assert len(line.splitlines()) == 1 and "refused before reading" in line, line
    assert done.peak_mb < CEILING_MB, done.peak_mb
    assert not hub_db.exists()  # refused before a database was created or touched
    print(f"bundle bomb: {bomb.stat().st_size} bytes, peak {done.peak_mb:.0f} MB")
