"""`outreach dashboard`: the supervisor dashboard, on an officer's file or a hub database.

    outreach dashboard                      this laptop's file (the global --db)
    outreach dashboard --db PATH            another officer's file
    outreach dashboard --hub-db URL         a hub database: SQLite path or postgresql:// URL
    outreach dashboard --hub-db URL --unit KW-JATENG   one unit and what is under it

On a laptop's file the booth opens straight on its dashboard mode (with its sign-in and
lock). On a hub database there is no officer's file: the hub's own dashboard app
(tui/hub_dashboard.py) shows the same screen under a header naming the hub. A missing or
unreadable source is one line on stderr and exit 3, before anything is drawn. Textual
is imported only here, inside the command, never when the CLI loads.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from outreach_tui.cli.hub_cmds import hub_errors
from outreach_tui.cli.output import EXIT_STORE, EXIT_USAGE, fail, require_terminal
from outreach_tui.config import Settings
from outreach_tui.i18n import t

if TYPE_CHECKING:
    from collections.abc import Callable

    from outreach_tui.tui.app import OutreachApp
    from outreach_tui.tui.hub_dashboard import HubDashboardApp

LaptopDb = Annotated[Path | None, typer.Option("--db")]
HubDb = Annotated[str | None, typer.Option("--hub-db")]


def _hub_today() -> date:
    """The hub counts Asia/Jakarta days, whatever the terminal's own time zone."""
    from outreach_tui.cli.report_cmds import local_today

    return local_today()


@contextmanager
def dashboard_app(
    settings: Settings,
    *,
    db: Path | None = None,
    hub_db: str | None = None,
    unit: str | None = None,
    today: Callable[[], date] | None = None,
) -> Iterator[OutreachApp | HubDashboardApp]:
    """The booth app opening on its dashboard (a laptop's file), or the hub's dashboard app
    (a hub database), its source open until the block ends."""
    lang = settings.language
    if db is not None and hub_db is not None:
        fail(t("dashboard.cli.one_source", lang), EXIT_USAGE)
    if unit is not None and hub_db is None:
        fail(t("report.unit_needs_hub_db", lang), EXIT_USAGE)
    if hub_db is not None:
        from outreach_tui.cli.hub_review_cmds import scope_for
        from outreach_tui.hub.storage import open_storage
        from outreach_tui.hub.tallies import HubTallies

        with open_storage(hub_db, create=False) as storage:
            from outreach_tui.tui.hub_dashboard import HubDashboardApp

            where = storage.location + (f" · {unit.strip().upper()}" if unit else "")
            source = HubTallies(storage, scope_for(storage, unit))
            yield HubDashboardApp(source, where, language=lang, today=today or _hub_today)
        return
    from outreach_tui.store import Store

    path = Path(db or settings.db).expanduser()
    if not path.exists():
        fail(t("cli.db_missing", lang, db=str(path)), EXIT_STORE)
    with Store(path, create=False) as store:
        from outreach_tui.tui.app import OutreachApp

        # The laptop's file: the same sign-in and idle lock as the booth.
        yield OutreachApp(store, language=lang, today=today,
                          ask_start_of_day=False, initial_mode="dashboard",
                          idle_lock_minutes=settings.idle_lock_minutes)  # fmt: skip


@hub_errors
def dashboard_command(
    ctx: typer.Context,
    db: LaptopDb = None,
    hub_db: HubDb = None,
    unit: Annotated[str | None, typer.Option("--unit")] = None,
) -> None:
    """Supervisor dashboard: today's counts, daily bars, targets, per officer (F8 reloads)."""
    settings: Settings = ctx.find_root().obj
    with dashboard_app(settings, db=db, hub_db=hub_db, unit=unit) as app:
        require_terminal("outreach dashboard", settings.language)  # after the source checks
        app.run()


def register(app: typer.Typer) -> None:
    app.command("dashboard")(dashboard_command)
