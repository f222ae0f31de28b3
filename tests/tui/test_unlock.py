"""The passphrase of an encrypted file, asked by the booth itself (issue 8), driven through
the real app on a real encrypted file: a wrong passphrase says so and stays, the right one
opens the form whose saves are sealed on disk, a lost passphrase is replaced with the
recovery code, PINs follow the passphrase, quitting forgets the key, and an unencrypted
file never sees any of it (nor loads the code)."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Input, Static

from outreach_tui.store import Store, crypto, officers_auth
from outreach_tui.tui.app import OutreachApp
from outreach_tui.tui.screens.receipt import ReceiptScreen
from outreach_tui.tui.screens.registration import RegistrationScreen
from outreach_tui.tui.screens.signin import SignInScreen
from outreach_tui.tui.screens.unlock import UnlockScreen
from tests.conftest import OFFICER, TODAY, synthetic_nik
from tests.tui.conftest import settle, wait_until
from tests.tui.test_registration import fill_owner

PASS = "kopi susu gula aren"
NEW_PASS = "teh tarik pakai es"
PIN = "482916"


@pytest.fixture(autouse=True)
def fast_kdf(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The costs travel with each wrapped key and PIN hash: the same code paths, cheaper.
    monkeypatch.setitem(crypto.SCRYPT, "n", 2**10)
    monkeypatch.setattr(officers_auth, "_test_cost", {"n": 2**10, "r": 8, "p": 1})
    # Unlock sessions of this test only, never the machine's.
    monkeypatch.setenv("OUTREACH_RUNTIME_DIR", str(tmp_path / "run"))


@pytest.fixture
def recovery_code(booth_store: Store) -> str:
    """Encryption on; the key is then closed, as for the next process to open the file."""
    code = booth_store.crypto.enable(PASS)
    booth_store.crypto.forget()
    return code


@pytest.fixture
def reopened(booth_store: Store, recovery_code: str) -> Iterator[Store]:
    """The encrypted file opened afresh, as `outreach` opens it (a new Store)."""
    with Store(booth_store.path) as store:
        yield store


def booth(store: Store, **kwargs: Any) -> OutreachApp:
    options = {"ask_start_of_day": False, "today": lambda: TODAY, **kwargs}
    return OutreachApp(store, **options)  # type: ignore[arg-type]


def message(app: OutreachApp) -> str:
    return str(app.screen.query_one("#unlock-message", Static).render())


def audit_actions(path: Path) -> list[str]:
    with sqlite3.connect(path) as conn:
        found = conn.execute("SELECT action FROM audit_log WHERE action LIKE 'crypto.%'")
        return [row[0] for row in found]


def raw_bytes(path: Path) -> bytes:
    wal = Path(f"{path}-wal")
    return path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")


async def enter(pilot, selector: str, text: str) -> None:  # type: ignore[no-untyped-def]
    pilot.app.screen.query_one(selector, Input).focus()
    await pilot.press(*text, "enter")


async def test_encrypted_file_opens_on_the_passphrase_and_saves_stay_sealed(
    reopened: Store, tmp_path: Path
) -> None:
    app = booth(reopened)
    nik = synthetic_nik(sex="F")
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, UnlockScreen))
        assert app.locked and app.key_required
        field = app.screen.query_one("#unlock-passphrase", Input)
        assert field.password and app.focused is field  # masked, and typing goes there
        await pilot.press("f5", "ctrl+p", "ctrl+l")  # nothing opens behind or over it
        await settle(pilot)
        assert isinstance(app.screen, UnlockScreen) and app.current_mode == app.KEY_MODE

        await pilot.press(*"teh manis", "enter")
        await wait_until(pilot, lambda: not app.screen.checking and "salah" in message(app))
        assert message(app).startswith("Frasa sandi salah;") and "\n" not in message(app)
        assert field.value == ""  # never left on screen
        assert isinstance(app.screen, UnlockScreen) and not reopened.crypto.status().unlocked

        await pilot.press(*PASS, "enter")
        await wait_until(pilot, lambda: isinstance(app.screen, RegistrationScreen))
        assert not app.locked and reopened.crypto.status().unlocked
        assert reopened.crypto.status().session_until is None  # this process only
        assert not (tmp_path / "run").exists() or not any((tmp_path / "run").iterdir())
        await wait_until(pilot, lambda: app.focused is not None and app.focused.id == "reg-nik")

        await fill_owner(pilot, nik=nik, workers=0)
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, ReceiptScreen))
        receipt = app.screen.query_one("#receipt-text", Static)
        await wait_until(pilot, lambda: "Siti Aminah" in str(receipt.render()))  # read back

    with sqlite3.connect(reopened.path) as conn:
        stored = conn.execute("SELECT nik, full_name, phone FROM registrations").fetchall()
    assert len(stored) == 1 and all(value.startswith("enc1:") for value in stored[0])
    for secret in (nik, "Siti Aminah", "81234567890", "Pempek Cek Siti"):
        assert secret.encode() not in raw_bytes(reopened.path), secret
    assert audit_actions(reopened.path) == ["crypto.enable", "crypto.unlock_failed",
                                            "crypto.unlock"]  # fmt: skip


async def test_an_unencrypted_file_never_asks_for_a_passphrase(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, RegistrationScreen)
        assert not app.key_enabled and not app.key_required and not app.locked
        await pilot.press("ctrl+q")


def test_the_plain_start_up_loads_no_encryption_code(db_path: Path) -> None:
    """A fresh process (imports are per process): the booth on an unencrypted file reads
    one settings row and imports neither the passphrase screen nor the cipher."""
    Store(db_path).close()
    script = textwrap.dedent(f"""
        import asyncio, json, sys
        from outreach_tui.store import Store
        from outreach_tui.tui.app import OutreachApp

        async def main():
            with Store({str(db_path)!r}) as store:
                app = OutreachApp(store, ask_start_of_day=False)
                async with app.run_test(size=(80, 24)) as pilot:
                    await pilot.pause(0.2)
                    screen = type(app.screen).__name__
                    await pilot.press("ctrl+q")
            names = ("cryptography", "outreach_tui.store.encryption",
                     "outreach_tui.tui.screens.unlock")
            print(json.dumps({{"screen": screen,
                              "loaded": [n for n in names if n in sys.modules]}}))

        asyncio.run(main())
    """)
    root = Path(__file__).resolve().parents[2]
    out = subprocess.run([sys.executable, "-c", script], cwd=root, capture_output=True,
                         text=True, check=True, timeout=120).stdout  # fmt: skip
    assert json.loads(out.splitlines()[-1]) == {"screen": "RegistrationScreen", "loaded": []}


async def test_quitting_forgets_the_key(reopened: Store) -> None:
    app = booth(reopened)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, UnlockScreen))
        await pilot.press(*PASS, "enter")
        await wait_until(pilot, lambda: isinstance(app.screen, RegistrationScreen))
        assert reopened.crypto.status().unlocked
        await pilot.press("ctrl+q")
    assert not reopened.crypto.status().unlocked
    assert reopened.database.cipher is None
    page = reopened.queries.page("registrations", limit=1)
    assert all(row["nik"] == crypto.MASK for row in page.rows)  # sealed values stay shut


async def test_a_session_left_by_outreach_unlock_opens_the_booth_and_survives_it(
    booth_store: Store, recovery_code: str
) -> None:
    booth_store.crypto.unlock(PASS, remember_minutes=30)  # `outreach unlock --minutes 30`
    booth_store.crypto.forget()
    with Store(booth_store.path) as store:  # `outreach`: picks the session up
        app = booth(store)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            assert isinstance(app.screen, RegistrationScreen) and not app.key_required
            await pilot.press("ctrl+q")
        assert not store.crypto.status().unlocked  # the booth's own copy is gone
    with Store(booth_store.path) as later:  # and `outreach sync` afterwards still works
        assert later.crypto.status().unlocked and later.crypto.status().session_until


async def test_a_lost_passphrase_is_replaced_with_the_recovery_code(
    reopened: Store, recovery_code: str
) -> None:
    app = booth(reopened)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, UnlockScreen))
        await pilot.press("ctrl+r")
        await wait_until(pilot, lambda: app.focused is not None and app.focused.id == "unlock-code")
        assert not app.screen.query_one("#unlock-with-passphrase").display
        assert "kode pemulihan" in str(app.screen.query_one("#unlock-title").render()).lower()

        await enter(pilot, "#unlock-code", "AAAA-BBBB-CCCC-DDDD-EEEE-FFFF-GGGG-HHHH")
        await pilot.press(*NEW_PASS, "enter", *NEW_PASS, "enter")
        await wait_until(pilot, lambda: not app.screen.checking and "salah" in message(app))
        assert message(app).startswith("Kode pemulihan salah")
        assert app.screen.query_one("#unlock-code", Input).value == ""

        await enter(pilot, "#unlock-code", recovery_code.lower())  # case and dashes are free
        await pilot.press(*NEW_PASS, "enter", *"teh tarik", "enter")
        assert message(app) == "Kedua frasa sandi baru tidak sama; ketik ulang."
        await enter(pilot, "#unlock-new", "pendek")
        await enter(pilot, "#unlock-repeat", "pendek")
        assert message(app) == "Frasa sandi baru minimal 10 karakter."

        for name in ("new", "repeat"):
            app.screen.query_one(f"#unlock-{name}", Input).clear()
        await enter(pilot, "#unlock-new", NEW_PASS)
        await enter(pilot, "#unlock-repeat", NEW_PASS)
        await wait_until(pilot, lambda: isinstance(app.screen, RegistrationScreen))
        assert any("Frasa sandi baru dipasang" in n.message for n in app._notifications)
    with Store(reopened.path) as later:
        with pytest.raises(crypto.CryptoError):
            later.crypto.unlock(PASS)
        assert later.crypto.unlock(NEW_PASS).unlocked
    assert "crypto.recover_failed" in audit_actions(reopened.path)
    assert "crypto.recover" in audit_actions(reopened.path)


async def test_with_pins_the_sign_in_follows_the_passphrase(
    booth_store: Store, recovery_code: str
) -> None:
    booth_store.officers.set_pin(OFFICER, PIN)
    with Store(booth_store.path) as store:
        app = booth(store, ask_start_of_day=True)
        async with app.run_test(size=(80, 24)) as pilot:
            await wait_until(pilot, lambda: isinstance(app.screen, UnlockScreen))
            await pilot.press(*PASS, "enter")
            await wait_until(pilot, lambda: isinstance(app.screen, SignInScreen))
            assert app.locked and app.current_mode == app.LOCK_MODE
            assert app.KEY_MODE not in app._modes  # the passphrase screen is gone
            await wait_until(pilot, lambda: app.focused is not None)
            app.screen.query_one("#signin-pin", Input).focus()
            await pilot.press(*PIN, "enter")
            await wait_until(pilot, lambda: not app.locked and app.signed_in == OFFICER)
            await wait_until(pilot, lambda: type(app.screen).__name__ == "StartOfDayScreen")


async def test_a_key_forgotten_mid_session_is_said_in_the_officers_language(booth_store) -> None:
    booth_store.crypto.enable(PASS)  # on and open in this process, as after the unlock
    app = OutreachApp(booth_store, ask_start_of_day=False, today=lambda: TODAY)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, RegistrationScreen))
        await settle(pilot)
        booth_store.crypto.forget()  # e.g. the key was closed behind the booth's back
        await fill_owner(pilot, nik=synthetic_nik(sex="F"), workers=0)
        await pilot.press("ctrl+s")
        await wait_until(
            pilot,
            lambda: (
                "terenkripsi dan terkunci"
                in str(app.screen.query_one("#reg-save-problem").render())
            ),
        )  # one line in the form
        assert isinstance(app.screen, RegistrationScreen)  # nothing lost: the form is still
        assert app.screen.query_one("#reg-full-name", Input).value == "Siti Aminah"
    with sqlite3.connect(booth_store.path) as conn:
        assert conn.execute("SELECT count(*) FROM registrations").fetchone() == (0,)
