"""The receipt after a save: reference number, programs, what to pay, how and by when,
and a QR code the registrant can photograph. ctrl+p writes it to a file for a printer."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.widgets import Static

from outreach_tui.reports.receipt import (
    Receipt,
    build_receipt,
    qr_rows,
    receipt_lines,
    write_pdf,
    write_text,
)
from outreach_tui.tui.screens.base import STYLES, BoothScreen
from outreach_tui.tui.widgets.booth_footer import BoothFooter
from outreach_tui.tui.widgets.booth_header import BoothHeader


@dataclass
class ReceiptLoaded(Message):
    receipt: Receipt


@dataclass
class ReceiptWritten(Message):
    paths: list[Path]


class ReceiptScreen(BoothScreen):
    CSS_PATH = STYLES / "receipt.tcss"
    BINDINGS = [
        Binding("enter", "new_registration", "Pendaftaran baru", id="new-registration"),
        Binding("escape", "new_registration", "Tutup", id="close", show=False),
        Binding("ctrl+t", "write_file", "Cetak ke berkas", id="print-receipt", priority=True),
    ]

    def __init__(self, owner_uuid: str) -> None:
        super().__init__(id="receipt")
        self.owner_uuid = owner_uuid
        self.receipt: Receipt | None = None

    def compose(self) -> ComposeResult:
        yield BoothHeader(self.language)
        with Horizontal(id="receipt-body"):
            with VerticalScroll(id="receipt-text-box"):
                yield Static(self.t("home.loading"), id="receipt-text")
            yield Static("", id="receipt-qr")
        yield BoothFooter(compact=True)

    def on_mount(self) -> None:
        super().on_mount()
        self.load()

    @work(thread=True, exclusive=True, group="receipt")
    def load(self) -> None:
        store = self.booth.store
        owner = store.registrations.get(self.owner_uuid)
        if owner is None:
            return
        self.post_message(
            ReceiptLoaded(build_receipt(owner, store.registrations.workers_of(self.owner_uuid)))
        )

    def on_receipt_loaded(self, message: ReceiptLoaded) -> None:
        self.receipt = message.receipt
        lines = receipt_lines(message.receipt, self.language)
        text = Text()
        text.append(lines[0] + "\n", style="bold")
        reference = self.t("receipt.reference", reference=message.receipt.owner.reference_no)
        for line in lines[1:]:
            text.append(line + "\n", style="bold reverse" if line == reference else "")
        text.append("\n" + self.t("receipt.next"), style="bold green")
        self.query_one("#receipt-text", Static).update(text)
        qr = "\n".join(
            qr_rows(message.receipt.qr_payload, light_on_dark=self.app.current_theme.dark)
        )
        self.query_one("#receipt-qr", Static).update(Text(qr, no_wrap=True))

    def action_new_registration(self) -> None:
        self.dismiss(None)

    def action_write_file(self) -> None:
        if self.receipt is not None:
            self.write_files(self.receipt)

    @work(thread=True, group="receipt-file")
    def write_files(self, receipt: Receipt) -> None:
        folder = self.booth.store.path.parent / "receipts"
        stem = receipt.owner.reference_no
        paths = [
            write_text(receipt, folder / f"{stem}.txt", self.language),
            write_pdf(receipt, folder / f"{stem}.pdf", self.language),
        ]
        self.post_message(ReceiptWritten(paths))

    def on_receipt_written(self, message: ReceiptWritten) -> None:
        self.notify(self.t("receipt.written", path=str(message.paths[-1].parent)))
