"""Officer sign-in on a shared laptop: a PIN stored only as a slow salted hash, checked by
``store.officers.verify_pin`` with a lock-out that grows with every miss, all audited."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from outreach_tui.store import Store, StoreError, officers_auth
from outreach_tui.store.officers_auth import FREE_ATTEMPTS, OfficerAuth, lock_seconds
from tests.conftest import OFFICER
from tests.privacy.conftest import found_in_file, rows, run, write


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def wait(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def auth(store: Store, clock: Clock) -> OfficerAuth:
    return OfficerAuth(store.database, store.device_id, clock=clock)


def test_a_pin_is_kept_only_as_a_salted_slow_hash(store: Store, auth: OfficerAuth) -> None:
    store.setup.upsert_officer("PLG-02", "Budi", "PLG")
    auth.set_pin(OFFICER, "482916")
    auth.set_pin("PLG-02", "482916")
    first, second = rows(store.path, "SELECT * FROM officer_pins ORDER BY officer_code")
    assert first["salt"] != second["salt"] and first["pin_hash"] != second["pin_hash"]
    assert json.loads(first["params"])["n"] >= 2**10
    store.database.checkpoint()
    assert found_in_file(store.path, "482916") == []
    assert auth.verify_pin(OFFICER, "482916").ok
    assert auth.has_pin(OFFICER) and not auth.has_pin("PLG-99")


@pytest.mark.parametrize("pin", ["123", "1234567890123", "12a4", "1111", "1234", "9876", "    "])
def test_weak_or_malformed_pins_are_refused(auth: OfficerAuth, pin: str) -> None:
    with pytest.raises(StoreError):
        auth.set_pin(OFFICER, pin)


def test_wrong_pins_lock_out_for_longer_each_time(
    store: Store, auth: OfficerAuth, clock: Clock
) -> None:
    auth.set_pin(OFFICER, "482916")
    for left in range(FREE_ATTEMPTS - 1, 0, -1):
        check = auth.verify_pin(OFFICER, "000000")
        assert (check.ok, check.reason, check.attempts_left) == (False, "wrong_pin", left)
    check = auth.verify_pin(OFFICER, "000000")
    assert (check.reason, check.retry_after_s) == ("locked", 30)
    # locked: even the right PIN is refused, and is not even checked
    assert auth.verify_pin(OFFICER, "482916").reason == "locked"
    clock.wait(31)
    assert auth.verify_pin(OFFICER, "111222").retry_after_s == 60  # doubled
    clock.wait(61)
    check = auth.verify_pin(OFFICER, "482916")
    assert check.ok and check.reason == "ok"
    assert auth.verify_pin(OFFICER, "000000").attempts_left == FREE_ATTEMPTS - 1  # reset
    assert lock_seconds(100) == 15 * 60
    audit = [e.action for e in store.audit.entries(limit=50)]
    assert audit.count("officer.pin_failed") == FREE_ATTEMPTS
    assert audit.count("officer.pin_locked") == 2
    assert audit.count("officer.sign_in_refused") == 1 and audit.count("officer.sign_in") == 1


def test_unknown_inactive_and_pinless_officers(store: Store, auth: OfficerAuth) -> None:
    assert auth.verify_pin("NOBODY", "482916").reason == "unknown_officer"
    assert auth.verify_pin(OFFICER, "482916").reason == "no_pin"
    auth.set_pin(OFFICER, "482916")
    write(store.path, "UPDATE officers SET active = 0 WHERE code = ?", (OFFICER,))
    assert auth.verify_pin(OFFICER, "482916").reason == "inactive"
    with pytest.raises(StoreError, match="not found"):
        auth.set_pin("NOBODY", "482916")


def test_cli_set_check_and_clear_pin(store: Store) -> None:
    path = store.path
    assert (
        run("officer", "set-pin", OFFICER, "--pin-stdin", db=path, stdin="482916\n").exit_code == 0
    )
    ok = run("officer", "check-pin", OFFICER, "--pin-stdin", "--json", db=path, stdin="482916\n")
    assert ok.exit_code == 0, ok.output
    assert json.loads(ok.stdout) == {"ok": True, "reason": "ok", "officer_code": OFFICER,
                                     "attempts_left": FREE_ATTEMPTS, "retry_after_s": 0,
                                     "locked_until": None}  # fmt: skip
    bad = run("officer", "check-pin", OFFICER, "--pin-stdin", db=path, stdin="000000\n")
    assert bad.exit_code == 1 and "Wrong PIN" in bad.stdout
    typed = run("officer", "set-pin", OFFICER, db=path, stdin="582916\n582916\n")
    assert typed.exit_code == 0, typed.output
    assert "582916" not in typed.stdout  # hidden input, asked twice
    mismatch = run("officer", "set-pin", OFFICER, db=path, stdin="582916\n582917\n582916\n582916\n")
    assert mismatch.exit_code == 0
    assert run("officer", "clear-pin", OFFICER, db=path).exit_code == 0
    assert not store.officers.has_pin(OFFICER)


# -- the cost of the hash (issue 14 item 7) ---------------------------------------------

_FRESH_PROCESS = r"""
import json, sqlite3, sys
from outreach_tui.store import Store, officers_auth
with Store(sys.argv[1]) as store:
    store.setup.upsert_branch("PLG", "Kantor Cabang Palembang", "Palembang")
    store.setup.upsert_officer("PLG-01", "Rina Marlina", "PLG")
    store.officers.set_pin("PLG-01", "482916")
    ok = store.officers.verify_pin("PLG-01", "482916").ok
