"""Start of day: pick the officer and the event (remembered from last time).

When the officer signed in with a PIN (a shared laptop), the officer is the one signed in:
only the event is chosen here; another officer signs in through the lock (ctrl+l)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Static

from outreach_tui.i18n import t
from outreach_tui.tui.keys import localize_bindings
from outreach_tui.tui.messages import BoothChanged
from outreach_tui.tui.widgets.choice import Choice


@dataclass
class ChoicesLoaded(Message):
    officers: list[dict[str, Any]]
    events: list[dict[str, Any]]
    officer_code: str | None
    event_id: str | None


@dataclass
class ChoiceSaved(Message):
    officer_code: str
    event_id: str


class StartOfDayScreen(ModalScreen[None]):
    BINDINGS = [
        Binding("ctrl+s", "start", "Mulai", id="start-day", priority=True),
        Binding("escape", "dismiss_if_set", "Tutup", id="close"),
    ]

    def __init__(self) -> None:
        super().__init__(id="start-of-day")
        self._remembered = False
        self._loaded = False
        self._start_when_loaded = False  # ctrl+s came before the choices did

    @property
    def language(self) -> str:
        return getattr(self.app, "language", "id")

    def compose(self) -> ComposeResult:
        lang = self.language
        with Vertical(id="start-of-day-box"):
            yield Label(t("start.title", lang), id="start-title")
            yield Label(t("start.officer", lang))
            yield Choice[str]([], id="start-officer", prompt=t("start.choose", lang),
                              title=t("start.officer", lang))  # fmt: skip
            yield Label(t("start.event", lang))
            yield Choice[str]([], id="start-event", prompt=t("start.choose", lang),
                              title=t("start.event", lang))  # fmt: skip
            yield Static("", id="start-hint")
            yield Button(t("start.go", lang), id="start-go", variant="primary")

    def on_mount(self) -> None:
        localize_bindings(self, self.language)
        self.refresh_bindings()
        self.load_choices()

    @work(thread=True, exclusive=True, group="start-of-day")
    def load_choices(self) -> None:
        store = self.app.store  # type: ignore[attr-defined]
        self.post_message(
            ChoicesLoaded(
                officers=store.setup.officers(),
                events=store.setup.events(),
                officer_code=store.settings.get("officer_code"),
                event_id=store.settings.get("event_id"),
            )
        )

    def on_choices_loaded(self, message: ChoicesLoaded) -> None:
        lang = self.language
        signed_in = getattr(self.app, "signed_in", None)
        if signed_in is not None:
            message.officer_code = signed_in
        officer = self.query_one("#start-officer", Choice)
        event = self.query_one("#start-event", Choice)
        officer.set_options((f"{o['code']} — {o['name']}", o["code"]) for o in message.officers)
        event.set_options(
            (f"{e['name']} ({e['starts_on']} – {e['ends_on']})", e["id"]) for e in message.events
        )
        codes = {o["code"] for o in message.officers}
        ids = {e["id"] for e in message.events}
        if message.officer_code in codes:
            officer.value = message.officer_code
        if message.event_id in ids:
            event.value = message.event_id
        self._remembered = message.officer_code in codes and message.event_id in ids
        officer.disabled = signed_in is not None and signed_in in codes
        if not message.officers or not message.events:
            self.query_one("#start-hint", Static).update(t("start.run_init", lang))
        self.query_one("#start-go", Button).focus()
        self._loaded = True
        if self._start_when_loaded:
            self.action_start()

    @on(Button.Pressed, "#start-go")
    def _pressed(self) -> None:
        self.action_start()

    def action_start(self) -> None:
        if not self._loaded:
            # A quick officer: start as soon as the remembered choices are in.
            self._start_when_loaded = True
            return
        officer = self.query_one("#start-officer", Choice).selection
        event = self.query_one("#start-event", Choice).selection
        if officer is None or event is None:
            self.query_one("#start-hint", Static).update(t("start.pick_both", self.language))
            return
        self.save_choice(officer, event)

    @work(thread=True, group="start-of-day-save")
    def save_choice(self, officer_code: str, event_id: str) -> None:
        store = self.app.store  # type: ignore[attr-defined]
        store.settings.set("officer_code", officer_code)
        store.settings.set("event_id", event_id)
        self.post_message(ChoiceSaved(officer_code, event_id))

    def on_choice_saved(self, message: ChoiceSaved) -> None:
        self.app.post_message(BoothChanged(message.officer_code, message.event_id))
        self.dismiss(None)

    def action_dismiss_if_set(self) -> None:
        if self._remembered:
            self.dismiss(None)
