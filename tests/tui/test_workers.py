"""The household at the booth (issue #15): every worker checked as the owner is, the same
NIK twice in a household refused, duplicates on this laptop or at the branch warned before
the save, what the NIK says shown in the row, and nothing typed lost without asking."""

from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import date

from textual.widgets import Input, Static

from outreach_tui.store.drafts import DraftKey
from outreach_tui.store.outbox import apply_downlink
from outreach_tui.tui.dialogs.confirm import ConfirmDialog
from outreach_tui.tui.screens.receipt import ReceiptScreen
from outreach_tui.tui.screens.registration import RegistrationScreen
from outreach_tui.tui.screens.workers import WorkersScreen
from tests.conftest import OFFICER, synthetic_nik
from tests.tui.conftest import settle, wait_until
from tests.tui.test_registration import fill_owner, rows, tick_worker, type_into
from tests.tui.test_save_failures import fill_worker

WORKERS = "SELECT count(*) FROM registrations WHERE role = 'worker'"


def info(app, index: int) -> str:  # type: ignore[no-untyped-def]
    return str(app.screen.query_one(f"#worker-{index}-info", Static).render())


async def to_workers(pilot, *, owner_nik: str, workers: int = 3) -> None:  # type: ignore[no-untyped-def]
    await settle(pilot)
    await fill_owner(pilot, nik=owner_nik, workers=workers)
    await pilot.press("ctrl+s")
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, WorkersScreen))
    await settle(pilot)


async def test_a_worker_with_the_owners_nik_is_refused_naming_why(make_app, booth_store):
    owner_nik = synthetic_nik(sex="F")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await to_workers(pilot, owner_nik=owner_nik)
        await fill_worker(pilot, 0, owner_nik, "Budi Santoso")
        await settle(pilot)
        assert "sama dengan NIK pemilik usaha" in info(app, 0)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, WorkersScreen)
        assert rows(booth_store, WORKERS) == [(0,)]

        fixed = synthetic_nik(sex="M", birth=date(1998, 3, 14))
        nik_input = app.screen.query_one("#worker-0-nik", Input)
        nik_input.value = fixed
        await settle(pilot)
        assert "pemilik" not in info(app, 0)
        assert "Laki-laki · 14-03-1998" in info(app, 0)  # what the NIK says
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, ReceiptScreen))
    assert rows(booth_store, "SELECT nik, sex, birth_date FROM registrations WHERE role = 'worker'"
                ) == [(fixed, "M", "1998-03-14")]  # fmt: skip


async def test_one_nik_in_two_rows_marks_both_and_blocks(make_app, booth_store):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await to_workers(pilot, owner_nik=synthetic_nik(sex="F"))
        twin = synthetic_nik(sex="M")
        await fill_worker(pilot, 0, twin, "Budi Santoso")
        await fill_worker(pilot, 1, synthetic_nik(sex="M"), "Rudi Hartono")
        await fill_worker(pilot, 2, twin, "Agus Salim")
        await settle(pilot)
        assert "sama dengan NIK di baris 3" in info(app, 0)
        assert "sama dengan NIK di baris 1" in info(app, 2)
        assert "baris" not in info(app, 1)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, WorkersScreen)
        assert app.focused is not None and app.focused.id == "worker-0-nik"
    assert rows(booth_store, WORKERS) == [(0,)]


async def test_a_worker_errors_block_and_warnings_do_not(make_app, booth_store):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await to_workers(pilot, owner_nik=synthetic_nik(sex="F"), workers=2)
        await fill_worker(pilot, 0, "1671014512900000", "Budi Santoso")  # serial 0000
        # A warning row: income under the lowest band (a worker under 18 is an error now:
        # a guardian's consent, UU 27/2022 art. 25 — tests/tui/test_worker_own_consent.py).
        young = synthetic_nik(sex="M", birth=date(2000, 1, 2))
        await fill_worker(pilot, 1, young, "Adik Kecil")
        await type_into(pilot, "#worker-1-declared-income", "500000")
        await settle(pilot)
        assert "✗ NIK:" in info(app, 0) and "0000" in info(app, 0)
        assert "Tanggal lahir" not in info(app, 0)  # no such column
        assert "⚠" in info(app, 1) and "✗" not in info(app, 1)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert rows(booth_store, WORKERS) == [(0,)]
        app.screen.query_one("#worker-0-nik", Input).value = ""
        app.screen.query_one("#worker-0-full-name", Input).value = ""
        app.screen.query_one("#worker-0-declared-income", Input).value = ""
        app.screen.query_one("#worker-0-consent").value = False
        await settle(pilot)
        await pilot.press("ctrl+s")  # the warning row saves
        await wait_until(pilot, lambda: isinstance(app.screen, ReceiptScreen))
    assert rows(booth_store, "SELECT nik FROM registrations WHERE role = 'worker'") == [(young,)]


