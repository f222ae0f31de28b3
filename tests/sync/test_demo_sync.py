"""Issue 15, observation 12: the demo is coherent. `make run`'s file (the sample, with the
demo's event of today added) synced to its sample hub ends in exit 0, and the hub and the
laptop agree on every day. Real processes: the CLI, the hub under uvicorn."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.hub_server import ROOT, HubServer

pytestmark = pytest.mark.xdist_group("demo-sync")


def outreach(tmp: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "OUTREACH_CONFIG": str(tmp / "config.toml"),
        "OUTREACH_TOKEN_PATH": str(tmp / "secret" / "credentials.toml"),
        "OUTREACH_AUTO_PURGE": "0",  # as make run
    }
    env.pop("OUTREACH_LANGUAGE", None)
    done = subprocess.run(
        [sys.executable, "-m", "outreach_tui", *args],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    if check:
        assert done.returncode == 0, done.stdout + done.stderr
    return done


def laptop_counts(db: Path) -> dict[str, int]:
    with sqlite3.connect(db) as conn:
        (regs,) = conn.execute("SELECT count(*) FROM registrations").fetchone()
        (leads,) = conn.execute("SELECT count(*) FROM leads").fetchone()
    return {"registration": regs, "lead": leads}


def hub_counts(db: Path, device_id: str) -> dict[str, int]:
    with sqlite3.connect(db) as conn:
        rows = conn.execute(
            "SELECT entity, count(*) FROM records WHERE device_id = ? GROUP BY entity",
            [device_id],
        ).fetchall()
    return dict(rows)


def test_the_demo_file_syncs_to_its_sample_hub_with_exit_0_and_equal_counts(
    tmp_path: Path,
) -> None:
    demo, hub_db = tmp_path / "sample.db", tmp_path / "hub.db"
    outreach(tmp_path, "sample", "--out", str(demo), "--seed", "7")  # what `make sample` makes
    # What `make run` does to its copy before the booth opens.
    outreach(tmp_path, "--db", str(demo), "event", "add", "--name", "Bazar UMKM Demo",
             "--venue", "Palembang Indah Mall", "--use")  # fmt: skip
    made = json.loads(
        outreach(tmp_path, "--db", str(demo), "sample-hub", "--out", str(hub_db), "--json").stdout
    )
    assert made["accepted"] > 700 and made["rejected"] == made["conflict"] == 0
    with sqlite3.connect(demo) as conn:
        acked_rows = "sync_state IN ('synced', 'duplicate')"
        (acked,) = conn.execute(
            f"SELECT (SELECT count(*) FROM registrations WHERE {acked_rows})"
            f" + (SELECT count(*) FROM leads WHERE {acked_rows})"
        ).fetchone()
        (waiting,) = conn.execute(
            "SELECT (SELECT count(*) FROM registrations WHERE sync_state = 'pending')"
            " + (SELECT count(*) FROM leads WHERE sync_state = 'pending')"
        ).fetchone()
    assert made["accepted"] == acked and waiting > 100
    assert sum(hub_counts(hub_db, made["device_id"]).values()) == acked

    enrolled = outreach(tmp_path, "hub", "enroll", "--db", str(hub_db), "--officer", "PLG-01",
                        "--device", "Laptop demo", "--json")  # fmt: skip
    token = json.loads(enrolled.stdout)["token"]
    with HubServer(hub_db) as hub:
        outreach(tmp_path, "--db", str(demo), "login", hub.url, token)
        synced = outreach(tmp_path, "--db", str(demo), "sync", "--json", check=False)
        assert synced.returncode == 0, synced.stdout + synced.stderr
        report = json.loads(synced.stdout)
        # The plain output as a newcomer reads it: no call for the supervisor.
        again = outreach(tmp_path, "--db", str(demo), "sync", check=False)
    assert again.returncode == 0, again.stdout + again.stderr
    assert "supervisor" not in again.stdout + again.stderr
    assert report["exit_code"] == 0 and report["error"] is None
    assert report["counts"]["accepted"] == waiting
    assert report["counts"]["rejected"] == report["counts"]["conflict"] == 0
    assert report["reconciliation"] and all(d["matches"] for d in report["reconciliation"])
    assert {state for state, n in report["local"].items() if n} <= {"synced", "duplicate"}
    # Both sides hold the same records: every one of the laptop's is on the hub.
    assert hub_counts(hub_db, made["device_id"]) == laptop_counts(demo)
