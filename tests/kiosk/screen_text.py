"""The text a user sees on a Textual screen, read from the app's own screenshot (SVG).

Each terminal line of the screenshot is a run of ``<text>`` spans clipped to that line,
each at its x position (12.2 px a cell); placed at their columns they are the line as
drawn, so a search finds what is on the screen — text of any widget — not what a widget
was given.
"""

from __future__ import annotations

import html
import re
from collections import defaultdict

from textual.app import App

CELL_PX = 12.2  # Textual's screenshot cell width
_SPAN = re.compile(
    r'<text [^>]*?x="(?P<x>[\d.]+)"[^>]*?clip-path="url\(#[\w-]+-line-(?P<line>\d+)\)"[^>]*>'
    r"(?P<text>[^<]*)</text>"
)


def screen_lines(app: App[object]) -> list[str]:
    """Every terminal line of the app's current screen, as plain text."""
    svg = app.export_screenshot()
    lines: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for match in _SPAN.finditer(svg):
        text = html.unescape(match["text"]).replace("\xa0", " ")
        lines[int(match["line"])].append((round(float(match["x"]) / CELL_PX), text))
    height = app.size.height
    out = []
    for number in range(height):
        row = ""
        for column, text in sorted(lines.get(number, [])):
            row = row.ljust(column) + text
        out.append(row.rstrip())
    return out


def screen_text(app: App[object]) -> str:
    return "\n".join(screen_lines(app))
