"""An activation file as the core system would send it, in a mapping's format (issue 18):
shared by the hub's tests and the end-to-end test."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from outreach_tui.domain.handoff_mapping import ActivationMapping, load_activation_mapping


def activation_file(
    path: Path, rows: Sequence[dict[str, Any]], mapping: ActivationMapping | None = None,
    *, delimiter: str = ";",
) -> Path:  # fmt: skip
    """An activation file as the core system would send it: the mapping's titles as the
    header (in another order than the mapping's, plus a column nobody reads), one row per
    dict of field -> cell. ``.xlsx`` paths are written with openpyxl."""
    mapping = mapping or load_activation_mapping()
    fields = list(reversed(list(mapping.titles)))
    header = ["Keterangan", *(mapping.titles[f] for f in fields)]
    body = [["-", *(row.get(f) for f in fields)] for row in rows]
    if path.suffix == ".xlsx":
        from openpyxl import Workbook

        book = Workbook()
        sheet = book.active
        sheet.append(header)
        for cells in body:
            sheet.append(cells)
        book.save(path)
        return path
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=delimiter)
        writer.writerow(header)
        writer.writerows([["" if c is None else c for c in cells] for cells in body])
    return path
