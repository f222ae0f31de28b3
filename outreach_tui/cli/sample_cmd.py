"""`outreach sample`: deterministic synthetic data for demos, tests and benchmarks."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from outreach_tui.cli.output import console, print_json, user_errors
from outreach_tui.i18n import t


@user_errors
def sample_command(
    ctx: typer.Context,
    out: Annotated[Path, typer.Option("--out", help="New SQLite file to write.")],
    seed: Annotated[int, typer.Option("--seed", help="Same seed, same data.")] = 7,
    registrations: Annotated[
        int,
        typer.Option("--registrations", min=1, max=50_000_000, help="Rows (owners + workers)."),
    ] = 1000,
    force: Annotated[
        bool, typer.Option("--force", help="Replace an existing file (never a database).")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print stable JSON.")] = False,
) -> None:
    """Write a synthetic database (Palembang and Surakarta outreach, fictional people)."""
    from outreach_tui import files
    from outreach_tui.sampledata.generator import generate

    lang = ctx.obj.language
    # Never onto an SQLite file (an officer's database), even with --force: delete an
    # old sample first. Checked now, before the work, and again before the rename.
    protect = (ctx.obj.db,)
    files.check_target(out, force=force, protect=protect, sqlite_output=True)
    with Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
        disable=as_json or not console.is_terminal,
    ) as progress:
        task = progress.add_task(t("cli.generating", lang), total=registrations)

        def advance(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        report = generate(out, seed=seed, registrations=registrations, progress=advance,
                          force=force, protect=protect)  # fmt: skip
    payload = {"out": str(out.resolve()), "seed": seed, **report.as_dict()}
    if as_json:
        print_json(payload)
    else:
        console.print(t("cli.sample_done", lang, **payload))


def register(app: typer.Typer) -> None:
    app.command("sample")(sample_command)
