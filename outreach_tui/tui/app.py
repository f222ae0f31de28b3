"""The booth app. This issue's screen is a status home; booth screens build on it."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from textual import work
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Footer, Header, Static

from outreach_tui.i18n import t
from outreach_tui.store import Store
from outreach_tui.tui.messages import BoothStatusLoaded


def local_day_bounds(day: date) -> tuple[str, str]:
    """UTC ISO bounds of a local calendar day (storage is UTC, the booth thinks locally)."""
    start = datetime.combine(day, time.min).astimezone()
    end = start + timedelta(days=1)

    def iso(moment: datetime) -> str:
        return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")

    return iso(start), iso(end)


class OutreachApp(App[None]):
    CSS_PATH = "styles/app.tcss"
    BINDINGS = [
        Binding("ctrl+q", "quit", "Keluar", id="quit", priority=True),
    ]

    def __init__(self, store: Store, *, language: str = "id") -> None:
        super().__init__()
        self.store = store
        self.language = language
        self.title = t("app.title", language)

    def compose(self) -> ComposeResult:
        yield Header(show_clock=True)
        with Vertical(id="home"):
            yield Static(t("home.loading", self.language), id="booth-status")
            yield Static(t("home.hint", self.language), id="home-hint")
        yield Footer()

    def on_mount(self) -> None:
        self.load_status()

    @work(thread=True, exclusive=True, group="status")
    def load_status(self) -> None:
        store = self.store
        officer = store.settings.get("officer_code")
        event_id = store.settings.get("event_id")
        event = store.setup.event(event_id) if event_id else None
        start, end = local_day_bounds(date.today())
        owners, workers = store.registrations.count_created_between(start, end)
        self.post_message(
            BoothStatusLoaded(
                officer=officer,
                event=event["name"] if event else None,
                today_owners=owners,
                today_workers=workers,
                summary=store.summary(),
            )
        )

    def on_booth_status_loaded(self, message: BoothStatusLoaded) -> None:
        lang = self.language
        self.sub_title = " · ".join(filter(None, [message.officer, message.event])) or t(
            "home.not_set_up", lang
        )
        s = message.summary
        lines = [
            t("home.officer", lang, officer=message.officer or "—"),
            t("home.event", lang, event=message.event or "—"),
            t("home.today", lang, owners=message.today_owners, workers=message.today_workers),
            t("home.totals", lang, owners=s.owners, workers=s.workers, leads=s.leads),
            t("home.pending", lang, pending=s.pending_sync),
        ]
        if message.officer is None:
            lines.append("")
            lines.append(t("home.run_init", lang))
        self.query_one("#booth-status", Static).update("\n".join(lines))
