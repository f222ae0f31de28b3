"""`outreach leads`: the leads to call back, with a WhatsApp link and message for each."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

import typer
from rich.table import Table
from rich.text import Text

from outreach_tui.cli.output import console, print_json, user_errors
from outreach_tui.config import Settings
from outreach_tui.domain import callbacks
from outreach_tui.i18n import t
from outreach_tui.store import Store


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
    due: Annotated[
        bool, typer.Option("--due", help="Only leads to call back today or overdue.")
    ] = False,
    limit: Annotated[int, typer.Option("--limit", min=1, max=500, help="At most this many.")] = 50,
    as_json: Annotated[bool, typer.Option("--json", help="Print stable JSON.")] = False,
) -> None:
    """Leads with a follow-up date, earliest first (`--due`: today's and overdue ones)."""
    settings: Settings = ctx.obj
    lang = settings.language
    today = date.today()
    with Store(settings.db, create=False) as store:
        page = store.callbacks.due(today if due else None, limit=limit)
    entries = [lead_entry(row, today, lang) for row in page.rows]
    if as_json:
        print_json({"today": today.isoformat(), "due": due, "total": page.total,
                    "leads": entries})  # fmt: skip
        return
    if not entries:
        console.print(t("cli.leads.empty", lang))
        return
    table = Table(title=t("cli.leads.title", lang, count=page.total), title_justify="left")
    for key in ("col_due", "col_name", "col_phone", "col_interest", "col_last"):
        table.add_column(t(f"lead.callback.{key}", lang), no_wrap=key in ("col_due", "col_phone"))
    for entry in entries:
        days = entry["days_overdue"]
        when = Text(entry["follow_up_on"] or "")
        if days is not None:
            label = t("lead.callback.due_today", lang) if days == 0 else t(
                "lead.callback.overdue", lang, days=days)  # fmt: skip
            when.append(f" ({label})", style="red" if days else "yellow")
        last = entry["last_outcome"]
        table.add_row(
            when, Text(entry["full_name"] or ""), Text(entry["phone"] or ""),
            Text(entry["interest"] or ""),
            t(f"lead.callback.outcome.{last}", lang) if last else "",
        )  # fmt: skip
    console.print(table)
    for entry in entries:
        link = entry["whatsapp_link"]
        line = (
            t("lead.callback.link", lang, link=link) if link else t("lead.callback.no_link", lang)
        )
        # soft_wrap: a link cut over two lines cannot be clicked or copied whole.
        console.print(Text(f"{entry['full_name']}: {line}"), soft_wrap=True)


def register(app: typer.Typer) -> None:
    app.command("leads", help=t("cli.leads.help"))(leads_command)