conn = sqlite3.connect(sys.argv[1])
params = json.loads(conn.execute("SELECT params FROM officer_pins").fetchone()[0])
print(json.dumps({"params": params, "ok": ok, "shipped": dict(officers_auth.PIN_SCRYPT)}))
"""


def test_the_shipped_pin_cost_is_the_strong_one(tmp_path: Path) -> None:
    """Without the test-only setting (a fresh process, as the product runs), a new PIN is
    hashed with n=2**16, r=8 (64 MiB, ~0.2 s): not the suite's cheap cost, nor the old
    n=2**14."""
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-c", _FRESH_PROCESS, str(tmp_path / "fresh.db")],
                          capture_output=True, text=True, timeout=120)  # fmt: skip
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["ok"]
    assert result["params"] == result["shipped"] == {"n": 2**16, "r": 8, "p": 1}
    with pytest.raises(TypeError):  # read-only: a cheaper cost needs the explicit setting
        officers_auth.PIN_SCRYPT["n"] = 2**10  # type: ignore[index]


def test_an_old_cheaper_hash_signs_in_and_is_made_again_with_the_current_cost(
    store: Store, auth: OfficerAuth
) -> None:
    old = {"n": 2**14, "r": 8, "p": 1}  # the cost before issue 14
    salt = bytes(range(16))
    legacy = (OFFICER, officers_auth.hash_pin("482916", salt, old), salt.hex(), json.dumps(old))
    write(store.path, "INSERT INTO officer_pins (officer_code, pin_hash, salt, params, set_at)"
          " VALUES (?, ?, ?, ?, '2026-01-01T00:00:00.000Z')", legacy)  # fmt: skip
    assert not auth.verify_pin(OFFICER, "482917").ok  # a wrong PIN changes nothing

    assert rows(store.path, "SELECT params FROM officer_pins")[0]["params"] == json.dumps(old)
    assert auth.verify_pin(OFFICER, "482916").ok

    row = rows(store.path, "SELECT * FROM officer_pins")[0]
    assert json.loads(row["params"]) == officers_auth.current_cost() != old
    assert row["salt"] != salt.hex() and "482916" not in row["pin_hash"]
    assert auth.verify_pin(OFFICER, "482916").ok  # the new hash works
    assert not auth.verify_pin(OFFICER, "482917").ok
    signs = [a.detail for a in store.audit.entries() if a.action == "officer.sign_in"]
    assert {"rehashed": True} in signs and len(signs) == 2
