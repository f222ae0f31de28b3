"""`outreach completion bash|zsh|fish`: the shell completion script, to source.

``eval "$(outreach completion bash)"`` in ~/.bashrc (README, "Shell completion"). The
script calls ``outreach`` again with ``_OUTREACH_COMPLETE`` set at each Tab; Typer's
completion classes answer it (registered in cli/global_options.py only then, so a normal
start does not load them).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer

from outreach_tui.cli import click_internals


class Shell(StrEnum):
    bash = "bash"
    zsh = "zsh"
    fish = "fish"


def completion_command(shell: Annotated[Shell, typer.Argument()]) -> None:
    """Print the shell completion script for bash, zsh or fish."""
    typer.echo(click_internals.completion_script(shell.value))


def register(app: typer.Typer) -> None:
    app.command("completion")(completion_command)
