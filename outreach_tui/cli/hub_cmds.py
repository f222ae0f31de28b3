"""`outreach hub …`: the branch server and its admin commands.

`serve` runs the sync API under uvicorn; `enroll`, `devices`, `revoke`, `status` and
`import` work on the hub database directly (an SQLite path or a postgresql:// URL), so
a supervisor can manage devices while the server runs.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, ParamSpec, TypeVar, cast

import typer
from rich.table import Table
from rich.text import Text

from outreach_tui.cli.output import (
    EXIT_INVALID,
    EXIT_STORE,
    JsonFlag,
    console,
    err_console,
    fail,
    print_json,
    user_errors,
)
from outreach_tui.hub.errors import HubError, StorageUnavailable
from outreach_tui.i18n import DEFAULT_LANGUAGE, t

P = ParamSpec("P")
R = TypeVar("R")

hub_app = typer.Typer(
    name="hub",
    no_args_is_help=True,
    add_completion=False,
)
DbOption = Annotated[
    str,
    typer.Option(
        "--db",
        envvar="OUTREACH_HUB_DB",
    ),
]
UnitOption = Annotated[str | None, typer.Option("--unit")]


def _lang(ctx: typer.Context | None) -> str:
    settings = ctx.find_root().obj if ctx is not None else None
    return getattr(settings, "language", DEFAULT_LANGUAGE)


def hub_errors(func: Callable[P, R]) -> Callable[P, R]:
    """HubError and database-driver errors as one line (exit 3 for the database)."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        ctx = cast("typer.Context | None", kwargs.get("ctx"))
        try:
            return func(*args, **kwargs)
        except StorageUnavailable as exc:
            fail(exc.message(_lang(ctx)), EXIT_STORE)
        except HubError as exc:
            fail(exc.message(_lang(ctx)), EXIT_INVALID)
        except Exception as exc:
            if type(exc).__module__.startswith("psycopg"):
                detail = str(exc).strip().splitlines()[0][:200]
                fail(t("cli_usage.database_error", _lang(ctx), detail=detail), EXIT_STORE)
            raise

    return user_errors(wrapper)


def _say(text: str) -> None:
    console.print(text, markup=False, soft_wrap=True)


def _say_err(text: str) -> None:
    err_console.print(text, markup=False, soft_wrap=True)


def _open(db: str, *, create: bool) -> Any:
    from outreach_tui.hub.storage import open_storage

    return open_storage(db, create=create)


def _check_listen_address(host: str, port: int, lang: str) -> None:
    """A bad ``--host`` is one line before anything starts (uvicorn would log a
    multi-line error after the hub database was already opened)."""
    import socket

    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except (OSError, UnicodeError, ValueError):
        fail(t("cli_input.bad_host", lang, host=host.encode("utf-8", "replace").decode()[:80]), 2)
    family, kind, proto, _, address = infos[0]
    probe = socket.socket(family, kind, proto)
    try:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        probe.bind(address)
    except OSError as exc:
        fail(t("cli_input.cannot_listen", lang, host=host, port=port,
               reason=exc.strerror or str(exc)), EXIT_INVALID)  # fmt: skip
    finally:
        probe.close()


@hub_app.command("serve")
@hub_errors
def serve(
    ctx: typer.Context,
    db: DbOption,
    host: Annotated[str, typer.Option()] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535)] = 8765,
    tls_cert: Annotated[Path | None, typer.Option()] = None,
    tls_key: Annotated[Path | None, typer.Option()] = None,
    max_records: Annotated[int, typer.Option(min=1, max=10_000)] = 1000,
    max_bytes: Annotated[int, typer.Option(min=1_000, max=50_000_000)] = 5_000_000,
    workers: Annotated[
        int,
        typer.Option(min=1, max=32),
    ] = 1,
    header_timeout: Annotated[
        float,
        typer.Option(min=0.5, max=600),
    ] = 10.0,
    body_timeout: Annotated[
        float,
        typer.Option(min=1, max=3600),
    ] = 120.0,
) -> None:
    """Serve the sync API (docs/SYNC_PROTOCOL.md) until stopped."""
    import uvicorn

    from outreach_tui.hub import serving
    from outreach_tui.hub.app import create_app

    lang = _lang(ctx)
    if (tls_cert is None) != (tls_key is None):
        fail(t("hub.tls_pair", lang), 2)
    for path in (tls_cert, tls_key):
        if path is not None and not path.is_file():
            fail(t("hub.tls_missing", lang, path=str(path)), EXIT_INVALID)
    _check_listen_address(host, port, lang)
    storage = _open(db, create=True)
    app = create_app(storage, max_records=max_records, max_bytes=max_bytes)
    scheme = "https" if tls_cert else "http"
    _say_err(
        t(
            "hub.serving",
            lang,
            hub_id=app.state.hub.hub_id,
            url=f"{scheme}://{host}:{port}",
            db=storage.location,
        )
    )
    if not tls_cert and host not in ("127.0.0.1", "localhost", "::1"):
        _say_err(t("hub.plain_http", lang))
    target: Any = app
    if workers > 1:
        # uvicorn starts each worker from an import string; the settings go with the
        # environment. Writers of all workers queue on the store's write lock.
        storage.close()
        os.environ.update(
            OUTREACH_HUB_DB=db,
            OUTREACH_HUB_MAX_RECORDS=str(max_records),
            OUTREACH_HUB_MAX_BYTES=str(max_bytes),
        )
        target = "outreach_tui.hub.app:app_from_environment"
        _say_err(t("hub.workers", lang, workers=workers))
    uvicorn.run(
        target,
        factory=workers > 1,
        http=serving.hub_protocol(header_timeout=header_timeout, body_timeout=body_timeout),
        log_config=serving.log_config(),
        workers=workers,
        host=host,
        port=port,
        log_level="info",
        server_header=False,
        ssl_certfile=str(tls_cert) if tls_cert else None,
        ssl_keyfile=str(tls_key) if tls_key else None,
    )


