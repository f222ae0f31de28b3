"""Records the hub refused, found and fixed at the booth: the status filter (ctrl+e), the
reason in the officer's language, a correction that goes back to the queue; and
`outreach doctor` listing them."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

from textual.widgets import DataTable, Input, Static
from typer.testing import CliRunner

from outreach_tui.cli.main import app as cli_app
from outreach_tui.store import Store
from outreach_tui.tui.screens.registration import RegistrationScreen
from tests.tui.conftest import settle, wait_until


def refuse(store: Store, uuid: str, code: str, field: str, message: str) -> None:
    """What a hub receipt leaves on the laptop for a refused record."""
    with sqlite3.connect(store.path) as conn:
        conn.execute(
            "UPDATE registrations SET sync_state = 'rejected', sync_code = ?, sync_field = ?,"
            " sync_message = ? WHERE uuid = ?", [code, field, message, uuid],
        )  # fmt: skip


def state_of(store: Store, uuid: str) -> tuple[Any, ...]:
    with sqlite3.connect(store.path) as conn:
        return conn.execute(
            "SELECT sync_state, sync_code, version, address FROM registrations WHERE uuid = ?",
            [uuid],
        ).fetchone()


async def test_filter_the_refused_read_why_fix_and_queue_again(
    make_app, booth_store: Store, register: Callable[..., Any]
) -> None:
    refused = register().owner.uuid
    register(full_name="Dewi Lestari")
    refuse(booth_store, refused, "address.incomplete", "address",
           "Alamat belum lengkap: tambahkan RT/RW")  # fmt: skip
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("f5", "f8")  # every day: the booth day follows the event's zone
        await settle(pilot)
        table = app.screen.query_one("#records-table", DataTable)
        assert table.row_count == 2
        for _ in range(3):  # all → waiting → sent → needs fixing
            await pilot.press("ctrl+e")
            await settle(pilot)
        assert "perlu diperbaiki" in str(app.screen.query_one("#records-tabs", Static).render())
        assert table.row_count == 1
        await pilot.press("down")
        await settle(pilot)
        line = str(app.screen.query_one("#records-page", Static).render())
        assert "Ditolak hub (Alamat): Alamat belum lengkap" in line

        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, RegistrationScreen))
        address = app.screen.query_one("#reg-address", Input)
        address.focus()
        await pilot.press("end", *" RT 03 RW 05")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: not isinstance(app.screen, RegistrationScreen))
        await settle(pilot)
        assert table.row_count == 0  # fixed: no longer among those to fix
    state, code, version, address_text = state_of(booth_store, refused)
    assert (state, code, version) == ("pending", None, 2) and address_text.endswith("RW 05")


def test_doctor_lists_what_needs_fixing(
    booth_store: Store, register: Callable[..., Any], db_path: Path
) -> None:
    owner = register(full_name="Siti Aminah").owner
    refuse(booth_store, owner.uuid, "nik.active_elsewhere", "nik",
           "NIK sudah terdaftar sebagai peserta aktif di cabang lain")  # fmt: skip
    result = CliRunner().invoke(cli_app, ["--db", str(db_path), "doctor", "--json"])
    assert result.exit_code == 0, result.output
    (problem,) = json.loads(result.stdout)["problems"]
    assert problem == {
        "uuid": owner.uuid, "entity": "registration", "state": "rejected",
        "name": "S*** A***", "reference_no": owner.reference_no,
        "code": "nik.active_elsewhere", "field": "nik",
        "message": "NIK sudah terdaftar sebagai peserta aktif di cabang lain",
    }  # fmt: skip
    shown = CliRunner(env={"COLUMNS": "100"}).invoke(cli_app, ["--db", str(db_path), "doctor"])
    assert "Perlu diperbaiki (1)" in shown.stdout and owner.reference_no in shown.stdout
    assert "Siti" not in shown.stdout  # masked on a shared screen
