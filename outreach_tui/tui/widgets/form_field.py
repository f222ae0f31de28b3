"""A labelled form field with its problems shown right under it.

Kept lean on purpose: a form has a dozen or more of these, and every widget costs start-up
time (styling, layout, its message task). The label is docked left instead of sharing a
row container with the input, and the problem line is mounted the first time there is a
problem to show.
"""

from __future__ import annotations

from collections.abc import Iterable

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widget import Widget
from textual.widgets import Label, Static

from outreach_tui.domain.problems import Problem, Severity


class FormField(Vertical):
    """Wraps one input widget; `show(problems)` marks it invalid with the reason."""

    DEFAULT_CSS = """
    FormField {
        height: auto;
    }
    FormField > * {
        width: 1fr;
    }
    FormField > .field-label {
        dock: left;
        width: 22;
        color: $text-muted;
        padding: 0 1 0 0;
        text-align: right;
    }
    FormField > .field-problem {
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
    FormField.-error > .field-label {
        color: $error;
    }
    """

    def __init__(self, label: str, widget: Widget, *, field: str, id: str | None = None) -> None:
        super().__init__(id=id or f"field-{field.replace('_', '-')}")
        self.field = field
        self.label = label
        self.widget = widget
        self._problem: Static | None = None

    def compose(self) -> ComposeResult:
        yield Label(self.label, classes="field-label")
        yield self.widget

    def show(self, problems: Iterable[Problem], language: str) -> None:
        problems = list(problems)
        errors = [p for p in problems if p.severity is Severity.ERROR]
        shown = errors or problems
        if not shown and self._problem is None:
            return  # nothing to show, and nothing shown before
        self.set_class(bool(shown), "-has-problem")
        self.set_class(bool(errors), "-error")
        self.set_class(bool(shown) and not errors, "-warning")
        text = Text()
        for index, problem in enumerate(shown[:2]):
            if index:
                text.append("\n")
            text.append(("✗ " if problem in errors else "! ") + problem.message(language))
        if self._problem is None:
            self._problem = Static(text, classes="field-problem")
            self.mount(self._problem)
        else:
            self._problem.update(text)
