"""Which columns the records list shows at a terminal width: the most important first, the
name widened with what is left."""

from __future__ import annotations

from outreach_tui.store.queries import Kind

# (catalogue key of the heading, width) per kind, most important first: a narrow terminal
# shows the first columns that fit; the name column takes what is left (NAME_WIDTH).
COLUMNS: dict[Kind, tuple[tuple[str, int], ...]] = {
    "registrations": (("time", 11), ("name", 0), ("nik", 16), ("sync", 10),
                      ("reference", 14), ("phone", 13), ("role", 8)),
    "leads": (("time", 11), ("name", 0), ("phone", 13), ("sync", 10),
              ("follow_up", 10), ("sector", 24)),
}  # fmt: skip
NAME_WIDTH = (14, 30)
TIME_TODAY_WIDTH = 5  # HH:MM when the list is today's


def fit_columns(kind: Kind, width: int, *, today: bool) -> list[tuple[str, int]]:
    """The columns that fit ``width`` cells (2 cells of padding each), name widened last."""
    chosen: list[tuple[str, int]] = []
    used = 0
    for key, size in COLUMNS[kind]:
        size = TIME_TODAY_WIDTH if key == "time" and today else size or NAME_WIDTH[0]
        if chosen and used + size + 2 > width:
            break
        chosen.append((key, size))
        used += size + 2
    extra = min(NAME_WIDTH[1] - NAME_WIDTH[0], max(0, width - used))
    return [(key, size + extra if key == "name" else size) for key, size in chosen]
