"""`outreach consent withdraw` on the laptop; `outreach hub withdraw|withdrawals` at the
branch. A withdrawal of consent stops processing within 3×24 hours (UU 27/2022): the
deadline is recorded and shown. See docs/PRIVACY.md section 1."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from outreach_tui.cli.hub_cmds import DbOption, _lang, hub_app, hub_errors
from outreach_tui.cli.hub_review_cmds import _reviewer as _actor  # cli:<login>, audited
from outreach_tui.cli.output import (
    EXIT_INVALID,
    EXIT_STORE,
    EXIT_USAGE,
    JsonFlag,
    console,
    fail,
    print_json,
    user_errors,
)
from outreach_tui.config import Settings
from outreach_tui.i18n import t

consent_app = typer.Typer(
    name="consent",
    no_args_is_help=True,
    add_completion=False,
)

Reference = Annotated[str, typer.Argument()]
Reason = Annotated[str, typer.Option("--reason")]


def shown(moment: str | None) -> str:
    """A stored UTC instant as people read it: 2026-12-07 03:00 UTC."""
    return "-" if not moment else f"{moment[:10]} {moment[11:16]} UTC"


@consent_app.command("withdraw")
@user_errors
def withdraw_command(
    ctx: typer.Context, reference: Reference, reason: Reason = "", as_json: JsonFlag = False
) -> None:
    """Record that a participant withdrew their consent: the record leaves exports and
    reminders at once, and the hub stops processing after the next sync."""
    from outreach_tui.store import Store
    from outreach_tui.store.consent_withdrawal import WithdrawalError

    settings: Settings = ctx.obj
    lang = settings.language
    if not reason.strip():
        fail(t("withdrawal.reason_required", lang), EXIT_USAGE)
    if not Path(settings.db).exists():
        fail(t("cli.db_missing", lang, db=str(settings.db)), EXIT_STORE)
    with Store(settings.db, create=False) as store:
        try:
            done = store.withdraw_consent(
                reference, reason, officer_code=store.settings.get("officer_code") or ""
            )
        except WithdrawalError as exc:
            fail(t(f"withdrawal.{exc.code}", lang, reference=exc.reference), EXIT_INVALID)
    if as_json:
        print_json({"uuid": done.uuid, "reference_no": done.reference_no,
                    "withdrawn_at": done.withdrawn_at, "due_at": done.due_at,
                    "reason": done.reason, "already": done.already})  # fmt: skip
        return
    key = "withdrawal.already" if done.already else "withdrawal.done"
    console.print(t(key, lang, reference=done.reference_no, at=shown(done.withdrawn_at),
                    due=shown(done.due_at)), markup=False)  # fmt: skip


@hub_errors
def hub_withdraw(
    ctx: typer.Context, reference: Reference, db: DbOption, reason: Reason = "",
    as_json: JsonFlag = False,
) -> None:  # fmt: skip
    """Record at the hub a withdrawal asked for at the branch (also for a record the
    laptop has purged): exports and the duplicate review leave it out."""
    from outreach_tui.hub.storage import open_storage
    from outreach_tui.hub.withdrawals import WithdrawalNotFound, withdraw

    lang = _lang(ctx)
    if not reason.strip():
        fail(t("withdrawal.reason_required", lang), EXIT_USAGE)
    with open_storage(db, create=False) as storage:
        try:
            row = withdraw(storage, reference, reason, actor=_actor())
        except WithdrawalNotFound as exc:
            fail(t("withdrawal.not_found", lang, reference=exc.reference), EXIT_INVALID)
    if as_json:
        print_json(row)
        return
    console.print(t("withdrawal.hub_done", lang, reference=row["reference_no"],
                    due=shown(row["due_at"])), markup=False)  # fmt: skip


@hub_errors
def hub_withdrawals(ctx: typer.Context, db: DbOption, as_json: JsonFlag = False) -> None:
    """Every withdrawal of consent the hub knows, with its stop deadline (3×24 hours)."""
    from outreach_tui.hub.storage import open_storage
    from outreach_tui.hub.withdrawals import listing

    lang = _lang(ctx)
    with open_storage(db, create=False) as storage:
        rows = listing(storage)
    if as_json:
        print_json({"withdrawals": rows})
        return
    if not rows:
        console.print(t("withdrawal.hub_none", lang))
        return
    for r in rows:
        console.print(t("withdrawal.hub_row", lang, reference=r["reference_no"],
                        at=shown(r["requested_at"]), due=shown(r["due_at"]), source=r["source"],
                        reason=r["reason"] or ""), markup=False)  # fmt: skip


def register(app: typer.Typer) -> None:
    app.add_typer(consent_app, name="consent")
    hub_app.command("withdraw")(hub_withdraw)
    hub_app.command("withdrawals")(hub_withdrawals)
