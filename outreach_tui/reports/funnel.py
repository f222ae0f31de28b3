"""The funnel after the booth as people read it (issue 18): a table of each step per group
with the conversion from the step before, a bar chart of the steps, and target progress.

Rows come from ``hub/funnel.py`` (``table``): plain dicts of ``STEPS`` counts.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from itertools import pairwise
from typing import Any

from rich.table import Table
from rich.text import Text

from outreach_tui.i18n import t
from outreach_tui.reports.charts import bar_chart
from outreach_tui.reports.render import number, percent

STEPS = ("leads", "registered", "handed_off", "enrolled", "first_payment", "still_paying")


def rates(row: Mapping[str, Any]) -> dict[str, float | None]:
    """Each step as a share of the one before (leads → registered: the converted leads)."""
    out: dict[str, float | None] = {}
    for before, step in pairwise(STEPS):
        done = row.get("converted", 0) if step == "registered" else row[step]
        out[step] = done / row[before] if row[before] else None
    return out


def funnel_table(rows: Sequence[Mapping[str, Any]], by: Sequence[str], language: str) -> Table:
    table = Table(title=t("funnel.title", language), title_justify="left")
    for column in by:
        table.add_column(t(f"funnel.dim.{column}", language))
    for step in STEPS:
        table.add_column(t(f"funnel.{step}", language), justify="right")
    for row in rows:
        shares = rates(row)
        cells = [Text(str(row.get(column) or "—")) for column in by]
        for step in STEPS:
            share = shares.get(step)
            shown = number(int(row[step]))
            if share is not None:
                shown += f" ({percent(share)})"
            cells.append(Text(shown))
        table.add_row(*cells)
    return table


def funnel_chart(row: Mapping[str, Any], language: str, *, width: int = 40) -> Table:
    """One bar per step of one row (the total, or a group): the conversion to see."""
    shares = rates(row)
    items = [(t(f"funnel.{step}", language), int(row[step])) for step in STEPS]
    chart = bar_chart(items, title=t("funnel.title", language), width=width, label=number)
    for step in STEPS[1:]:
        if shares[step] is not None:
            chart.caption = (chart.caption or "") + (
                f"{t(f'funnel.{step}', language)} {percent(shares[step])}  "
            )
    chart.caption_justify = "left"
    return chart


def targets_table(items: Sequence[Mapping[str, Any]], language: str) -> Table:
    table = Table(title=t("funnel.targets", language), title_justify="left")
    for key in ("scope", "code", "measure", "target", "value", "percent"):
        right = key in ("target", "value", "percent")
        table.add_column(t(f"funnel.col.{key}", language), justify="right" if right else "left")
    for item in items:
        table.add_row(t(f"funnel.scope.{item['scope']}", language), item["code"],
                      t(f"funnel.{item['measure']}", language), number(item["target"]),
                      number(item["value"]), percent(item["percent"]))  # fmt: skip
    return table
