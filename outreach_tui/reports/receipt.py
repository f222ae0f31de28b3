"""The registrant's receipt: reference number, programs, what to pay, how and by when.

Built from stored rows (no Textual), shown by the booth TUI and written to a text or PDF
file for a booth printer. The QR code carries the reference number only — never the NIK.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import qrcode
from qrcode.constants import ERROR_CORRECT_M

from outreach_tui import files
from outreach_tui.domain import contributions, localtime
from outreach_tui.domain.money import rupiah
from outreach_tui.i18n import t

QR_PREFIX = "BPJSTK-BPU:"


@dataclass(frozen=True)
class ReceiptLine:
    reference_no: str
    full_name: str
    masked_nik: str
    programs: tuple[str, ...]
    due_now: int
    normal: int
    path: str


@dataclass(frozen=True)
class Household:
    """What the owner and the live workers pay together, now and once discounts end."""

    people: int
    monthly_now: int
    monthly_after: int
    after_from: date | None  # the first month without any discount (None: none now)


@dataclass(frozen=True)
class Receipt:
    owner: ReceiptLine
    workers: tuple[ReceiptLine, ...]
    payment_months: int
    registered_on: date  # the booth day in the event's zone, not the laptop's
    discount_ends: date | None
    discount_basis: str | None
    due_by: date
    estimate: bool
    period_total: int = 0  # payment_months summed month by month (0: one month)
    household: Household | None = None  # None: an owner without workers
    zone_name: str = localtime.DEFAULT_ZONE

    @property
    def qr_payload(self) -> str:
        return QR_PREFIX + self.owner.reference_no


def mask_nik(nik: str) -> str:
    """Enough to recognise on paper, not enough to misuse: 1671 **** **** 0001."""
    return f"{nik[:4]} **** **** {nik[-4:]}" if len(nik) == 16 else "****"


def _line(row: dict[str, Any]) -> ReceiptLine:
    return ReceiptLine(
        reference_no=row["reference_no"],
        full_name=row["full_name"],
        masked_nik=mask_nik(row["nik"]),
        programs=tuple(str(row["programs"]).split(",")),
        due_now=row["monthly_due"],
        normal=row["monthly_normal"],
        path=row["path"],
    )


def first_due_date(registered_on: date, *, path: str = "bpu") -> date:
    """The first due date on or after the registration day: this month's (the 15th, or
    the next working day after a weekend or public holiday), else next month's. On the
    PU-micro path the registration month's contribution is due in the following month."""
    this_month = contributions.due_date(registered_on.replace(day=1), path=path)
    if registered_on <= this_month:
        return this_month
    return contributions.due_date(contributions.add_months(registered_on, 1), path=path)


def _quote(row: dict[str, Any], month: date) -> contributions.ContributionQuote:
    return contributions.quote(
        row["declared_income"], sector=row["sector"], month=month,
        programs=tuple(str(row["programs"]).split(",")), path=row["path"],
        state_funded=bool(row.get("state_funded")),
    )  # fmt: skip


def _household(owner: dict[str, Any], workers: list[dict[str, Any]], month: date) -> Household:
    """Each member's stored amounts; the discounts' end from each member's own quote."""
    members = [owner, *workers]
    ends = [q.discount.to_month for q in (_quote(m, month) for m in members) if q.discount]
    return Household(
        people=len(members),
        monthly_now=sum(int(m["monthly_due"]) for m in members),
        monthly_after=sum(int(m["monthly_normal"]) for m in members),
        after_from=contributions.add_months(max(ends), 1) if ends else None,
    )


def build_receipt(
    owner: dict[str, Any],
    workers: list[dict[str, Any]],
    *,
    zone_name: str = localtime.DEFAULT_ZONE,
) -> Receipt:
    """The receipt of ``owner`` and their live ``workers``; ``zone_name`` is the zone of
    the owner's event (the booth day the registration is filed under everywhere)."""
    registered_on = localtime.local_day(owner["created_at"], zone_name)
    month = registered_on.replace(day=1)
    quote = _quote(owner, month)
    active = [w for w in workers if not w.get("voided_at")]
    months = int(owner["payment_months"] or 1)
    period = 0
    if months > 1:
        try:
            period = contributions.prepay(
                owner["declared_income"], sector=owner["sector"], first_month=month,
                months=months, programs=tuple(p.program for p in quote.programs),
                path=owner["path"], state_funded=quote.state_funded,
            ).total  # fmt: skip
        except ValueError:  # a period the current dataset no longer offers
            period = 0
    return Receipt(
        owner=_line(owner),
        workers=tuple(_line(w) for w in active),
        payment_months=months,
        registered_on=registered_on,
        discount_ends=quote.discount.ends_on if quote.discount else None,
        discount_basis=quote.discount.legal_basis if quote.discount else None,
        due_by=first_due_date(registered_on, path=str(owner.get("path") or "bpu")),
        estimate=quote.estimate,
        period_total=period,
        household=_household(owner, active, month) if active else None,
        zone_name=zone_name,
    )


