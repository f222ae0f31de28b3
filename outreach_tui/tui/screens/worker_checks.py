"""The workers' rows checked as the officer types. Every filled row is checked as the
owner is (errors block, warnings do not); the same NIK twice in the household is an error
naming the other row (domain.household), as is the owner's or a saved worker's NIK; a NIK
already on this laptop or known to the branch is looked up in a worker (a stale reply is
dropped) and is a warning before the save.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual import work
from textual.message import Message
from textual.widgets import Static

from outreach_tui.domain import consent
from outreach_tui.domain.household import household_problems
from outreach_tui.domain.models import Path, Registration, RegistrationDraft, Role
from outreach_tui.domain.occupations import default_for_sector
from outreach_tui.domain.problems import Problem, Severity
from outreach_tui.domain.validation import ValidationResult, validate_registration
from outreach_tui.tui.screens.worker_household import inside_household, outside_hits
from outreach_tui.tui.screens.worker_rows import nik_says, row_line
from outreach_tui.tui.widgets.choice import Choice

if TYPE_CHECKING:
    from outreach_tui.tui.duplicates import DuplicateHit
    from outreach_tui.tui.screens.worker_household import HouseholdLoaded
    from outreach_tui.tui.screens.worker_own_consent import OwnConsent
    from outreach_tui.tui.screens.worker_rows import RowState

    _Screen = OwnConsent
else:
    _Screen = object  # a mixin of WorkersScreen


@dataclass
class RowDuplicatesChecked(Message):
    index: int
    nik: str
    hits: list[DuplicateHit]


class WorkerChecks(_Screen):
    """Mixed into WorkersScreen, whose rows' state it reads and keeps up to date."""

    if TYPE_CHECKING:
        rows: list[RowState]
        household: HouseholdLoaded | None
        owner_uuid: str
        live_workers: int
        sector: str
        payment_months: str | int
        show_all: bool

    def _draft(self, index: int, path: str) -> RegistrationDraft | None:
        values = self._values(index)
        if not any(values.values()):
            return None
        consented = self.agreed(index, values["full_name"])
        return RegistrationDraft(
            nik=values["nik"],
            full_name=values["full_name"],
            phone=values["phone"],
            declared_income=values["declared_income"],
            sector=self.sector,
            payment_months=self.payment_months,
            consent_version=consent.current().version if consented else "",
            role=Role.WORKER,
            path=path,
            # the sector's usual occupation (data/occupations.toml); the band follows the
            # income in validation and the branch is the laptop's (store)
            occupation=default_for_sector(self.sector) or "",
        )

    def _validate_rows(self) -> list[Registration]:
        """Check every row, show what each says; the records of rows without errors."""
        from outreach_tui.domain.nik import parse_nik

        path = self.query_one("#workers-path", Choice).selection or Path.BPU.value
        today = self.booth.today()
        results: dict[int, ValidationResult[Registration]] = {}
        for index, row in enumerate(self.rows):
            draft = self._draft(index, path)
            if draft is None:
                row.nik = None
                continue
            results[index] = validate_registration(draft, today=today)
            nik = parse_nik(str(draft.nik), today=today)
            row.nik = nik.nik if nik.is_valid else None
        house = self.household
        extra = household_problems(
            {index + 1: self.rows[index].nik for index in results},
            owner_nik=house.owner_nik if house else None,
            saved_worker_niks=house.worker_niks if house else (),
            live_workers=self.live_workers,
        )
        records = []
        for index, row in enumerate(self.rows):
            result = results.get(index)
            if result is None:
                row.errors = []
                self._show_row(index, None, [])
                continue
            problems = [*result.problems, *extra.get(index + 1, [])]
            problems += inside_household(house, self.owner_uuid, row)
            row.errors = [p for p in problems if p.severity is Severity.ERROR]
            if not row.errors and result.record is not None:
                records.append(result.record)
            self._show_row(index, result.record, problems)
            if row.nik and row.nik != row.duplicates_for:
                row.duplicates_for, row.duplicates = row.nik, []
                self.check_duplicates(index, row.nik)
            elif not row.nik:
                row.duplicates_for, row.duplicates = "", []
        return records

    def _outside_hits(self, row: RowState) -> list[DuplicateHit]:
        return outside_hits(self.household, self.owner_uuid, row)

    def _show_row(self, index: int, record: Registration | None, problems: list[Problem]) -> None:
        row = self.rows[index]
        said = ""
        if record is not None or row.nik:
            said = nik_says(self, self._values(index)["nik"], self.booth.today())
        text = row_line(self, row, problems, nik_says=said, earlier=self._outside_hits(row),
                        show_all=self.show_all)  # fmt: skip
        self.query_one(f"#worker-{index}-info", Static).update(text)

    @work(thread=True, group="worker-duplicates")
    def check_duplicates(self, index: int, nik: str) -> None:
        from outreach_tui.tui.duplicates import find_duplicates

        try:
            hits = find_duplicates(self.booth.store, nik)
        except Exception:  # a busy file: no warning rather than a crash
            return
        self.post_message(RowDuplicatesChecked(index, nik, hits))

    def on_row_duplicates_checked(self, message: RowDuplicatesChecked) -> None:
        row = self.rows[message.index]
        if message.nik == row.duplicates_for:  # a stale reply (the NIK changed) is dropped
            row.duplicates = message.hits
            self._validate_rows()
