"""What the dashboard's panels draw, from ``reports.dashboard`` data: Rich only, no store.

The charts come from ``reports.charts`` (the CLI's ``--chart`` bars); here they are sized
to the panel they are drawn in (``FitWidth`` builds them for the width Rich hands over,
so a resize redraws bars that fill the panel at 80 columns and at 200).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date

from rich.console import Console, ConsoleOptions, RenderableType, RenderResult
from rich.measure import Measurement
from rich.text import Text

from outreach_tui.domain.money import rupiah
from outreach_tui.i18n import t
from outreach_tui.reports.charts import bar_chart, progress_bars
from outreach_tui.reports.dashboard import DayPoint, OfficerRow
from outreach_tui.reports.tally import Metrics
from outreach_tui.reports.targets import TargetProgress

MAX_DAYS = 14  # bars shown at once: a longer event shows the 14 days up to today
TODAY_MARK, OTHER_MARK = "▸", " "


def number(value: int) -> str:
    """Indonesian grouping: 1234567 -> '1.234.567'."""
    return f"{value:,}".replace(",", ".")


class FitWidth:
    """A renderable built for the width it is drawn at (bars fill their panel)."""

    def __init__(self, build: Callable[[int], RenderableType]) -> None:
        self.build = build

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield self.build(options.max_width)

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        return Measurement(options.max_width, options.max_width)


def tile(value: str, sub: str, *, strong: bool = True) -> Text:
    """A tile's two lines: the figure, then what it means."""
    text = Text(no_wrap=True, overflow="ellipsis")
    text.append(value, style="bold" if strong else "dim")
    text.append("\n")
    text.append(sub, style="dim")
    return text


# -- daily bars ------------------------------------------------------------------------------


def shown_days(daily: Sequence[DayPoint], today: date) -> tuple[DayPoint, ...]:
    """At most MAX_DAYS points: the whole event, else the last ones up to today."""
    points = tuple(daily)
    if len(points) <= MAX_DAYS:
        return points
    upto = next((i for i, p in enumerate(points) if p.day > today), len(points))
    end = max(upto, MAX_DAYS)
    return points[end - MAX_DAYS : end]


def weekday(day: date, language: str) -> str:
    names = t("dashboard.weekdays", language).split()
    return names[day.weekday()] if len(names) == 7 else ""


def day_label(day: date, today: date, language: str) -> str:
    mark = TODAY_MARK if day == today else OTHER_MARK
    return f"{mark}{weekday(day, language)} {day:%d/%m}"


def daily_chart(
    points: Sequence[DayPoint], today: date, language: str, width: int
) -> RenderableType:
    """One bar per day (registrations: owners + workers), today marked with ▸."""
    items = [(day_label(p.day, today, language), p.metrics.registrations) for p in points]
    label_width = max((len(name) for name, _ in items), default=0)
    value_width = max((len(number(v)) for _, v in items), default=1)
    bar = max(4, width - label_width - value_width - 2)
    return bar_chart(items, width=bar, label=number)


# -- targets ---------------------------------------------------------------------------------


def _share(item: TargetProgress) -> str:
    share = f"{number(item.value)}/{number(item.target)}"
    return share + (f" ({item.percent:.1f}%)".replace(".", ",") if item.percent is not None else "")


def _pace(item: TargetProgress, language: str) -> str:
    if item.pace_per_day:
        return t("report.pace", language, pace=item.pace_per_day)
    return t(f"report.status.{item.status}", language)


def short_targets(items: Sequence[TargetProgress], language: str) -> list[TargetProgress]:
    """The event's targets named "Acara" (its name heads the daily bars), branches by code."""
    event = t("report.kind.event", language)
    return [replace(i, code=event) if i.kind == "event" else i for i in items]


def target_chart(items: Sequence[TargetProgress], language: str, width: int) -> RenderableType:
    """``reports.charts.progress_bars`` with the names on one line where the panel allows,
    and the bar as wide as what is left (8–30 cells)."""
    share = max((len(_share(i)) for i in items), default=0)
    pace = max((len(_pace(i, language)) for i in items), default=0)
    name = max(
        (len(f"{i.code} · {t(f'report.measure.{i.measure}', language)}") for i in items),
        default=8,
    )
    bar = max(8, min(30, width - share - pace - name - 3))
    return progress_bars(items, language, width=bar)


# -- per-officer table -----------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    key: str
    width: int  # 0: the name, which takes what is left (NAME_WIDTH)
    group: str  # "", "today" or "event": the header's second line


# Most important first: a narrow terminal keeps the first columns that fit.
OFFICER_COLUMNS = (
    Column("officer", 8, ""),
    Column("name", 0, ""),
    Column("today_owners", 8, "today"),
    Column("today_workers", 8, "today"),
    Column("today_leads", 8, "today"),
    Column("event_registrations", 8, "event"),
    Column("event_due", 14, "event"),
    Column("event_leads", 6, "event"),
)
NAME_WIDTH = (10, 24)


def fit_officer_columns(width: int) -> list[tuple[Column, int]]:
    """The columns that fit ``width`` cells (2 cells of padding each), the name widened last."""
    chosen: list[tuple[Column, int]] = []
    used = 0
    for column in OFFICER_COLUMNS:
        size = column.width or NAME_WIDTH[0]
        if chosen and used + size + 2 > width:
            break
        chosen.append((column, size))
        used += size + 2
    extra = min(NAME_WIDTH[1] - NAME_WIDTH[0], max(0, width - used))
    return [(c, size + extra if c.key == "name" else size) for c, size in chosen]


def column_label(column: Column, language: str) -> Text:
    """Two header lines: what is counted, and over which period."""
    numeric = column.key not in ("officer", "name")
    label = Text(t(f"dashboard.col.{column.key}", language), style="bold",
                 justify="right" if numeric else "left")  # fmt: skip
    label.append("\n")
    if column.group:
        label.append(t(f"dashboard.group.{column.group}", language), style="dim")
    return label


def officer_values(row: OfficerRow) -> dict[str, str]:
    return {
        "officer": row.code,
        "name": row.name or "",
        "today_owners": number(row.today.owners),
        "today_workers": number(row.today.workers),
        "today_leads": number(row.today.leads),
        "event_registrations": number(row.event.registrations),
        "event_due": rupiah(row.event.monthly_due),
        "event_leads": number(row.event.leads),
    }


def officer_cells(
    values: dict[str, str], columns: Sequence[tuple[Column, int]], *, style: str = ""
) -> list[Text]:
    """Rich Text cells (never markup: names are user data), numbers right-aligned."""
    cells = []
    for column, _ in columns:
        right = column.key not in ("officer", "name")
        cells.append(Text(values[column.key], style=style, justify="right" if right else "left",
                          no_wrap=True, overflow="ellipsis"))  # fmt: skip
    return cells


def total_row(rows: Sequence[OfficerRow], language: str) -> OfficerRow:
    """The sum of every officer's figures, as one more row."""
    return OfficerRow(
        code=t("dashboard.total", language),
        name=None,
        today=sum((r.today for r in rows), Metrics()),
        event=sum((r.event for r in rows), Metrics()),
    )
