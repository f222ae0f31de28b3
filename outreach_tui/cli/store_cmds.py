"""The officer's file: `outreach init`, `outreach doctor`, `outreach backup`."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import asdict
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table
from rich.text import Text

from outreach_tui import files
from outreach_tui.cli import recover_cmd
from outreach_tui.cli.output import EXIT_INVALID, JsonFlag, console, fail, print_json, user_errors
from outreach_tui.config import Settings
from outreach_tui.domain.sync_reasons import NEEDS_FIXING, field_label, mask_name, reason
from outreach_tui.domain.typed_input import clean_code, clean_text, parse_date
from outreach_tui.i18n import catalogue, t
from outreach_tui.store import Store
from outreach_tui.store.queries import Kind
from outreach_tui.store.setup import EventTargets


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
    officer: Annotated[str | None, typer.Option()] = None,
    officer_name: Annotated[str | None, typer.Option()] = None,
    branch: Annotated[str | None, typer.Option()] = None,
    branch_name: Annotated[str | None, typer.Option()] = None,
    city: Annotated[str | None, typer.Option()] = None,
    event: Annotated[str | None, typer.Option()] = None,
    event_name: Annotated[str | None, typer.Option()] = None,
    venue: Annotated[str | None, typer.Option()] = None,
    starts: Annotated[str | None, typer.Option()] = None,
    ends: Annotated[str | None, typer.Option()] = None,
    target: Annotated[int | None, typer.Option(min=0)] = None,
    target_workers: Annotated[int | None, typer.Option(min=0)] = None,
    target_leads: Annotated[int | None, typer.Option(min=0)] = None,
    as_json: JsonFlag = False,
) -> None:
    """First-run set-up: officer, branch and event; later runs add or switch them."""
    settings: Settings = ctx.obj
    lang = settings.language

    def ask(value: str | None, field: str) -> str:
        """A value not given as a flag is asked for, in the officer's language."""
        return value if value is not None else typer.prompt(t(f"cli.init_ask.{field}", lang))

    officer = ask(officer, "officer")
    officer_name = ask(officer_name, "officer_name")
    branch = ask(branch, "branch")
    branch_name = ask(branch_name, "branch_name")
    city = ask(city, "city")
    event = ask(event, "event")
    event_name = ask(event_name, "event_name")
    venue = ask(venue, "venue")
    starts = ask(starts, "starts")
    ends = ask(ends, "ends")
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


PROBLEMS_SHOWN = 100  # doctor lists at most this many per kind (newest first)


def sync_problems(store: Store, lang: str) -> list[dict[str, Any]]:
    """Records the hub refused or found in conflict: what the officer must fix."""
    found = []
    kinds: tuple[tuple[Kind, str], ...] = (("registrations", "registration"), ("leads", "lead"))
    for kind, entity in kinds:
        page = store.queries.page(kind, states=NEEDS_FIXING, limit=PROBLEMS_SHOWN)
        for row in page.rows:
            found.append({
                "uuid": row["uuid"], "entity": entity, "state": row["sync_state"],
                "name": mask_name(row["full_name"]), "reference_no": row.get("reference_no"),
                "code": row["sync_code"], "field": row["sync_field"],
                "message": reason(row["sync_code"], row["sync_message"], lang),
            })  # fmt: skip
    return found


def print_problems(problems: list[dict[str, Any]], lang: str) -> None:
    if not problems:
        return
    table = Table(title=t("doctor.problems_title", lang, count=len(problems)),
                  title_justify="left")  # fmt: skip
    for key in ("state", "reference", "name", "field", "message"):
        table.add_column(t(f"doctor.problems.{key}", lang), no_wrap=key != "message")
    for item in problems:
        table.add_row(t(f"records.sync.{item['state']}", lang), item["reference_no"] or "-",
                      Text(item["name"]), field_label(item["field"], lang),
                      Text(item["message"]))  # fmt: skip
    console.print(table)
    console.print(t("doctor.problems_fix", lang))


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
            problems = sync_problems(store, lang)
    except (FileDamaged, FileEmpty):
        recover_cmd.report_damage(settings, db, as_json)
    except (StoreError, sqlite3.DatabaseError) as exc:
        if not is_corruption(exc):
            raise
        recover_cmd.report_damage(settings, db, as_json)
    healthy = integrity == ["ok"]
    report: dict[str, Any] = {
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
        "problems": problems,
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
            if key not in ("integrity_messages", "damaged", "recover_command", "problems"):
                table.add_row(t(f"doctor.{key}", lang), str(value))
        console.print(table)
        print_problems(report["problems"], lang)
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
    out: Annotated[Path, typer.Option("--out")],
    force: Annotated[bool, typer.Option("--force")] = False,
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
    record: Annotated[str | None, typer.Option("--record")] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, max=10_000)] = 50,
    as_json: JsonFlag = False,
) -> None:
    """Who created, edited, voided, exported or synced what, and when (newest first)."""
    settings: Settings = ctx.obj
    from outreach_tui.domain import localtime
    from outreach_tui.store.time_zones import load_zones

    lang = settings.language
    with Store(settings.db, create=False) as store:
        entries = store.audit.entries(entity_uuid=record, limit=limit)
        zone = localtime.zone(load_zones(store.database).current)  # the booth's clock
    if as_json:
        print_json({"entries": [asdict(e) for e in entries]})
        return
    table = Table(title=t("audit.title", lang), title_justify="left")
    for key in ("at", "officer", "action", "record", "detail"):
        table.add_column(t(f"audit.{key}", lang))
    actions = catalogue(lang)
    for e in entries:
        local = datetime.fromisoformat(e.at.replace("Z", "+00:00")).astimezone(zone)
        action = actions.get(f"audit_action.{e.action.replace('.', '_')}", e.action)
        table.add_row(
            f"{local:%Y-%m-%d %H:%M:%S}", e.officer_code or "—", action,
            (e.entity_uuid or "")[:13], Text(json.dumps(e.detail, ensure_ascii=False))
            if e.detail else "",
        )  # fmt: skip
    console.print(table)


def register(app: typer.Typer) -> None:
    app.command("init")(init_command)
    app.command("doctor")(doctor_command)
    app.command("backup")(backup_command)
    app.command("audit")(audit_command)
