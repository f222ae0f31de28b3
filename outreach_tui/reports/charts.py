"""Terminal charts with Rich: horizontal bars per group, and target progress bars.

Plain renderables (no Textual), so the CLI prints them and the TUI dashboard can put
them in a ``Static``. Bars scale to the largest value; values are printed beside them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from rich.bar import Bar
from rich.progress_bar import ProgressBar
from rich.table import Table
from rich.text import Text

from outreach_tui.domain.money import rupiah
from outreach_tui.i18n import t
from outreach_tui.reports.render import dimension_value
from outreach_tui.reports.tally import Tally
from outreach_tui.reports.targets import TargetProgress

BAR_WIDTH = 40


def bar_chart(
    items: Sequence[tuple[str, int]],
    *,
    title: str | None = None,
    width: int = BAR_WIDTH,
    label: Callable[[int], str] = str,
) -> Table:
    """One row per (label, value): the label, a bar scaled to the largest value, the value."""
    values = [label(value) for _, value in items]
    table = Table.grid(padding=(0, 1))
    # The value is never cut; a long group name gives way first (at 80 columns).
    table.add_column(no_wrap=True, overflow="ellipsis", max_width=28)
    table.add_column(width=width, no_wrap=True)
    table.add_column(justify="right", no_wrap=True, min_width=max(map(len, values), default=1))
    if title:
        table.title = title
        table.title_justify = "left"
    top = max((value for _, value in items), default=0)
    for (name, value), shown in zip(items, values, strict=True):
        bar = Bar(size=max(top, 1), begin=0, end=max(value, 0), width=width, color="cyan")
        table.add_row(Text(name or "—"), bar, shown)
    return table


def tally_chart(tally: Tally, metric: str, language: str, *, width: int = BAR_WIDTH) -> Table:
    """``outreach tally --chart``: one bar per group for ``metric``."""
    items = []
    for row in tally.rows:
        value = row.metrics.as_dict()[metric]
        if isinstance(value, float):  # conversion: show as a percentage
            value = round(value * 100)
        names = (dimension_value(d, v, language) for d, v in zip(tally.by, row.key, strict=True))
        items.append((" · ".join(names) if row.key else "—", value or 0))
    label: Callable[[int], str] = str
    if metric == "monthly_due":
        label = rupiah
    elif metric == "conversion":
        label = lambda v: f"{v}%"  # noqa: E731
    title = t("report.chart_title", language, metric=t(f"report.col.{metric}", language),
              by=" × ".join(t(f"report.dim.{d}", language) for d in tally.by))  # fmt: skip
    return bar_chart(items, title=title, width=width, label=label)


def progress_bars(items: Sequence[TargetProgress], language: str, *, width: int = 24) -> Table:
    """Target progress: name and measure (folds when narrow), a bar, value/target (%), pace."""
    table = Table.grid(padding=(0, 1))
    table.add_column(overflow="fold")
    table.add_column(width=width, no_wrap=True)
    table.add_column(justify="right", no_wrap=True)
    table.add_column(no_wrap=True)
    for item in items:
        name = f"{item.code} · {t(f'report.measure.{item.measure}', language)}"
        bar = ProgressBar(total=max(item.target, 1), completed=min(item.value, item.target),
                          width=width)  # fmt: skip
        share = f"{item.value:,}/{item.target:,}".replace(",", ".")
        if item.percent is not None:
            share += f" ({item.percent:.1f}%)".replace(".", ",")
        pace = (
            t("report.pace", language, pace=item.pace_per_day)
            if item.pace_per_day
            else t(f"report.status.{item.status}", language)
        )
        table.add_row(Text(name), bar, share, pace)
    return table
