"""The officer's file: `outreach init`, `outreach doctor`, `outreach backup`."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import asdict
from datetime import date, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

from outreach_tui.cli import recover_cmd
from outreach_tui.cli.output import EXIT_INVALID, console, fail, print_json, user_errors
from outreach_tui.config import Settings
from outreach_tui.domain.validation import clean_text, parse_date
from outreach_tui.i18n import t
from outreach_tui.store import Store
from outreach_tui.store.setup import EventTargets

JsonFlag = Annotated[bool, typer.Option("--json", help="Print stable JSON instead of a table.")]


def _code(value: str, what: str, lang: str) -> str:
    code = clean_text(value).upper()
    if (
        not code
        or len(code) > 40
        or not all(c.isascii() and (c.isalnum() or c in "-_") for c in code)
    ):
        fail(t("cli.bad_code", lang, what=what, value=value[:40]))
    return code


def _text(value: str, what: str, lang: str, *, limit: int = 100) -> str:
    text = clean_text(value)
    if not text or len(text) > limit:
        fail(t("cli.bad_text", lang, what=what, limit=limit))
    return text


def _day(value: str, what: str, lang: str) -> date:
    parsed = parse_date(value)
    if parsed is None:
        fail(t("cli.bad_date", lang, value=f"{what}={value[:40]}"))
    return parsed


@user_errors
def init_command(
    ctx: typer.Context,
    officer: Annotated[str, typer.Option(prompt=True, help="Officer code, e.g. PLG-01.")],
    officer_name: Annotated[str, typer.Option(prompt=True, help="Officer's full name.")],
    branch: Annotated[str, typer.Option(prompt=True, help="Branch code, e.g. PLG.")],
    branch_name: Annotated[str, typer.Option(prompt=True, help="Branch name.")],
    city: Annotated[str, typer.Option(prompt=True, help="Branch city.")],
    event: Annotated[str, typer.Option(prompt=True, help="Event code, e.g. EXPO-PIM-2026.")],
    event_name: Annotated[str, typer.Option(prompt=True, help="Event name.")],
    venue: Annotated[str, typer.Option(prompt=True, help="Venue.")],
    starts: Annotated[str, typer.Option(prompt=True, help="First day (YYYY-MM-DD).")],
    ends: Annotated[str, typer.Option(prompt=True, help="Last day (YYYY-MM-DD).")],
    target: Annotated[
        int | None, typer.Option(min=0, help="Target number of owners registered.")
    ] = None,
    target_workers: Annotated[int | None, typer.Option(min=0)] = None,
    target_leads: Annotated[int | None, typer.Option(min=0)] = None,
    as_json: JsonFlag = False,
) -> None:
    """First-run set-up: officer, branch and event; later runs add or switch them."""
    settings: Settings = ctx.obj
    lang = settings.language
    officer_code = _code(officer, "officer", lang)
    branch_code = _code(branch, "branch", lang)
    event_code = _code(event, "event", lang)
    first, last = _day(starts, "starts", lang), _day(ends, "ends", lang)
    if last < first:
        fail(t("cli.event_dates", lang))
    with Store(settings.db, create=True) as store:
        store.setup.upsert_branch(branch_code, _text(branch_name, "branch-name", lang),
                                  _text(city, "city", lang))  # fmt: skip
        store.setup.upsert_officer(officer_code, _text(officer_name, "officer-name", lang),
                                   branch_code)  # fmt: skip
        existing = store.setup.event(event_code)
        if existing:
            event_id = existing["id"]
        else:
            event_id = store.setup.create_event(
                code=event_code,
                name=_text(event_name, "event-name", lang),
                venue=_text(venue, "venue", lang, limit=200),
                city=clean_text(city),
                branch_code=branch_code,
                starts_on=first,
                ends_on=last,
                targets=EventTargets(target, target_workers, target_leads),
            )
        store.settings.set("officer_code", officer_code)
        store.settings.set("event_id", event_id)
        store.audit.record("setup.init", officer_code=officer_code, detail={"event": event_code})
        summary = store.summary()
        recover_cmd.remember_counts(store.path, store.device_id, summary.owners,
                                    summary.workers, summary.leads)  # fmt: skip
        result = {
            "db": str(store.path),
            "device_id": store.device_id,
            "officer": officer_code,
            "branch": branch_code,
            "event": event_code,
            "event_id": event_id,
            "event_created": existing is None,
        }
    if as_json:
        print_json(result)
    else:
        console.print(
            t("cli.init_done", lang, officer=officer_code, event=event_code, db=result["db"])
        )


@user_errors
def doctor_command(ctx: typer.Context, as_json: JsonFlag = False) -> None:
    """Check the file: integrity, schema version, counts, what waits for sync; for a
    damaged, wiped or missing file, what is wrong and what to run."""
    from outreach_tui.store.damage import is_corruption, size_on_disk
    from outreach_tui.store.database import FileDamaged, FileEmpty, StoreError, resolve_path

    settings: Settings = ctx.obj
    lang = settings.language
    db = resolve_path(settings.db)
    if not db.exists():
        recover_cmd.report_missing(settings, db, as_json)
    try:
        with Store(db, create=False) as store:
            integrity = store.integrity_check()
            summary = store.summary()
            device_id = store.device_id
    except (FileDamaged, FileEmpty):
        recover_cmd.report_damage(settings, db, as_json)
    except (StoreError, sqlite3.DatabaseError) as exc:
        if not is_corruption(exc):
            raise
        recover_cmd.report_damage(settings, db, as_json)
    healthy = integrity == ["ok"]
    report = {
        "db": str(db),
        "device_id": device_id,
        "integrity": "ok" if healthy else "failed",
        "integrity_messages": [] if healthy else integrity,
        "schema_version": summary.schema_version,
        "latest_schema_version": summary.latest_schema_version,
        "owners": summary.owners,
        "workers": summary.workers,
        "leads": summary.leads,
        "voided": summary.voided,
        "pending_sync": summary.pending_sync,
        "rejected": summary.rejected,
        "conflicts": summary.conflicts,
        # The file with its -wal and -shm: what the laptop file really takes on disk.
        **size_on_disk(db),
        "damaged": not healthy,
        "recover_command": None if healthy else recover_cmd.recover_command_line(db),
    }
    if healthy:
        recover_cmd.remember_counts(db, device_id, summary.owners, summary.workers, summary.leads)
    if as_json:
        print_json(report)
    else:
        table = Table(show_header=False, box=None)
        table.add_column(style="bold")
        table.add_column(justify="right")
        for key, value in report.items():
            if key not in ("integrity_messages", "damaged", "recover_command"):
                table.add_row(t(f"doctor.{key}", lang), str(value))
        console.print(table)
        for message in report["integrity_messages"][:20]:
            console.print(f"[red]✗[/] {message}", markup=True)
        if not healthy:
            console.print(t("doctor_damage.todo", lang), markup=False, soft_wrap=True)
            console.print(f"  {report['recover_command']}", markup=False, soft_wrap=True)
    if not healthy:
        raise typer.Exit(EXIT_INVALID)


@user_errors
def backup_command(
    ctx: typer.Context,
    out: Annotated[Path, typer.Option("--out", help="Where to write the copy.")],
    as_json: JsonFlag = False,
) -> None:
    """A consistent copy of the file (safe while the booth app is open)."""
    settings: Settings = ctx.obj
    with Store(settings.db, create=False) as store:
        target = store.backup(out)
        store.audit.record("store.backup", detail={"to": str(target)})
    if as_json:
        print_json({"backup": str(target), "size_bytes": target.stat().st_size})
    else:
        console.print(t("cli.backup_done", settings.language, path=str(target)))


@user_errors
def audit_command(
    ctx: typer.Context,
    record: Annotated[
        str | None, typer.Option("--record", help="Only entries about this record (uuid).")
    ] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, max=10_000)] = 50,
    as_json: JsonFlag = False,
) -> None:
    """Who created, edited, voided, exported or synced what, and when (newest first)."""
    settings: Settings = ctx.obj
    with Store(settings.db, create=False) as store:
        entries = store.audit.entries(entity_uuid=record, limit=limit)
    if as_json:
        print_json({"entries": [asdict(e) for e in entries]})
        return
    table = Table(title=t("audit.title", settings.language), title_justify="left")
    for key in ("at", "officer", "action", "record", "detail"):
        table.add_column(t(f"audit.{key}", settings.language))
    for e in entries:
        local = datetime.fromisoformat(e.at.replace("Z", "+00:00")).astimezone()
        table.add_row(
            f"{local:%Y-%m-%d %H:%M:%S}", e.officer_code or "—", e.action,
            (e.entity_uuid or "")[:13], Text(json.dumps(e.detail, ensure_ascii=False))
            if e.detail else "",
        )  # fmt: skip
    console.print(table)


def register(app: typer.Typer) -> None:
    app.command("init")(init_command)
    app.command("doctor")(doctor_command)
    app.command("backup")(backup_command)
    app.command("audit")(audit_command)
