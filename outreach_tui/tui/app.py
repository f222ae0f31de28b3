"""The booth app: one Textual app, one mode per job at the booth.

Modes: register (default), benefits, leads, records, dashboard. Every screen shows the booth header
(officer, event, today's count, waiting for sync) and its keys in the footer. Store calls
run in thread workers (except the first status, read before any screen exists); results
come back as messages.

Shared laptops and encrypted files (lock.py, a mixin of the app): when any officer has a
PIN the booth opens on the sign-in and locks itself when idle; when the file is encrypted
and its key is not open, it opens on the passphrase first. Both cover everything as a mode
of their own, with the other modes' screens mounted underneath. Without PINs and without
encryption none of this loads.
"""

from __future__ import annotations

import gc
import sqlite3
import time
import weakref
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from textual import work
from textual.app import App
from textual.binding import Binding
from textual.message import Message
from textual.reactive import reactive

from outreach_tui.domain import localtime
from outreach_tui.i18n import t
from outreach_tui.store import Store, StoreError
from outreach_tui.store.queries import BoothStatus
from outreach_tui.tui.clock import local_day_bounds
from outreach_tui.tui.keys import KeyArrivals, localize_bindings
from outreach_tui.tui.lock import BoothLock
from outreach_tui.tui.messages import BoothChanged, BoothStatusLoaded, RegistrationPrefilled
from outreach_tui.tui.screens.base import STYLES
from outreach_tui.tui.screens.registration import RegistrationScreen

if TYPE_CHECKING:
    from textual.app import SystemCommand
    from textual.command import Provider
    from textual.screen import Screen
    from textual.widget import Widget

    from outreach_tui.reports.sources import ReportSource


# The form is the default mode; the other modes, the start-of-day dialog and the palette
# provider are imported when first opened, so start-up does not pay for their imports
# (Rich tables, the benefits tables, the command palette).
def _benefits_screen() -> Screen[Any]:
    from outreach_tui.tui.screens.benefits import BenefitsScreen

    return BenefitsScreen()


def _lead_screen() -> Screen[Any]:
    from outreach_tui.tui.screens.leads import LeadScreen

    return LeadScreen()


def _records_screen() -> Screen[Any]:
    from outreach_tui.tui.screens.records import RecordsScreen

    return RecordsScreen()


def _dashboard_screen() -> Screen[Any]:
    from outreach_tui.tui.screens.dashboard import DashboardScreen

    return DashboardScreen()


def _booth_commands() -> type[Provider]:
    from outreach_tui.tui.commands import BoothCommands

    return BoothCommands


@dataclass
class PurgeFinished(Message):
    """The start-up purge minimised old acknowledged records."""

    registrations: int
    leads: int
    days: int


