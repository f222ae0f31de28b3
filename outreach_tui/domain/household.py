"""Rules over a whole household: the owner and the 1–15 workers registered under them.

``validate_registration`` checks one person at a time; these rules need the others: the
same NIK may appear only once in a household (the owner, the workers saved earlier and
the rows being typed), and a household has at most ``MAX_WORKERS`` live workers. Pure:
the callers pass the NIKs they hold (normalised, 16 digits).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from outreach_tui.domain.models import MAX_WORKERS
from outreach_tui.domain.problems import Problem, error


def household_problems(
    rows: Mapping[int, str | None],
    *,
    owner_nik: str | None = None,
    saved_worker_niks: Sequence[str] = (),
    live_workers: int = 0,
) -> dict[int, list[Problem]]:
    """Problems per row of new workers (``rows``: row number from 1 -> its NIK, or None
    while it is not a valid NIK yet). Every row of a repeated pair is marked, each naming
    the other, so the officer sees both."""
    problems: dict[int, list[Problem]] = {row: [] for row in rows}
    saved = set(saved_worker_niks)
    first_row: dict[str, list[int]] = {}
    for row, nik in sorted(rows.items()):
        if not nik:
            continue
        if owner_nik and nik == owner_nik:
            problems[row].append(error("household.nik_is_owner", "nik"))
        elif nik in saved:
            problems[row].append(error("household.nik_saved_worker", "nik"))
        first_row.setdefault(nik, []).append(row)
    for same in first_row.values():
        for row in same:
            others = [other for other in same if other != row]
            if others:
                problems[row].append(
                    error("household.nik_repeated", "nik", row=", ".join(map(str, others)))
                )
    room = MAX_WORKERS - live_workers
    for index, row in enumerate(sorted(rows)):
        if index >= room:
            problems[row].append(
                error("household.too_many_workers", "nik", max=MAX_WORKERS, saved=live_workers)
            )
    return {row: found for row, found in problems.items() if found}
