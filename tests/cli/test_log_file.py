"""Issue 16: ``--verbose`` and a log file in the platform's log folder (OUTREACH_LOG_DIR
for tests), rotated, and no personal data in it: after a registration and a real sync
(the hub under uvicorn) and the commands that show or take personal data, the log holds
the commands and the sync's counts, and not the participant's NIK, phone, name,
business or address."""

from __future__ import annotations

import logging
import os
import re
import stat
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from outreach_tui.cli import log_file
from outreach_tui.cli.main import app
from outreach_tui.domain.models import SavedRegistration
from tests.conftest import synthetic_nik
from tests.support.hub_server import ROOT, HubServer, enroll_device

runner = CliRunner()
PERSON = {
    "full_name": "Dewi Kartika Sari",
    "phone": "0813-9876-5432",
    "business_name": "Warung Pindang Bu Dewi",
    "address": "Jl. Kebun Bunga No. 17, Palembang",
}


def outreach(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "outreach_tui", *args], cwd=ROOT, env=env,
        capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=120,
    )  # fmt: skip


@pytest.mark.e2e
def test_the_log_after_a_registration_and_a_sync_holds_no_personal_data(
    register: Callable[..., SavedRegistration], db_path: Path, tmp_path: Path
) -> None:
    nik = synthetic_nik(sex="F")
    saved = register(nik=nik, **PERSON)
    logs = tmp_path / "state" / "log"
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("OUTREACH_")},
        "OUTREACH_CONFIG": str(tmp_path / "config.toml"),
        "OUTREACH_TOKEN_PATH": str(tmp_path / "credentials.toml"),
        "OUTREACH_LOG_DIR": str(logs),
        "OUTREACH_DB": str(db_path),
        "COLUMNS": "200",
    }
    hub_db = tmp_path / "hub.db"
    with HubServer(hub_db) as hub:
        _, token = enroll_device(hub_db)
        assert outreach(env, "login", hub.url, token).returncode == 0
        synced = outreach(env, "sync", "--verbose")
        assert synced.returncode == 0, synced.stderr
        shown = [
            outreach(env, "nik", nik),
            outreach(env, "nik", "3201-2345-6789-0123"),  # invalid, echoed back
            outreach(env, "audit", "--record", saved.owner.uuid),
            outreach(env, "export-report", "--out", str(tmp_path / "r.csv")),
            outreach(env, "doctor"),
            outreach(env, "--verbose", "sync", "--dry-run"),
        ]
    assert nik in shown[0].stdout  # the commands did show the person's data

    text = (logs / "outreach.log").read_text(encoding="utf-8")
    # What the log is for: every command, its exit code, the sync's counts.
    wanted = ("login: exit 0", "sync: started", "sync: exit 0", "nik: exit 0", "nik: exit 1",
              "audit: exit 0", "export-report: exit 0", "doctor: exit")  # fmt: skip
    for line in wanted:
        assert line in text, (line, text)
    assert re.search(r"sync: \d+ batches .*outcomes .*accepted=1\b", text), text
    assert "log: sync: started" in synced.stderr  # --verbose: the same lines on stderr
    # What it must never hold.
    digits = re.sub(r"\D", "", text)
    forbidden = [nik, "320123456789", "081398765432", "6281398765432", "9876", "5432"]
    found = [item for item in forbidden if item in text or item in digits]
    words = [w for w in " ".join(PERSON.values()).split() if len(w) > 3 and w in text]
    assert not found and not words, (found, words, text)
    assert stat.S_IMODE((logs / "outreach.log").stat().st_mode) == 0o600


def test_numbers_and_addresses_are_masked_but_ids_are_kept() -> None:
    line = ("NIK 1671014512900001, phone +62 812-3456-7890 / 081234567890, a@b.co.id; "
            "uuid 0196a000-0000-7000-8000-00000000a001, 1000 records")  # fmt: skip
    masked = log_file.mask(line)
    assert "1671014512900001" not in masked and "3456" not in masked and "a@b" not in masked
    assert masked.count("[number]") == 3 and "[email]" in masked
    assert "0196a000-0000-7000-8000-00000000a001" in masked and "1000 records" in masked


def test_the_log_is_rotated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OUTREACH_LOG_DIR", str(tmp_path / "log"))
    monkeypatch.setenv("OUTREACH_CONFIG", str(tmp_path / "config.toml"))
    monkeypatch.setattr(log_file, "MAX_BYTES", 2_000)
    try:
        for _ in range(60):
            assert runner.invoke(app, ["nik", "1671014512900001"]).exit_code == 0
    finally:
        log_file.configure()  # the next test's folder, not this one's patched handler
    names = sorted(p.name for p in (tmp_path / "log").iterdir())
    assert names == ["outreach.log", "outreach.log.1", "outreach.log.2", "outreach.log.3"]
    assert all(p.stat().st_size <= 2_000 for p in (tmp_path / "log").iterdir())


def test_verbose_after_the_command_and_quiet_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OUTREACH_LOG_DIR", str(tmp_path / "log"))
    monkeypatch.setenv("OUTREACH_CONFIG", str(tmp_path / "config.toml"))
    loud = runner.invoke(app, ["nik", "1671014512900001", "-v"])
    assert "log: nik: started" in loud.stderr
    quiet = runner.invoke(app, ["nik", "1671014512900001"])
    assert "log:" not in quiet.stderr
    handlers = logging.getLogger(log_file.ROOT).handlers
    assert [h.get_name() for h in handlers] == [
        f"outreach-file:{tmp_path / 'log' / 'outreach.log'}"
    ]


def test_an_unwritable_log_folder_does_not_stop_a_command(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    monkeypatch.setenv("OUTREACH_LOG_DIR", str(blocker / "log"))
    monkeypatch.setenv("OUTREACH_CONFIG", str(tmp_path / "config.toml"))
    result = runner.invoke(app, ["nik", "1671014512900001"])
    assert result.exit_code == 0 and "Traceback" not in result.output
