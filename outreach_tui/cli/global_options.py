"""Global options before or after the command: ``outreach --db X doctor`` and
``outreach doctor --db X`` are the same call.

Click reads an option only on the command that declares it, and the global options
(``--db``, ``--lang``, ``--idle-lock-minutes``, ``--verbose``, ``--version``) belong to the root
callback in ``cli/main.py``. ``OutreachGroup``, the root group's class, gives every leaf
command a copy of each of them when Typer builds the command tree, so a command added
later gets them too, and its ``--help`` lists them. A copy given on the command line
overrides the value before the command and runs the root callback again, so the
settings are still made in one place (config file < environment < flags).

A command that declares an option of the same name keeps its own: ``outreach hub … --db``
is the hub's database, ``outreach tally --db`` an officer's file (default: the global
one), ``outreach kiosk --lang`` the slides' language.

This class also fixes Typer's (0.29) rich help, which shows a ``<bool>`` value for
flags that take none, has every help page written in the officer's language
(cli/help_language.py) and every command's start and exit code logged (cli/log_file.py).

An argv rewrite in ``main.run`` (moving the options in front of the command) was the
other way: it needs its own copy of click's parsing (which token is the command, which
options take a value), would not serve ``CliRunner`` or ``--help``, and could not tell
the hub's ``--db`` from the laptop's without a list kept by hand.
"""

from __future__ import annotations

import copy
import os
import sys
from collections.abc import Iterator
from typing import Any

from outreach_tui.cli import click_internals as internals
from outreach_tui.cli import help_language, log_file
from outreach_tui.cli.click_internals import Context, Parameter, TyperGroup, TyperOption


def _leaves(group: TyperGroup) -> Iterator[Any]:
    for command in group.commands.values():
        if isinstance(command, TyperGroup):
            yield from _leaves(command)
        else:
            yield command


def _groups(group: TyperGroup) -> Iterator[TyperGroup]:
    yield group
    for command in group.commands.values():
        if isinstance(command, TyperGroup):
            yield from _groups(command)


def _given_after(ctx: Context, param: Parameter, value: Any) -> Any:
    """A global option given after the command: the root callback runs again with it."""
    if value is None or ctx.resilient_parsing:
        return value
    root = ctx.find_root()
    old = root.obj
    root.params[param.name or ""] = value
    callback = root.command.callback
    if callback is not None:
        root.invoke(callback, **root.params)
    # Each context took the root's settings object when it was made: hand down the new.
    node: Context | None = ctx
    while node is not None and node is not root:
        if node.obj is old:
            node.obj = root.obj
        node = node.parent
    return value


def _copy_for_command(option: TyperOption) -> TyperOption:
    duplicate = copy.copy(option)
    duplicate.expose_value = False
    duplicate.envvar = None  # the root copy already read OUTREACH_*
    duplicate.show_envvar = False
    if not option.is_eager:  # --version keeps its own callback (print, exit)
        duplicate.callback = _given_after
    return duplicate


def _plain_flag(option: Any) -> None:
    """No value column for a flag (Typer's rich help prints ``<bool>`` there)."""
    if isinstance(option, TyperOption) and option.is_flag and option.metavar is None:
        option.metavar = ""


def _plain_help_flag(command: Any) -> None:
    """The --help option is made on first use, so its metavar is set as it is made."""
    make = command.get_help_option

    def get_help_option(ctx: Context) -> Any:
        option = make(ctx)
        _plain_flag(option)
        return option

    command.get_help_option = get_help_option


class OutreachGroup(TyperGroup):
    """The root ``outreach`` group: global options on every command, plain flags."""

    def __init__(self, **attrs: Any) -> None:
        super().__init__(**attrs)
        options = [p for p in self.params if isinstance(p, TyperOption)]
        for command in _leaves(self):
            taken = {opt for p in command.params for opt in (*p.opts, *p.secondary_opts)}
            for option in options:
                if not taken.intersection(option.opts):
                    command.params.append(_copy_for_command(option))
        for command in [*_groups(self), *_leaves(self)]:
            for param in command.params:
                _plain_flag(param)
            _plain_help_flag(command)
            help_language.install(command)
        for path, command in help_language.command_paths(self):
            if not isinstance(command, TyperGroup) and command.callback is not None:
                command.callback = log_file.logged(" ".join(path), command.callback)

    def main(self, args: Any = None, *rest: Any, **options: Any) -> Any:
        # The whole command line, for the language of a help page (cli/help_language.py).
        self.argv = list(sys.argv[1:] if args is None else args)
        if os.environ.get(internals.COMPLETE_VAR):  # a shell asks (cli/completion_cmd.py)
            from outreach_tui.config import guess_language

            internals.enable_completion()
            help_language.set_texts(self, guess_language([]))
        return super().main(args, *rest, **options)
