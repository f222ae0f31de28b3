"""``--help`` in the officer's language, every word of it.

Typer writes a command's help from the texts given in code and its own English words
("Usage:", "Options", "[default: …]", "Show this message and exit.", ``<str>``). Here
every text comes from the catalogue (``data/locale/*/cli_help.toml``) instead, in the
language the settings would choose (``--lang`` anywhere on the command line, then
OUTREACH_LANGUAGE, then the config file, then Bahasa Indonesia): while one help page is
written, the command tree's texts and Typer's words are swapped for the catalogue's, and
put back afterwards (a test process shows many help pages, in both languages).

Keys: a command by its path (``cli_help.commands."hub enroll"``), a parameter by
``"<path>.<name>"``, then ``"<group>.<name>"`` for a whole group (the hub's ``--db``), then
``cli_help.shared.<name>`` (``--json``, the global options).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache
from typing import Any

from outreach_tui.cli import click_internals as internals
from outreach_tui.cli.click_internals import Context, HelpFormatter, TyperArgument, TyperGroup
from outreach_tui.i18n import catalogue


def command_paths(root: Any) -> Iterator[tuple[tuple[str, ...], Any]]:
    """Every command under ``root`` (itself first) with its path of names."""

    def walk(command: Any, path: tuple[str, ...]) -> Iterator[tuple[tuple[str, ...], Any]]:
        yield path, command
        if isinstance(command, TyperGroup):
            for name, sub in command.commands.items():
                yield from walk(sub, (*path, name))

    yield from walk(root, ())


def command_key(path: tuple[str, ...]) -> str:
    return f"cli_help.commands.{' '.join(path) or 'outreach'}"


def parameter_keys(path: tuple[str, ...], name: str) -> list[str]:
    """Where a parameter's help may be, most specific first."""
    keys = [f"cli_help.options.{' '.join(path)}.{name}"] if path else []
    if len(path) > 1:
        keys.append(f"cli_help.options.{path[0]}.{name}")
    return [*keys, f"cli_help.shared.{name}"]


def parameter_help(words: dict[str, str], path: tuple[str, ...], name: str) -> str | None:
    return next((words[key] for key in parameter_keys(path, name) if key in words), None)


def language_of(ctx: Context) -> str:
    """The language the settings would choose, read from the whole command line (a
    ``--lang`` after ``--help`` too: help is shown before the other options are read)."""
    from outreach_tui.config import guess_language

    argv = getattr(ctx.find_root().command, "argv", None) or []
    return guess_language(list(argv))


class _Swaps:
    """Attribute changes to undo, last first."""

    def __init__(self) -> None:
        self._undo: list[Callable[[], None]] = []

    def set(self, target: Any, name: str, value: Any) -> None:
        if name in vars(target):
            old = vars(target)[name]
            self._undo.append(lambda: setattr(target, name, old))
        else:
            self._undo.append(lambda: delattr(target, name))
        setattr(target, name, value)

    def undo(self) -> None:
        while self._undo:
            self._undo.pop()()


@contextmanager
def in_language(ctx: Context, language: str) -> Iterator[None]:
    """The help of ``ctx.command`` (and the short help of its subcommands) in ``language``."""
    words = catalogue(language)
    swaps = _Swaps()
    rich = internals.rich_utils()
    try:
        for constant, key in internals.RICH_WORDS.items():
            swaps.set(rich, constant, words[key])
        shown = ctx.command
        for path, command in command_paths(ctx.find_root().command):
            text = words.get(command_key(path))
            if text is not None:
                swaps.set(command, "help", text)
                swaps.set(command, "short_help", None)
            if command is not shown:
                continue
            if command.options_metavar:
                swaps.set(command, "options_metavar", words["cli_help.options_metavar"])
            if isinstance(command, TyperGroup) and command.subcommand_metavar:
                swaps.set(command, "subcommand_metavar", words["cli_help.subcommand_metavar"])
            for param in command.params:
                _localise(swaps, param, parameter_help(words, path, param.name or ""), language)
            help_option = command.get_help_option(ctx)
            if help_option is not None:
                _localise(swaps, help_option, words["cli_help.help_option"], language)
            swaps.set(command, "format_usage", _usage_writer(command, words["cli_help.usage"]))
        yield
    finally:
        swaps.undo()


def _localise(swaps: _Swaps, param: Any, help_text: str | None, language: str) -> None:
    if help_text is not None:
        swaps.set(param, "help", help_text)
    types, words = _labels(language), catalogue(language)

    def display_type_rich(ctx: Context) -> str | None:
        label = internals.typer_type_label(param, ctx)
        return types.get(label, label) if label else label

    swaps.set(param, "display_type_rich", display_type_rich)
    if isinstance(param, TyperArgument) and param.metavar is None:
        name = words.get(f"cli_help.arguments.{param.name}")
        if name is not None:
            swaps.set(param, "metavar", name)


@cache
def _labels(language: str) -> dict[str, str]:
    """Typer's value labels (``<str>``) and its metavars (``DAYS``) in ``language``."""
    words = catalogue(language)
    return {key.removeprefix("cli_help.types."): text for key, text in words.items()
            if key.startswith("cli_help.types.")}  # fmt: skip


def _usage_writer(command: Any, prefix: str) -> Callable[[Context, HelpFormatter], None]:
    def format_usage(ctx: Context, formatter: HelpFormatter) -> None:
        pieces = command.collect_usage_pieces(ctx)
        formatter.write_usage(ctx.command_path, " ".join(pieces), prefix=prefix)

    return format_usage


def set_texts(root: Any, language: str) -> None:
    """Every command's and parameter's text in ``language``, for good: for a shell's
    completion request (zsh and fish show the texts beside the names), a process that
    writes no help page and ends after its answer."""
    words = catalogue(language)
    for path, command in command_paths(root):
        command.help = words.get(command_key(path), command.help)
        command.short_help = None
        for param in command.params:
            param.help = parameter_help(words, path, param.name or "") or param.help


def install(command: Any) -> None:
    """Make ``command``'s help page speak the officer's language."""
    write_help = command.format_help

    def format_help(ctx: Context, formatter: HelpFormatter) -> None:
        with in_language(ctx, language_of(ctx)):
            write_help(ctx, formatter)

    command.format_help = format_help
