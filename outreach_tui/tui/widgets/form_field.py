"""A labelled form field with its problems shown right under it.

Kept lean on purpose: a form has a dozen or more of these, and every widget costs start-up
time (styling, layout, its message task). So the field draws its own label in the left
margin of its control instead of holding a Label widget, and the problem line is mounted
the first time there is a problem to show.
"""

from __future__ import annotations

from collections.abc import Iterable

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widget import Widget

from outreach_tui.domain.problems import Problem, Severity

LABEL_WIDTH = 22  # columns left of the control, the last one a gap


class FormField(Vertical):
    """Wraps one input widget; `show(problems)` marks it invalid with the reason."""

    COMPONENT_CLASSES = {"form-field--label"}
    DEFAULT_CSS = """
    FormField {
        height: auto;
    }
    FormField > * {
        width: 1fr;
        margin-left: 22;
    }
    FormField > .form-field--label {
        color: $text-muted;
    }
    FormField.-error > .form-field--label {
        color: $error;
    }
    FormField > .field-problem {
        height: auto;
    }
    FormField.-error > .field-problem {
        color: $error;
    }
    FormField.-warning > .field-problem {
        color: $warning;
    }
    """

    def __init__(self, label: str, widget: Widget, *, field: str, id: str | None = None) -> None:
        super().__init__(id=id or f"field-{field.replace('_', '-')}")
        self.field = field
        self.label = label
        self.widget = widget
        self._problem: ProblemLine | None = None

    def compose(self) -> ComposeResult:
        yield self.widget

    def render(self) -> Text:
        # The children sit right of the margin, so this first line shows only there.
        label = self.label[: LABEL_WIDTH - 1].rjust(LABEL_WIDTH - 1)
        return Text(label, style=self.get_component_rich_style("form-field--label"),
                    no_wrap=True, end="")  # fmt: skip

    def show(self, problems: Iterable[Problem], language: str) -> None:
        problems = list(problems)
        errors = [p for p in problems if p.severity is Severity.ERROR]
        shown = errors or problems
        if not shown and self._problem is None:
            return  # nothing to show, and nothing shown before
        self.set_class(bool(errors), "-error")
        self.set_class(bool(shown) and not errors, "-warning")
        text = Text()
        for index, problem in enumerate(shown[:2]):
            if index:
                text.append("\n")
            text.append(("✗ " if problem in errors else "! ") + problem.message(language))
        if self._problem is None:
            self._problem = ProblemLine(text, classes="field-problem")
            self.mount(self._problem)
        else:
            self._problem.update(text)
            self._problem.display = bool(shown)


class ProblemLine(Widget):
    """The reason under a field. Typing changes it often; only a change in its number of
    lines needs a layout of the screen, any other change just repaints it."""

    DEFAULT_CSS = """
    ProblemLine {
        height: auto;
    }
    """

    def __init__(self, text: Text, *, classes: str) -> None:
        super().__init__(classes=classes)
        self.text = text

    def _lines(self) -> int:
        width = self.content_region.width
        return len(self.text.wrap(self.app.console, width)) if width > 0 else -1

    def update(self, text: Text) -> None:
        if text == self.text:
            return
        before = self._lines()
        self.text = text
        self.refresh(layout=self._lines() != before)

    def render(self) -> Text:
        return self.text
