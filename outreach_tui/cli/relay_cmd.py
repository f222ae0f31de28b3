"""`outreach hub relay`: this hub forwards its records to an upper hub (a branch hub to
its region's or the head office's, a regional hub to the national one), as a client of
the same batch protocol a laptop uses (docs/SYNC_PROTOCOL.md, "Relay").

Exit codes as `outreach sync`: 0 all forwarded · 2 bad URL or token · 3 this hub's
database · 4 forwarded, but the upper hub refused some records · 5 upper hub unreachable
· 6 token refused · 7 not the hub it was (its key changed) · 8 a batch refused whole.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Annotated, Any

import typer

from outreach_tui.cli.hub_cmds import _lang, hub_app, hub_errors
from outreach_tui.cli.output import JsonFlag, console, err_console, fail, print_json
from outreach_tui.i18n import t

log = logging.getLogger(__name__)
EXIT_PARTIAL = 4
HubDbOption = Annotated[str, typer.Option("--hub-db", envvar="OUTREACH_HUB_DB")]


@hub_app.command("relay")
@hub_errors
def relay_command(
    ctx: typer.Context,
    db: HubDbOption,
    to: Annotated[str, typer.Option("--to")],
    token: Annotated[str, typer.Option("--token", envvar="OUTREACH_RELAY_TOKEN")],
    batch_size: Annotated[int, typer.Option("--batch-size", min=1, max=10_000)] = 500,
    tries: Annotated[int, typer.Option("--tries", min=1, max=20)] = 5,
    from_start: Annotated[bool, typer.Option("--from-start")] = False,
    insecure: Annotated[bool, typer.Option("--insecure")] = False,
    ca_cert: Annotated[Path | None, typer.Option("--ca-cert")] = None,
    as_json: JsonFlag = False,
) -> None:
    """Forward this hub's records (every version, voids, withdrawals) to an upper hub."""
    from outreach_tui.hub.meta import load_hub_info
    from outreach_tui.hub.relay import RelayOutbox
    from outreach_tui.hub.storage import open_storage
    from outreach_tui.sync import credentials as creds
    from outreach_tui.sync.client import HubClient
    from outreach_tui.sync.errors import SyncError

    lang = _lang(ctx)
    try:
        url = creds.normalise_url(to, insecure=insecure)
        token = creds.check_token(token)
        ca_pem = creds.read_ca(ca_cert) if ca_cert is not None else None
    except SyncError as exc:
        fail(exc.message(lang), exc.exit_code)
    with open_storage(db, create=False) as storage:
        outbox = RelayOutbox(storage, load_hub_info(storage))

        def on_retry(attempt: int, reason: str) -> None:
            log.warning("relay: try %d failed: %s", attempt, reason)
            if not as_json:
                err_console.print(t("sync.retry", lang, reason=reason, attempt=attempt),
                                  markup=False)  # fmt: skip

        try:
            with HubClient(url, token, tries=tries, on_retry=on_retry, language=lang,
                           ca_pem=ca_pem) as client:  # fmt: skip
                report = _run(outbox, client, batch_size, lang, quiet=as_json,
                              from_start=from_start)  # fmt: skip
        except SyncError as exc:
            fail(t("relay.stopped", lang, reason=exc.message(lang)), exc.exit_code)
        left = outbox.remaining(report.hub_id)
    summary: dict[str, Any] = {**report.as_dict(), "remaining": left}
    code = EXIT_PARTIAL if report.refused else 0
    if as_json:
        print_json(summary)
    else:
        o = report.outcomes
        console.print(
            t("relay.done", lang, hub=report.hub_id, records=report.records,
              batches=report.batches, accepted=o["accepted"], duplicate=o["duplicate"],
              conflict=o["conflict"], rejected=o["rejected"], withdrawals=report.withdrawals),
            markup=False, soft_wrap=True,
        )  # fmt: skip
        for p in report.problems:
            err_console.print(t("relay.problem", lang, **p), markup=False, soft_wrap=True)
    if code:
        raise typer.Exit(code)


def _run(
    outbox: Any, client: Any, batch_size: int, lang: str, *, quiet: bool, from_start: bool
) -> Any:
    """The relay loop under a Rich progress bar (on a terminal, without --json)."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from outreach_tui.sync.relay import relay

    with Progress(
        TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
        console=err_console, transient=True, disable=quiet or not err_console.is_terminal,
    ) as bar:  # fmt: skip
        task = bar.add_task(t("relay.progress", lang), total=None)
        return relay(
            outbox, client, batch_size=batch_size, from_start=from_start,
            on_start=lambda total: bar.update(task, total=total, completed=0),
            on_batch=lambda n: bar.advance(task, n),
        )  # fmt: skip


def register() -> None:
    """Nothing to attach: importing this module adds the command to `outreach hub`."""
