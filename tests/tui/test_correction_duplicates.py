"""Correcting a saved record is no duplicate of itself (issue #15, observation 9).

A synced owner or worker, opened from the records screen to fix a typo, warned "NIK ini
mungkin sudah terdaftar": the branch's downloaded digest of its NIK is its own. Another
record of the same NIK still warns.
"""

from __future__ import annotations

from outreach_tui.tui.screens.records import RecordsScreen
from outreach_tui.tui.screens.registration import RegistrationScreen
from tests.tui.conftest import settle, wait_until
from tests.tui.test_records import open_records, search
from tests.tui.test_registration import rows

WARNING = "Mungkin sudah terdaftar"


def summary(app) -> str:  # type: ignore[no-untyped-def]
    return str(app.screen.query_one("#reg-summary").render())


async def open_correction(pilot, name: str) -> str:  # type: ignore[no-untyped-def]
    """The record found by ``name``, opened for correction; its summary once checked."""
    await search(pilot, name)
    await pilot.press("down", "enter")
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, RegistrationScreen))
    await settle(pilot)  # the duplicate look-up runs in a worker
    await wait_until(
        pilot, lambda: "Siap disimpan" in summary(pilot.app) or WARNING in summary(pilot.app)
    )
    return summary(pilot.app)


async def test_a_synced_owner_and_worker_corrected_do_not_warn_about_themselves(
    make_app, booth_store, register, tmp_path
):
    from tests.support.hub_server import HubServer, enroll_device
    from tests.tui.test_workers import sync_laptop

    saved = register(full_name="Dewi Kartika", workers=1)
    hub_db = str(tmp_path / "hub.db")
    with HubServer(hub_db) as server:
        token = enroll_device(hub_db, officer="PLG-01")[1]
        done = sync_laptop(booth_store.path, tmp_path / "creds.toml", server.url, token)
    assert done["exit_code"] == 0 and done["counts"]["accepted"] == 2
    # the branch sent back the digests of both NIKs: the ones this laptop pushed
    assert rows(booth_store, "SELECT count(*) FROM known_participants") == [(2,)]

    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await open_records(pilot)
        said = await open_correction(pilot, "Dewi")
        assert WARNING not in said and "kantor cabang" not in said
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, RecordsScreen))
        said = await open_correction(pilot, "Budi")  # the worker
        assert WARNING not in said and "kantor cabang" not in said
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, RecordsScreen))

    # Another registration of the owner's NIK on this laptop: correcting either warns.
    nik = rows(booth_store, "SELECT nik FROM registrations WHERE uuid = ?", saved.owner.uuid)
    other = register(full_name="Dewi Kartini", nik=nik[0][0])
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await open_records(pilot)
        said = await open_correction(pilot, "Dewi Kartika")
        assert WARNING in said and other.owner.reference_no in said


async def test_a_pending_record_whose_nik_the_branch_knows_still_warns(
    make_app, booth_store, register
):
    """Never acknowledged by the hub: the branch's digest of its NIK is someone else's."""
    import base64
    import hashlib
    import hmac

    from outreach_tui.store.outbox import apply_downlink

    saved = register(full_name="Dewi Kartika")
    nik = rows(booth_store, "SELECT nik FROM registrations WHERE uuid = ?", saved.owner.uuid)
    key = b"branch-secret-key-0001"
    apply_downlink(booth_store.database, {
        "cursor": "c-1",
        "nik_key": {"key_id": "k1", "key": base64.b64encode(key).decode()},
        "known_participants": [{
            "nik_digest": hmac.new(key, nik[0][0].encode(), hashlib.sha256).hexdigest(),
            "registered_on": "2026-11-20", "branch_code": "PLG"}],
    }, hub_id="hub-1")  # fmt: skip
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await open_records(pilot)
        said = await open_correction(pilot, "Dewi")
        assert WARNING in said and "kantor cabang" in said
