"""Textual's private API is used in one module only, and an upgrade that moves it fails here.

tui/textual_private.py holds the two uses that have no public API in Textual 8. These
tests fail loudly, naming what to re-check, when Textual changes under it, and when any
other module starts using a private Textual name.
"""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

import textual.widgets
from textual.app import App
from textual.dom import DOMNode
from textual.screen import ModalScreen, Screen
from textual.widget import Widget

import outreach_tui
from outreach_tui.tui import textual_private

PACKAGE = Path(outreach_tui.__file__).parent
QUARANTINE = PACKAGE / "tui" / "textual_private.py"


def test_every_private_name_the_booth_relies_on_is_still_there() -> None:
    gone = textual_private.missing()
    assert gone == [], (
        f"Textual no longer has {', '.join(gone)}: outreach_tui/tui/textual_private.py "
        "needs a new way (bindings labelled per instance, popping a hidden mode's screen)"
    )


def test_the_installed_textual_is_the_major_version_the_quarantine_was_checked_on() -> None:
    major = textual_private.textual_major()
    assert major == textual_private.TESTED_MAJOR, (
        f"Textual {major} is installed; tui/textual_private.py was written for Textual "
        f"{textual_private.TESTED_MAJOR}: re-check both of its functions and the lock's "
        "screen handling (tests/tui/test_signin.py, tests/tui/test_unlock.py), then raise "
        "TESTED_MAJOR and the pin"
    )


def _textual_private_names() -> set[str]:
    classes: list[type] = [App, Screen, ModalScreen, Widget, DOMNode]
    classes += [obj for _, obj in inspect.getmembers(textual.widgets, inspect.isclass)]
    names = {name for cls in classes for name in dir(cls)}
    names |= {name for made in (App(), Screen(), Widget()) for name in dir(made)}  # instances'
    return {n for n in names if n.startswith("_") and not n.startswith("__")}


def _defined_by_us(trees: list[ast.Module]) -> set[str]:
    """Names the package defines itself (a method or attribute of its own classes)."""
    ours: set[str] = set()
    for tree in trees:
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                ours.add(node.name)
            elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
                ours.add(node.attr)
            elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                ours.add(node.id)
    return ours


def test_no_module_but_the_quarantine_touches_a_private_textual_name() -> None:
    files = sorted(PACKAGE.rglob("*.py"))
    trees = {path: ast.parse(path.read_text(encoding="utf-8")) for path in files}
    private = _textual_private_names() - _defined_by_us(list(trees.values()))
    assert "_screen_stacks" in private and "_bindings" in private  # the scan sees them
    found = []
    for path, tree in trees.items():
        if path == QUARANTINE:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and node.attr in private:
                found.append(f"{path.relative_to(PACKAGE)}:{node.lineno} .{node.attr}")
    assert found == [], "private Textual API outside tui/textual_private.py: " + "; ".join(found)
