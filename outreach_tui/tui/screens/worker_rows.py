"""One row of the workers' table: its cells (NIK, name, phone, income and the worker's
consent), what the screen keeps about it, and the line under it: what the NIK says (sex,
birth date), then the row's errors, warnings and a possible earlier registration.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Label, Static

from outreach_tui.domain.problems import Problem, Severity
from outreach_tui.tui.keys import MOVES_ON_TICK
from outreach_tui.tui.widgets.compact import compact
from outreach_tui.tui.widgets.field_input import FieldInput
from outreach_tui.tui.widgets.tick_box import TickBox

if TYPE_CHECKING:
    from datetime import date

    from outreach_tui.tui.duplicates import DuplicateHit
    from outreach_tui.tui.screens.base import BoothScreen

COLUMNS = ("nik", "full_name", "phone", "declared_income")
# No birth-date column: a worker's birth date comes from the NIK, so its problems are the
# NIK's (a missing birth date is an invalid NIK, already said under it).
FIELD_LABEL = {"birth_date": "nik", "province_code": "nik", "consent_version": "consent"}


def cell_id(index: int, column: str) -> str:
    return f"worker-{index}-{column.replace('_', '-')}"


def cell_of(widget_id: str | None) -> tuple[int, str] | None:
    """(row, column as in its id, e.g. "full-name") of a cell's id; None for another."""
    parts = (widget_id or "").split("-", 2)
    if len(parts) == 3 and parts[0] == "worker" and parts[1].isdigit():
        return int(parts[1]), parts[2]
    return None


@dataclass
class RowState:
    touched: set[str] = field(default_factory=set)
    nik: str | None = None  # normalised, once the row's NIK is valid
    duplicates_for: str = ""
    duplicates: list[DuplicateHit] = field(default_factory=list)
    errors: list[Problem] = field(default_factory=list)
    pasted: Problem | None = None  # a paste refused as too long, said in the row

    def touched_field(self, field_name: str) -> bool:
        column = FIELD_LABEL.get(field_name, field_name)
        return column in self.touched or field_name in self.touched


def compose_rows(screen: BoothScreen, count: int) -> ComposeResult:
    """``count`` rows, each with its line under it; a row's tick moves on to the next."""
    for index in range(count):
        with Horizontal(classes="worker-row", id=f"worker-row-{index}"):
            yield Label(f"{index + 1:>2}", classes="worker-number")
            for column in COLUMNS:
                yield compact(FieldInput(**input_options(screen, index, column)))
            moves = f" {MOVES_ON_TICK}" if index < count - 1 else ""
            yield compact(TickBox(id=f"worker-{index}-consent",
                                  classes="worker-consent" + moves))  # fmt: skip
        yield Static("", id=f"worker-{index}-info", classes="worker-info")


def input_options(screen: BoothScreen, index: int, column: str) -> dict[str, Any]:
    options: dict[str, Any] = {
        "placeholder": screen.t(f"workers.hint.{column}"),
        "id": cell_id(index, column),
        "classes": f"worker-{column.replace('_', '-')}",
    }
    if column == "nik":  # digits only, so all 16 fit the column
        options.update(restrict=r"[0-9]*", max_length=16, complete_at=16)
    elif column == "phone":
        options.update(restrict=r"[0-9 +\-().]*", max_length=24)
    elif column == "declared_income":
        options.update(restrict=r"[0-9., Rrp]*", max_length=20)
    else:
        options.update(max_length=100)
    return options


def row_line(
    screen: BoothScreen, row: RowState, problems: list[Problem], *, nik_says: str,
    earlier: list[DuplicateHit], show_all: bool,
) -> Text:  # fmt: skip
    """The line under a row: ``nik_says``, then what is wrong with the fields the officer
    has filled (every field's, ``show_all``), then a registration found elsewhere."""
    shown = [
        p for p in problems
        if p.field != "workers_count"
        and not (p.field == "birth_date" and p.code == "field.required")
        and (show_all or row.touched_field(p.field))
    ]  # fmt: skip
    if row.pasted is not None:
        shown.insert(0, row.pasted)
    text = Text(no_wrap=False)
    if nik_says:
        text.append(nik_says, style="dim")
    errors = [p for p in shown if p.severity is Severity.ERROR]
    warnings = [p for p in shown if p.severity is Severity.WARNING]
    for problem in errors[:3]:
        text.append(("  " if text else "") + "✗ " + problem_text(screen, problem), style="red")
    for problem in warnings[:2]:
        text.append(("  " if text else "") + "⚠ " + problem_text(screen, problem),
                    style="yellow")  # fmt: skip
    for hit in earlier[:1]:
        text.append(("  " if text else "") + "⚠ " + screen.t("workers.maybe_registered",
                    what=hit.describe(screen.language)), style="yellow")  # fmt: skip
    return text


def nik_says(screen: BoothScreen, nik_text: str, today: date) -> str:
    """What a row's NIK says: sex and birth date ("" for an invalid NIK)."""
    from outreach_tui.domain.nik import parse_nik

    nik = parse_nik(nik_text, today=today)
    if not nik.is_valid or nik.birth_date is None:
        return ""
    sex = screen.t(f"workers.sex.{nik.sex}")
    return f"{sex} · {nik.birth_date:%d-%m-%Y}"


def problem_text(screen: BoothScreen, problem: Problem) -> str:
    column = FIELD_LABEL.get(problem.field, problem.field)
    label_key = f"workers.col.{column}"
    label = screen.t(label_key)
    if label == label_key:
        label = screen.t(f"reg.label.{problem.field}")
    return f"{label}: {problem.message(screen.language)}"
