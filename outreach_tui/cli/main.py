"""The ``outreach`` command. Bare ``outreach`` opens the booth TUI.

Textual is imported only when the TUI opens, so ``outreach nik`` or ``outreach doctor``
start in a fraction of a second.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from outreach_tui import __version__
from outreach_tui.cli import (
    completion_cmd,
    config_cmd,
    consent_cmds,
    dashboard_cmd,
    domain_cmds,
    event_cmds,
    handoff_cmds,
    hub_cmds,
    kiosk_cmd,
    leads_cmd,
    log_file,
    privacy_cmds,
    recover_cmd,
    relay_cmd,
    report_cmds,
    sample_cmd,
    store_cmds,
    sync_cmds,
    unit_cmds,
)
from outreach_tui.cli.global_options import OutreachGroup
from outreach_tui.cli.output import user_errors
from outreach_tui.config import load_settings

app = typer.Typer(
    cls=OutreachGroup,  # global options also after the command (cli/global_options.py)
    name="outreach",
    # Every help text is in the catalogue, data/locale/*/cli_help.toml (cli/help_language.py).
    no_args_is_help=False,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"outreach {__version__}")
        raise typer.Exit()


@app.callback(invoke_without_command=True)
@user_errors
def main(
    ctx: typer.Context,
    db: Annotated[
        Path | None,
        typer.Option("--db", envvar="OUTREACH_DB"),
    ] = None,
    lang: Annotated[
        str | None,
        typer.Option("--lang", envvar="OUTREACH_LANGUAGE"),
    ] = None,
    idle_lock_minutes: Annotated[
        int | None,
        typer.Option(
            "--idle-lock-minutes",
            min=0,
            max=1440,
            show_default=False,
        ),
    ] = None,
    verbose: Annotated[bool | None, typer.Option("--verbose", "-v")] = None,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True),
    ] = False,
) -> None:
    """Bare `outreach` opens the booth TUI on --db."""
    # OUTREACH_IDLE_LOCK_MINUTES and the config file are read by load_settings (file <
    # env < flag), so the option has no envvar of its own.
    # None unless given: a copy after the command runs this again only when it is typed.
    log_file.configure(verbose=bool(verbose))
    ctx.obj = load_settings(db=db, language=lang, idle_lock_minutes=idle_lock_minutes)
    if ctx.invoked_subcommand is None:
        from outreach_tui.cli.tui_cmd import open_tui

        log_file.logged("booth", open_tui)(ctx.obj)


domain_cmds.register(app)
store_cmds.register(app)
sample_cmd.register(app)
sync_cmds.register(app)
hub_cmds.register(app)
report_cmds.register(app)
dashboard_cmd.register(app)
privacy_cmds.register(app)
leads_cmd.register(app)
event_cmds.register(app)
recover_cmd.register(app)
kiosk_cmd.register(app)
config_cmd.register(app)
completion_cmd.register(app)

consent_cmds.register(app)  # after hub_cmds: adds to `outreach hub`
handoff_cmds.register(app)  # after hub_cmds: adds to `outreach hub`
unit_cmds.register()  # `outreach hub unit …`
relay_cmd.register()  # `outreach hub relay`


def run() -> None:
    """Console-script entry point. Outside click's standalone mode, so usage errors and an
    aborted prompt are one line in the officer's language (cli/usage.py), not click's
    English box."""
    import sys

    from outreach_tui.cli import usage
    from outreach_tui.cli.output import err_console

    argv = sys.argv[1:]
    try:
        code = app(args=argv, prog_name="outreach", standalone_mode=False)
    except KeyboardInterrupt:
        raise SystemExit(130) from None
    except usage.UsageError as exc:
        line = usage.usage_line(exc, usage.language_of(exc, argv), argv)
        err_console.print(f"outreach: {line}", markup=False)
        raise SystemExit(2) from None
    except typer.Abort:
        from outreach_tui.i18n import t

        err_console.print(f"outreach: {t('cli_usage.aborted', usage.language_of(None, argv))}",
                          markup=False)  # fmt: skip
        raise SystemExit(1) from None
    raise SystemExit(code if isinstance(code, int) else 0)
