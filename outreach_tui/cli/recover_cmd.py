"""A damaged, wiped or missing laptop file: what `doctor` says, and `outreach recover`."""

from __future__ import annotations

import shlex
from pathlib import Path
from typing import Annotated, Any

import typer

from outreach_tui.cli.output import (
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
from outreach_tui.store.damage import Diagnosis, diagnose
from outreach_tui.store.database import FileEmpty, FileMissing, resolve_path
from outreach_tui.store.known_counts import (
    KnownCounts,
    backup_folders,
    newest_backup,
    read_sidecar,
    write_sidecar,
)


def format_age(seconds: int, lang: str) -> str:
    minutes = seconds // 60
    if minutes >= 24 * 60:
        return t("age.days", lang, n=minutes // (24 * 60), h=minutes % (24 * 60) // 60)
    if minutes >= 60:
        return t("age.hours", lang, n=minutes // 60, m=minutes % 60)
    return t("age.minutes", lang, n=minutes)


def _new_name(db: Path, tag: str) -> Path:
    return db.with_name(f"{db.stem}-{tag}{db.suffix or '.db'}")


def recover_command_line(db: Path) -> str:
    """The command to run, ready to copy (the new file next to the damaged one)."""
    out = _new_name(db, "recovered")
    return f"outreach --db {shlex.quote(str(db))} recover --out {shlex.quote(str(out))}"


def _known(
    db: Path, device_id: str | None = None, exclude: tuple[Path, ...] = ()
) -> tuple[KnownCounts | None, KnownCounts | None]:
    sidecar = read_sidecar(db)
    device_id = device_id or (sidecar.device_id if sidecar else None)
    return sidecar, newest_backup(db, device_id, exclude=exclude)


def _backup_lines(db: Path, backup: KnownCounts | None, lang: str) -> list[str]:
    if backup is None:
        folders = ", ".join(str(f) for f in backup_folders(db))
        return [t("doctor_damage.no_backup", lang, folders=folders)]
    age = format_age(backup.age_seconds(), lang)
    return [t("doctor_damage.backup", lang, path=backup.path, age=age, owners=backup.owners,
              workers=backup.workers, leads=backup.leads)]  # fmt: skip


def _damage_lines(diagnosis: Diagnosis, lang: str) -> list[str]:
    lines = []
    for kind in diagnosis.kinds:
        if kind == "header":
            lines.append(t("doctor_damage.header", lang))
        elif kind == "truncated":
            if diagnosis.pages_expected:
                lines.append(t("doctor_damage.truncated", lang, present=diagnosis.pages_present,
                               expected=diagnosis.pages_expected))  # fmt: skip
            else:
                lines.append(t("doctor_damage.truncated_unknown", lang))
        elif kind == "pages":
            error = diagnosis.error or (diagnosis.integrity_messages or ["?"])[0]
            lines.append(t("doctor_damage.pages", lang, error=error[:120]))
    if diagnosis.unreadable_tables:
        tables = ", ".join(diagnosis.unreadable_tables)
        lines.append(t("doctor_damage.tables", lang, tables=tables))
    for message in diagnosis.integrity_messages[:5]:
        lines.append(t("doctor_damage.integrity", lang, message=message[:160]))
    return lines


def report_damage(settings: Settings, db: Path, as_json: bool) -> None:
    """`doctor` on a file that cannot be used: what is damaged, the newest backup, what
    to run. Exits 3 with one `outreach:` line on stderr."""
    lang = settings.language
    diagnosis = diagnose(db)
    sidecar, backup = _known(db)
    command = recover_command_line(db)
    empty = "empty" in diagnosis.kinds
    report: dict[str, Any] = {
        "db": str(db), "damaged": True, "damage": diagnosis.as_json(),
        "backup": backup.as_json() if backup else None,
        "last_known": sidecar.as_json() if sidecar else None,
        "recover_command": None if empty else command,
    }  # fmt: skip
    if as_json:
        print_json(report)
    else:
        title = "doctor_damage.title_empty" if empty else "doctor_damage.title"
        console.print(f"[red]✗[/] {t(title, lang, db=str(db))}", markup=True)
        for line in _damage_lines(diagnosis, lang) if not empty else []:
            console.print(f"  {line}", markup=False, soft_wrap=True)
        for line in _backup_lines(db, backup, lang):
            console.print(f"  {line}", markup=False, soft_wrap=True)
        if empty:
            console.print(t("doctor_damage.todo_empty", lang), markup=False, soft_wrap=True)
        else:
            console.print(t("doctor_damage.todo", lang), markup=False, soft_wrap=True)
            console.print(f"  {command}", markup=False, soft_wrap=True)
            if backup is not None:
                console.print(t("doctor_damage.todo_backup", lang), markup=False, soft_wrap=True)
                copy = shlex.quote(str(_new_name(db, "from-backup")))
                console.print(f"  cp {shlex.quote(backup.path)} {copy}", markup=False,
                              soft_wrap=True)  # fmt: skip
            out = shlex.quote(str(_new_name(db, "recovered")))
            console.print(t("doctor_damage.todo_check", lang, out=out), markup=False,
                          soft_wrap=True)  # fmt: skip
    key = "damaged.stderr_empty" if empty else "damaged.stderr"
    fail(t(key, lang, db=str(db)), EXIT_STORE)


def report_missing(settings: Settings, db: Path, as_json: bool) -> None:
    """`doctor` on a missing file: if it was known to hold a device, say so and where the
    newest backup is; otherwise the usual "run outreach init"."""
    lang = settings.language
    sidecar = read_sidecar(db)
    if sidecar is None:
        raise FileMissing(db)
    backup = newest_backup(db, sidecar.device_id)
    if as_json:
        print_json({"db": str(db), "damaged": True, "damage": {"kinds": ["missing"]},
                    "backup": backup.as_json() if backup else None,
                    "last_known": sidecar.as_json(), "recover_command": None})  # fmt: skip
    else:
        when = format_age(sidecar.age_seconds(), lang)
        console.print("[red]✗[/] " + t("doctor_damage.title_missing", lang, db=str(db),
                      when=f"-{when}", device=sidecar.device_id, owners=sidecar.owners,
                      workers=sidecar.workers, leads=sidecar.leads), markup=True)  # fmt: skip
        for line in _backup_lines(db, backup, lang):
            console.print(f"  {line}", markup=False, soft_wrap=True)
        console.print(t("doctor_damage.todo_empty", lang), markup=False, soft_wrap=True)
    fail(t("damaged.stderr_missing", lang, db=str(db)), EXIT_STORE)


def remember_counts(db: Path, device_id: str, owners: int, workers: int, leads: int) -> None:
    write_sidecar(db, device_id=device_id, owners=owners, workers=workers, leads=leads)


@user_errors
def recover_command(
    ctx: typer.Context,
    out: Annotated[Path, typer.Option("--out")],
    as_json: JsonFlag = False,
) -> None:
    """Salvage what can be read from a damaged --db into a new file (never changes it)."""
    from outreach_tui.store.recover import RecoverError, orphans, salvage

    settings: Settings = ctx.obj
    lang = settings.language
    db = resolve_path(settings.db)
    if not db.exists():
        raise FileMissing(db)
    if db.is_file() and db.stat().st_size == 0:
        raise FileEmpty(db)
    sidecar = read_sidecar(db)
    try:
        result = salvage(db, out, device_id=sidecar.device_id if sidecar else None)
    except RecoverError as exc:
        code = EXIT_USAGE if exc.key.startswith(("recover.out_", "recover.no_")) else EXIT_STORE
        fail(t(exc.key, lang, **exc.params), code)
    if result.device_id:
        remember_counts(result.out, result.device_id, result.owners, result.workers, result.leads)
    _, backup = _known(db, result.device_id, exclude=(result.out,))
    known = max((k for k in (sidecar, backup) if k is not None), key=lambda k: k.at, default=None)
    missing = None
    if known is not None:
        missing = {key: max(0, getattr(known, key) - getattr(result, key))
                   for key in ("owners", "workers", "leads")}  # fmt: skip
    if as_json:
        print_json({
            "db": str(db), "out": str(result.out), "method": result.method,
            "header_rebuilt": result.header_rebuilt, "device_id": result.device_id,
            "owners": result.owners, "workers": result.workers, "leads": result.leads,
            "lost_and_found": result.lost_and_found, "orphans": orphans(result),
            "complaint": result.complaint or None,
            "last_known": known.as_json() if known else None, "missing": missing,
        })  # fmt: skip
        return
    say = console.print
    say(t("recover.done", lang, out=str(result.out), method=result.method, owners=result.owners,
          workers=result.workers, leads=result.leads), markup=False, soft_wrap=True)  # fmt: skip
    if result.header_rebuilt:
        say(t("recover.header_rebuilt", lang), markup=False, soft_wrap=True)
    if result.complaint:
        say(t("recover.complaint", lang, complaint=result.complaint), markup=False, soft_wrap=True)
    if result.lost_and_found:
        say(t("recover.lost_and_found", lang, n=result.lost_and_found), markup=False)
    if orphans(result):
        say(t("recover.orphans", lang, n=orphans(result)), markup=False, soft_wrap=True)
    if known is None or missing is None:
        say(t("recover.none_known", lang), markup=False, soft_wrap=True)
    else:
        source = t(f"recover.source_{known.source}", lang)
        say(t("recover.against", lang, source=source, age=format_age(known.age_seconds(), lang),
              path=known.path, owners=known.owners, workers=known.workers, leads=known.leads),
            markup=False, soft_wrap=True)  # fmt: skip
        if any(missing.values()):
            say(t("recover.difference", lang, **missing), markup=False, soft_wrap=True)
    say(t("recover.next", lang, out=shlex.quote(str(result.out))), markup=False, soft_wrap=True)


def register(app: typer.Typer) -> None:
    app.command("recover")(recover_command)
