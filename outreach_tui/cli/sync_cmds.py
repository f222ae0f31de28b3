"""`outreach login`, `outreach sync`, `outreach export`: the officer's side of sync.

Exit codes (docs/SYNC_PROTOCOL.md): 0 all synced · 2 bad URL · 3 local database · 4 partial
· 5 hub unreachable · 6 authentication · 7 wrong hub · 8 batch refused by the hub.

A sync run that reaches its end (exit 0 or 4) is followed by the purge of personal data the
hub acknowledged more than ``retention_days`` ago (setting ``auto_purge``, ``--no-purge``).
"""

from __future__ import annotations

import functools
import logging
import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, ParamSpec, TypeVar

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Table
from rich.text import Text

from outreach_tui import files
from outreach_tui.cli.output import JsonFlag, console, err_console, fail, print_json, user_errors
from outreach_tui.config import Settings
from outreach_tui.i18n import t
from outreach_tui.store import Store, StoreError
from outreach_tui.store.device_key import signing_key
from outreach_tui.store.outbox import SyncQueue, local_zone
from outreach_tui.sync import credentials as creds
from outreach_tui.sync.bundle import write_bundle
from outreach_tui.sync.deadlines import RUN_DEADLINE_S
from outreach_tui.sync.errors import NotLoggedIn, SyncError

if TYPE_CHECKING:
    from outreach_tui.store.purge import PurgeReport
    from outreach_tui.sync.runner import SyncProgress, SyncReport

log = logging.getLogger(__name__)  # counts and codes only (cli/log_file.py)
P = ParamSpec("P")
R = TypeVar("R")


def sync_errors(func: Callable[P, R]) -> Callable[P, R]:
    """A ``SyncError`` before any store work (bad URL, hub down at login) -> one line."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except SyncError as exc:
            settings = getattr(kwargs.get("ctx"), "obj", None)
            lang = settings.language if isinstance(settings, Settings) else "id"
            fail(exc.message(lang), exc.exit_code)

    return wrapper


@user_errors
@sync_errors
def login_command(
    ctx: typer.Context,
    url: Annotated[str, typer.Argument()],
    token: Annotated[
        str | None,
        typer.Argument(),
    ] = None,
    insecure: Annotated[bool, typer.Option("--insecure")] = False,
    ca_cert: Annotated[
        Path | None,
        typer.Option("--ca-cert"),
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """Check the hub, register this laptop's key with it, and save its address, id, signing
    key and this device's token (file mode 0600)."""
    settings: Settings = ctx.obj
    path = creds.credentials_path(settings)
    if token == "-":
        token = sys.stdin.readline()
    elif token is None:  # logging in again (say, to pin the hub key): the saved token
        previous = creds.load(path)
        if previous is None:
            fail(t("trust.no_saved_token", settings.language), 2)
        token = previous.token
    token = creds.check_token(token)
    opened: list[str] = []

    def laptop() -> tuple[str, bytes]:
        with Store(settings.db, create=False) as store:
            opened.append(store.device_id)
            return store.device_id, signing_key(store.database)

    saved, caps = creds.login(url, token, path, laptop=laptop, insecure=insecure, ca_cert=ca_cert)
    laptop_id = opened[0]
    if as_json:
        print_json(
            {"url": saved.url, "hub_id": saved.hub_id, "protocol": caps.protocol,
             "max_records": caps.max_records, "max_bytes": caps.max_bytes,
             "insecure": saved.insecure, "credentials_path": str(path),
             "ca_cert": saved.ca_cert, "hub_key": saved.hub_key, "laptop_id": laptop_id}
        )  # fmt: skip
    else:
        console.print(
            t("sync.login_done", settings.language, hub_id=saved.hub_id, url=saved.url,
              path=str(path)), markup=False,
        )  # fmt: skip


