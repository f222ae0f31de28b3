"""`outreach config-path`: where this laptop's settings and data live.

Plain output is the config file's path alone, for ``$EDITOR "$(outreach config-path)"``;
``--json`` adds the credentials file (``outreach login``), the data folder and the
database the settings point at. The files need not exist yet.
"""

from __future__ import annotations

from pathlib import Path

import platformdirs
import typer

from outreach_tui.cli.output import JsonFlag, print_json, user_errors
from outreach_tui.config import APP_NAME, Settings, config_path


@user_errors
def config_path_command(
    ctx: typer.Context,
    as_json: JsonFlag = False,
) -> None:
    """Print the config file's path (with --json also credentials, data folder, database)."""
    from outreach_tui.sync.credentials import credentials_path

    settings: Settings = ctx.find_root().obj
    if not as_json:
        typer.echo(str(config_path()))
        return
    print_json({
        "config": str(config_path()),
        "credentials": str(credentials_path(settings)),
        "data_dir": str(Path(platformdirs.user_data_dir(APP_NAME))),
        "db": str(settings.db),
    })  # fmt: skip


def register(app: typer.Typer) -> None:
    app.command("config-path")(config_path_command)
