"""DESIGN.md's layering, enforced: who may import whom, and no Textual for the CLI.

Every sub-package of outreach_tui has its rule here (a new one fails until it gets one):
the CLI, the top, may import every layer; the TUI the layers below it but never the CLI
or the hub; the hub neither the TUI, the CLI nor the laptop's sync and store. The rules
are stated in docs/ARCHITECTURE.md ("Layers")."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "outreach_tui"

# layer -> outreach_tui sub-packages it may import (besides itself)
ALLOWED = {
    "cli": {
        "tui",
        "sync",
        "hub",
        "protocol",
        "reports",
        "store",
        "sampledata",
        "domain",
        "config",
        "i18n",
        "data",
    },
    "tui": {"sync", "reports", "store", "domain", "config", "i18n", "data"},
    "domain": {"i18n", "data"},
    "store": {"domain", "i18n", "data"},
    "protocol": {"domain"},  # the sync protocol's messages, shared by sync/ and hub/
    "sync": {"protocol", "store", "domain", "i18n", "data", "config"},
    "hub": {"protocol", "domain", "reports", "i18n", "data"},
    "reports": {"domain", "i18n", "data"},
    "sampledata": {"store", "domain", "i18n", "data"},
}
# files.py (the one atomic writer) and sqlite_tables.py (a read-only look at a file's
# tables) import nothing of the project, so every layer may use them.
for _allowed in ALLOWED.values():
    _allowed.update({"files", "sqlite_tables"})
# Never, whatever ALLOWED says later (the rules DESIGN.md states in words).
FORBIDDEN = {
    "tui": {"cli", "hub"},
    "hub": {"tui", "cli", "sync", "store"},
    "sync": {"tui", "cli", "hub"},
    "store": {"tui", "cli", "hub", "sync", "reports"},
    "domain": {"tui", "cli", "hub", "sync", "store", "reports"},
}
NO_TEXTUAL = set(ALLOWED) - {"tui"}


def imports_of(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def layer_files(layer: str) -> list[Path]:
    return sorted((PACKAGE / layer).rglob("*.py"))


@pytest.mark.parametrize("layer", sorted(ALLOWED))
def test_layer_imports_only_what_design_allows(layer: str) -> None:
    offenders = []
    for path in layer_files(layer):
        for name in imports_of(path):
            parts = name.split(".")
            if parts[0] != "outreach_tui" or len(parts) < 2:
                continue
            target = parts[1]
            if target not in ALLOWED[layer] | {layer}:
                offenders.append(f"{path.relative_to(PACKAGE)} imports {name}")
    assert not offenders, offenders


def test_every_sub_package_has_a_rule_and_the_rules_keep_the_forbidden_out() -> None:
    packages = {p.parent.name for p in PACKAGE.glob("*/__init__.py")} - {"data"}
    assert packages == set(ALLOWED), f"give every layer its rule: {packages ^ set(ALLOWED)}"
    for layer, never in FORBIDDEN.items():
        assert not ALLOWED[layer] & never, (layer, ALLOWED[layer] & never)


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_a_layer_never_imports_the_forbidden(layer: str) -> None:
    """Checked apart from ALLOWED, so that widening a rule cannot let these in."""
    offenders = []
    for path in layer_files(layer):
        for name in imports_of(path):
            parts = name.split(".")
            if parts[0] == "outreach_tui" and len(parts) > 1 and parts[1] in FORBIDDEN[layer]:
                offenders.append(f"{path.relative_to(PACKAGE)} imports {name}")
    assert not offenders, offenders


def test_the_file_writer_imports_only_the_catalogue() -> None:
    project = {n for n in imports_of(PACKAGE / "files.py") if n.startswith("outreach_tui")}
    assert project <= {"outreach_tui.i18n"}, project  # and that one only to show a message
    probe = {n for n in imports_of(PACKAGE / "sqlite_tables.py") if n.startswith("outreach_tui")}
    assert probe == set(), probe  # what every layer may use imports no layer


@pytest.mark.parametrize("layer", sorted(NO_TEXTUAL))
def test_no_textual_below_the_tui(layer: str) -> None:
    offenders = [
        str(path.relative_to(PACKAGE))
        for path in layer_files(layer)
        if path.name != "tui_cmd.py"  # the one lazy door into the TUI
        and any(name.split(".")[0] == "textual" for name in imports_of(path))
    ]
    assert not offenders


def test_cli_commands_start_without_loading_textual_or_httpx() -> None:
    # Typer builds every command on every start: what a module imports at its top is
    # paid by all of them (httpx ~0.1 s; the dashboard's launch to paint, issue 17).
    code = (
        "import sys\n"
        "from typer.testing import CliRunner\n"
        "from outreach_tui.cli.main import app\n"
        "r = CliRunner().invoke(app, ['nik', '1671014512900001'])\n"
        "assert r.exit_code == 0, r.output\n"
        "print('textual' in sys.modules, 'httpx' in sys.modules)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True,
        cwd=PACKAGE.parent,
    )  # fmt: skip
    assert out.stdout.split() == ["False", "False"]


def test_opening_an_up_to_date_file_stays_light(tmp_path: Path) -> None:
    # The booth opens its file before the first paint: no sqlite-utils (~60 ms of imports,
    # plugins included) and no write to the file when the schema is already current.
    path = tmp_path / "booth.db"
    probe = (
        "import sys; from pathlib import Path; from outreach_tui.store import Store\n"
        f"path = Path({str(path)!r})\n"
        "Store(path).database.close()\n"  # creates and migrates (may use anything)
        "for name in [m for m in sys.modules if m.startswith('sqlite_utils')]:\n"
        "    del sys.modules[name]\n"
        "before = path.stat().st_mtime_ns\n"
        "Store(path)\n"
        "print('sqlite_utils' in sys.modules, path.stat().st_mtime_ns == before)\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          check=True, cwd=PACKAGE.parent)  # fmt: skip
    assert done.stdout.split() == ["False", "True"]