def _refuse_invisible(name: str) -> None:
    """No control or format character in a device name, not even one that whitespace
    folding would turn into a space (NEL, tab): bidirectional controls (U+202A-202E,
    U+2066-2069, U+200E/F, U+061C) make a name read differently from what it holds."""
    import unicodedata

    if any(unicodedata.category(c)[0] == "C" or unicodedata.category(c) in ("Zl", "Zp")
           for c in name):  # fmt: skip
        raise HubError("hub.bad_device_name", field="device")


@hub_app.command("enroll")
@hub_errors
def enroll(
    ctx: typer.Context,
    db: DbOption,
    officer: Annotated[str, typer.Option()],
    device: Annotated[str, typer.Option()],
    days: Annotated[int, typer.Option()] = 180,
    role: Annotated[str, typer.Option()] = "device",
    unit: UnitOption = None,
    as_json: JsonFlag = False,
) -> None:
    """Enrol a device and print its token (shown once; the hub keeps only a hash)."""
    from outreach_tui.hub import auth

    lang = _lang(ctx)
    _refuse_invisible(device)
    with _open(db, create=True) as storage:
        enrolled, token = auth.enroll(
            storage, officer=officer, name=device, days=days, role=role, unit=unit
        )
    if as_json:
        print_json({"device": enrolled.as_dict(), "token": token})
        return
    _say(
        t(
            "hub.enrolled",
            lang,
            name=enrolled.name,
            id=enrolled.id,
            officer=enrolled.officer_code,
            expires=enrolled.expires_at,
        )
    )
    if enrolled.unit_code:
        _say(t("hub.enrolled_unit", lang, unit=enrolled.unit_code))
    _say(t("hub.token_once", lang))
    typer.echo(token)


@hub_app.command("devices")
@hub_errors
def devices(ctx: typer.Context, db: DbOption, as_json: JsonFlag = False) -> None:
    """List enrolled devices: role, status, expiry, last seen and last sync."""
    from outreach_tui.hub import auth

    lang = _lang(ctx)
    with _open(db, create=False) as storage:
        found = auth.list_devices(storage)
    if as_json:
        print_json({"devices": [d.as_dict() for d in found]})
        return
    if not found:
        _say(t("hub.no_devices", lang))
        return
    columns = ("id", "name", "officer", "unit", "role", "status", "expires", "last_seen",
               "last_sync")  # fmt: skip
    table = Table(*(t(f"hub.col.{c}", lang) for c in columns))
    for d in found:
        table.add_row(
            d.id,
            d.name,
            d.officer_code,
            d.unit_code or t("hub_word.whole_hub", lang),
            t(f"hub_word.role_{d.role}", lang),
            t(f"hub_word.status_{d.status()}", lang),
            d.expires_at,
            d.last_seen_at or "-",
            d.last_sync_at or "-",
        )
    console.print(table)


@hub_app.command("revoke")
@hub_errors
def revoke(
    ctx: typer.Context,
    db: DbOption,
    device: Annotated[str, typer.Argument()],
    as_json: JsonFlag = False,
) -> None:
    """Revoke a device's token; the laptop keeps its unsynced data."""
    from outreach_tui.hub import auth

    lang = _lang(ctx)
    with _open(db, create=False) as storage:
        found, changed = auth.revoke(storage, device)
    if as_json:
        print_json({"device": found.as_dict(), "revoked_now": changed})
    elif changed:
        _say(t("hub.revoked_done", lang, name=found.name, id=found.id))
    else:
        _say(t("hub.already_revoked", lang, name=found.name, id=found.id, at=found.revoked_at))