class OutreachApp(KeyArrivals, BoothLock, App[None]):
    # Absolute, so subclasses defined elsewhere (benchmarks, tests) find the sheets too.
    # The form and what follows a save (workers, receipt) are styled from the start; the
    # other modes bring their own sheets (CSS_PATH on each screen), parsed when first opened.
    CSS_PATH = [STYLES / "app.tcss", STYLES / "forms.tcss", STYLES / "receipt.tcss"]
    COMMANDS = App.COMMANDS | {_booth_commands}
    BINDINGS = [
        Binding("f2", "switch_mode('register')", "Daftar", id="mode-register"),
        Binding("f3", "switch_mode('benefits')", "Manfaat", id="mode-benefits"),
        Binding("f4", "switch_mode('leads')", "Calon", id="mode-leads"),
        Binding("f5", "switch_mode('records')", "Data", id="mode-records"),
        Binding("f6", "switch_mode('dashboard')", "Dasbor", id="mode-dashboard"),
        Binding("ctrl+o", "start_of_day", "Petugas/acara", id="start-of-day", show=False),
        Binding("ctrl+l", "lock_now", "Kunci", id="lock-now", show=False, priority=True),
        Binding("ctrl+q", "quit", "Keluar", id="quit", priority=True),
    ]

    # The default mode, "register", is built by get_default_screen(), which also adds it to
    # the modes: Textual re-parses and re-applies the whole stylesheet when the first screen
    # built from MODES opens, which at start-up only repeated the work just done.
    MODES = {
        "benefits": _benefits_screen,
        "leads": _lead_screen,
        "records": _records_screen,
        "dashboard": _dashboard_screen,
    }
    DEFAULT_MODE = "register"

    status: reactive[BoothStatus | None] = reactive(None)
    signed_in: reactive[str | None] = reactive(None)  # officer code, once a PIN was given

    def __init__(
        self,
        store: Store,
        *,
        language: str = "id",
        today: Callable[[], date] | None = None,
        utc_clock: Callable[[], datetime] = localtime.utc_now,
        ask_start_of_day: bool = True,
        initial_mode: str | None = None,
        dashboard_source: ReportSource | None = None,
        auto_purge: bool = False,
        retention_days: int = 7,
        idle_lock_minutes: int = 5,
        idle_clock: Callable[[], float] = time.monotonic,
        idle_check_seconds: float = 15.0,
    ) -> None:
        """``dashboard_source``: the dashboard's figures (default: this file's tallies; a
        hub's dashboard is an app of its own, tui/hub_dashboard.py).

        ``auto_purge``: minimise records acknowledged more than ``retention_days`` ago, in a
        worker after the first paint. ``idle_lock_minutes`` (0: never) applies only when
        officers have PINs; ``idle_clock`` and ``idle_check_seconds`` let tests run it fast.
        """
        if initial_mode is not None and initial_mode != self.DEFAULT_MODE:
            # App.__init__ opens the first stack with it (Textual types it ClassVar, reads it
            # through self)
            self.DEFAULT_MODE = initial_mode  # type: ignore[misc]
        super().__init__()
        if initial_mode is not None and initial_mode != "register":
            self.add_mode("register", RegistrationScreen)  # get_default_screen never runs
        self.store = store
        self.dashboard_source = dashboard_source
        self.language = language
        # The booth day is the local date in the current event's zone (or the branch's),
        # whatever the laptop's clock zone; tests pass a fixed ``today``.
        self.time_zone = localtime.DEFAULT_ZONE
        self.utc_clock = utc_clock
        self.today: Callable[[], date] = today or self._zone_today
        self.ask_start_of_day = ask_start_of_day
        self.auto_purge = auto_purge
        self.retention_days = retention_days
        self._init_lock(idle_lock_minutes=idle_lock_minutes, idle_clock=idle_clock,
                        idle_check_seconds=idle_check_seconds)  # fmt: skip
        self.title = t("app.title", language)
        localize_bindings(self, language)
        # Forms that may hold typed input (registration, workers), in any mode's stack:
        # ctrl+q asks before losing them. They add themselves as they mount.
        self.forms: weakref.WeakSet[Any] = weakref.WeakSet()
        self._asking_to_quit = False

    def t(self, key: str, **params: object) -> str:
        return t(key, self.language, **params)

    def run(self, *args: Any, **kwargs: Any) -> None:
        """Run the booth (how the CLI starts it; tests use ``run_test``).

        Everything imported by now (Textual, Rich, the domain) lives as long as the process;
        ``gc.freeze()`` moves those objects out of the cyclic collector's way, so the
        collections that building the screens triggers, and every full collection later
        (a pause while the officer types), no longer walk them.
        """
        gc.freeze()
        return super().run(*args, **kwargs)

    def on_load(self) -> None:
        # The first status is read here, before any screen exists: a few indexed counts
        # (~2 ms on 100,000 rows) with nothing on screen to freeze yet, so the header is
        # right on the first paint. From a worker it arrived after the first paint (its
        # thread waits for the GIL while the form is built) and re-laid out the screen.
        # Every later refresh runs in the worker.
        status = self._read_status()
        self._remembered_officer = status.officer_code
        self.post_message(BoothStatusLoaded(status))
        # One indexed query; the sign-in screen itself is imported only when needed.
        from outreach_tui.store.officer_pins import pins_configured

        self.signin_required = pins_configured(self.store.database)
        # One settings row (store.crypto.SETTING, as Store reads it): the encryption
        # code is imported only when the file is encrypted.
        if self.store.settings.get("crypto") is not None:
            self.key_enabled = True
            self.key_required = not self.store.crypto.status().unlocked

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if self._locked_from is not None:
            return action in ("quit", "help_quit")  # locked: no modes, palette or dialogs
        return True

    def get_default_screen(self) -> Screen[Any]:
        # Called once, as the default mode starts; from now on F2 can switch back to it.
        self.add_mode("register", RegistrationScreen)
        return RegistrationScreen()

    def on_mount(self) -> None:
        if self.key_required:
            self.ask_passphrase()  # the rest of the start follows the passphrase
            return
        if self.signin_required:
            self.lock("start")  # start of day follows the sign-in
        elif self.ask_start_of_day:
            self.action_start_of_day()
        self.booth_opened()

    def booth_opened(self) -> None:
        """The file is open (unlocked if encrypted): start-up work that needs it."""
        if self.auto_purge:  # the purge also finishes a wipe a reader kept from finishing
            self.call_after_refresh(self.purge_in_background)
        else:
            self.call_after_refresh(self.finish_wipe_in_background)

    @work(thread=True, group="purge", exit_on_error=False)
    def finish_wipe_in_background(self) -> None:
        """Wipe what an earlier purge or ``encrypt enable`` left on disk (store/compaction.py)."""
        from outreach_tui.store import compaction

        try:
            if compaction.pending(self.store.database) is not None:
                compaction.finish(self.store.database, reason="booth_start")
        except (StoreError, sqlite3.Error):
            return  # the next start tries again

    async def action_open_callbacks(self) -> None:
        """The call-back list, on top of the leads form (from the palette)."""
        from outreach_tui.tui.screens.callbacks import CallbackScreen

        await self.switch_mode("leads")
        if not isinstance(self.screen, CallbackScreen):
            self.push_screen(CallbackScreen())

    def action_start_of_day(self) -> None:
        from outreach_tui.tui.screens.setup import StartOfDayScreen

        self.push_screen(StartOfDayScreen())

    # -- minimisation after sync ------------------------------------------------------------

    @work(thread=True, group="purge", exit_on_error=False)
    def purge_in_background(self) -> None:
        """Purge what the hub acknowledged more than ``retention_days`` ago (never anything
        unsynced); started after the first paint, the booth never waits for it."""
        try:
            report = self.store.purge(
                older_than_days=self.retention_days,
                officer_code=self.store.settings.get("officer_code"),
            )
        except (StoreError, sqlite3.Error):
            return  # locked encryption, a busy file: `outreach purge` or the next start
        if report.registrations or report.leads:
            self.post_message(
                PurgeFinished(report.registrations, report.leads, report.older_than_days)
            )

    def on_purge_finished(self, message: PurgeFinished) -> None:
        self.notify(
            self.t("privacy.auto_purge.booth", registrations=message.registrations,
                   leads=message.leads, days=message.days)
        )  # fmt: skip

    # -- the command palette: every entry and its prompt in the officer's language ----------

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        from outreach_tui.tui.commands import system_commands

        return system_commands(self, screen)

    def action_command_palette(self) -> None:
        from textual.command import CommandPalette

        from outreach_tui.tui.commands import command_palette

        # Textual types is_open(app: App[object]); App's type parameter is invariant, so
        # mypy refuses App[None] there although any app will do.
        if self.use_command_palette and not CommandPalette.is_open(self):  # type: ignore[arg-type]
            self.push_screen(command_palette(self.language))

    # -- quitting ------------------------------------------------------------------------------

    async def action_quit(self) -> None:
        """ctrl+q: quit at once when nothing typed would be lost; otherwise ask first
        (ctrl+q again, or the dialog's yes, quits). Forms kept as drafts are written
        before the booth ends and come back when it opens again (tui/drafts.py)."""
        from outreach_tui.tui.drafts import flush_all

        unsaved = [form for form in list(self.forms)
                   if form.is_attached and form.has_unsaved_input()]  # fmt: skip
        if not unsaved or self._asking_to_quit:
            flush_all(self.forms)
            await super().action_quit()
            return
        from outreach_tui.tui.dialogs.confirm import ConfirmDialog

        what = ", ".join(dict.fromkeys(form.unsaved_description() for form in unsaved))
        kept = all(getattr(form, "drafts", None) is not None for form in unsaved)
        body = self.t("draft.quit_body" if kept else "unsaved.quit_body", what=what)
        self._asking_to_quit = True

        async def answered(leave: bool | None) -> None:
            self._asking_to_quit = False
            if leave:
                flush_all(self.forms)
                await super(OutreachApp, self).action_quit()

        self.push_screen(
            ConfirmDialog(self.t("unsaved.quit_title"), body,
                          confirm=self.t("unsaved.quit_yes"), cancel=self.t("unsaved.stay")),
            answered,
        )  # fmt: skip

    def on_booth_changed(self, _: BoothChanged) -> None:
        self.refresh_status()

    @work(thread=True, exclusive=True, group="status")
    def refresh_status(self) -> None:
        self.post_message(BoothStatusLoaded(self._read_status()))

    # -- what the dashboard reads (tui/screens/dashboard.py's DashboardHost) -----------------

    def report_source(self) -> ReportSource:
        if self.dashboard_source is not None:
            return self.dashboard_source
        from outreach_tui.store.tallies import LaptopTallies

        return LaptopTallies(self.store.database)

    def dashboard_header(self) -> Widget:
        from outreach_tui.tui.widgets.booth_header import BoothHeader

        return BoothHeader(self.language)

    def _zone_today(self) -> date:
        return localtime.today(self.time_zone, self.utc_clock())

    def _read_status(self) -> BoothStatus:
        from outreach_tui.store.time_zones import load_zones

        self.time_zone = load_zones(self.store.database).current
        start, end = local_day_bounds(self.today(), self.time_zone)
        return self.store.queries.status(day_start_utc=start, day_end_utc=end)

    def on_booth_status_loaded(self, message: BoothStatusLoaded) -> None:
        self.status = message.status
        self.sub_title = " · ".join(
            filter(None, [message.status.officer_code, message.status.event_name])
        )

    async def on_registration_prefilled(self, message: RegistrationPrefilled) -> None:
        """The benefits explainer hands its choices to the registration form."""
        await self.switch_mode("register")
        form = next(
            (s for s in reversed(self.screen_stack)
             if isinstance(s, RegistrationScreen) and s.edit_row is None),
            None,
        )  # fmt: skip
        if form is not None:
            # A receipt or workers screen left on top would hide the filled form.
            while self.screen is not form and len(self.screen_stack) > 1:
                self.pop_screen()
            if message.lead is not None:
                form.prefill_lead(message.lead)
            form.prefill(
                sector=message.sector, declared_income=message.declared_income, jht=message.jht
            )
