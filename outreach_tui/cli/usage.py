"""Usage errors in the officer's language, as one line: click's own messages ("No such
option", "Missing option", "Aborted!") are English, in a box, whatever ``--lang`` says.

``outreach`` (``main.run``) runs the Typer app outside click's standalone mode and says
here what went wrong, from the catalogue (``cli_usage.*``), with the documented exit
codes: 2 for a usage error, 1 for an aborted prompt. ``--help`` is left to Typer.

Typer (0.29+) vendors click and exports only ``BadParameter``; the other exception
classes are read from its vendored module through cli/click_internals.py (a Typer
upgrade that moves them fails tests/cli/test_click_internals.py with a clear message).
"""

from __future__ import annotations

import re
from typing import Any

from outreach_tui.cli.click_internals import click_errors
from outreach_tui.i18n import t

UsageError = click_errors.UsageError
_NO_COMMAND = re.compile(r"No such command '(?P<name>[^']*)'")
_EXTRA = re.compile(r"unexpected extra argument\(?s?\)? \((?P<args>.*)\)")


def _name(param: Any) -> str:
    if param is None:
        return "?"
    opts: list[str] = getattr(param, "opts", None) or []
    if getattr(param, "param_type_name", "") == "option" and opts:
        return max(opts, key=len)
    return str(getattr(param, "human_readable_name", None) or param.name or "?").upper()


def _given(name: str, argv: list[str]) -> str | None:
    """What was typed for option ``name`` (``--x value`` or ``--x=value``), if anything."""
    for i, arg in enumerate(argv):
        if arg == name and i + 1 < len(argv):
            return argv[i + 1]
        if arg.startswith(name + "="):
            return arg.partition("=")[2]
    return None


def _command(exc: Any) -> str:
    ctx = getattr(exc, "ctx", None)
    return ctx.command_path if ctx is not None else "outreach"


def usage_line(exc: Any, language: str, argv: list[str]) -> str:
    """One line for a usage error, ending with where to read more."""
    if isinstance(exc, click_errors.NoSuchOption):
        hint = ""
        if exc.possibilities:
            hint = t("cli_usage.did_you_mean", language,
                     options=", ".join(sorted(exc.possibilities)))  # fmt: skip
        text = t("cli_usage.no_such_option", language, option=exc.option_name, hint=hint)
    elif isinstance(exc, click_errors.MissingParameter):
        text = t("cli_usage.missing", language, name=_name(exc.param))
    elif isinstance(exc, click_errors.BadParameter):
        name = _name(exc.param)
        given = _given(name, argv)
        text = t("cli_usage.bad_value", language, name=name,
                 value="" if given is None else f": '{given[:40]}'")  # fmt: skip
    elif isinstance(exc, click_errors.BadOptionUsage):
        text = t("cli_usage.needs_value", language, option=exc.option_name)
    elif found := _NO_COMMAND.search(exc.message):
        text = t("cli_usage.no_such_command", language, name=found["name"][:40])
    elif found := _EXTRA.search(exc.message):
        text = t("cli_usage.extra", language, args=found["args"][:80])
    else:
        text = t("cli_usage.other", language, detail=exc.message)
    return f"{text} {t('cli_usage.see_help', language, command=_command(exc))}"


def language_of(exc: Any, argv: list[str]) -> str:
    """The settings' language when the root command read them, else a guess from argv.
    A ``--lang`` typed after the command is read from argv too: a usage error in that
    command comes before its options are applied (cli/global_options.py)."""
    from outreach_tui.config import Settings, guess_language

    ctx = getattr(exc, "ctx", None)
    settings = ctx.find_root().obj if ctx is not None else None
    typed = any(arg == "--lang" or arg.startswith("--lang=") for arg in argv)
    if isinstance(settings, Settings) and not typed:
        return settings.language
    return guess_language(argv)