def receipt_lines(receipt: Receipt, language: str) -> list[str]:
    """The receipt as plain lines (the TUI adds styling, the file writers use these)."""
    o = receipt.owner
    # The paths on this receipt, the owner's first: "(BPU)" alone on a household with PU
    # micro workers (or a PU-micro record) would name the wrong scheme.
    paths = list(dict.fromkeys([o.path, *(w.path for w in receipt.workers)]))
    named = " + ".join(t(f"receipt.path_{p}", language) for p in paths)
    lines = [
        t("receipt.heading", language, paths=named),
        "",
        t("receipt.reference", language, reference=o.reference_no),
        t("receipt.name", language, name=o.full_name),
        t("receipt.nik", language, nik=o.masked_nik),
        t("receipt.registered_on", language, date=f"{receipt.registered_on:%d-%m-%Y}"),
        t("receipt.programs", language, programs=", ".join(o.programs)),
        t("receipt.monthly", language, amount=rupiah(o.due_now)),
    ]
    if receipt.discount_ends and o.due_now != o.normal:
        lines.append(
            t("receipt.discount", language, basis=receipt.discount_basis or "",
              ends=f"{receipt.discount_ends:%d-%m-%Y}", normal=rupiah(o.normal))
        )  # fmt: skip
    if receipt.payment_months > 1 and receipt.period_total:
        lines.append(
            t("receipt.period", language, months=receipt.payment_months,
              amount=rupiah(receipt.period_total))
        )  # fmt: skip
    if receipt.estimate:
        lines.append(t("receipt.estimate", language))
    lines += [
        "",
        t("receipt.protection", language),
        t("receipt.how_to_pay", language),
        t("money.due_by", language, date=f"{receipt.due_by:%d-%m-%Y}"),
    ]
    if "pu_micro" in paths:  # the employer pays PU micro by the 15th of the following month
        due = first_due_date(receipt.registered_on, path="pu_micro")
        lines.append(t("pu.due_by", language, date=f"{due:%d-%m-%Y}"))
    lines += [
        t("money.lapse", language),
        t("receipt.contact", language),
    ]
    if receipt.workers:
        lines += ["", t("receipt.workers", language, count=len(receipt.workers))]
        for w in receipt.workers:
            path = t(f"receipt.path_{w.path}", language)
            lines.append(
                f"  {w.reference_no}  {w.full_name}  {w.masked_nik}  {rupiah(w.due_now)}  {path}"
            )
    if receipt.household:
        h = receipt.household
        lines += [
            "",
            t("money.household_title", language, people=h.people, workers=h.people - 1),
            "  " + t("money.household_now", language, amount=rupiah(h.monthly_now)),
        ]
        if h.after_from and h.monthly_after != h.monthly_now:
            lines.append(
                "  " + t("money.household_after", language, month=f"{h.after_from:%m-%Y}",
                         amount=rupiah(h.monthly_after))
            )  # fmt: skip
    return lines


def qr_rows(payload: str, *, light_on_dark: bool = False) -> list[str]:
    """The QR code drawn with half blocks: two modules per character row.

    On paper the blocks are the dark modules. A dark terminal draws blocks in a light
    colour, so there the blocks must be the *light* modules (and the quiet zone) or
    phone cameras see a negative.
    """
    code = qrcode.QRCode(border=2, error_correction=ERROR_CORRECT_M)
    code.add_data(payload)
    code.make(fit=True)
    matrix = code.get_matrix()
    if light_on_dark:
        matrix = [[not module for module in row] for row in matrix]
    if len(matrix) % 2:
        matrix.append([light_on_dark] * len(matrix[0]))
    rows = []
    for top, bottom in zip(matrix[0::2], matrix[1::2], strict=True):
        chars = []
        for upper, lower in zip(top, bottom, strict=True):
            chars.append({(True, True): "█", (True, False): "▀", (False, True): "▄"}.get(
                (upper, lower), " "))  # fmt: skip
        rows.append("".join(chars))
    return rows


def _atomic_write(path: Path, data: bytes) -> None:
    # Printing again replaces the earlier receipt file (a regular file only: never a
    # device, a symlink or a database put there).
    files.write_bytes(path, data, force=True)


def write_text(receipt: Receipt, path: Path, language: str) -> Path:
    body = "\n".join([*receipt_lines(receipt, language), "", *qr_rows(receipt.qr_payload), ""])
    _atomic_write(path, body.encode("utf-8"))
    return path


def write_pdf(receipt: Receipt, path: Path, language: str) -> Path:
    from fpdf import FPDF  # imported lazily: only the printer path needs it

    pdf = FPDF(format=(148, 210))  # A5 in mm; the name makes fpdf2 >= 2.8.5 warn
    pdf.set_auto_page_break(auto=True, margin=10)
    pdf.add_page()
    lines = receipt_lines(receipt, language)
    pdf.set_font("Helvetica", "B", 12)
    pdf.multi_cell(0, 6, _latin1(lines[0]), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=9)
    for line in lines[1:]:
        pdf.multi_cell(0, 5, _latin1(line) or " ", new_x="LMARGIN", new_y="NEXT")
    image = qrcode.make(receipt.qr_payload, border=2).get_image()
    pdf.image(image, w=35)
    _atomic_write(path, bytes(pdf.output()))
    return path


def _latin1(text: str) -> str:
    """The PDF core fonts are Latin-1; keep names readable rather than failing."""
    replacements = {"—": "-", "–": "-", "·": "-", "…": "...", "×": "x", "’": "'", "✓": "v"}
    for old, new in replacements.items():
        text = text.replace(old, new)
    return text.encode("latin-1", "replace").decode("latin-1")
