"""What each form keeps in its draft and how it is refilled (tui/drafts.py keeps it).

- Registration (a new owner; a correction of a saved record keeps no draft): the text
  fields as typed, sector, payment period, JHT, state funding, consent (restored only for
  the same consent text) and the lead the form was filled from.
- Workers: the owner they belong to (and what the screen was opened with), the path and
  every row. At the booth's start a workers' draft of a live owner reopens the workers'
  table on top of the registration form, then the receipt follows as after any owner.
- Lead: the fields, sector and consent to be contacted.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from textual.events import ScreenResume
from textual.message import Message
from textual.widgets import Checkbox, Input

from outreach_tui.domain import consent
from outreach_tui.store.drafts import Draft, DraftKey
from outreach_tui.tui.drafts import DraftForm, DraftKeeper, current_officer, officer_known
from outreach_tui.tui.messages import LeadPrefill
from outreach_tui.tui.widgets.choice import Choice

if TYPE_CHECKING:
    from outreach_tui.store import Store
    from outreach_tui.tui.screens.leads import LeadScreen
    from outreach_tui.tui.screens.registration import RegistrationScreen
    from outreach_tui.tui.screens.workers import WorkersScreen


# -- the owner's registration form --------------------------------------------------------


def registration_values(screen: RegistrationScreen) -> dict[str, Any] | None:
    """The form as typed, or None when nothing in it would be lost."""
    from outreach_tui.tui.screens.registration_fields import DETAIL_FIELDS, TEXT_FIELDS, widget_id

    if screen.edit_row is not None or not screen.has_unsaved_input():
        return None
    values: dict[str, Any] = {
        f: screen.query_one(f"#{widget_id(f)}", Input).value for f in (*TEXT_FIELDS, *DETAIL_FIELDS)
    }
    for name in ("occupation", "income_band"):
        values[name] = screen.query_one(f"#reg-{name.replace('_', '-')}", Choice).selection or ""
    values["chosen"] = sorted(screen.chosen)
    values["sector"] = screen.query_one("#reg-sector", Choice).selection or ""
    values["payment_months"] = screen.query_one("#reg-payment-months", Choice).selection or 1
    for name in ("jht", "state_funded"):
        values[name] = screen.query_one(f"#reg-{name.replace('_', '-')}", Checkbox).value
    ticked = screen.query_one("#reg-consent", Checkbox).value
    values["consent_version"] = consent.current().version if ticked else ""
    reminder = screen.query_one("#reg-reminder", Checkbox).value
    values["reminder_consent_version"] = consent.current("reminder").version if reminder else ""
    values["guardian_name"] = screen.query_one("#reg-guardian-name", Input).value
    values["guardian_relation"] = screen.query_one("#reg-guardian-relation", Choice).selection
    values["guardian_consent"] = screen.query_one("#reg-guardian-consent", Checkbox).value
    if screen.from_lead is not None:
        values["from_lead"] = asdict(screen.from_lead)
    return values


def fill_registration(screen: RegistrationScreen, values: dict[str, Any]) -> None:
    """Set every field from ``values`` (a missing one: as on an empty form), without the
    change messages (the caller revalidates once)."""
    from outreach_tui.tui.screens.registration_fields import DETAIL_FIELDS, TEXT_FIELDS, widget_id

    with screen.prevent(Input.Changed, Choice.Changed, Checkbox.Changed):
        for field in (*TEXT_FIELDS, *DETAIL_FIELDS):
            value = values.get(field)
            screen.query_one(f"#{widget_id(field)}", Input).value = (
                "" if value is None else str(value)
            )
        sector = screen.query_one("#reg-sector", Choice)
        if values.get("sector"):
            sector.value = values["sector"]
        else:
            sector.clear()
        screen.query_one("#reg-payment-months", Choice).value = values.get("payment_months") or 1
        screen.query_one("#reg-jht", Checkbox).value = bool(values.get("jht"))
        screen.query_one("#reg-state-funded", Checkbox).value = bool(values.get("state_funded"))
        screen.query_one("#reg-consent", Checkbox).value = bool(values.get("consent"))
        for name in ("occupation", "income_band"):
            choice = screen.query_one(f"#reg-{name.replace('_', '-')}", Choice)
            if values.get(name):
                choice.value = values[name]
            else:
                choice.clear()
        screen.chosen = set(values.get("chosen") or ())
        # A reminder tick restores only for the same text (as the registration consent).
        screen.query_one("#reg-reminder", Checkbox).value = (
            values.get("reminder_consent_version") == consent.current("reminder").version
        )
        screen.query_one("#reg-guardian-name", Input).value = values.get("guardian_name") or ""
        relation = screen.query_one("#reg-guardian-relation", Choice)
        if values.get("guardian_relation"):
            relation.value = values["guardian_relation"]
        else:
            relation.clear()
        screen.query_one("#reg-guardian-consent", Checkbox).value = bool(
            values.get("guardian_consent")
        )


def row_values(row: dict[str, Any]) -> dict[str, Any]:
    """A saved registration row as the form shows it (a correction's starting point)."""
    from outreach_tui.tui.screens.registration_fields import DETAIL_FIELDS, TEXT_FIELDS

    values: dict[str, Any] = {}
    for field in (*TEXT_FIELDS, *DETAIL_FIELDS):
        value = row.get(field)
        if field == "phone" and value:
            value = "0" + str(value).removeprefix("+62")
        elif field == "birth_date" and value:
            year, month, day = str(value).split("-")
            value = f"{day}-{month}-{year}"  # as the hint asks
        values[field] = value
    return {
        **values, "sector": row["sector"], "payment_months": row["payment_months"],
        "jht": "JHT" in row["programs"].split(","), "state_funded": bool(row.get("state_funded")),
        "consent": True, "occupation": row.get("occupation") or "",
        "income_band": row.get("income_band") or "",
        # a correction keeps the saved occupation; the band follows a corrected income
        "chosen": ["reg-occupation"] if row.get("occupation") else [],
        "reminder_consent_version": row.get("reminder_consent_version") or "",
        "guardian_name": row.get("guardian_name") or "",
        "guardian_relation": row.get("guardian_relation") or "",
        "guardian_consent": bool(row.get("guardian_consent")),
    }  # fmt: skip


def restore_registration(screen: RegistrationScreen, draft: Draft) -> bool:
    from outreach_tui.tui.screens.registration_fields import TEXT_FIELDS

    if screen.edit_row is not None or screen.has_unsaved_input():
        return False  # typed meanwhile: what is on screen wins
    values = dict(draft.values)
    values["consent"] = values.get("consent_version") == consent.current().version
    fill_registration(screen, values)
    screen.touched = {f for f in TEXT_FIELDS if values.get(f)}
    screen.touched |= {"sector"} if values.get("sector") else set()
    lead = values.get("from_lead")
    if isinstance(lead, dict):
        screen.from_lead = LeadPrefill(**lead)
    screen._revalidate()
    return True


class WorkersDraftChecked(Message):
    """At the booth's start: a workers' draft of a live owner (None: none to reopen)."""

    def __init__(self, draft: Draft | None, owner: dict[str, Any] | None) -> None:
        super().__init__()
        self.draft = draft
        self.owner = owner


def live_owner_for(store: Store, draft: Draft) -> dict[str, Any] | None:
    """The owner a workers' draft belongs to, if workers can still be added to them."""
    from outreach_tui.domain.models import MAX_WORKERS

    owner = store.registrations.get(str(draft.values.get("owner_uuid", "")))
    if owner is None or owner["role"] != "owner" or owner["voided_at"] or owner.get("purged_at"):
        return None
    live = store.registrations.live_workers(owner["uuid"])
    if live >= MAX_WORKERS:
        return None
    return {**owner, "live_workers": live}


class RegistrationDrafts(DraftForm):
    """The registration screen's draft hooks (a mixin of ``RegistrationScreen``)."""

    _workers_draft: tuple[Draft, dict[str, Any]] | None = None
    _workers_checked = False

    def start_drafts(self: Any) -> None:
        if self.edit_row is None:
            self.drafts = DraftKeeper(
                self, "registration", collect=lambda: registration_values(self),
                fill=lambda draft: restore_registration(self, draft),
                notice_key="draft.restored_registration",
            )  # fmt: skip

    def on_screen_resume(self: Any, _: ScreenResume) -> None:
        """Also look for a workers' table left open (once), and reopen it when this form
        is on top (not under the start of day)."""
        if self.drafts is None or not officer_known(self.booth):
            return
        if not self._workers_checked:
            self._workers_checked = True
            officer = current_officer(self.booth)
            self.run_worker(lambda: self._find_workers_draft(officer), thread=True,
                            group="draft-check", exit_on_error=False)  # fmt: skip
        elif self._workers_draft is not None and self.app.screen is self:
            self._open_workers_draft()

    def _find_workers_draft(self: Any, officer: str | None) -> None:
        store = self.booth.store
        draft = owner = None
        try:
            officer = officer or store.settings.get("officer_code") or ""
            draft = store.drafts.get(DraftKey("workers", officer))
            owner = live_owner_for(store, draft) if draft is not None else None
        except Exception:  # a busy or locked file: nothing reopens
            draft = owner = None
        self.post_message(WorkersDraftChecked(draft if owner else None, owner))

    def on_workers_draft_checked(self: Any, message: WorkersDraftChecked) -> None:
        if message.draft is None or message.owner is None:
            return
        self._workers_draft = (message.draft, message.owner)
        if self.app.screen is self:
            self._open_workers_draft()

    def _open_workers_draft(self: Any) -> None:
        from outreach_tui.domain.models import MAX_WORKERS
        from outreach_tui.tui.screens.receipt import ReceiptScreen
        from outreach_tui.tui.screens.workers import WorkersScreen

        assert self._workers_draft is not None
        draft, owner = self._workers_draft
        self._workers_draft = None
        values, live = draft.values, owner["live_workers"]
        rows = values.get("rows") or []
        count = min(max(int(values.get("count") or 1), len(rows)), MAX_WORKERS - live)
        self.app.push_screen(
            WorkersScreen(
                owner_uuid=owner["uuid"], count=count, sector=owner["sector"],
                payment_months=owner["payment_months"], live_workers=live,
                owner_name=str(values.get("owner_name") or ""), draft=draft,
            ),
            lambda _: self.app.push_screen(ReceiptScreen(owner["uuid"])),
        )  # fmt: skip


# -- the workers' rows -------------------------------------------------------------------


def workers_values(screen: WorkersScreen) -> dict[str, Any] | None:
    from outreach_tui.tui.screens.worker_rows import COLUMNS, cell_id

    if not screen.filled_rows():
        return None
    rows = []
    for index in range(screen.count):
        row: dict[str, Any] = {
            c: screen.query_one(f"#{cell_id(index, c)}", Input).value for c in COLUMNS
        }
        row["consent"] = screen.query_one(f"#worker-{index}-consent", Checkbox).value
        row["own_consent"] = screen.own_consent.get(index)  # the name the worker agreed under
        rows.append(row)
    return {
        "owner_uuid": screen.owner_uuid, "count": screen.count,
        "owner_name": screen.owner_name, "live_workers": screen.live_workers,
        "path": screen.query_one("#workers-path", Choice).selection, "rows": rows,
        "consent_version": consent.current().version,
    }  # fmt: skip


def restore_workers(screen: WorkersScreen, draft: Draft) -> bool:
    from outreach_tui.tui.screens.worker_rows import COLUMNS, cell_id

    values = draft.values
    if values.get("owner_uuid") != screen.owner_uuid or screen.filled_rows():
        return False  # another owner's rows, or typed meanwhile
    same_consent = values.get("consent_version") == consent.current().version
    with screen.prevent(Input.Changed, Checkbox.Changed, Choice.Changed):
        if values.get("path"):
            screen.query_one("#workers-path", Choice).value = values["path"]
        for index, row in enumerate((values.get("rows") or [])[: screen.count]):
            for column in COLUMNS:
                screen.query_one(f"#{cell_id(index, column)}", Input).value = str(
                    row.get(column) or ""
                )
            # Only a tick the worker gave themself, under the same name, comes back.
            name = str(row.get("full_name") or "").strip()
            ticked = bool(row.get("consent")) and same_consent and row.get("own_consent") == name
            screen.query_one(f"#worker-{index}-consent", Checkbox).value = ticked
            if ticked:
                screen.own_consent[index] = name
            filled = {c for c in COLUMNS if row.get(c)} | ({"consent"} if ticked else set())
            screen.rows[index].touched |= filled
    screen._validate_rows()
    return True


def workers_keeper(screen: WorkersScreen) -> DraftKeeper:
    return DraftKeeper(
        screen, "workers", collect=lambda: workers_values(screen),
        fill=lambda draft: restore_workers(screen, draft),
        notice_key="draft.restored_workers",
    )  # fmt: skip


# -- the lead form --------------------------------------------------------------------------


def lead_values(screen: LeadScreen) -> dict[str, Any] | None:
    from outreach_tui.tui.screens.leads import TEXT_FIELDS, widget_id

    if screen.edit_row is not None or not screen.has_unsaved_input():
        return None
    values: dict[str, Any] = {
        f: screen.query_one(f"#{widget_id(f)}", Input).value for f in TEXT_FIELDS
    }
    values["sector"] = screen.query_one("#lead-sector", Choice).selection or ""
    ticked = screen.query_one("#lead-consent", Checkbox).value
    values["consent_version"] = consent.current("lead").version if ticked else ""
    return values


def restore_lead(screen: LeadScreen, draft: Draft) -> bool:
    from outreach_tui.tui.screens.leads import TEXT_FIELDS, widget_id

    if screen.edit_row is not None or screen.has_unsaved_input():
        return False
    values = draft.values
    with screen.prevent(Input.Changed, Choice.Changed, Checkbox.Changed):
        for field in TEXT_FIELDS:
            if field in values:
                screen.query_one(f"#{widget_id(field)}", Input).value = str(values[field] or "")
        if values.get("sector"):
            screen.query_one("#lead-sector", Choice).value = values["sector"]
        ticked = values.get("consent_version") == consent.current("lead").version
        screen.query_one("#lead-consent", Checkbox).value = ticked
    screen.touched = {f for f in TEXT_FIELDS if values.get(f)}
    screen._revalidate()
    return True


def lead_keeper(screen: LeadScreen) -> DraftKeeper | None:
    if screen.edit_row is not None:
        return None
    return DraftKeeper(
        screen, "lead", collect=lambda: lead_values(screen),
        fill=lambda draft: restore_lead(screen, draft), notice_key="draft.restored_lead",
    )  # fmt: skip
