"""Issue 16: docs/CLI.md is generated from the commands' ``--help`` (tools/cli_reference.py,
`make docs-cli`) and cannot drift: regenerated here, it must equal the committed file."""

from __future__ import annotations

from pathlib import Path

import pytest

from tools import cli_reference


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OUTREACH_CONFIG", str(tmp_path / "config.toml"))
    monkeypatch.delenv("OUTREACH_DB", raising=False)


def test_docs_cli_md_is_what_the_help_says() -> None:
    committed = cli_reference.TARGET.read_text(encoding="utf-8")
    fresh = cli_reference.render()
    assert fresh == committed, "docs/CLI.md is out of date: run `make docs-cli` and commit it"


def test_the_reference_holds_every_command() -> None:
    text = cli_reference.TARGET.read_text(encoding="utf-8")
    for name in ("outreach", "outreach nik", "outreach hub enroll", "outreach event add",
                 "outreach completion", "outreach encrypt change-passphrase"):  # fmt: skip
        assert f"## `{name}`\n" in text, name
    assert text.count("\n## `") >= 48 and "Usage: outreach hub serve" in text
