"""The dashboard's funnel (issue 18): on a hub after hand-offs, the targets panel shows the
steps from lead to still paying as bars with each step's conversion, then the targets."""

from __future__ import annotations

from rich.console import Group, RenderableType

from outreach_tui.reports.dashboard import DashboardData
from outreach_tui.reports.funnel import funnel_chart
from outreach_tui.tui.widgets import dashboard_parts as parts

LABELS = 18  # the step names' column
VALUE = 8  # the count's column


def funnel_and_targets(data: DashboardData, language: str) -> RenderableType:
    assert data.funnel is not None
    row = data.funnel

    def build(width: int) -> RenderableType:
        chart = funnel_chart(row, language, width=max(8, width - LABELS - VALUE - 2))
        if not data.targets:
            return chart
        items = parts.short_targets(data.targets, language)
        return Group(chart, "", parts.target_chart(items, language, width))

    return parts.FitWidth(build)
