"""The officer's file: `outreach init`, `outreach doctor`, `outreach backup`."""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import date, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

from outreach_tui import files
from outreach_tui.cli.output import EXIT_INVALID, EXIT_STORE, console, fail, print_json, user_errors
from outreach_tui.config import Settings
from outreach_tui.domain.validation import clean_code, clean_text, parse_date
from outreach_tui.i18n import t
from outreach_tui.store import Store
from outreach_tui.store.setup import EventTargets

JsonFlag = Annotated[bool, typer.Option("--json", help="Print stable JSON instead of a table.")]


def _code(value: str, what: str, lang: str) -> str:
    code = clean_code(value)  # the hub's rule too: upper-cased, never trimmed
    if code is None:
        fail(t("cli.bad_code", lang, what=what, value=value[:40].encode("unicode_escape").decode()))
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
    with Store(settings.db) as store:
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
    """Check the file: integrity, schema version, counts, what waits for sync."""
    settings: Settings = ctx.obj
    lang = settings.language
    if not Path(settings.db).exists():
        fail(t("cli.db_missing", lang, db=str(settings.db)), EXIT_STORE)
    with Store(settings.db, create=False) as store:
        integrity = store.integrity_check()
        summary = store.summary()
        report = {
            "db": str(store.path),
            "device_id": store.device_id,
            "integrity": "ok" if integrity == ["ok"] else "failed",
            "integrity_messages": integrity if integrity != ["ok"] else [],
            "schema_version": summary.schema_version,
            "latest_schema_version": summary.latest_schema_version,
            "owners": summary.owners,
            "workers": summary.workers,
            "leads": summary.leads,
            "voided": summary.voided,
            "pending_sync": summary.pending_sync,
            "rejected": summary.rejected,
            "conflicts": summary.conflicts,
            "size_bytes": store.path.stat().st_size,
        }
    if as_json:
        print_json(report)
    else:
        table = Table(show_header=False, box=None)
        table.add_column(style="bold")
        table.add_column(justify="right")
        for key, value in report.items():
            if key != "integrity_messages":
                table.add_row(t(f"doctor.{key}", lang), str(value))
        console.print(table)
        for message in report["integrity_messages"][:20]:
            console.print(f"[red]✗[/] {message}", markup=True)
    if report["integrity"] != "ok":
        raise typer.Exit(EXIT_INVALID)


@user_errors
def backup_command(
    ctx: typer.Context,
    out: Annotated[Path, typer.Option("--out", help="Where to write the copy.")],
    force: Annotated[
        bool, typer.Option("--force", help="Replace an existing file (never a database).")
    ] = False,
    as_json: JsonFlag = False,
) -> None:
    """A consistent copy of the file (safe while the booth app is open).

    A new file only: never this database, another SQLite file, a device or a symlink; the
    copy stays only once its audit entry is written.
    """
    settings: Settings = ctx.obj
    files.check_target(out, force=force, protect=[settings.db], sqlite_output=True)
    with Store(settings.db, create=False) as store:
        target = store.backup(out, force=force)
        written = files.Written.of(target)
        size = written.size
        try:
            store.audit.record("store.backup", detail={"to": str(target)})
        except BaseException:
            files.take_back(written)
            raise
    if as_json:
        print_json({"backup": str(target), "size_bytes": size})
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
