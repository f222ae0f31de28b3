"""`outreach sample`: deterministic synthetic data for demos, tests and benchmarks."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from outreach_tui.cli.hub_cmds import hub_errors
from outreach_tui.cli.output import console, print_json, user_errors
from outreach_tui.i18n import t


@user_errors
def sample_command(
    ctx: typer.Context,
    out: Annotated[Path, typer.Option("--out")],
    seed: Annotated[int, typer.Option("--seed")] = 7,
    registrations: Annotated[
        int,
        typer.Option("--registrations", min=1, max=50_000_000),
    ] = 1000,
    force: Annotated[bool, typer.Option("--force")] = False,
    as_json: Annotated[bool, typer.Option("--json")] = False,
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


# Records per bundle: well within the hub's import limits, and a bounded amount in memory.
HUB_BUNDLE_RECORDS = 5_000


@hub_errors  # a hub refusal (HubError) is one line too
def sample_hub_command(
    ctx: typer.Context,
    out: Annotated[Path, typer.Option("--out")],
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """A demo branch hub holding what the laptop file (--db) has already synced (the
    laptop's device key is made now if it has none)."""
    from outreach_tui import files
    from outreach_tui.store import Store

    lang = ctx.obj.language
    laptop = ctx.obj.db
    protect = (laptop,)
    files.check_target(out, protect=protect, sqlite_output=True)
    with Store(laptop, create=False) as store:
        written = files.write_with(
            out, lambda temp: _fill_hub(temp, store, lang), protect=protect, sqlite_output=True
        )
        device_id = store.device_id
    counts = written.result
    payload = {"out": str(written.path), "laptop": str(laptop), "device_id": device_id, **counts}
    if as_json:
        print_json(payload)
    else:
        console.print(t("sample_hub.done", lang, **payload), markup=False, soft_wrap=True)


def _fill_hub(path: Path, store: Any, lang: str) -> dict[str, int]:
    """Import the laptop's acknowledged records into a new hub database at ``path``, as
    signed bundles, through the hub's own import code (its rules, rollups and the
    laptop's binding to its key: the laptop's first login takes the id)."""
    from outreach_tui.hub.body import parse_model
    from outreach_tui.hub.bundle import MAX_BUNDLE_BYTES, import_bundle
    from outreach_tui.hub.storage import open_storage
    from outreach_tui.protocol.requests import BundleIn
    from outreach_tui.store.outbox import SyncQueue

    counts = dict.fromkeys(("accepted", "duplicate", "conflict", "rejected"), 0)
    storage = open_storage(str(path))
    try:
        queue = SyncQueue(store.database, store.device_id)
        for bundle in queue.acknowledged_bundles(HUB_BUNDLE_RECORDS):
            raw = json.dumps(bundle, ensure_ascii=False).encode()
            loaded = parse_model(BundleIn, raw, max_records=HUB_BUNDLE_RECORDS,
                                 max_bytes=MAX_BUNDLE_BYTES)  # fmt: skip
            receipt = import_bundle(storage, path, lang, loaded=loaded)
            for result in receipt["results"]:
                counts[result["outcome"]] += 1
    finally:
        storage.close()
        Path(f"{path}-writer.lock").unlink(missing_ok=True)
    return counts


def register(app: typer.Typer) -> None:
    app.command("sample")(sample_command)
    app.command("sample-hub")(sample_hub_command)
