"""Shared fixtures: a real store on a temp file and factories for valid registrations.

Everything here is real: the store is an SQLite file under ``tmp_path`` (WAL, FULL sync),
and records come out of ``validate_registration`` exactly as the booth form produces them.
NIKs are synthetic but well formed (``PP KK CC DDMMYY SSSS``: Sumatera Selatan 16, Kota
Palembang 71, a district, the birth date with +40 for women, a running serial), so no
real person's number appears in the tests.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from outreach_tui.domain.models import Registration, RegistrationDraft, SavedRegistration
from outreach_tui.domain.validation import validate_registration
from outreach_tui.store import Store

TODAY = date(2026, 11, 23)  # a fixed booth day; validation depends on "today"
OFFICER = "PLG-01"
BRANCH = "PLG"
EVENT_CODE = "EXPO-PLG-2026-11"
CONSENT_VERSION = "2026.2"

_serials = itertools.count(1)


def synthetic_nik(
    *,
    sex: str = "F",
    birth: date = date(1990, 12, 5),
    regency: str = "1671",
    serial: int | None = None,
) -> str:
    """A well-formed NIK; each call without ``serial`` gets a fresh one (unique per run)."""
    n = next(_serials) if serial is None else serial
    district = 1 + (n // 9999) % 99  # serials run 0001–9999, then the next district
    day = birth.day + (40 if sex == "F" else 0)
    born = f"{day:02d}{birth.month:02d}{birth.year % 100:02d}"
    return f"{regency}{district:02d}{born}{n % 9999 + 1:04d}"


def owner_draft(**overrides: Any) -> RegistrationDraft:
    """What an officer types for a typical owner (a woman running a food stall)."""
    fields: dict[str, Any] = {
        "nik": synthetic_nik(sex="F"),
        "full_name": "Siti Aminah",
        "phone": "0812-3456-7890",
        "address": "Jl. Merdeka No. 1, Palembang",
        "business_name": "Pempek Cek Siti",
        "sector": "kuliner",
        "workers_count": 2,
        "declared_income": "2.500.000",
        "programs": ("JKK", "JKM"),
        "payment_months": 1,
        "consent_version": CONSENT_VERSION,
    }
    return RegistrationDraft(**{**fields, **overrides})


def worker_draft(**overrides: Any) -> RegistrationDraft:
    """One of the owner's workers (BPU path, no phone of their own)."""
    fields: dict[str, Any] = {
        "nik": synthetic_nik(sex="M", birth=date(1998, 3, 14)),
        "full_name": "Budi Santoso",
        "sector": "kuliner",
        "declared_income": "2.000.000",
        "consent_version": CONSENT_VERSION,
        "role": "worker",
    }
    return RegistrationDraft(**{**fields, **overrides})


def validated(draft: RegistrationDraft) -> Registration:
    """The record the store saves; fails the test loudly if the draft is not valid."""
    result = validate_registration(draft, today=TODAY)
    assert result.record is not None, [p.code for p in result.errors]
    return result.record


@pytest.fixture
def make_owner_draft() -> Callable[..., RegistrationDraft]:
    """``make_owner_draft(full_name="...")``: the raw draft, for tests of refused input."""
    return owner_draft


@pytest.fixture
def make_owner() -> Callable[..., Registration]:
    """``make_owner(full_name="...")``: a validated owner; overrides are draft fields."""
    return lambda **overrides: validated(owner_draft(**overrides))


@pytest.fixture
def make_worker() -> Callable[..., Registration]:
    """``make_worker(full_name="...")``: a validated worker; overrides are draft fields."""
    return lambda **overrides: validated(worker_draft(**overrides))


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "outreach.db"


@pytest.fixture
def store(db_path: Path) -> Iterator[Store]:
    """A migrated store with branch PLG, officer PLG-01 and one event (see ``event_id``)."""
    with Store(db_path) as opened:
        opened.setup.upsert_branch(BRANCH, "Kantor Cabang Palembang", "Palembang")
        opened.setup.upsert_officer(OFFICER, "Rina Marlina", BRANCH)
        opened.setup.create_event(
            code=EVENT_CODE,
            name="Expo UMKM Palembang",
            venue="Palembang Icon Mall",
            city="Palembang",
            branch_code=BRANCH,
            starts_on=TODAY,
            ends_on=date(2026, 11, 25),
        )
        yield opened


@pytest.fixture
def officer_code() -> str:
    return OFFICER


@pytest.fixture
def event_id(store: Store) -> str:
    event = store.setup.event(EVENT_CODE)
    assert event is not None
    return event["id"]


@pytest.fixture
def register(
    store: Store,
    event_id: str,
    make_owner: Callable[..., Registration],
    make_worker: Callable[..., Registration],
) -> Callable[..., SavedRegistration]:
    """``register(workers=2, **owner_overrides)``: save an owner (and workers) at the booth."""

    def _register(workers: int = 0, **owner_overrides: Any) -> SavedRegistration:
        owner = make_owner(**{"workers_count": workers, **owner_overrides})
        return store.registrations.save(
            owner,
            [make_worker() for _ in range(workers)],
            officer_code=OFFICER,
            event_id=event_id,
        )

    return _register


@pytest.fixture
def booth_store(store: Store, event_id: str) -> Store:
    """The fixture store with today's officer and event chosen (start of day done)."""
    store.settings.set("officer_code", OFFICER)
    store.settings.set("event_id", event_id)
    return store


def pytest_configure(config: pytest.Config) -> None:
    """Markers registered here (``--strict-markers`` refuses unknown ones). The CLI's log
    file (cli/log_file.py) goes to a folder of the test run, not the user's state folder
    (child processes inherit it)."""
    import os
    import tempfile

    os.environ.setdefault("OUTREACH_LOG_DIR", tempfile.mkdtemp(prefix="outreach-test-log-"))
    config.addinivalue_line(
        "markers",
        "reliability: crash, sync-fault, API property and security checks (tests/reliability;"
        " `make reliability` runs them with the full loop counts)",
    )


# --- CI cannot silently skip (tests/support/ci.py) --------------------------------------


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    """Under ``CI=true`` a skipped end-to-end test (marker ``e2e``) is a failure, whatever
    skipped it (a ``skipif``, ``pytest.skip``, a fixture): the reason is kept."""
    from tests.support.ci import E2E_MARKERS, under_ci

    outcome = yield
    report = outcome.get_result()
    if not (report.skipped and under_ci() and not hasattr(report, "wasxfail")):
        return
    if any(item.get_closest_marker(name) for name in E2E_MARKERS):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        report.outcome = "failed"
        report.longrepr = (
            f"CI=true: an end-to-end test may not be skipped ({reason}); on Debian, as root,"
            " `bash .ci/run` installs what is missing (postgresql tmux sqlite3)"
        )


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    """One line with how many tests were skipped and why (grouped by reason)."""
    skipped = terminalreporter.stats.get("skipped", [])
    reasons: dict[str, int] = {}
    for report in skipped:
        text = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        text = text.removeprefix("Skipped: ")
        reasons[text] = reasons.get(text, 0) + 1
    detail = "; ".join(f"{n} × {why}" for why, n in sorted(reasons.items(), key=lambda i: -i[1]))
    terminalreporter.write_line(f"skipped: {len(skipped)}" + (f" ({detail})" if detail else ""))