@user_errors
@sync_errors
def sync_command(
    ctx: typer.Context,
    hub: Annotated[str | None, typer.Option("--hub")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run")] = False,
    batch_size: Annotated[int, typer.Option("--batch-size", min=1, max=10_000)] = 1000,
    retries: Annotated[int, typer.Option("--retries", min=1, max=10)] = 5,
    purge: Annotated[
        bool | None,
        typer.Option(
            "--purge/--no-purge",
        ),
    ] = None,
    deadline: Annotated[
        float,
        typer.Option(
            "--deadline",
            min=1,
            max=86_400,
        ),
    ] = RUN_DEADLINE_S,
    as_json: JsonFlag = False,
) -> None:
    """Push every waiting record to the branch hub, then reconcile and fetch updates."""
    settings: Settings = ctx.obj
    lang = settings.language
    with Store(settings.db, create=False) as store:
        queue = SyncQueue(store.database, store.device_id)
        if dry_run:
            _show_dry_run(queue.dry_run(batch_size), lang, as_json)
            return
        saved = creds.load(creds.credentials_path(settings))
        if saved is None:
            fail(
                f"{NotLoggedIn().message(lang)} {_safe(queue, lang)}",
                NotLoggedIn.exit_code,
            )
        # --hub, then the hub_url setting (OUTREACH_HUB_URL, config), then the login URL;
        # whichever it is, the hub id must still be the one recorded at login.
        url = creds.normalise_url(hub or settings.hub_url or saved.url, insecure=saved.insecure)
        report = _run(
            queue, url, saved, batch_size, lang, tries=retries, quiet=as_json, deadline=deadline
        )
        _log_report(report)
        minimised = None
        if report.error is None and (settings.auto_purge if purge is None else purge):
            minimised = _auto_purge(store, settings)
        if as_json:
            payload = report.as_dict()
            if report.error is not None:
                payload["error"]["message"] = report.error.message(lang)
            payload["purge"] = minimised.as_dict() if minimised is not None else None
            print_json(payload)
        else:
            _show_report(report, lang)
            if minimised is not None:
                console.print(_purge_line(minimised, lang), markup=False, soft_wrap=True)
        if report.error is not None:
            fail(f"{report.error.message(lang)} {_safe(queue, lang)}", report.exit_code)
    raise typer.Exit(report.exit_code)


@user_errors
def export_command(
    ctx: typer.Context,
    out: Annotated[Path, typer.Option("--out")],
    force: Annotated[bool, typer.Option("--force")] = False,
    as_json: JsonFlag = False,
) -> None:
    """Write every waiting record to a bundle file for `outreach hub import` (no network).

    All or nothing: the bundle stays only once its audit entry is written (a locked file
    leaves no bundle); never onto this database, an SQLite file, a device or a symlink.
    """
    settings: Settings = ctx.obj
    files.check_target(out, force=force, protect=[settings.db])  # before any work
    with Store(settings.db, create=False) as store:
        bundle = SyncQueue(store.database, store.device_id).export_bundle()  # signed
        if bundle is None:
            if as_json:
                print_json({"out": None, "records": 0, "registrations": 0, "leads": 0})
            else:
                console.print(t("sync.export_nothing", settings.language))
            return
        written = write_bundle(out, bundle, force=force, protect=[store.path])
        entities = [r["entity"] for r in bundle["records"]]
        try:
            # Personal data left the laptop in a file: that is worth an audit line, and
            # without it the file goes again.
            store.audit.record(
                "export.bundle",
                officer_code=store.settings.get("officer_code"),
                detail={"out": str(written.path), "batch_id": bundle["batch_id"],
                        "records": len(entities)},
            )  # fmt: skip
        except BaseException:
            files.take_back(written)
            raise
    payload = {
        "out": str(written.path),
        "batch_id": bundle["batch_id"],
        "records": len(entities),
        "registrations": entities.count("registration"),
        "leads": entities.count("lead"),
        "bytes": written.size,
    }
    if as_json:
        print_json(payload)
    else:
        console.print(
            t("sync.export_done", settings.language, records=len(entities), path=payload["out"]),
            markup=False,
        )


# -- helpers ----------------------------------------------------------------------------


def _auto_purge(store: Store, settings: Settings) -> PurgeReport | None:
    """Minimisation after a sync run: only rows the hub acknowledged more than
    ``retention_days`` ago; never anything unsynced (see store/purge.py). A failure here
    (say, the file is encrypted and locked again) is one line and leaves the sync's exit code."""
    try:
        return store.purge(
            older_than_days=settings.retention_days,
            officer_code=store.settings.get("officer_code"),
        )
    except StoreError as exc:
        err_console.print(t("privacy.auto_purge.failed", settings.language, detail=str(exc)),
                          markup=False)  # fmt: skip
        return None


def _purge_line(report: PurgeReport, lang: str) -> str:
    key = "privacy.auto_purge.done" if report.total else "privacy.auto_purge.nothing"
    return t(key, lang, registrations=report.registrations, leads=report.leads,
             days=report.older_than_days)  # fmt: skip


def _safe(queue: SyncQueue, lang: str) -> str:
    return t("sync.safe", lang, pending=queue.pending_count())


def _run(
    queue: SyncQueue,
    url: str,
    saved: creds.Credentials,
    size: int,
    lang: str,
    *,
    tries: int,
    quiet: bool,
    deadline: float = RUN_DEADLINE_S,
) -> SyncReport:
    # httpx and the runner only when a sync runs, not at every command's start.
    from outreach_tui.sync.client import HubClient
    from outreach_tui.sync.runner import SyncRunner

    def on_retry(attempt: int, reason: str) -> None:
        log.warning("sync: try %d failed: %s", attempt, reason)
        if not quiet:
            err_console.print(t("sync.retry", lang, reason=reason, attempt=attempt), markup=False)

    with (
        HubClient(
            url,
            saved.token,
            tries=tries,
            on_retry=on_retry,
            language=lang,
            ca_pem=saved.ca_pem,
            hub_key=saved.hub_key,
            run_deadline=deadline,
        ) as client,
        Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            console=console,
            transient=True,
            disable=quiet or not console.is_terminal,
        ) as bar,
    ):
        task = bar.add_task(t("sync.connecting", lang), total=None)

        def on_progress(p: SyncProgress) -> None:
            if p.phase == "push":
                label = t("sync.batch", lang, batch=p.batch, batches=p.batches)
                bar.update(task, description=label, completed=p.records_done,
                           total=p.records_total)  # fmt: skip
            else:
                key = "sync.reconciling" if p.phase == "reconcile" else "sync.downlinking"
                bar.update(task, description=t(key, lang))

        return SyncRunner(
            queue, client, expected_hub_id=saved.hub_id, batch_size=size, progress=on_progress
        ).run()


