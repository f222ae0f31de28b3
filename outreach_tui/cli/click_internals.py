"""Every private part of Typer and its vendored Click that the CLI uses, in one place.

Typer 0.29 vendors Click as ``typer._click`` and exports only ``Context`` and
``BadParameter`` from it; its rich help (``typer.rich_utils``) writes its own words
("Options", "[default: …]") from module constants. The CLI needs a little more:
the usage-error classes (cli/usage.py), the parameter and context types
(cli/global_options.py), the help's words and type labels (cli/help_language.py) and
the shell completion scripts (cli/completion_cmd.py).

Nothing else in the package imports ``typer._click`` or ``typer.rich_utils``.
tests/cli/test_click_internals.py checks every name listed here and fails with a message
naming this module when a Typer upgrade moves one.
"""

from __future__ import annotations

from types import ModuleType
from typing import Any

from typer._click import Context, HelpFormatter, Parameter
from typer._click import exceptions as click_errors
from typer.core import TyperArgument, TyperGroup, TyperOption

__all__ = [
    "RICH_WORDS",
    "Context",
    "HelpFormatter",
    "Parameter",
    "TyperArgument",
    "TyperGroup",
    "TyperOption",
    "click_errors",
    "completion_script",
    "enable_completion",
    "rich_utils",
    "typer_type_label",
]

# typer.rich_utils constants holding words of the help, and the catalogue key of each.
RICH_WORDS = {
    "DEFAULT_STRING": "cli_help.default",
    "ENVVAR_STRING": "cli_help.env_var",
    "REQUIRED_LONG_STRING": "cli_help.required",
    "DEPRECATED_STRING": "cli_help.deprecated",
    "ARGUMENTS_PANEL_TITLE": "cli_help.panel_arguments",
    "OPTIONS_PANEL_TITLE": "cli_help.panel_options",
    "COMMANDS_PANEL_TITLE": "cli_help.panel_commands",
}

# Methods and attributes of Typer's classes the help relies on (checked by the test).
USED_ATTRIBUTES: dict[type, tuple[str, ...]] = {
    TyperOption: ("display_type_rich", "opts", "secondary_opts", "is_flag", "metavar"),
    TyperArgument: ("display_type_rich", "display_name_raw", "metavar"),
    TyperGroup: (
        "format_help", "format_usage", "collect_usage_pieces", "get_help_option",
        "subcommand_metavar", "options_metavar", "commands",
    ),
    HelpFormatter: ("write_usage",),
    Context: ("find_root", "command_path", "resilient_parsing", "obj", "params", "invoke"),
}  # fmt: skip
USED_ERRORS = ("UsageError", "NoSuchOption", "MissingParameter", "BadParameter", "BadOptionUsage")


def rich_utils() -> ModuleType:
    """Typer's rich help module, imported when help is shown (it pulls in more of Rich)."""
    import typer.rich_utils

    return typer.rich_utils


def typer_type_label(param: Any, ctx: Context) -> str | None:
    """The value label Typer's own class shows for ``param`` (``<str>``, ``DAYS``),
    whatever an instance override says."""
    label: str | None = type(param).display_type_rich(param, ctx)
    return label


COMPLETE_VAR = "_OUTREACH_COMPLETE"  # click's name for it: _<PROG>_COMPLETE


def enable_completion() -> None:
    """Register Typer's completion classes (bash, zsh, fish), as its own
    ``--install-completion`` does, before the shell's request is answered."""
    from typer._completion_classes import completion_init

    completion_init()


def completion_script(shell: str, prog_name: str = "outreach") -> str:
    """The script a shell sources to complete ``prog_name`` (Typer's own templates)."""
    from typer._completion_shared import get_completion_script

    enable_completion()
    script: str = get_completion_script(prog_name=prog_name, complete_var=COMPLETE_VAR,
                                        shell=shell)  # fmt: skip
    return script
