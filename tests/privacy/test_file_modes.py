"""At rest: every file outreach writes that holds personal data or secrets is readable by
its owner only (0600), whatever the umask: the database and its -wal/-shm, backups,
exported bundles, receipts, the login credentials, the unlock session, the hub's file."""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from outreach_tui.hub.storage import open_storage
from outreach_tui.reports.receipt import build_receipt, write_pdf, write_text
from outreach_tui.store import Store
from outreach_tui.sync import credentials as creds
from tests.privacy.conftest import run


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture(params=[0o022, 0o000], ids=["umask-022", "umask-000"])
def umask(request: pytest.FixtureRequest) -> Iterator[int]:
    old = os.umask(request.param)
    try:
        yield request.param
    finally:
        os.umask(old)


def test_database_wal_and_shm_are_private(tmp_path: Path, umask: int) -> None:
    path = tmp_path / "new" / "outreach.db"
    with Store(path) as store:
        store.settings.set("officer_code", "PLG-01")  # a write: the WAL exists now
        for suffix in ("", "-wal", "-shm"):
            assert mode(Path(f"{path}{suffix}")) == 0o600, suffix


def test_backup_bundle_and_receipts_are_private(
    store: Store, register: Callable, umask: int, tmp_path: Path
) -> None:
    saved = register(workers=1)
    backup = run("backup", "--out", str(tmp_path / "copies" / "b.db"), db=store.path)
    assert backup.exit_code == 0, backup.output
    assert mode(tmp_path / "copies" / "b.db") == 0o600
    bundle = run("export", "--out", str(tmp_path / "usb" / "plg.bundle"), db=store.path)
    assert bundle.exit_code == 0, bundle.output
    assert mode(tmp_path / "usb" / "plg.bundle") == 0o600
    owner = store.registrations.get(saved.owner.uuid)
    receipt = build_receipt(owner, store.registrations.workers_of(saved.owner.uuid))
    folder = tmp_path / "receipts"
    for written in (write_text(receipt, folder / "r.txt", "id"),
                    write_pdf(receipt, folder / "r.pdf", "id")):  # fmt: skip
        assert mode(written) == 0o600


def test_credentials_are_private(tmp_path: Path, umask: int) -> None:
    path = tmp_path / "config" / "credentials.toml"
    creds.save(path, creds.Credentials("https://hub.lan", "otk_secret", "hub-1",
                                       ca_pem="-----BEGIN CERTIFICATE-----\nx\n"))  # fmt: skip
    assert mode(path) == 0o600
    loaded = creds.load(path)
    assert loaded is not None and loaded.token == "otk_secret" and loaded.ca_pem
    assert loaded.ca_pem.endswith("\nx\n")


def test_the_sample_and_the_hub_files_are_private(tmp_path: Path, umask: int) -> None:
    assert run("sample", "--out", str(tmp_path / "s.db"), "--registrations", "20").exit_code == 0
    assert mode(tmp_path / "s.db") == 0o600
    hub = tmp_path / "hub.db"
    with open_storage(str(hub)) as storage, storage.transaction() as tx:
        tx.execute("INSERT INTO hub_meta (key, value) VALUES ('x', 'y')")
        for suffix in ("", "-wal", "-shm"):
            assert mode(Path(f"{hub}{suffix}")) == 0o600, suffix
