"""A scrolling form whose fields are labelled in its own left margin.

Kept lean on purpose: a booth form has a dozen fields, and every widget costs start-up
time (styling, layout, its message task), a container most of all. So a field is just
its control, indented by the label column; the form draws each label beside its control
itself, and mounts a field's problem line under it the first time there is one to show.
"""

from __future__ import annotations

from collections.abc import Iterable

from rich.segment import Segment
from rich.text import Text
from textual.containers import VerticalScroll
from textual.geometry import Region
from textual.strip import Strip
from textual.widget import Widget

from outreach_tui.domain.problems import Problem, Severity
from outreach_tui.tui.widgets.field_input import FieldInput, too_long

__all__ = ["FieldForm", "FieldInput", "ProblemLine"]  # a form and its text field
LABEL_WIDTH = 22  # columns left of the controls, the last one a gap


class FieldForm(VerticalScroll):
    COMPONENT_CLASSES = {"field-form--label", "field-form--label-error"}
    DEFAULT_CSS = """
    FieldForm > .field-control {
        width: 1fr;
        margin-left: 22;
    }
    FieldForm > .field-problem {
        margin-left: 22;
        height: auto;
    }
    FieldForm > .field-problem.-error {
        color: $error;
    }
    FieldForm > .field-problem.-warning {
        color: $warning;
    }
    FieldForm > .field-form--label {
        color: $text-muted;
    }
    FieldForm > .field-form--label-error {
        color: $error;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.controls: dict[str, Widget] = {}  # field -> its control, in form order
        self.labels: dict[str, str] = {}
        self._problems: dict[str, ProblemLine] = {}
        self._errors: set[str] = set()
        self._label_rows: dict[int, str] = {}  # virtual row -> field, for this repaint

    def labelled(self, control: Widget, label: str, *, field: str) -> Widget:
        """`control` as the form's field `field`, shown with `label` (yield the result)."""
        control.add_class("field-control")
        self.controls[field] = control
        self.labels[field] = label
        return control

    def set_field_display(self, field: str, shown: bool) -> None:
        self.controls[field].display = shown
        if field in self._problems:
            self._problems[field].display = shown and bool(self._problems[field].text)
        self._relabel()

    def show(self, field: str, problems: Iterable[Problem], language: str) -> None:
        """Mark `field` with its problems (errors first, at most two), or clear it."""
        problems = list(problems)
        errors = [p for p in problems if p.severity is Severity.ERROR]
        shown = errors or problems
        line = self._problems.get(field)
        if not shown and line is None:
            return  # nothing to show, and nothing shown before
        text = Text()
        for index, problem in enumerate(shown[:2]):
            if index:
                text.append("\n")
            text.append(("✗ " if problem in errors else "! ") + problem.message(language))
        if (field in self._errors) != bool(errors):
            self._errors.symmetric_difference_update({field})
            self.refresh()  # the label's colour
        if line is None:
            line = self._problems[field] = ProblemLine(
                text, id=f"problem-{field.replace('_', '-')}"
            )
            self.mount(line, after=self.controls[field])
            self._relabel()
        elif line.update(text):
            self._relabel()
        line.set_class(bool(errors), "-error")
        line.set_class(not errors and bool(shown), "-warning")
        display = bool(shown) and bool(self.controls[field].display)
        if line.display != display:
            line.display = display
            self._relabel()

    def on_field_input_paste_too_long(self, message: FieldInput.PasteTooLong) -> None:
        """A refused paste is said under its field in the words typing too much gets; the
        field's next check (its next change) replaces it."""
        for field, control in self.controls.items():
            if control is message.input:
                message.stop()
                language = getattr(self.app, "language", "id")
                self.show(field, [too_long(field, message.input, message.length)], language)
                return

    def _relabel(self) -> None:
        # The controls move once the layout has run; draw the labels where they land.
        self.call_after_refresh(self.refresh)

    def on_resize(self) -> None:
        self.refresh()  # its content grew or shrank: the controls below it have moved

    def on_disclosure_toggled(self) -> None:
        self._relabel()  # a text opened or closed between two fields

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        self.refresh()  # the labels scroll with their controls

    def render_lines(self, crop: Region) -> list[Strip]:
        self._label_rows = {}
        for field, control in self.controls.items():
            if control.display:
                self._label_rows[control.virtual_region.y] = field
        return super().render_lines(crop)

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        base = self.visual_style.rich_style
        field = self._label_rows.get(y + round(self.scroll_y))
        if field is None:
            return Strip.blank(width, base)
        style = self.get_component_rich_style(
            "field-form--label-error" if field in self._errors else "field-form--label"
        )
        label = self.labels[field][: LABEL_WIDTH - 1].rjust(LABEL_WIDTH - 1)
        rest = max(width - len(label), 0)
        return Strip([Segment(label, base + style), Segment(" " * rest, base)], width)


class ProblemLine(Widget):
    """The reason under a field. Typing changes it often; only a change in its number of
    lines needs a layout of the screen, any other change just repaints it."""

    DEFAULT_CSS = """
    ProblemLine {
        height: auto;
    }
    """

    def __init__(self, text: Text, *, id: str | None = None) -> None:
        super().__init__(id=id, classes="field-problem")
        self.text = text

    def _lines(self) -> int:
        width = self.content_region.width
        return len(self.text.wrap(self.app.console, width)) if width > 0 else -1

    def update(self, text: Text) -> bool:
        """Show `text`; True when its height changed (the form below it moves)."""
        if text == self.text:
            return False
        before = self._lines()
        self.text = text
        moved = self._lines() != before
        self.refresh(layout=moved)
        return moved

    def render(self) -> Text:
        return self.text
