"""`outreach sample`: deterministic synthetic data for demos, tests and benchmarks."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from outreach_tui.cli.hub_cmds import hub_errors
from outreach_tui.cli.output import EXIT_USAGE, JsonFlag, console, fail, print_json
from outreach_tui.i18n import t


@hub_errors  # a hub sample's refusals (HubError, the database) are one line too
def sample_command(
    ctx: typer.Context,
    out: Annotated[Path | None, typer.Option("--out")] = None,
    seed: Annotated[int, typer.Option("--seed")] = 7,
    registrations: Annotated[
        int,
        typer.Option("--registrations", min=1, max=50_000_000),
    ] = 1000,
    force: Annotated[bool, typer.Option("--force")] = False,
    as_json: JsonFlag = False,
    hub_db: Annotated[str | None, typer.Option("--hub-db")] = None,
    hub_dsn: Annotated[str | None, typer.Option("--hub-dsn")] = None,
    branches: Annotated[int, typer.Option("--branches", min=1, max=514)] = 12,
    regions: Annotated[int, typer.Option("--regions", min=1, max=12)] = 3,
    devices: Annotated[int | None, typer.Option("--devices", min=1, max=100_000)] = None,
    records: Annotated[int, typer.Option("--records", min=1, max=100_000_000)] = 20_000,
) -> None:
    """Write a synthetic database (Palembang and Surakarta outreach, fictional people), or
    with --hub-db/--hub-dsn a multi-branch hub (head office, regions, branches)."""
    lang = ctx.obj.language
    if sum(x is not None for x in (out, hub_db, hub_dsn)) != 1:
        fail(t("hub_sample.one_target", lang), EXIT_USAGE)
    if hub_db is not None or hub_dsn is not None:
        devices = devices if devices is not None else 5 * branches
        if devices < branches:
            fail(t("hub_sample.devices", lang, branches=branches), EXIT_USAGE)
        _hub_sample(ctx, hub_db, hub_dsn, seed=seed, branches=branches, regions=regions,
                    devices=devices, records=records, as_json=as_json)  # fmt: skip
        return
    assert out is not None
    _laptop_sample(ctx, out, seed, registrations, force, as_json)


def _laptop_sample(
    ctx: typer.Context, out: Path, seed: int, registrations: int, force: bool, as_json: bool
) -> None:
    from outreach_tui import files
    from outreach_tui.sampledata.generator import generate

    lang = ctx.obj.language
    # Never onto an SQLite file (an officer's database), even with --force: delete an
    # old sample first. Checked now, before the work, and again before the rename.
    protect = (ctx.obj.db,)
    files.check_target(out, force=force, protect=protect, sqlite_output=True)
    with _generating(lang, registrations, quiet=as_json) as advance:
        report = generate(out, seed=seed, registrations=registrations, progress=advance,
                          force=force, protect=protect)  # fmt: skip
    payload = {"out": str(out.resolve()), "seed": seed, **report.as_dict()}
    if as_json:
        print_json(payload)
    else:
        console.print(t("cli.sample_done", lang, **payload))


def _hub_sample(
    ctx: typer.Context,
    hub_db: str | None,
    hub_dsn: str | None,
    *,
    seed: int,
    branches: int,
    regions: int,
    devices: int,
    records: int,
    as_json: bool,
) -> None:
    """A multi-branch hub: into a new SQLite file (built beside it, renamed when whole),
    or into an empty PostgreSQL hub (one transaction)."""
    from outreach_tui import files
    from outreach_tui.hub.storage import is_postgres_url

    lang = ctx.obj.language
    args = {"seed": seed, "branches": branches, "regions": regions, "devices": devices,
            "records": records}  # fmt: skip
    with _generating(lang, records, quiet=as_json) as advance:
        if hub_dsn is not None or (hub_db is not None and is_postgres_url(hub_db)):
            target = hub_dsn if hub_dsn is not None else str(hub_db)
            if not is_postgres_url(target):
                fail(t("hub_sample.not_a_dsn", lang), EXIT_USAGE)
            report = _load_hub(target, args, advance)
            where = _redacted(target)
        else:
            assert hub_db is not None
            protect = (ctx.obj.db,)
            path = Path(hub_db).expanduser()
            files.check_target(path, protect=protect, sqlite_output=True)
            written = files.write_with(
                path, lambda temp: _load_hub(str(temp), args, advance, lock_file=temp),
                protect=protect, sqlite_output=True,
            )  # fmt: skip
            report, where = written.result, str(written.path)
    payload = {"hub": where, **args, **report.as_dict()}
    if as_json:
        print_json(payload)
    else:
        console.print(t("hub_sample.done", lang, **payload), markup=False, soft_wrap=True)


def _redacted(url: str) -> str:
    from outreach_tui.hub.storage.postgres import redacted

    return redacted(url)


def _load_hub(url: str, args: dict[str, int], progress: Any, lock_file: Path | None = None) -> Any:
    """Migrate the hub at ``url``, then fill it through the hub's bulk loader."""
    from outreach_tui.hub.bulk_load import open_loader
    from outreach_tui.hub.evaluate import person_key
    from outreach_tui.hub.meta import load_hub_info
    from outreach_tui.hub.storage import open_storage
    from outreach_tui.sampledata.hub_sample import fill

    storage = open_storage(url)
    try:
        hub = load_hub_info(storage)

        def person_digest(name: str, birth: str, phone: str | None) -> str:
            key = person_key(name, birth, phone)
            return "" if key is None else hub.nik_digest(key)

        with open_loader(storage, actor="outreach sample", detail=args) as loader:
            report = fill(loader.rows, nik_digest=hub.nik_digest, person_digest=person_digest,
                          progress=progress, seed=args["seed"], branches=args["branches"],
                          regions=args["regions"], devices=args["devices"],
                          records=args["records"],
                          processes=args["records"] >= PRODUCERS_FROM)  # fmt: skip
    finally:
        storage.close()
        if lock_file is not None:
            Path(f"{lock_file}-writer.lock").unlink(missing_ok=True)
    return report


# From this many records the sample's shards are made in child processes beside the one
# loading them (below it the processes cost more than they save).
PRODUCERS_FROM = 50_000

# Records per bundle: well within the hub's import limits, and a bounded amount in memory.
HUB_BUNDLE_RECORDS = 5_000


@hub_errors  # a hub refusal (HubError) is one line too
def sample_hub_command(
    ctx: typer.Context,
    out: Annotated[Path, typer.Option("--out")],
    as_json: JsonFlag = False,
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


@contextmanager
def _generating(lang: str, total: int, *, quiet: bool) -> Iterator[Callable[[int, int], None]]:
    """A progress bar on a terminal (none for --json or a pipe); yields ``advance(done,
    total)`` for the generator to call."""
    with Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
        disable=quiet or not console.is_terminal,
    ) as progress:
        task = progress.add_task(t("cli.generating", lang), total=total)

        def advance(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        yield advance
