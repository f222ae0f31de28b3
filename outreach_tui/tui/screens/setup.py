"""Start of day: pick the officer and the event (remembered from last time).

When the officer signed in with a PIN (a shared laptop), the officer is the one signed in:
only the event is chosen here; another officer signs in through the lock (ctrl+l).

Events running today are listed first; an event that has ended or not yet started is
said so under the list, and ctrl+n creates a new one here (a market day nobody set up)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Static

from outreach_tui.domain import events as event_rules
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


@dataclass
class EventCreated(Message):
    event_id: str | None
    text: str


def _day(value: str) -> date:
    return date.fromisoformat(value)


class StartOfDayScreen(ModalScreen[None]):
    BINDINGS = [
        Binding("ctrl+s", "start", "Mulai", id="start-day", priority=True),
        Binding("ctrl+n", "new_event", "Acara baru", id="new-event", priority=True),
        Binding("escape", "dismiss_if_set", "Tutup", id="close"),
    ]

    def __init__(self) -> None:
        super().__init__(id="start-of-day")
        self._remembered = False
        self._loaded = False
        self._start_when_loaded = False  # ctrl+s came before the choices did
        self.events: dict[str, dict[str, Any]] = {}
        self.officers: dict[str, dict[str, Any]] = {}
        self._select_event: str | None = None  # an event just created, to pick once loaded

    @property
    def today(self) -> date:
        today = getattr(self.app, "today", None)
        return today() if today is not None else date.today()

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
        today = self.today
        self.officers = {o["code"]: o for o in message.officers}
        ordered = sorted(
            message.events,
            key=lambda e: event_rules.order_key(_day(e["starts_on"]), _day(e["ends_on"]), today),
        )
        self.events = {e["id"]: e for e in ordered}
        officer.set_options((f"{o['code']} — {o['name']}", o["code"]) for o in message.officers)
        event.set_options(
            (f"{e['name']} ({_day(e['starts_on']):%d-%m-%Y} – {_day(e['ends_on']):%d-%m-%Y})",
             e["id"]) for e in ordered
        )  # fmt: skip
        codes = {o["code"] for o in message.officers}
        ids = set(self.events)
        if message.officer_code in codes:
            officer.value = message.officer_code
        if self._select_event in ids:
            message.event_id, self._select_event = self._select_event, None
        if message.event_id in ids:
            event.value = message.event_id
        self._remembered = message.officer_code in codes and message.event_id in ids
        officer.disabled = signed_in is not None and signed_in in codes
        if not message.officers:
            self.query_one("#start-hint", Static).update(t("start.run_init", lang))
        else:
            self._event_hint()
        self.query_one("#start-go", Button).focus()
        self._loaded = True
        if self._start_when_loaded:
            self.action_start()

    @on(Choice.Changed, "#start-event")
    def _event_hint(self) -> None:
        """Say whether the chosen event runs today (an ended one is still allowed: a late
        entry), and how to make a new one."""
        chosen = self.query_one("#start-event", Choice).selection
        hint = self.query_one("#start-hint", Static)
        event = self.events.get(chosen) if chosen else None
        if event is None:
            hint.update("" if self.events else t("event.none", self.language))
            hint.remove_class("-running")
            return
        starts, ends = _day(event["starts_on"]), _day(event["ends_on"])
        state = event_rules.status(starts, ends, self.today)
        day = f"{starts if state == 'upcoming' else ends:%d-%m-%Y}"
        hint.update(t(f"event.{state}", self.language, day=day))
        hint.set_class(state == "running", "-running")

    def action_new_event(self) -> None:
        from outreach_tui.tui.dialogs.new_event import NewEventDialog

        if not self._loaded:
            return
        officer = self.query_one("#start-officer", Choice).selection
        chosen = self.query_one("#start-event", Choice).selection
        city = (self.events.get(chosen) or {}).get("city") if chosen else None
        branch = (self.officers.get(officer) or {}).get("branch_code") if officer else None

        def created(answer: tuple[event_rules.NewEvent, str] | None) -> None:
            if answer is not None:
                self.create_event(*answer, branch)

        self.app.push_screen(
            NewEventDialog(today=self.today, city=city or "",
                           taken={e["code"] for e in self.events.values()},
                           language=self.language),
            created,
        )  # fmt: skip

    @work(thread=True, group="start-of-day-save")
    def create_event(self, event: event_rules.NewEvent, code: str, branch: str | None) -> None:
        from outreach_tui.store.setup import EventTargets

        store = self.app.store  # type: ignore[attr-defined]
        try:
            event_id = store.setup.create_event(
                code=code, name=event.name, starts_on=event.starts_on, ends_on=event.ends_on,
                venue=event.venue, city=event.city, branch_code=branch,
                targets=EventTargets(registrations=event.target_registrations),
            )  # fmt: skip
        except Exception as exc:  # a locked or full disk as well: nothing created
            from outreach_tui.tui.save_problem import save_problem

            reason = save_problem(exc, self.language)
            self.post_message(EventCreated(None, t("event.new.failed", self.language,
                                                   reason=reason)))  # fmt: skip
            return
        self.post_message(EventCreated(event_id, t("event.new.created", self.language,
                                                   name=event.name)))  # fmt: skip

    def on_event_created(self, message: EventCreated) -> None:
        self.app.notify(message.text, severity="information" if message.event_id else "error")
        if message.event_id is not None:
            self._select_event = message.event_id
            self.load_choices()

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
        event = self.events.get(message.event_id)
        if (
            event is not None
            and event_rules.status(_day(event["starts_on"]), _day(event["ends_on"]), self.today)
            != "running"
        ):
            self.app.notify(t("event.started_not_running", self.language, name=event["name"]),
                            severity="warning")  # fmt: skip
        self.dismiss(None)

    def action_dismiss_if_set(self) -> None:
        if self._remembered:
            self.dismiss(None)
