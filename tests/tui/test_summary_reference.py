"""The registration form's summary panel (tui/summary.py, pure rendering): the regency name
where the province is shown, and the JKK risk group where the PU-micro figure is shown
(issue #20; Kepmendagri 300.2.2-2138/2025 regency codes, PP 44/2015 Lampiran I)."""

from __future__ import annotations

from datetime import date

import pytest

from outreach_tui.domain.models import Path, RegistrationDraft, Role
from outreach_tui.domain.validation import validate_registration
from outreach_tui.tui.summary import registration_summary

TODAY = date(2026, 12, 7)


def panel(draft: RegistrationDraft, language: str = "id") -> str:
    result = validate_registration(draft, today=TODAY)
    return registration_summary(draft, result, [], language=language, today=TODAY,
                                show_errors=False).plain  # fmt: skip


@pytest.mark.parametrize(
    ("nik", "shown", "source"),
    [
        ("3372011203950002", "Kota Surakarta, Jawa Tengah", "Kepmendagri 2025: 3372"),
        ("1671014101900001", "Kota Palembang, Sumatera Selatan", "Kepmendagri 2025: 1671"),
        ("6404011203950002", "Kabupaten Bulungan, Kalimantan Timur", "UU 20/2012: old 6404"),
    ],
)
def test_the_panel_names_the_regency_with_the_province(nik: str, shown: str, source: str):
    assert shown in panel(RegistrationDraft(nik=nik)), source


@pytest.mark.parametrize(
    ("sector", "language", "line", "source"),
    [
        ("pertanian", "id", "Kelompok risiko JKK II (0.54%)", "audit Dec 2026: farming group II"),
        ("konstruksi", "en", "JKK risk group V (1.74%)", "PP 44/2015 Lampiran I group V"),
    ],
)
def test_the_pu_micro_figure_shows_its_risk_group(sector, language, line, source) -> None:
    worker = RegistrationDraft(
        nik="3372011203950002",
        full_name="Joko Susilo",
        sector=sector,
        declared_income="2416560",
        role=Role.WORKER,
        path=Path.PU_MICRO,
    )
    assert line in panel(worker, language), source
    bpu = RegistrationDraft(nik="3372011203950002", sector=sector, declared_income="1000000")
    assert "JKK" not in panel(bpu, language)  # the BPU path has no risk group
