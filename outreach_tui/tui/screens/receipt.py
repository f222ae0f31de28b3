"""The receipt after a save: reference number, programs, what to pay, how and by when,
and a QR code the registrant can photograph. ctrl+p writes it to a file for a printer."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from rich.text import Text
from textual import work
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.widgets import Static

from outreach_tui.files import FileWriteError
from outreach_tui.reports.receipt import (
    Receipt,
    build_receipt,
    qr_rows,
    receipt_lines,
    write_pdf,
    write_text,
)
from outreach_tui.store.time_zones import load_zones
from outreach_tui.tui.screens.base import BoothScreen
from outreach_tui.tui.widgets.booth_footer import BoothFooter
from outreach_tui.tui.widgets.booth_header import BoothHeader

REUSED = "booth-receipt"  # the installed receipt screen the registration form shows


@dataclass
class ReceiptLoaded(Message):
    receipt: Receipt


@dataclass
class ReceiptWritten(Message):
    paths: list[Path]


@dataclass
class ReceiptNotWritten(Message):
    reason: str  # one line, already in the booth's language


class ReceiptScreen(BoothScreen):
    BINDINGS = [
        Binding("enter", "new_registration", "Pendaftaran baru", id="new-registration"),
        Binding("escape", "new_registration", "Tutup", id="close", show=False),
        Binding("ctrl+t", "write_file", "Cetak ke berkas", id="print-receipt", priority=True),
    ]

    def __init__(self, owner_uuid: str, *, receipt: Receipt | None = None) -> None:
        super().__init__(id="receipt")
        self.owner_uuid = owner_uuid
        self.receipt = receipt  # already built by the save, or loaded on mount

    @classmethod
    def reuse(
        cls, app: App[Any], owner_uuid: str, *, receipt: Receipt | None = None
    ) -> ReceiptScreen:
        """The booth's one receipt screen for the registration form, shown for this owner.

        Built with the first save, installed, then updated for every next one: composing,
        styling and laying out a new screen was most of ctrl+s → receipt drawn (a bare
        app pays ≈ 30 ms for any new screen). A fresh one if it is still on the stack.
        """
        if not app.is_screen_installed(REUSED):
            screen = cls(owner_uuid, receipt=receipt)
            app.install_screen(screen, REUSED)
            return screen
        screen = cast(ReceiptScreen, app.get_screen(REUSED))
        if screen in app.screen_stack:
            return cls(owner_uuid, receipt=receipt)
        screen.owner_uuid, screen.receipt = owner_uuid, receipt
        if receipt is None:
            screen.query_one("#receipt-text", Static).update(Text(screen.t("home.loading")))
            screen.query_one("#receipt-qr", Static).update("")
            screen.load()
        else:
            screen.on_receipt_loaded(ReceiptLoaded(receipt))
        screen.query_one("#receipt-text-box", VerticalScroll).scroll_home(animate=False)
        return screen

    def compose(self) -> ComposeResult:
        # A receipt built by the save is drawn at once; otherwise it is loaded on mount.
        receipt = self.receipt
        yield BoothHeader(self.language)
        with Horizontal(id="receipt-body"):
            with VerticalScroll(id="receipt-text-box"):
                text = self._text(receipt) if receipt else Text(self.t("home.loading"))
                yield Static(text, id="receipt-text")
            yield Static(self._qr(receipt) if receipt else "", id="receipt-qr")
        yield BoothFooter(compact=True)

    def on_mount(self) -> None:
        super().on_mount()
        if self.receipt is None:
            self.load()

    @work(thread=True, exclusive=True, group="receipt")
    def load(self) -> None:
        store = self.booth.store
        owner = store.registrations.get(self.owner_uuid)
        if owner is None:
            return
        # The zone of the owner's own event: a reprint of another event's owner keeps the
        # day it was filed under.
        zone_name = load_zones(store.database).for_event_id(owner.get("event_id"))
        workers = store.registrations.workers_of(self.owner_uuid)
        self.post_message(ReceiptLoaded(build_receipt(owner, workers, zone_name=zone_name)))

    def on_receipt_loaded(self, message: ReceiptLoaded) -> None:
        self.receipt = message.receipt
        self.query_one("#receipt-text", Static).update(self._text(message.receipt))
        self.query_one("#receipt-qr", Static).update(self._qr(message.receipt))

    def _text(self, receipt: Receipt) -> Text:
        lines = receipt_lines(receipt, self.language)
        text = Text()
        text.append(lines[0] + "\n", style="bold")
        reference = self.t("receipt.reference", reference=receipt.owner.reference_no)
        for line in lines[1:]:
            text.append(line + "\n", style="bold reverse" if line == reference else "")
        text.append("\n" + self.t("receipt.next"), style="bold green")
        return text

    def _qr(self, receipt: Receipt) -> Text:
        rows = qr_rows(receipt.qr_payload, light_on_dark=self.app.current_theme.dark)
        return Text("\n".join(rows), no_wrap=True)

    def action_new_registration(self) -> None:
        self.dismiss(None)

    def action_write_file(self) -> None:
        if self.receipt is not None:
            self.write_files(self.receipt)

    @work(thread=True, group="receipt-file")
    def write_files(self, receipt: Receipt) -> None:
        folder = self.booth.store.path.parent / "receipts"
        stem = receipt.owner.reference_no
        try:  # through outreach_tui.files: never onto a device or a symlink, nothing partial
            paths = [
                write_text(receipt, folder / f"{stem}.txt", self.language),
                write_pdf(receipt, folder / f"{stem}.pdf", self.language),
            ]
        except FileWriteError as exc:  # a full disk, a link put there: one line, no crash
            self.post_message(ReceiptNotWritten(exc.message(self.language)))
            return
        self.post_message(ReceiptWritten(paths))

    def on_receipt_written(self, message: ReceiptWritten) -> None:
        self.notify(self.t("receipt.written", path=str(message.paths[-1].parent)))

    def on_receipt_not_written(self, message: ReceiptNotWritten) -> None:
        self.notify(message.reason, severity="error")