async def test_a_consent_error_goes_when_the_box_is_ticked(make_app, booth_store):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await to_workers(pilot, owner_nik=synthetic_nik(sex="F"), workers=1)
        await type_into(pilot, "#worker-0-nik", synthetic_nik(sex="M"))
        await type_into(pilot, "#worker-0-full-name", "Budi Santoso")
        await type_into(pilot, "#worker-0-declared-income", "1500000")
        await settle(pilot)
        assert "Persetujuan" not in info(app, 0)  # not before a save is tried
        box = app.screen.query_one("#worker-0-consent")
        assert "✓" not in str(box.render())
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "Setuju:" in info(app, 0)
        await tick_worker(pilot, 0)  # the worker's own yes (issue 20)
        await settle(pilot)
        assert "Setuju:" not in info(app, 0)  # no stale message under a ticked box
        assert "✓" in str(box.render())


async def test_a_nik_on_this_laptop_or_at_the_branch_warns_before_the_save(
    make_app, booth_store, register
):
    earlier = register()  # another household's owner, on this laptop
    local_nik = rows(booth_store, "SELECT nik FROM registrations WHERE uuid = ?",
                     earlier.owner.uuid)[0][0]  # fmt: skip
    key, branch_nik = b"branch-secret-key-0001", synthetic_nik(sex="M")
    apply_downlink(booth_store.database, {
        "cursor": "c-1",
        "nik_key": {"key_id": "k1", "key": base64.b64encode(key).decode()},
        "known_participants": [{
            "nik_digest": hmac.new(key, branch_nik.encode(), hashlib.sha256).hexdigest(),
            "registered_on": "2026-11-20", "branch_code": "PLG"}],
    }, hub_id="hub-1")  # fmt: skip
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await to_workers(pilot, owner_nik=synthetic_nik(sex="F"), workers=2)
        await fill_worker(pilot, 0, local_nik, "Siti Aminah")
        await fill_worker(pilot, 1, branch_nik, "Budi Santoso")
        await wait_until(pilot, lambda: "mungkin sudah terdaftar" in info(app, 0)
                         and "mungkin sudah terdaftar" in info(app, 1))  # fmt: skip
        assert earlier.owner.reference_no in info(app, 0)
        assert "kantor cabang" in info(app, 1)

        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        body = str(app.screen.query_one("#confirm-body", Static).render())
        assert "Baris 1" in body and "Baris 2" in body
        await pilot.press("escape")  # go back: nothing saved
        await settle(pilot)
        assert isinstance(app.screen, WorkersScreen)
        assert rows(booth_store, WORKERS) == [(0,)]
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        await pilot.press("ctrl+s")  # save anyway
        await wait_until(pilot, lambda: isinstance(app.screen, ReceiptScreen))
    assert rows(booth_store, WORKERS) == [(2,)]


# -- nothing typed is lost without asking ------------------------------------------------------


