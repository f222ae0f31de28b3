"""A labelled form field with its problems shown right under it."""

from __future__ import annotations

from collections.abc import Iterable

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widget import Widget
from textual.widgets import Label, Static

from outreach_tui.domain.problems import Problem, Severity


class FormField(Vertical):
    """Wraps one input widget; `show(problems)` marks it invalid with the reason."""

    DEFAULT_CSS = """
    FormField {
        height: auto;
    }
    FormField > .field-row {
        height: auto;
    }
    FormField .field-label {
        color: $text-muted;
        width: 22;
        padding: 0 1 0 0;
        text-align: right;
    }
    FormField .field-row > * {
        width: 1fr;
    }
    FormField .field-row > .field-label {
        width: 22;
    }
    FormField > .field-problem {
        padding: 0 0 0 22;
        height: auto;
        display: none;
    }
    FormField.-has-problem > .field-problem {
        display: block;
    }
    FormField.-error > .field-problem {
        color: $error;
    }
    FormField.-warning > .field-problem {
        color: $warning;
    }
    FormField.-error .field-label {
        color: $error;
    }
    """

    def __init__(self, label: str, widget: Widget, *, field: str, id: str | None = None) -> None:
        super().__init__(id=id or f"field-{field.replace('_', '-')}")
        self.field = field
        self.label = label
        self.widget = widget

    def compose(self) -> ComposeResult:
        with Horizontal(classes="field-row"):
            yield Label(self.label, classes="field-label")
            yield self.widget
        yield Static("", classes="field-problem")

    def show(self, problems: Iterable[Problem], language: str) -> None:
        problems = list(problems)
        errors = [p for p in problems if p.severity is Severity.ERROR]
        shown = errors or problems
        self.set_class(bool(shown), "-has-problem")
        self.set_class(bool(errors), "-error")
        self.set_class(bool(shown) and not errors, "-warning")
        text = Text()
        for index, problem in enumerate(shown[:2]):
            if index:
                text.append("\n")
            text.append(("✗ " if problem in errors else "! ") + problem.message(language))
        self.query_one(".field-problem", Static).update(text)
