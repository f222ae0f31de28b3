"""The household the workers join: the owner and the workers saved before. A NIK typed
for a new worker that is the owner's, or a saved worker's, is an error in its row; one
found outside the household is a warning before the save."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.message import Message

from outreach_tui.domain.problems import Problem, error

if TYPE_CHECKING:
    from outreach_tui.store import Store
    from outreach_tui.tui.duplicates import DuplicateHit
    from outreach_tui.tui.screens.worker_rows import RowState


@dataclass
class HouseholdLoaded(Message):
    owner_name: str
    owner_nik: str | None
    worker_niks: list[str]
    uuids: set[str]  # the owner's and the live workers' (duplicate hits inside the house)


def read_household(store: Store, owner_uuid: str) -> HouseholdLoaded | None:
    """In a worker: the saved household (None: the owner is gone, or the file is busy
    and the duplicate look-ups still cover it)."""
    try:
        owner = store.registrations.get(owner_uuid)
        workers = [w for w in store.registrations.workers_of(owner_uuid) if not w["voided_at"]]
    except Exception:  # a busy file
        return None
    if owner is None:
        return None

    def plain(nik: object) -> str | None:
        text = str(nik or "")
        return text if len(text) == 16 and text.isdigit() else None  # not "•••" or purged

    return HouseholdLoaded(
        owner_name=owner["full_name"] or "",
        owner_nik=plain(owner["nik"]),
        worker_niks=[n for n in (plain(w["nik"]) for w in workers) if n],
        uuids={owner_uuid, *(w["uuid"] for w in workers)},
    )


def inside_household(
    house: HouseholdLoaded | None, owner_uuid: str, row: RowState
) -> list[Problem]:
    """A duplicate hit on the owner or a saved worker is the household rule (it finds
    them by keyed hash too, where their NIK is purged or still locked)."""
    if not house or not row.nik:
        return []
    if row.nik == house.owner_nik or row.nik in house.worker_niks:
        return []  # said already by household_problems
    if any(hit.uuid == owner_uuid for hit in row.duplicates):
        return [error("household.nik_is_owner", "nik")]
    if any(hit.uuid in house.uuids for hit in row.duplicates):
        return [error("household.nik_saved_worker", "nik")]
    return []


def outside_hits(
    house: HouseholdLoaded | None, owner_uuid: str, row: RowState
) -> list[DuplicateHit]:
    """The row's duplicate hits outside the household: registered before, maybe."""
    uuids = house.uuids if house else {owner_uuid}
    return [hit for hit in row.duplicates if hit.uuid not in uuids]