def _log_report(report: SyncReport) -> None:
    outcomes = " ".join(f"{name}={n}" for name, n in sorted(report.counts.items()))
    local = " ".join(f"{state}={n}" for state, n in sorted(report.local.items()))
    log.info("sync: %d batches (%d sent again, %d replayed); outcomes %s; still pending %d;"
             " local %s", report.batches, report.resent, report.replayed, outcomes,
             report.still_pending, local)  # fmt: skip
    if report.downlink is not None:
        log.info("sync: downlink %s", " ".join(f"{k}={v}" for k, v in report.downlink.items()))
    if report.error is not None:
        log.warning("sync: stopped by %s (exit %d)", type(report.error).__name__,
                    report.exit_code)  # fmt: skip


def _show_dry_run(view: dict[str, Any], lang: str, as_json: bool) -> None:
    if as_json:
        print_json(view)
        return
    console.print(
        t("sync.dry_run", lang, registrations=view["pending"]["registration"],
          leads=view["pending"]["lead"], batches=view["batches"],
          open=len(view["open_batches"])), markup=False,
    )  # fmt: skip


def _show_report(report: SyncReport, lang: str) -> None:
    sent = sum(report.counts.values())
    if sent or (report.still_pending and report.error is None):
        table = Table(title=t("sync.table.title", lang), title_justify="left")
        table.add_column(t("sync.table.outcome", lang))
        table.add_column(t("sync.table.records", lang), justify="right")
        for outcome, n in report.counts.items():
            table.add_row(t(f"sync.outcome.{outcome}", lang), str(n))
        table.add_row(t("sync.outcome.pending", lang), str(report.still_pending))
        console.print(table)
    if report.problems:
        problems = Table(show_header=True)
        for key in ("sync.table.record", "sync.table.state", "sync.table.reason"):
            problems.add_column(t(key, lang))
        for p in report.problems[:50]:
            reason = " · ".join(str(x) for x in (p["code"], p["field"], p["message"]) if x)
            problems.add_row(Text(f"{p['entity']} {p['uuid']}"),
                             t(f"sync.outcome.{p['outcome']}", lang), Text(reason))  # fmt: skip
        console.print(problems)
        console.print(t("sync.attention", lang, n=len(report.problems)), markup=False)
    if report.replayed:
        console.print(t("sync.replayed", lang, n=report.replayed), markup=False)
    for line in reconciliation_lines(report, lang):
        console.print(line, markup=False)
    if report.downlink:
        d = report.downlink
        console.print(t("sync.downlink", lang, known=d["known_participants"],
                        reviews=d["review_outcomes"], reference=d["reference"]),
                      markup=False)  # fmt: skip
        if d.get("activation_outcomes"):  # issue 18: the core system's answers
            console.print(t("handoff.sync_outcomes", lang, n=d["activation_outcomes"]),
                          markup=False)  # fmt: skip
    for key in report.warnings:
        err_console.print(t(key, lang), markup=False)
    earlier = report.local.get("rejected", 0) + report.local.get("conflict", 0)
    if earlier > len(report.problems):
        console.print(t("sync.attention_earlier", lang, n=earlier), markup=False)
    if report.error is None and not sent and not report.still_pending:
        console.print(t("sync.nothing", lang))
    elif report.exit_code == 0:
        console.print(t("sync.all_synced", lang))


def reconciliation_lines(report: SyncReport, lang: str) -> list[str]:
    """Today's line ("Hub menyimpan 148/148 pendaftaran hari ini"), else the latest day's,
    and one line naming any day that does not match."""
    if not report.reconciliation:
        return []
    today = datetime.now(local_zone()).date().isoformat()
    by_day = {d.day: d for d in report.reconciliation}
    shown = by_day.get(today) or report.reconciliation[-1]
    params = {"hub": shown.hub_registrations, "local": shown.registrations,
              "hub_leads": shown.hub_leads, "leads": shown.leads, "day": shown.day}  # fmt: skip
    lines = [t("sync.reconcile.today" if shown.day == today else "sync.reconcile.day", lang,
               **params)]  # fmt: skip
    bad = [d.day for d in report.reconciliation if not d.matches]
    if bad:
        listed = ", ".join(bad[:5]) + (" …" if len(bad) > 5 else "")
        lines.append(t("sync.reconcile.mismatch", lang, days=listed))
    return lines


def register(app: typer.Typer) -> None:
    """Attach the officer-side sync commands."""
    app.command("login")(login_command)
    app.command("sync")(sync_command)
    app.command("export")(export_command)