@hub_app.command("status")
@hub_errors
def status(ctx: typer.Context, db: DbOption, as_json: JsonFlag = False) -> None:
    """The hub at a glance: identity, records, batches and every device's last sync."""
    from outreach_tui.hub.meta import load_hub_info
    from outreach_tui.hub.status import hub_status

    lang = _lang(ctx)
    with _open(db, create=False) as storage:
        report = hub_status(storage, load_hub_info(storage))
    if as_json:
        print_json(report)
        return
    table = Table(show_header=False)
    rows = [
        ("hub_id", report["hub_id"]),
        ("db", report["db"]),
        ("engine", report["engine"]),
        ("schema", report["schema_version"]),
        ("registrations", report["records"]["registrations"]),
        ("leads", report["records"]["leads"]),
        ("owners", report["live"]["owners"]),
        ("workers", report["live"]["workers"]),
        ("voided", report["live"]["voided"]),
        ("batches", report["batches"]),
    ]
    for key, value in rows:
        table.add_row(t(f"hub.col.{key}", lang), str(value))
    console.print(table)
    if report["devices"]:
        columns = ("name", "officer", "role", "status", "last_sync")
        devices_table = Table(*(t(f"hub.col.{c}", lang) for c in columns))
        for d in report["devices"]:
            devices_table.add_row(
                d["name"],
                d["officer_code"],
                t(f"hub_word.role_{d['role']}", lang),
                t(f"hub_word.status_{d['status']}", lang),
                d["last_sync_at"] or "-",
            )
        console.print(devices_table)


@hub_app.command("import")
@hub_errors
def import_(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument()],
    db: DbOption,
    as_json: JsonFlag = False,
) -> None:
    """Apply an outreach-bundle file with the same rules as a sync (idempotent)."""
    from outreach_tui.hub.bundle import import_bundle, load_bundle, verify_signature

    lang = _lang(ctx)
    # Refuse a bad, oversized or unsigned file before creating or touching a database.
    bundle = load_bundle(file, lang)
    verify_signature(bundle)
    with _open(db, create=True) as storage:
        receipt = import_bundle(storage, file, lang, loaded=bundle)
    counts = {
        o: sum(r["outcome"] == o for r in receipt["results"])
        for o in ("accepted", "duplicate", "conflict", "rejected")
    }
    if as_json:
        print_json({"receipt": receipt, "counts": counts})
    elif receipt["replayed"]:
        _say(t("hub.import_replayed", lang, batch_id=receipt["batch_id"]))
    else:
        _say(t("hub.imported", lang, batch_id=receipt["batch_id"], **counts))


@hub_app.command("rebind")
@hub_errors
def rebind(
    ctx: typer.Context,
    laptop: Annotated[str, typer.Argument()],
    db: DbOption,
    device: Annotated[str, typer.Option("--device")],
    as_json: JsonFlag = False,
) -> None:
    """Bind a laptop id to another enrolled device (a replaced laptop, a lost token)."""
    from outreach_tui.hub import binding

    lang = _lang(ctx)
    with _open(db, create=False) as storage:
        moved = binding.rebind(storage, laptop, device)
    if as_json:
        print_json({"laptop": moved})
        return
    _say(
        t("trust.rebound", lang, laptop=moved["laptop_id"], device=moved["device_name"],
          id=moved["device_id"], previous=moved["previous_device_id"] or "-")
    )  # fmt: skip


@hub_app.command("audit")
@hub_errors
def audit_(
    ctx: typer.Context,
    db: DbOption,
    limit: Annotated[int, typer.Option("--limit", min=1, max=10_000)] = 50,
    action: Annotated[str | None, typer.Option("--action")] = None,
    as_json: JsonFlag = False,
) -> None:
    """The hub's append-only audit log: ingest, enrol, revoke, review, import (newest first)."""
    import json

    from outreach_tui.hub.audit import entries

    lang = _lang(ctx)
    with _open(db, create=False) as storage:
        found = entries(storage, limit=limit, action=action)
    if as_json:
        print_json({"entries": found})
        return
    table = Table(title=t("audit.title", lang), title_justify="left")
    for key in ("at", "actor", "action", "detail"):
        table.add_column(t(f"privacy.audit.{key}", lang))
    for e in found:
        detail = json.dumps(e["detail"], ensure_ascii=False) if e["detail"] else ""
        table.add_row(e["at"], e["actor"] or "—", e["action"], Text(detail))
    console.print(table)


def register(app: typer.Typer) -> None:
    """Attach the `hub` command group."""
    app.add_typer(hub_app, name="hub")