async def test_esc_with_filled_rows_asks_and_says_workers_can_come_later(make_app, booth_store):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await to_workers(pilot, owner_nik=synthetic_nik(sex="F"), workers=3)
        await fill_worker(pilot, 0, synthetic_nik(sex="M"), "Budi Santoso")
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        body = str(app.screen.query_one("#confirm-body", Static).render())
        assert "1 baris pekerja belum disimpan" in body and "F5 Data" in body
        await pilot.press("escape")  # "Kembali ke isian"
        await settle(pilot)
        assert isinstance(app.screen, WorkersScreen)
        assert app.screen.query_one("#worker-0-full-name", Input).value == "Budi Santoso"

        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        await pilot.press("ctrl+s")  # "Tinggalkan"
        await wait_until(pilot, lambda: isinstance(app.screen, ReceiptScreen))
    assert rows(booth_store, WORKERS) == [(0,)]
    # the owner's count is its worker rows, not the 3 typed
    assert rows(booth_store, "SELECT workers_count FROM registrations") == [(0,)]


async def test_esc_on_empty_rows_leaves_at_once(make_app, booth_store):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await to_workers(pilot, owner_nik=synthetic_nik(sex="F"), workers=2)
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, ReceiptScreen))


async def test_ctrl_q_asks_over_a_half_filled_owner_form(make_app, booth_store):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await type_into(pilot, "#reg-nik", synthetic_nik(sex="F"))
        await type_into(pilot, "#reg-full-name", "Siti")
        await pilot.press("ctrl+q")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        body = str(app.screen.query_one("#confirm-body", Static).render())
        assert "formulir pendaftaran" in body
        await pilot.press("escape")  # stay
        await settle(pilot)
        assert app.is_running and isinstance(app.screen, RegistrationScreen)
        assert app.screen.query_one("#reg-full-name", Input).value == "Siti"
        await pilot.press("ctrl+q")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        await pilot.press("ctrl+s")  # "Keluar"
        await wait_until(pilot, lambda: not app.is_running)


async def test_ctrl_q_twice_quits_and_an_empty_form_quits_at_once(make_app, booth_store):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await type_into(pilot, "#reg-full-name", "Siti")
        await pilot.press("ctrl+q")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        await pilot.press("ctrl+q")
        await wait_until(pilot, lambda: not app.is_running)
    booth_store.drafts.discard([DraftKey("registration", OFFICER)])  # kept as a draft
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+q")
        await wait_until(pilot, lambda: not app.is_running)


async def test_ctrl_q_asks_over_filled_worker_rows(make_app, booth_store):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await to_workers(pilot, owner_nik=synthetic_nik(sex="F"), workers=2)
        await fill_worker(pilot, 0, synthetic_nik(sex="M"), "Budi Santoso")
        await fill_worker(pilot, 1, synthetic_nik(sex="M"), "Rudi Hartono")
        await pilot.press("ctrl+q")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        assert "2 baris pekerja" in str(app.screen.query_one("#confirm-body", Static).render())
        await pilot.press("escape")
        await settle(pilot)
        assert app.is_running and isinstance(app.screen, WorkersScreen)
        await pilot.press("ctrl+s")  # the rows are still there and save
        await wait_until(pilot, lambda: isinstance(app.screen, ReceiptScreen))
    assert rows(booth_store, WORKERS) == [(2,)]


async def test_ctrl_n_asks_before_clearing_a_filled_form(make_app, booth_store):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+n")  # empty: nothing to ask
        await settle(pilot)
        assert isinstance(app.screen, RegistrationScreen)
        await fill_owner(pilot, nik=synthetic_nik(sex="F"))
        await pilot.press("ctrl+n")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        await pilot.press("escape")  # keep it
        await settle(pilot)
        assert app.screen.query_one("#reg-full-name", Input).value == "Siti Aminah"
        await pilot.press("ctrl+n")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        await pilot.press("ctrl+s")  # "Kosongkan"
        await wait_until(pilot, lambda: isinstance(app.screen, RegistrationScreen))
        await settle(pilot)
        assert app.screen.query_one("#reg-full-name", Input).value == ""
        assert app.screen.query_one("#reg-consent").value is False
    assert rows(booth_store, "SELECT count(*) FROM registrations") == [(0,)]


# -- workers added later, from the records screen ----------------------------------------------


