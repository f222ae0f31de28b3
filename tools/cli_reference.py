"""Write docs/CLI.md, the CLI reference, from the commands' own ``--help`` (English).

    make docs-cli            # or: .venv/bin/python tools/cli_reference.py
    .venv/bin/python tools/cli_reference.py --check   # exit 1 if docs/CLI.md is stale

tests/cli/test_cli_reference.py regenerates it the same way and fails when the committed
file differs, so the reference cannot drift from the code (as sqlite-utils does with its
docs). Every page is rendered at a fixed width, without colour, trailing spaces removed.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET = ROOT / "docs" / "CLI.md"
WIDTH = "100"

HEADER = """\
# CLI reference

Generated from `outreach … --help` by `tools/cli_reference.py` (`make docs-cli`); do not
edit by hand: `make test` fails when this file and the commands disagree.

The help is shown in Bahasa Indonesia by default and in English with `--lang en` (or
`OUTREACH_LANGUAGE=en`); this reference is the English text. The global options
(`--db`, `--lang`, `--idle-lock-minutes`, `--verbose`, `--version`) are accepted before or
after any command. Exit codes: 0 ok · 1 invalid input or a failed check · 2 usage error ·
3 database problem (sync: see docs/SYNC_PROTOCOL.md).
"""


def render() -> str:
    """The whole reference, one section per command, in the order of the tree."""
    import typer.main
    from typer.testing import CliRunner

    from outreach_tui.cli.help_language import command_paths
    from outreach_tui.cli.main import app

    env = {"COLUMNS": WIDTH, "TERMINAL_WIDTH": WIDTH, "NO_COLOR": "1", "OUTREACH_LANGUAGE": "en"}
    runner = CliRunner()
    sections = [HEADER]
    for path, _ in command_paths(typer.main.get_command(app)):
        name = " ".join(("outreach", *path))
        result = runner.invoke(app, ["--lang", "en", *path, "--help"], env=env)
        if result.exit_code != 0:
            raise SystemExit(f"{name} --help failed: {result.output}")
        page = "\n".join(line.rstrip() for line in result.stdout.strip("\n").splitlines())
        sections.append(f"## `{name}`\n\n```text\n{page.strip(chr(10))}\n```\n")
    return "\n".join(sections)


def main(argv: list[str]) -> int:
    os.environ.pop("OUTREACH_DB", None)  # a default that would show in no page anyway
    text = render()
    if "--check" in argv:
        if TARGET.read_text(encoding="utf-8") != text:
            print("docs/CLI.md is out of date: run `make docs-cli`", file=sys.stderr)
            return 1
        return 0
    TARGET.write_text(text, encoding="utf-8")
    print(f"wrote {TARGET.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    raise SystemExit(main(sys.argv[1:]))
