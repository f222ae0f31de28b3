"""Issue 16, item 6: the global options (--db, --lang, --idle-lock-minutes, --version)
work before or after the command, for every command the app registers (a command added
later is enumerated too); flags show no ``<bool>`` value in --help; ``outreach
config-path`` exists."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import typer.main
from typer.testing import CliRunner

from outreach_tui import __version__
from outreach_tui.cli.main import app
from outreach_tui.sampledata.generator import generate
from tests.support.hub_server import ROOT

runner = CliRunner()
GLOBAL = ("--db", "--lang", "--idle-lock-minutes", "--version")


def _commands() -> list[tuple[tuple[str, ...], set[str]]]:
    """Every leaf command's path and the option flags it declares itself."""
    found = []

    def walk(command, path: tuple[str, ...]) -> None:
        subcommands = getattr(command, "commands", None)
        if subcommands is not None:
            for name, sub in subcommands.items():
                walk(sub, (*path, name))
            return
        # The command as registered, before the root group adds the global copies.
        own = set()
        for param in command.params:
            if getattr(param, "expose_value", True) or param.callback is None:
                own.update(param.opts)
        found.append((path, own))

    walk(typer.main.get_command(app), ())
    return found


COMMANDS = _commands()
IDS = [" ".join(path) for path, _ in COMMANDS]


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OUTREACH_CONFIG", str(tmp_path / "config.toml"))
    monkeypatch.setenv("OUTREACH_TOKEN_PATH", str(tmp_path / "credentials.toml"))
    monkeypatch.delenv("OUTREACH_LANGUAGE", raising=False)
    monkeypatch.delenv("OUTREACH_DB", raising=False)


