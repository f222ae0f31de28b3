"""Every promise of the current consent texts, checked against what the product does
(issue 20 item 4; UU 27/2022: consent after telling the purpose, the data, the retention
and the rights — ../shared/reference/bpjstk-bpu.md "Personal data (UU 27/2022)" and
"Corrections and additions (audit of December 2026)")."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from outreach_tui.config import Settings
from outreach_tui.domain import consent
from outreach_tui.store import Store
from outreach_tui.tui.app import OutreachApp
from tests.conftest import TODAY
from tests.privacy.conftest import rows
from tests.tui.conftest import settle, wait_until

CURRENT = [consent.current(kind) for kind in consent.KINDS]
LANGUAGES = ("id", "en")
DAYS = {"id": r"lewat (\d+) hari", "en": r"after (\d+) days"}


@pytest.mark.parametrize("text", CURRENT, ids=lambda t: t.version)
@pytest.mark.parametrize("language", LANGUAGES)
def test_no_current_text_promises_encryption(text: consent.ConsentText, language: str) -> None:
    """Source: audit Dec 2026 — laptop encryption is optional (docs/PRIVACY.md §3) and the
    hub stores records as received, so no text may say the data is stored encrypted."""
    words = text.text(language).lower()
    assert not re.search(r"enkrip|encrypt|terenkripsi", words)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_registration_text_names_controller_contact_basis_purpose_retention_rights(
    language: str,
) -> None:
    """Source: UU 27/2022 (audit Dec 2026, "Consent"): the controller and a contact, the
    legal basis, the purpose, the retention at the branch and the rights (access,
    correction, deletion, withdrawal within 3×24 hours)."""
    text = consent.current("registration").text(language)
    wanted = {
        "id": ["Pengendali data: BPJS Ketenagakerjaan", "kantor cabang", "contact centre 175",
               "UU 27/2022", "Tujuan:", "disimpan di sana selama Anda menjadi peserta",
               "mengakses", "memperbaiki", "penghapusan", "menarik persetujuan", "3×24 jam"],
        "en": ["Data controller: BPJS Ketenagakerjaan", "branch office", "contact centre 175",
               "UU 27/2022", "Purpose:", "kept there while you are a participant", "access",
               "correct", "delete", "withdraw this consent", "3×24 hours"],
    }[language]  # fmt: skip
    for phrase in wanted:
        assert phrase in text, phrase
    # Reminders are a consent of their own (art. 22(4)): not a purpose of this text.
    assert not re.search(r"mengingatkan|remind", text.lower())


@pytest.mark.parametrize("text", CURRENT, ids=lambda t: t.version)
@pytest.mark.parametrize("language", LANGUAGES)
def test_the_stated_laptop_retention_is_the_configured_one(
    text: consent.ConsentText, language: str
) -> None:
    """Source: UU 27/2022 (the retention period is told): the days written in the text
    equal the text's data and the product's default retention and automatic purge."""
    if text.kind == "reminder":
        assert "3×24" in text.text(language)  # no retention of its own: the registration's
        return
    (days,) = re.findall(DAYS[language], text.text(language))
    defaults = Settings(db=Path("x.db"))
    assert int(days) == text.retention_days_on_device == defaults.retention_days
    assert defaults.auto_purge is True  # "deleted automatically when the app is next used"


def test_the_withdrawal_deadline_is_the_stated_three_times_24_hours() -> None:
    """Source: audit Dec 2026, "Consent": processing stops within 3×24 hours."""
    assert consent.WITHDRAWAL_HOURS == 3 * 24
    assert consent.withdrawal_due("2026-12-07T03:00:00.000Z") == "2026-12-10T03:00:00.000Z"


@pytest.mark.parametrize("days_ago, purged", [(8, True), (6, False)])
async def test_the_laptop_copy_goes_when_the_app_next_runs_after_the_stated_days(
    store: Store, event_id: str, person: Callable, acknowledge: Callable, days_ago: int,
    purged: bool,
) -> None:  # fmt: skip
    """The text's promise, as behaviour: the booth, started with the default settings,
    removes the laptop copy of a record the branch received more than the stated days ago,
    and keeps one it received fewer days ago (source: the registration text 2026.2)."""
    promised = consent.current().retention_days_on_device
    defaults = Settings(db=store.path)
    store.settings.set("officer_code", "PLG-01")
    store.settings.set("event_id", event_id)
    someone = person("Purnama Sari Dewi")
    acknowledge(days_ago=days_ago)
    assert (days_ago > promised) is purged
    app = OutreachApp(
        store,
        ask_start_of_day=False,
        today=lambda: TODAY,
        auto_purge=defaults.auto_purge,
        retention_days=defaults.retention_days,
    )
    async with app.run_test(size=(80, 24)) as pilot:
        if purged:
            await wait_until(
                pilot,
                lambda: any(
                    "Minimisasi data: 1 pendaftaran" in n.message for n in app._notifications
                ),
            )
        await settle(pilot)
    (row,) = rows(store.path, "SELECT full_name, nik, phone, purged_at FROM registrations"
                              " WHERE uuid = ?", (someone["uuid"],))  # fmt: skip
    if purged:
        assert (row["full_name"], row["nik"], row["phone"]) == ("—", None, None)
        assert row["purged_at"]
    else:
        assert row["full_name"] == "Purnama Sari Dewi" and row["purged_at"] is None
