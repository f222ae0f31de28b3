"""The receipt: what the registrant takes home, on screen, as text and as PDF."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import qrcode

from outreach_tui.reports.receipt import (
    QR_PREFIX,
    build_receipt,
    first_due_date,
    mask_nik,
    qr_rows,
    receipt_lines,
    write_pdf,
    write_text,
)


def saved_owner(store, register, **overrides):  # type: ignore[no-untyped-def]
    saved = register(workers=2, **overrides)
    owner = store.registrations.get(saved.owner.uuid)
    return owner, store.registrations.workers_of(saved.owner.uuid)


def test_receipt_lines_have_reference_amounts_and_how_to_pay(store, register) -> None:
    owner, workers = saved_owner(store, register, declared_income="1.000.000", payment_months=3)
    receipt = build_receipt(owner, workers)
    text = "\n".join(receipt_lines(receipt, "id"))
    assert owner["reference_no"] in text
    assert owner["nik"] not in text  # masked: never the full NIK on paper
    assert mask_nik(owner["nik"]) in text
    assert f"Rp{owner['monthly_due']:,}".replace(",", ".") in text
    assert "3 bulan" in text
    assert "tanggal 15" in text
    assert len(receipt.workers) == 2
    english = "\n".join(receipt_lines(receipt, "en"))
    assert "How to pay" in english


def test_first_due_date_is_the_next_15th_on_a_working_day() -> None:
    """bpjstk-bpu.md (audit Dec 2026): by the 15th, the next working day when the 15th is
    a weekend or public holiday (the `holidays` library's Indonesian calendar)."""
    assert first_due_date(date(2026, 12, 10)) == date(2026, 12, 15)  # a Tuesday
    assert first_due_date(date(2026, 11, 10)) == date(2026, 11, 16)  # Sun 15 -> Mon 16
    assert first_due_date(date(2026, 11, 16)) == date(2026, 11, 16)  # still this month's
    assert first_due_date(date(2026, 11, 23)) == date(2026, 12, 15)
    assert first_due_date(date(2026, 12, 31)) == date(2027, 1, 15)
    assert first_due_date(date(2026, 8, 1)) == date(2026, 8, 18)  # Sat 15, Mon 17 holiday
    assert first_due_date(date(2022, 4, 14)) == date(2022, 4, 18)  # Good Friday 15 Apr


def decode_rows(rows: list[str], *, light_on_dark: bool) -> list[list[bool]]:
    """Turn half-block rows back into modules (True = dark module)."""
    matrix = []
    for row in rows:
        top = [ch in "█▀" for ch in row]
        bottom = [ch in "█▄" for ch in row]
        matrix += [top, bottom]
    if light_on_dark:
        matrix = [[not m for m in line] for line in matrix]
    return matrix


def test_qr_rows_draw_exactly_the_qr_matrix_both_ways() -> None:
    payload = QR_PREFIX + "ABCD-EFGH-JKLM"
    code = qrcode.QRCode(border=2)
    code.add_data(payload)
    code.make(fit=True)
    expected = code.get_matrix()
    for light_on_dark in (False, True):
        decoded = decode_rows(qr_rows(payload, light_on_dark=light_on_dark),
                              light_on_dark=light_on_dark)  # fmt: skip
        assert decoded[: len(expected)] == expected


def test_written_files(tmp_path: Path, store, register) -> None:
    owner, workers = saved_owner(store, register, full_name="Ni Luh Putu Ayu")
    receipt = build_receipt(owner, workers)
    text = write_text(receipt, tmp_path / "r" / "receipt.txt", "id").read_text(encoding="utf-8")
    assert owner["reference_no"] in text and "█" in text
    pdf = write_pdf(receipt, tmp_path / "r" / "receipt.pdf", "id").read_bytes()
    assert pdf.startswith(b"%PDF") and len(pdf) > 1000
    assert not list((tmp_path / "r").glob(".*"))  # no temp files left behind
