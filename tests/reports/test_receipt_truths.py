"""The receipt tells the truth (issue #20): protection starts with the first payment; how
to pay, by name; the contact centre; 3 consecutive unpaid months make the participant
inactive. Sources: shared/reference/bpjstk-bpu.md, "Corrections and additions (audit of
December 2026)": "How to pay", "Protection starts with the first payment", "Due date"."""

from __future__ import annotations

from datetime import date

import pytest

from outreach_tui.reports.receipt import build_receipt, first_due_date, receipt_lines, write_text

AUDIT = "bpjstk-bpu.md, audit of December 2026"


@pytest.mark.parametrize(
    ("language", "phrases", "source"),
    [
        (
            "id",
            ["Perlindungan mulai sejak iuran pertama dibayar, bukan sejak pendaftaran"],
            AUDIT + ": protection starts with the first payment",
        ),
        (
            "en",
            ["Protection starts with the first payment, not with registration"],
            AUDIT + ": protection starts with the first payment",
        ),
        (
            "id",
            [
                "NIK 16 angka",
                "aplikasi JMO",
                "aplikasi bank dan ATM",
                "gerai ritel",
                "agen Perisai",
            ],
            AUDIT + ": how to pay",
        ),
        (
            "en",
            ["16-digit NIK", "JMO app", "bank apps and ATMs", "retail outlets", "Perisai agent"],
            AUDIT + ": how to pay",
        ),
        ("id", ["175"], AUDIT + ": contact centre 175"),
        ("en", ["contact centre: 175"], AUDIT + ": contact centre 175"),
        (
            "id",
            ["3 bulan berturut-turut tidak membayar → tidak aktif"],
            AUDIT + ": 3 consecutive unpaid months",
        ),
        ("en", ["3 consecutive unpaid months → inactive"], AUDIT + ": 3 consecutive unpaid"),
    ],
)
def test_the_receipt_says_it_on_screen_and_on_paper(
    store, register, tmp_path, language, phrases, source
) -> None:  # type: ignore[no-untyped-def]
    saved = register(workers=1, declared_income="1.000.000")
    owner = store.registrations.get(saved.owner.uuid)
    receipt = build_receipt(owner, store.registrations.workers_of(saved.owner.uuid))
    lines = "\n".join(receipt_lines(receipt, language))  # what the receipt screen draws
    paper = write_text(receipt, tmp_path / "r.txt", language).read_text("utf-8")
    for phrase in phrases:
        assert phrase in lines, source
        assert phrase in paper, source


@pytest.mark.parametrize(
    ("registered_on", "due", "source"),
    [
        # October's PU-micro contribution is due 15 Nov (a Sunday): Monday 16 Nov 2026.
        (date(2026, 10, 20), date(2026, 11, 16), AUDIT + ": PU due the following month"),
        # Registered on 16 Nov: November's is due 15 Dec (Tuesday).
        (date(2026, 11, 16), date(2026, 12, 15), AUDIT + ": PU due the following month"),
    ],
)
def test_pu_micro_first_due_date_is_in_the_following_month(registered_on, due, source):
    assert first_due_date(registered_on, path="pu_micro") == due, source


@pytest.mark.parametrize(
    ("worker_path", "heading", "language"),
    [
        ("bpu", "TANDA TERIMA PENDAFTARAN BPJS KETENAGAKERJAAN (BPU)", "id"),
        ("pu_micro", "TANDA TERIMA PENDAFTARAN BPJS KETENAGAKERJAAN (BPU + PU mikro)", "id"),
        ("pu_micro", "BPJS KETENAGAKERJAAN REGISTRATION RECEIPT (BPU + PU micro)", "en"),
    ],
)
def test_the_heading_names_every_path_on_the_receipt(
    store, event_id, make_owner, make_worker, worker_path, heading, language
) -> None:  # type: ignore[no-untyped-def]
    """A household with PU-micro workers is not a "(BPU)" receipt (source: bpjstk-bpu.md
    "Who": owners are BPU, their workers may be registered as PU micro); the employer's
    due date of the following month is named too (audit Dec 2026, "Micro employers")."""
    saved = store.registrations.save(
        make_owner(workers_count=1), [make_worker(path=worker_path, programs=("JKK", "JKM"))],
        officer_code="PLG-01", event_id=event_id,
    )  # fmt: skip
    owner = store.registrations.get(saved.owner.uuid)
    receipt = build_receipt(owner, store.registrations.workers_of(saved.owner.uuid))
    lines = receipt_lines(receipt, language)
    assert lines[0] == heading
    employer = [line for line in lines if "15" in line and ("Pemberi kerja" in line
                                                            or "employer" in line)]  # fmt: skip
    assert len(employer) == (1 if worker_path == "pu_micro" else 0)
    assert all(len(line) <= 80 for line in lines[:1])
