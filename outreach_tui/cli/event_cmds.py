"""`outreach event add|list`: events without the full `outreach init` (a market day)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

from outreach_tui.cli.output import EXIT_USAGE, JsonFlag, console, fail, print_json, user_errors
from outreach_tui.config import Settings
from outreach_tui.domain import events as event_rules
from outreach_tui.domain import localtime
from outreach_tui.i18n import t
from outreach_tui.store import Store
from outreach_tui.store.setup import EventTargets
from outreach_tui.store.time_zones import load_zones

event_app = typer.Typer()


@event_app.command("add")
@user_errors
def add_command(
    ctx: typer.Context,
    name: Annotated[str, typer.Option("--name")],
    starts: Annotated[str, typer.Option("--starts")] = "",
    ends: Annotated[str, typer.Option("--ends")] = "",
    venue: Annotated[str, typer.Option("--venue")] = "",
    city: Annotated[str, typer.Option("--city")] = "",
    target: Annotated[str, typer.Option("--target")] = "",
    use: Annotated[bool, typer.Option("--use")] = False,
    as_json: JsonFlag = False,
) -> None:
    """Add an event for the officer's branch; its code is made from the name and first day.
    Adding the same event twice (same name, same days) changes nothing."""
    settings: Settings = ctx.obj
    lang = settings.language
    with Store(settings.db, create=False) as store:
        officer = store.setup.officer(store.settings.get("officer_code") or "")
        branch = next(
            (b for b in store.setup.branches() if officer and b["code"] == officer["branch_code"]),
            None,
        )
        city = city or (branch or {}).get("city") or ""
        # "Today" is the day where the event is (WIB, WITA or WIT), not the laptop's clock.
        zone = localtime.city_zone(city) or load_zones(store.database).default
        today = localtime.today(zone)
        event, problems = event_rules.validate_new_event(
            name=name, venue=venue, city=city,
            starts=starts or today.isoformat(), ends=ends or starts or today.isoformat(),
            target=target,
        )  # fmt: skip
        if event is None:
            fail(" ".join(f"{p.field}: {p.message(lang)}" for p in problems), EXIT_USAGE)
        code = event_rules.code_for(event.name, event.starts_on)
        existing = store.setup.event(code)
        created = existing is None
        if existing is None:
            event_id = store.setup.create_event(
                code=code, name=event.name, starts_on=event.starts_on, ends_on=event.ends_on,
                venue=event.venue, city=event.city,
                branch_code=officer["branch_code"] if officer else None,
                targets=EventTargets(registrations=event.target_registrations),
            )  # fmt: skip
            store.audit.record("setup.event", detail={"event": code})
        elif existing["ends_on"] != event.ends_on.isoformat():
            fail(t("event.cli.exists", lang, code=code), EXIT_USAGE)
        else:
            event_id = existing["id"]
        if use:
            store.settings.set("event_id", event_id)
    if as_json:
        print_json({"event": code, "event_id": event_id, "created": created, "current": use})
    else:
        console.print(t("event.cli.added" if created else "event.cli.kept", lang, code=code))


@event_app.command("list")
@user_errors
def list_command(
    ctx: typer.Context,
    as_json: JsonFlag = False,
) -> None:
    """The file's events, running ones first, with their status today."""
    settings: Settings = ctx.obj
    lang = settings.language
    with Store(settings.db, create=False) as store:
        found = store.setup.events()
        current = store.settings.get("event_id")
        zones = load_zones(store.database)
    today = localtime.today(zones.current)
    rows = []
    for e in found:
        first, last = date.fromisoformat(e["starts_on"]), date.fromisoformat(e["ends_on"])
        day = localtime.today(zones.for_event_id(e["id"]))  # each event's own day
        rows.append({"code": e["code"], "name": e["name"], "starts_on": e["starts_on"],
                     "ends_on": e["ends_on"], "city": e["city"],
                     "status": event_rules.status(first, last, day),
                     "current": e["id"] == current,
                     "_order": event_rules.order_key(first, last, day)})  # fmt: skip
    rows.sort(key=lambda r: r.pop("_order"))
    if as_json:
        print_json({"today": today.isoformat(), "events": rows})
        return
    table = Table(title_justify="left")
    for key in ("code", "name", "days", "status"):
        table.add_column(t(f"event.cli.col_{key}", lang), no_wrap=key != "name")
    for r in rows:
        mark = " *" if r["current"] else ""
        table.add_row(Text(r["code"] + mark), Text(r["name"]),
                      f"{date.fromisoformat(r['starts_on']):%d-%m-%y}–"
                      f"{date.fromisoformat(r['ends_on']):%d-%m-%y}",
                      t(f"event.cli.status_{r['status']}", lang))  # fmt: skip
    console.print(table)


def register(app: typer.Typer) -> None:
    app.add_typer(event_app, name="event")