@pytest.fixture(scope="module")
def laptop(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("global") / "laptop.db"
    generate(path, seed=7, registrations=200)
    return path


def test_the_enumeration_finds_the_laptop_and_hub_commands() -> None:
    names = set(IDS)
    assert {"doctor", "purge", "tally", "event list", "encrypt status", "config-path"} <= names
    assert {"hub serve", "hub status"} <= names
    assert len(names) >= 40


@pytest.mark.parametrize(("path", "own"), COMMANDS, ids=IDS)
def test_every_command_takes_the_global_options_before_or_after_it(
    path: tuple[str, ...], own: set[str], tmp_path: Path
) -> None:
    """The same global options, before or after the command, give the same result: here
    a --lang no settings accept, given last so that --db and --idle-lock-minutes before
    it must have been read (not "No such option") and the settings made again."""
    options = ["--idle-lock-minutes", "3"]
    if "--db" not in own:
        options += ["--db", str(tmp_path / "other.db")]
    before = runner.invoke(app, [*options, "--lang", "xx", *path])
    if "--lang" in own:  # kiosk: its --lang is the slides' language
        after = runner.invoke(app, [*path, *options, "--lang", "en", "--help"])
        assert after.exit_code == 0, after.output
        return
    after = runner.invoke(app, [*path, *options, "--lang", "xx"])
    assert before.exit_code == after.exit_code == 2, (before.output, after.output)
    assert "'xx'" in after.stderr and "No such option" not in after.output
    assert after.stderr == before.stderr
    assert "Traceback" not in after.output


@pytest.mark.parametrize(("path", "own"), COMMANDS, ids=IDS)
def test_every_command_lists_the_global_options_in_its_help(
    path: tuple[str, ...], own: set[str]
) -> None:
    result = runner.invoke(app, ["--lang", "en", *path, "--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    for option in GLOBAL:
        assert f" {option} " in result.stdout, (option, result.stdout)
    assert "<bool>" not in result.stdout


@pytest.mark.parametrize(("path", "own"), COMMANDS, ids=IDS)
def test_version_after_any_command(path: tuple[str, ...], own: set[str]) -> None:
    result = runner.invoke(app, [*path, "--version"])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == f"outreach {__version__}"


def test_the_root_help_shows_flags_without_a_value() -> None:
    result = runner.invoke(app, ["--lang", "en", "--help"], env={"COLUMNS": "200"})  # <path>: en
    assert result.exit_code == 0
    assert "<bool>" not in result.stdout
    assert "--version" in result.stdout and "<path>" in result.stdout  # values stay


def _json(*args: str) -> dict:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    data.pop("cutoff", None)  # purge: now minus the retention, to the millisecond
    return data


@pytest.mark.parametrize(
    "command",
    [["doctor", "--json"], ["purge", "--dry-run", "--json"], ["event", "list", "--json"],
     ["encrypt", "status", "--json"], ["audit", "--limit", "5", "--json"],
     ["leads", "--json"], ["sync", "--dry-run", "--json"], ["config-path", "--json"],
     ["tally", "--json"]],
    ids=lambda c: " ".join(c[:2]),
)  # fmt: skip
def test_db_after_the_command_reads_that_file(laptop: Path, command: list[str]) -> None:
    """The file given after the command is the one read: the same JSON as before it, and
    not what the default file (which does not exist here) would give."""
    before = _json("--db", str(laptop), *command)
    after = _json(*command, "--db", str(laptop))
    assert after == before
    if "db" in after:
        assert Path(after["db"]) == laptop


def test_a_global_option_after_the_command_wins_over_the_one_before(laptop: Path) -> None:
    data = _json("--db", "/nowhere/else.db", "doctor", "--json", "--db", str(laptop))
    assert Path(data["db"]) == laptop
    assert data["damaged"] is False


def test_lang_after_the_command_sets_the_language_of_its_messages(laptop: Path) -> None:
    result = runner.invoke(app, ["--db", str(laptop), "purge", "--dry-run", "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Would remove")
    indonesian = runner.invoke(app, ["--db", str(laptop), "purge", "--dry-run"])
    assert indonesian.exit_code == 0, indonesian.output
    assert not indonesian.stdout.startswith("Would remove")


def test_the_hub_keeps_its_own_db_after_the_command(tmp_path: Path, laptop: Path) -> None:
    """``hub … --db`` is the hub's database, before the command the laptop's."""
    hub = tmp_path / "hub.db"
    made = runner.invoke(app, ["--db", str(laptop), "sample-hub", "--out", str(hub)])
    assert made.exit_code == 0, made.output
    data = _json("--db", str(laptop), "hub", "status", "--db", str(hub), "--json", "--lang", "en")
    assert Path(data["db"]) == hub and data["batches"] >= 1, data


def _outreach(*args: str, tmp: Path) -> subprocess.CompletedProcess[str]:
    """Through the console script's code (main.run, outside click's standalone mode)."""
    env = {**os.environ, "OUTREACH_CONFIG": str(tmp / "config.toml"),
           "OUTREACH_TOKEN_PATH": str(tmp / "credentials.toml")}  # fmt: skip
    env.pop("OUTREACH_DB", None)
    env.pop("OUTREACH_LANGUAGE", None)
    return subprocess.run(
        [sys.executable, "-c", "from outreach_tui.cli.main import run; run()", *args],
        cwd=ROOT, env=env, capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=60,
    )  # fmt: skip


@pytest.mark.parametrize("command", [["doctor", "--json"], ["purge", "--dry-run", "--json"]])
def test_the_real_entry_point_takes_db_after_the_command(
    laptop: Path, tmp_path: Path, command: list[str]
) -> None:
    after = _outreach(*command, "--db", str(laptop), tmp=tmp_path)
    before = _outreach("--db", str(laptop), *command, tmp=tmp_path)
    assert after.returncode == before.returncode == 0, after.stderr
    after_data, before_data = json.loads(after.stdout), json.loads(before.stdout)
    after_data.pop("cutoff", None), before_data.pop("cutoff", None)
    assert after_data == before_data
    assert Path(after_data["db"]) == laptop


def test_the_real_entry_point_says_a_usage_error_in_the_language_given_after(
    tmp_path: Path,
) -> None:
    # An option like no real one (click suggests "--verbose" for "--bogus").
    done = _outreach("doctor", "--qqq", "--lang", "en", tmp=tmp_path)
    assert done.returncode == 2
    assert done.stderr.strip() == "outreach: Unknown option: --qqq. See 'outreach doctor --help'."


def test_config_path_prints_the_config_file(tmp_path: Path) -> None:
    result = runner.invoke(app, ["config-path"])
    assert result.exit_code == 0, result.output
    assert result.stdout == f"{tmp_path / 'config.toml'}\n"


def test_config_path_json_names_config_credentials_and_data(tmp_path: Path) -> None:
    data = _json("config-path", "--json", "--db", str(tmp_path / "booth.db"))
    assert data["config"] == str(tmp_path / "config.toml")
    assert data["credentials"] == str(tmp_path / "credentials.toml")
    assert data["db"] == str(tmp_path / "booth.db")
    assert Path(data["data_dir"]).is_absolute()
    assert set(data) == {"config", "credentials", "data_dir", "db"}
