"""`outreach leads`: the leads to call back, with a WhatsApp link and message for each."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

import typer
from rich.text import Text

from outreach_tui.cli.output import JsonFlag, console, print_json, user_errors
from outreach_tui.config import Settings
from outreach_tui.domain import callbacks, localtime
from outreach_tui.domain.phone import national_digits
from outreach_tui.i18n import t
from outreach_tui.store import Store
from outreach_tui.store.time_zones import load_zones


def lead_entry(row: dict[str, Any], today: date, language: str) -> dict[str, Any]:
    """One lead as `leads --json` prints it (and the table shows it)."""
    due = callbacks.due_on(row["follow_up_on"], today)
    message = callbacks.whatsapp_message(
        name=row["full_name"] or "",
        officer_name=row.get("officer_name") or row["officer_code"] or "",
        event_name=row.get("event_name") or "",
        language=language,
    )
    return {
        "uuid": row["uuid"],
        "full_name": row["full_name"],
        "phone": row["phone"],
        "sector": row["sector"],
        "interest": row["interest"],
        "follow_up_on": row["follow_up_on"],
        "days_overdue": due.days_overdue if due else None,
        "event_code": row.get("event_code"),
        "officer_code": row["officer_code"],
        "last_outcome": row.get("last_outcome"),
        "callbacks": row.get("callbacks") or 0,
        "message": message,
        "whatsapp_link": callbacks.whatsapp_link(row["phone"] or "", message),
    }


@user_errors
def leads_command(
    ctx: typer.Context,
    due: Annotated[bool, typer.Option("--due")] = False,
    limit: Annotated[int, typer.Option("--limit", min=1, max=500)] = 50,
    as_json: JsonFlag = False,
) -> None:
    """Leads with a follow-up date, earliest first (`--due`: today's and overdue ones)."""
    settings: Settings = ctx.obj
    lang = settings.language
    with Store(settings.db, create=False) as store:
        # The booth's day (the current event's zone), as the call-back list in the TUI.
        today = localtime.today(load_zones(store.database).current)
        page = store.callbacks.due(today if due else None, limit=limit)
    entries = [lead_entry(row, today, lang) for row in page.rows]
    if as_json:
        print_json({"today": today.isoformat(), "due": due, "total": page.total,
                    "leads": entries})  # fmt: skip
        return
    if not entries:
        console.print(t("cli.leads.empty", lang))
        return
    # One block per lead (name, number, date; interest and the last call; the link) rather
    # than a table: at 80 columns a table squeezed the link away from its lead.
    console.print(Text(t("cli.leads.title", lang, count=page.total), style="bold"))
    for number, entry in enumerate(entries, start=1):
        console.print(lead_block(number, entry, lang), soft_wrap=True)
    if page.total > len(entries):
        console.print(t("cli.leads.more", lang, shown=len(entries), total=page.total))


def lead_block(number: int, entry: dict[str, Any], lang: str) -> Text:
    days = entry["days_overdue"]
    block = Text(f"{number}. ")
    block.append(entry["full_name"] or "", style="bold")
    block.append(f" · {national_digits(entry['phone'])}")
    block.append(f" · {date.fromisoformat(entry['follow_up_on']):%d-%m-%Y}")
    if days is not None:
        label = t("lead.callback.due_today", lang) if days == 0 else t(
            "lead.callback.overdue", lang, days=days)  # fmt: skip
        block.append(f" ({label})", style="red" if days else "yellow")
    details = []
    if entry["interest"]:
        details.append(f"{t('lead.callback.col_interest', lang)}: {entry['interest']}")
    if entry["last_outcome"]:
        outcome = t(f"lead.callback.outcome.{entry['last_outcome']}", lang)
        details.append(f"{t('lead.callback.col_last', lang)}: {outcome} ({entry['callbacks']}×)")
    if details:
        block.append("\n   " + " · ".join(details), style="dim")
    link = entry["whatsapp_link"]
    block.append("\n   " + (link or t("lead.callback.no_link", lang)))
    return block


def register(app: typer.Typer) -> None:
    app.command("leads")(leads_command)
