"""The booth app: one Textual app, one mode per job at the booth.

Modes: register (default), benefits, leads, records. Every screen shows the booth header
(officer, event, today's count, waiting for sync) and its keys in the footer. Store calls
run in thread workers; results come back as messages.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from textual import work
from textual.app import App
from textual.binding import Binding
from textual.reactive import reactive

from outreach_tui.i18n import t
from outreach_tui.store import Store
from outreach_tui.store.queries import BoothStatus
from outreach_tui.tui.clock import local_day_bounds
from outreach_tui.tui.commands import BoothCommands
from outreach_tui.tui.keys import localize_bindings
from outreach_tui.tui.messages import BoothChanged, BoothStatusLoaded, RegistrationPrefilled
from outreach_tui.tui.screens.benefits import BenefitsScreen
from outreach_tui.tui.screens.leads import LeadScreen
from outreach_tui.tui.screens.records import RecordsScreen
from outreach_tui.tui.screens.registration import RegistrationScreen
from outreach_tui.tui.screens.setup import StartOfDayScreen

STYLES = Path(__file__).parent / "styles"


class OutreachApp(App[None]):
    # Absolute, so subclasses defined elsewhere (benchmarks, tests) find the sheets too.
    CSS_PATH = [
        STYLES / name
        for name in ("app.tcss", "forms.tcss", "screens.tcss", "booth.tcss", "records.tcss")
    ]
    COMMANDS = App.COMMANDS | {BoothCommands}
    BINDINGS = [
        Binding("f2", "switch_mode('register')", "Daftar", id="mode-register"),
        Binding("f3", "switch_mode('benefits')", "Manfaat", id="mode-benefits"),
        Binding("f4", "switch_mode('leads')", "Calon", id="mode-leads"),
        Binding("f5", "switch_mode('records')", "Data", id="mode-records"),
        Binding("ctrl+o", "start_of_day", "Petugas/acara", id="start-of-day", show=False),
        Binding("ctrl+q", "quit", "Keluar", id="quit", priority=True),
    ]

    MODES = {
        "register": RegistrationScreen,
        "benefits": BenefitsScreen,
        "leads": LeadScreen,
        "records": RecordsScreen,
    }
    DEFAULT_MODE = "register"

    status: reactive[BoothStatus | None] = reactive(None)

    def __init__(
        self,
        store: Store,
        *,
        language: str = "id",
        today: Callable[[], date] = date.today,
        ask_start_of_day: bool = True,
    ) -> None:
        super().__init__()
        self.store = store
        self.language = language
        self.today = today
        self.ask_start_of_day = ask_start_of_day
        self.title = t("app.title", language)
        localize_bindings(self, language)

    def t(self, key: str, **params: object) -> str:
        return t(key, self.language, **params)

    def on_mount(self) -> None:
        self.refresh_status()
        if self.ask_start_of_day:
            self.action_start_of_day()

    def action_start_of_day(self) -> None:
        self.push_screen(StartOfDayScreen())

    def on_booth_changed(self, _: BoothChanged) -> None:
        self.refresh_status()

    @work(thread=True, exclusive=True, group="status")
    def refresh_status(self) -> None:
        start, end = local_day_bounds(self.today())
        status = self.store.queries.status(day_start_utc=start, day_end_utc=end)
        self.post_message(BoothStatusLoaded(status))

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
            form.prefill(
                sector=message.sector, declared_income=message.declared_income, jht=message.jht
            )