def sync_laptop(laptop, creds, url=None, token=None) -> dict:  # type: ignore[no-untyped-def]
    """`outreach login` (first time) and `outreach sync --json`, through the real CLI."""
    import json

    from typer.testing import CliRunner

    from outreach_tui.cli.main import app as cli_app

    env = {"OUTREACH_TOKEN_PATH": str(creds)}
    runner = CliRunner()
    if url and token:
        done = runner.invoke(cli_app, ["--db", str(laptop), "login", url, token], env=env)
        assert done.exit_code == 0, done.output
    done = runner.invoke(cli_app, ["--db", str(laptop), "sync", "--json"], env=env)
    return json.loads(done.output)


async def test_workers_added_later_from_records_sync_like_the_others(
    make_app, booth_store, register, tmp_path
):
    from outreach_tui.hub.storage import open_storage
    from outreach_tui.tui.screens.records import RecordsScreen
    from tests.support.hub_server import HubServer, enroll_device
    from tests.tui.test_records import open_records, search

    saved = register(full_name="Dewi Kartika")  # the visitor came back with her workers
    owner = saved.owner.uuid
    hub_db = str(tmp_path / "hub.db")
    creds = tmp_path / "creds.toml"
    with HubServer(hub_db) as server:
        token = enroll_device(hub_db, officer="PLG-01")[1]
        first = sync_laptop(booth_store.path, creds, server.url, token)
        assert first["exit_code"] == 0 and first["counts"]["accepted"] == 1

        app = make_app()
        async with app.run_test(size=(80, 24)) as pilot:
            await open_records(pilot)
            await search(pilot, "Dewi")
            await pilot.press("down", "ctrl+t")
            await wait_until(pilot, lambda: isinstance(app.screen, WorkersScreen))
            title = str(app.screen.query_one("#workers-title", Static).render())
            assert "Dewi Kartika" in title and "sudah 0" in title
            niks = [synthetic_nik(sex="M"), synthetic_nik(sex="M")]
            await fill_worker(pilot, 0, niks[0], "Budi Santoso")
            await fill_worker(pilot, 1, niks[1], "Rudi Hartono")
            await pilot.press("ctrl+s")
            await wait_until(pilot, lambda: isinstance(app.screen, RecordsScreen))

        workers = rows(booth_store, "SELECT nik, owner_uuid, sync_state FROM registrations"
                       " WHERE role = 'worker' ORDER BY seq")  # fmt: skip
        assert workers == [(niks[0], owner, "pending"), (niks[1], owner, "pending")]
        # the owner's count is its live worker rows: a new version that syncs again
        owner_sql = ("SELECT workers_count, version, base_version, sync_state"
                     " FROM registrations WHERE uuid = ?")  # fmt: skip
        assert rows(booth_store, owner_sql, owner) == [(2, 2, 1, "pending")]

        second = sync_laptop(booth_store.path, creds)
        assert second["exit_code"] == 0 and second["counts"]["accepted"] == 3
    assert rows(booth_store, "SELECT sync_state, count(*) FROM registrations GROUP BY 1") == [
        ("synced", 3)]  # fmt: skip
    storage = open_storage(hub_db)
    try:
        with storage.read() as tx:
            hub_rows = tx.all("SELECT role, version, data FROM records ORDER BY role")
    finally:
        storage.close()
    assert [(r["role"], r["version"]) for r in hub_rows] == [
        ("owner", 2), ("worker", 1), ("worker", 1)]  # fmt: skip
    assert '"workers_count": 2' in hub_rows[0]["data"] or '"workers_count":2' in hub_rows[0]["data"]


async def test_the_owner_correction_shows_the_live_worker_count(make_app, booth_store, register):
    from tests.tui.test_records import open_records, search

    saved = register(full_name="Dewi Kartika", workers=2)
    booth_store.registrations.void(saved.workers[0].uuid, "salah input", officer_code="PLG-01")
    assert rows(booth_store, "SELECT workers_count FROM registrations WHERE uuid = ?",
                saved.owner.uuid) == [(1,)]  # fmt: skip
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await open_records(pilot)
        await search(pilot, "Dewi")
        await pilot.press("down", "enter")
        await wait_until(pilot, lambda: isinstance(app.screen, RegistrationScreen))
        count = app.screen.query_one("#reg-workers-count", Input)
        assert count.value == "1" and count.disabled
