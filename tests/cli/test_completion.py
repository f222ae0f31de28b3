"""Issue 16: shell completion. `outreach completion bash|zsh|fish` prints a script that
names `outreach`; sourced in a real bash, a Tab after `outreach hu` and `outreach hub en`
offers the commands; zsh gets each command's text in the chosen language."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from outreach_tui.cli.main import app

runner = CliRunner()
BIN = Path(sys.executable).parent  # the venv's `outreach` console script


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OUTREACH_CONFIG", str(tmp_path / "config.toml"))
    monkeypatch.delenv("OUTREACH_LANGUAGE", raising=False)


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_the_script_names_outreach(shell: str) -> None:
    result = runner.invoke(app, ["completion", shell])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip()
    assert "outreach" in result.stdout and "_OUTREACH_COMPLETE" in result.stdout


def test_an_unknown_shell_is_a_usage_error() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "outreach_tui", "completion", "tcsh"],
        capture_output=True, text=True, env={**os.environ}, timeout=60,
    )  # fmt: skip
    assert done.returncode == 2
    assert done.stderr.startswith("outreach: ") and "Traceback" not in done.stderr


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("OUTREACH_")}
    env["OUTREACH_CONFIG"] = os.environ["OUTREACH_CONFIG"]
    return {**env, "PATH": f"{BIN}{os.pathsep}{env.get('PATH', '')}", **extra}


@pytest.mark.skipif(shutil.which("bash") is None, reason="bash is not installed")
def test_bash_completes_command_names_and_options() -> None:
    assert (BIN / "outreach").exists(), "the project is not installed in this venv"
    script = r"""
    source <(outreach completion bash)
    complete_words() { COMP_WORDS=("$@"); COMP_CWORD=$(( $# - 1 ));
                       _outreach_completion outreach; printf '%s\n' "${COMPREPLY[@]}"; }
    echo '== hu'; complete_words outreach hu
    echo '== hub en'; complete_words outreach hub en
    echo '== tally --f'; complete_words outreach tally --f
    echo '== all'; complete_words outreach ''
    """
    done = subprocess.run(
        ["bash", "-c", script], capture_output=True, text=True, env=_env(), timeout=120
    )
    assert done.returncode == 0, done.stderr
    parts = dict(
        (block.partition("\n")[0].strip(), block.partition("\n")[2].split())
        for block in done.stdout.split("== ")[1:]
    )
    assert parts["hu"] == ["hub"], done.stdout
    assert parts["hub en"] == ["enroll"], done.stdout
    assert {"--from", "--format"} <= set(parts["tally --f"]), done.stdout
    assert {"nik", "sync", "tally", "hub", "completion"} <= set(parts["all"]), done.stdout


@pytest.mark.parametrize(("lang", "text"), [("id", "Cabut token"), ("en", "Revoke a device")])
def test_zsh_shows_the_commands_texts_in_the_chosen_language(lang: str, text: str) -> None:
    done = subprocess.run(
        [str(BIN / "outreach")], capture_output=True, text=True, timeout=60,
        env=_env(OUTREACH_LANGUAGE=lang, _TYPER_COMPLETE_ARGS="outreach hub rev",
                 _OUTREACH_COMPLETE="complete_zsh"),
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert '"revoke"' in done.stdout and text in done.stdout, done.stdout
