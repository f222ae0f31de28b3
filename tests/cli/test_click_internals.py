"""Issue 16: the private Typer/Click API the CLI uses lives in cli/click_internals.py
only, and a Typer or Click upgrade that removes a piece of it fails here, loudly, naming
what is gone (instead of a wrong help page or an English usage error in the field)."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import typer.main

from outreach_tui.cli import click_internals
from outreach_tui.cli.main import app

PACKAGE = Path(__file__).resolve().parents[2] / "outreach_tui"
UPGRADE = (
    "Typer/Click upgrade: {what} is gone, and outreach_tui/cli/click_internals.py uses it "
    "(help in the officer's language, usage errors). Adapt that module to the new Typer."
)


def test_only_the_quarantine_module_imports_typer_private_modules() -> None:
    private = re.compile(r"^\s*(from|import) typer\.(_\w+|rich_utils|core)\b", re.M)
    users = sorted(
        str(path.relative_to(PACKAGE))
        for path in PACKAGE.rglob("*.py")
        if private.search(path.read_text(encoding="utf-8"))
    )
    assert users == ["cli/click_internals.py"], users


def test_the_rich_help_words_are_still_module_constants() -> None:
    rich = click_internals.rich_utils()
    for constant in click_internals.RICH_WORDS:
        value = getattr(rich, constant, None)
        assert isinstance(value, str), UPGRADE.format(what=f"typer.rich_utils.{constant}")
    assert callable(getattr(rich, "rich_format_help", None)), UPGRADE.format(
        what="typer.rich_utils.rich_format_help"
    )


def test_the_classes_still_have_what_the_cli_uses() -> None:
    root = typer.main.get_command(app)
    nik = root.commands["nik"]
    instances = {  # attributes set in __init__ are looked for on real objects of the tree
        click_internals.TyperGroup: root,
        click_internals.TyperOption: next(p for p in root.params if p.name == "db"),
        click_internals.TyperArgument: next(p for p in nik.params if p.name == "nik"),
        click_internals.Context: click_internals.Context(root),
        click_internals.HelpFormatter: click_internals.HelpFormatter(),
    }
    for cls, names in click_internals.USED_ATTRIBUTES.items():
        assert isinstance(instances[cls], cls), UPGRADE.format(what=cls.__qualname__)
        for name in names:
            assert hasattr(instances[cls], name), UPGRADE.format(what=f"{cls.__qualname__}.{name}")
    write_usage = inspect.signature(click_internals.HelpFormatter.write_usage)
    assert "prefix" in write_usage.parameters, UPGRADE.format(
        what="the prefix parameter of HelpFormatter.write_usage"
    )


def test_the_usage_error_classes_are_still_there() -> None:
    for name in click_internals.USED_ERRORS:
        error = getattr(click_internals.click_errors, name, None)
        assert isinstance(error, type) and issubclass(error, Exception), UPGRADE.format(
            what=f"typer._click.exceptions.{name}"
        )


def test_the_type_label_is_typer_s_own() -> None:
    root = typer.main.get_command(app)
    ctx = click_internals.Context(root)
    option = next(p for p in root.params if p.name == "db")
    assert click_internals.typer_type_label(option, ctx) == "<path>", UPGRADE.format(
        what="TyperOption.display_type_rich's '<path>' label"
    )


def test_the_completion_script_still_comes_from_typer() -> None:
    script = click_internals.completion_script("bash")
    assert "_OUTREACH_COMPLETE=complete_bash" in script, UPGRADE.format(
        what="typer._completion_shared.get_completion_script's bash template"
    )
