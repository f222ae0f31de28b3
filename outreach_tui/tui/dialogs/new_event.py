"""A new event from the start of day: a market day nobody set up with `outreach init`.

Returns the validated ``NewEvent``, or None when the officer backs out. The code is made
from the name and first day (shown as it will be saved); the caller creates the event.
"""

from __future__ import annotations

from datetime import date

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Footer, Input, Label, Static

from outreach_tui.domain import events
from outreach_tui.domain.typed_input import parse_date
from outreach_tui.tui.dialogs.answer_dialog import CANCEL_BINDING, AnswerDialog

FIELDS = ("name", "venue", "city", "starts", "ends", "target")
LIMITS = {"name": 100, "venue": 100, "city": 60, "starts": 10, "ends": 10, "target": 7}
PROBLEM_FIELD = {"starts_on": "starts", "ends_on": "ends", "target_registrations": "target"}


class NewEventDialog(AnswerDialog[tuple[events.NewEvent, str] | None]):
    DEFAULT_CSS = """
    NewEventDialog {
        align: center middle;
    }
    NewEventDialog > VerticalScroll {
        width: 64;
        max-width: 95%;
        height: auto;
        max-height: 95%;
        border: thick $primary;
        background: $surface;
        padding: 0 2;
    }
    NewEventDialog #new-event-title {
        text-style: bold;
    }
    NewEventDialog #new-event-code {
        color: $text-muted;
    }
    """
    BINDINGS = [
        Binding("ctrl+s", "confirm", "Buat acara", id="new-event-save", priority=True),
        CANCEL_BINDING,
    ]

    def __init__(self, *, today: date, city: str, taken: set[str], language: str = "id") -> None:
        super().__init__(id="new-event", language=language)
        self.today = today
        self.city = city
        self.taken = taken

    def compose(self) -> ComposeResult:
        defaults = {"city": self.city, "starts": f"{self.today:%d-%m-%Y}",
                    "ends": f"{self.today:%d-%m-%Y}"}  # fmt: skip
        with VerticalScroll():
            yield Label(self.t("event.new.title"), id="new-event-title")
            for field in FIELDS:
                yield Label(self.t(f"event.new.{field}"))
                yield Input(
                    defaults.get(field, ""), id=f"new-event-{field}", compact=True,
                    max_length=LIMITS[field],
                    restrict=r"[0-9\-/.]*" if field in ("starts", "ends", "target") else None,
                )  # fmt: skip
                yield Static("", id=f"new-event-problem-{field}", classes="answer-problem")
            yield Static("", id="new-event-code")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#new-event-name", Input).focus()
        self._show_code()

    def value(self, field: str) -> str:
        return self.query_one(f"#new-event-{field}", Input).value

    def code(self) -> str:
        starts = parse_date(self.value("starts")) or self.today
        return events.code_for(self.value("name"), starts, self.taken)

    @on(Input.Changed)
    def _show_code(self) -> None:
        self.query_one("#new-event-code", Static).update(self.t("event.new.code", code=self.code()))

    def action_confirm(self) -> None:
        event, problems = events.validate_new_event(**{f: self.value(f) for f in FIELDS})
        for field in FIELDS:
            self.query_one(f"#new-event-problem-{field}", Static).update("")
        if event is None:
            for problem in problems:
                field = PROBLEM_FIELD.get(problem.field, problem.field)
                self.query_one(f"#new-event-problem-{field}", Static).update(
                    problem.message(self.language)
                )
            first = PROBLEM_FIELD.get(problems[0].field, problems[0].field)
            self.query_one(f"#new-event-{first}", Input).focus()
            return
        self.dismiss((event, self.code()))
