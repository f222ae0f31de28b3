"""Tallies and targets for people (Rich tables) and for scripts (CSV text, JSON dicts).

CSV and JSON use the stable English column names (``owners``, ``monthly_due``…); tables
use the catalogue (``report.col.*``), Bahasa Indonesia by default.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

from rich import box
from rich.table import Table
from rich.text import Text

from outreach_tui.domain.money import rupiah
from outreach_tui.i18n import t
from outreach_tui.reports.tally import METRIC_NAMES, Metrics, Tally
from outreach_tui.reports.targets import TargetProgress


def number(value: int) -> str:
    return f"{value:,}".replace(",", ".")


def percent(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%".replace(".", ",")


def dimension_value(dimension: str, value: str, language: str) -> str:
    if not value:
        return "—"
    if dimension == "path":
        return t(f"report.path.{value}", language)
    if dimension == "sector":
        from outreach_tui.domain.labels import sector_label

        return sector_label(value, language)
    return value


TABLE_METRICS = ("owners", "workers", "leads", "conversion", "monthly_due")


def _metric_cells(m: Metrics) -> list[str]:
    return [
        number(m.owners), number(m.workers), number(m.leads), percent(m.conversion),
        rupiah(m.monthly_due),
    ]  # fmt: skip


def _table(
    title: str, headers: Sequence[str], rows: Sequence[Sequence[str]], numeric: set[int]
) -> Table:
    """Numbers are never cut: their columns get at least their widest cell; text folds."""
    table = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False)
    for i, header in enumerate(headers):
        if i in numeric:
            widest = max((len(r[i]) for r in rows), default=1)
            table.add_column(header, justify="right", no_wrap=True, min_width=widest)
        else:  # the first column keeps up to 18 characters per line before folding
            widest = max((len(line) for r in rows for line in r[i].splitlines()), default=1)
            table.add_column(header, overflow="fold", min_width=min(widest, 18) if i == 0 else None)
    return table


def tally_table(tally: Tally, language: str) -> Table:
    """Owners, workers, leads, conversion and monthly dues per group (all metrics: CSV/JSON)."""
    title = t("report.tally_title", language, by=" × ".join(
        t(f"report.dim.{d}", language) for d in tally.by) or "—")  # fmt: skip
    if tally.first or tally.last:
        title += " " + t("report.range", language, first=str(tally.first or "…"),
                         last=str(tally.last or "…"))  # fmt: skip
    rows = [
        [dimension_value(d, v, language) for d, v in zip(tally.by, row.key, strict=True)]
        + _metric_cells(row.metrics)
        for row in tally.rows
    ]
    label = [t("report.total", language)] + [""] * (len(tally.by) - 1) if tally.by else []
    total = label + _metric_cells(tally.totals)
    headers = [t(f"report.dim.{d}", language) for d in tally.by]
    headers += [t(f"report.col.{name}", language) for name in TABLE_METRICS]
    numeric = set(range(len(tally.by), len(headers)))
    table = _table(title, headers, [*rows, total], numeric)
    for cells in rows:
        table.add_row(*(Text(c) for c in cells))
    if rows:
        table.add_section()
    table.add_row(*total, style="bold")
    return table


def csv_text(rows: Iterable[dict[str, Any]], columns: Sequence[str]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(columns), lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({c: "" if row.get(c) is None else row[c] for c in columns})
    return out.getvalue()


def tally_csv(tally: Tally) -> str:
    """Header: the dimensions, then owners…monthly_due; no totals row."""
    return csv_text(tally.records(), [*tally.by, *METRIC_NAMES])


def targets_table(items: Sequence[TargetProgress], language: str) -> Table:
    """One row per target: what (two lines), value/target, %, remaining, days, pace, status."""
    keys = ("target", "value", "percent", "remaining", "days_left", "pace", "status")
    rows = [
        [
            f"{t(f'report.kind.{item.kind}', language)} {item.code}\n"
            f"{t(f'report.measure.{item.measure}', language)}"
            + (t("report.basis_children", language) if item.basis == "children" else ""),
            f"{number(item.value)}/{number(item.target)}",
            "—" if item.percent is None else f"{item.percent:.1f}%".replace(".", ","),
            number(item.remaining),
            "—" if item.days_left is None else str(item.days_left),
            "—" if item.pace_per_day is None else number(item.pace_per_day),
            t(f"report.status.{item.status}", language),
        ]
        for item in items
    ]
    headers = [t(f"report.tcol.{key}", language) for key in keys]
    table = _table(t("report.targets_title", language), headers, rows, {1, 2, 3, 4, 5})
    for cells in rows:
        table.add_row(*(Text(c) for c in cells))
    return table
