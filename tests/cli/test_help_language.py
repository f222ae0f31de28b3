"""Issue 16: ``--help`` entirely in the chosen language, for every command of the tree
(hub commands and groups included): the command's and options' texts and Typer's own
words ("Usage", "Options", "[default: …]", "Show this message and exit.", ``<str>``).
Bahasa Indonesia by default, English with ``--lang en`` (before or after the command) or
OUTREACH_LANGUAGE=en. Same approach as test_cli_language.py, whose word lists it
extends; codes to type (in backticks), defaults and command names are not prose."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import typer.main
from typer.testing import CliRunner

from outreach_tui.cli.help_language import command_key, command_paths, parameter_help
from outreach_tui.cli.main import app
from outreach_tui.i18n import catalogue
from tests.cli.test_cli_language import ENGLISH, INDONESIAN, words

runner = CliRunner()

# Typer's and click's own words, and words common in help texts.
HELP_ENGLISH = ENGLISH | {
    "show", "this", "message", "exit", "default", "required", "arguments", "commands",
    "print", "write", "first", "last", "day", "count", "counts", "only", "from", "what",
    "str", "int", "path", "env", "var", "version", "language", "stable", "instead", "text",
    "passphrase", "replace", "existing", "hub's", "list", "of", "to", "a", "or", "is",
}  # fmt: skip
HELP_INDONESIAN = INDONESIAN | {
    "tampilkan", "pesan", "lalu", "keluar", "bawaan", "wajib", "argumen", "penggunaan",
    "cetak", "tulis", "teks", "angka", "jalur", "berkas", "bahasa", "versi", "hari",
    "pertama", "terakhir", "hanya", "dari", "frasa", "sandi", "timpa", "mis",
}  # fmt: skip
FOREIGN = {"id": HELP_ENGLISH, "en": HELP_INDONESIAN}

TREE = list(command_paths(typer.main.get_command(app)))
IDS = [" ".join(path) or "outreach" for path, _ in TREE]
NAMES = {name for path, _ in TREE for name in path}


def help_words(text: str) -> set[str]:
    """The prose of a help page: codes in backticks, defaults, the command-name column
    environment variables' names taken out, then test_cli_language's ``words``."""
    text = re.sub(r"`[^`]*`", " ", text)
    text = re.sub(r"\bOUTREACH_[A-Z_]+", " ", text)  # environment variables' names
    text = re.sub(r"\[(default|bawaan): [^\]]*\]", " ", text)
    lines = []
    for line in text.splitlines():
        first = re.match(r"\s*│\s+([a-z][a-z-]*)\s{2,}", line)
        if first and first[1] in NAMES:
            line = line.replace(first[1], " ", 1)
        lines.append(line)
    return words("\n".join(lines))


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OUTREACH_CONFIG", str(tmp_path / "config.toml"))
    monkeypatch.delenv("OUTREACH_LANGUAGE", raising=False)
    monkeypatch.setenv("COLUMNS", "120")


def test_the_tree_holds_every_command_and_group() -> None:
    assert {"outreach", "hub", "hub enroll", "encrypt status", "event add", "nik"} <= set(IDS)
    assert len(IDS) >= 48


@pytest.mark.parametrize("lang", ["id", "en"])
def test_every_command_and_option_has_its_help_in_the_catalogue(lang: str) -> None:
    """A command or option added later without catalogue texts fails here (its code's
    help would be shown, in whatever language it was written)."""
    words_ = catalogue(lang)
    missing = [command_key(path) for path, command in TREE if command_key(path) not in words_]
    for path, command in TREE:
        for param in command.params:
            hidden = getattr(param, "hidden", False)
            if not hidden and param.name and parameter_help(words_, path, param.name) is None:
                missing.append(f"{' '.join(path)} {param.name}")
    assert not missing, missing


@pytest.mark.parametrize(("path", "command"), TREE, ids=IDS)
def test_help_holds_no_word_of_the_other_language(path: tuple[str, ...], command) -> None:
    pages = {
        "id": runner.invoke(app, [*path, "--help"]),
        "en": runner.invoke(app, ["--lang", "en", *path, "--help"]),
    }
    for lang, result in pages.items():
        assert result.exit_code == 0, result.output
        found = help_words(result.output) & FOREIGN[lang]
        assert not found, (lang, sorted(found), result.output)
    assert "Penggunaan: outreach" in pages["id"].output
    assert "Usage: outreach" in pages["en"].output
    # Not trivially passing: each page speaks its own language.
    assert help_words(pages["id"].output) & HELP_INDONESIAN
    assert help_words(pages["en"].output) & HELP_ENGLISH


def flat(page: str) -> str:
    """A help page as one line: box edges and wrapping taken out, so that a phrase is found
    whatever the terminal's width (CI may set TERMINAL_WIDTH, which Typer obeys)."""
    return " ".join(page.replace("│", " ").split())


def test_typer_words_are_translated() -> None:
    page = flat(runner.invoke(app, ["hub", "review", "--help"]).output)
    for english in ("Usage", "Options", "Arguments", "[required]", "Show this message",
                    "[env var", "<str>", "[OPTIONS]"):  # fmt: skip
        assert english not in page, english
    env = "[variabel lingkungan: OUTREACH_HUB_DB]"
    for indonesian in ("Penggunaan:", "Opsi", "Argumen", "[wajib]", "Tampilkan pesan ini", env,
                       "<teks>", "{id_kasus}"):  # fmt: skip
        assert indonesian in page, indonesian
    top = runner.invoke(app, ["--help"]).output
    assert "PERINTAH [ARG]..." in top and "╭─ Perintah" in top and "COMMAND" not in top
    assert "[bawaan: 50]" in runner.invoke(app, ["audit", "--help"]).output


@pytest.mark.parametrize(
    "how",
    [["--lang", "en", "tally", "--help"], ["tally", "--help", "--lang", "en"],
     ["tally", "--lang=en", "--help"], ["env", "tally", "--help"]],
    ids=["before", "after-help", "equals", "env"],
)  # fmt: skip
def test_english_however_the_language_is_chosen(
    how: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    if how[0] == "env":
        monkeypatch.setenv("OUTREACH_LANGUAGE", "en")
        how = how[1:]
    page = runner.invoke(app, how).output
    assert "Usage: outreach tally" in page and "Counts per day" in page, page
    assert "Penggunaan" not in page


def test_a_help_page_leaves_the_commands_as_they_were() -> None:
    """The swap is undone: an English page after an Indonesian one (one process, as in
    these tests) and a usage error after a help page name the options as they are."""
    runner.invoke(app, ["hub", "review", "--help"])
    page = runner.invoke(app, ["--lang", "en", "hub", "review", "--help"]).output
    assert "{case_id}" in page and "<str>" in page and "id_kasus" not in page
