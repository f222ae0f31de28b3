"""Personal data on the laptop (UU 27/2022): `outreach purge`, `outreach encrypt …`,
`outreach unlock`, `outreach lock`, `outreach officer …`. See docs/PRIVACY.md.

Exit codes: 0 ok · 1 wrong passphrase, recovery code or PIN · 2 usage · 3 database
problem (also: encrypted and locked — run `outreach unlock`; and a purge or `encrypt
enable` whose old copies are still on disk because another program kept reading).
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Protocol

import typer

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
from outreach_tui.config import Settings
from outreach_tui.i18n import t
from outreach_tui.store import Store

if TYPE_CHECKING:
    from outreach_tui.store.encryption import KeyVault

StdinFlag = Annotated[bool, typer.Option("--passphrase-stdin")]

encrypt_app = typer.Typer(
    name="encrypt",
    no_args_is_help=True,
    add_completion=False,
)
officer_app = typer.Typer(name="officer", no_args_is_help=True, add_completion=False)


WaitOption = Annotated[
    float,
    typer.Option(
        "--wait",
        min=0,
        max=3600,
        metavar="SECONDS",
    ),
]
DEFAULT_WAIT_S = 30.0  # as store.compaction.DEFAULT_WAIT_S (not imported: start-up speed)


def _waiting(lang: str, key: str) -> Any:
    """Say on stderr (also with --json) that we wait for another reader to leave."""

    def tell(seconds: float) -> None:
        err_console.print(t(key, lang, seconds=f"{seconds:g}"), markup=False)

    return tell


def _open(settings: Settings) -> Store:
    if not Path(settings.db).exists():
        fail(t("cli.db_missing", settings.language, db=str(settings.db)), EXIT_STORE)
    return Store(settings.db, create=False)


def _secret(lang: str, key: str, *, stdin: bool, confirm: bool = False) -> str:
    if stdin:
        line = sys.stdin.readline()
        if not line:
            fail(t("privacy.stdin_empty", lang), 2)
        return line.rstrip("\r\n")
    return str(typer.prompt(t(key, lang), hide_input=True, confirmation_prompt=confirm))


@contextmanager
def _wrong_secret(lang: str) -> Iterator[None]:
    """A wrong passphrase or recovery code inside the block: one line, exit 1."""
    from outreach_tui.store.crypto import CryptoError

    try:
        yield
    except CryptoError as exc:
        fail(t("privacy.wrong_secret", lang, detail=str(exc)), EXIT_INVALID)


# -- purge ------------------------------------------------------------------------------


@user_errors
def purge_command(
    ctx: typer.Context,
    dry_run: Annotated[bool, typer.Option("--dry-run")] = False,
    older_than: Annotated[
        int | None,
        typer.Option(
            "--older-than",
            min=0,
            max=3650,
            metavar="DAYS",
        ),
    ] = None,
    as_json: JsonFlag = False,
    wait: WaitOption = DEFAULT_WAIT_S,
) -> None:
    """Remove personal data the hub acknowledged more than DAYS ago (tallies stay)."""
    from outreach_tui.store.purge import purge

    settings: Settings = ctx.obj
    lang = settings.language
    days = settings.retention_days if older_than is None else older_than
    with _open(settings) as store:
        report = purge(
            store.database, store.device_id, older_than_days=days, dry_run=dry_run,
            officer_code=store.settings.get("officer_code"), wait_s=wait,
            on_wait=_waiting(lang, "privacy.purge.waiting"),
        )  # fmt: skip
    from outreach_tui.domain import consent

    promised = consent.current().retention_days_on_device
    params = report.as_dict()
    unfinished = report.compaction_pending and not dry_run
    if as_json:
        print_json(params)
    if unfinished:  # never a success line while purged data is still readable on disk
        fail(t("privacy.purge.incomplete", lang, **params), EXIT_STORE)
    if as_json:
        return
    key = "privacy.purge.dry_run" if dry_run else "privacy.purge.done"
    if not report.total and not report.receipt_files:
        key = "privacy.purge.nothing"
    console.print(t(key, lang, **params), markup=False)
    for warning in report.warnings:
        if warning == "compact_incomplete" and dry_run:
            continue
        console.print(t(f"privacy.purge.{warning}", lang, days=days, promised=promised),
                      markup=False)  # fmt: skip


# -- encryption -------------------------------------------------------------------------


@encrypt_app.command("status")
@user_errors
def encrypt_status(ctx: typer.Context, as_json: JsonFlag = False) -> None:
    """Is encryption on, and is the key unlocked (for this and later commands)?"""
    settings: Settings = ctx.obj
    with _open(settings) as store:
        status = store.crypto.status()
    if as_json:
        print_json(status.as_dict())
        return
    key = "off" if not status.enabled else "unlocked" if status.unlocked else "locked"
    console.print(t(f"privacy.encrypt.status_{key}", settings.language, **status.as_dict()),
                  markup=False)  # fmt: skip


@encrypt_app.command("enable")
@user_errors
def encrypt_enable(
    ctx: typer.Context,
    passphrase_stdin: StdinFlag = False,
    as_json: JsonFlag = False,
    wait: WaitOption = DEFAULT_WAIT_S,
) -> None:
    """Encrypt the personal fields now and from now on; prints the recovery code once.

    Exit 3 (after the recovery code) when another program kept reading the file, so the
    old unencrypted copies are still on disk: retried by the next purge or booth start."""
    settings: Settings = ctx.obj
    lang = settings.language
    with _open(settings) as store:
        secret = _secret(
            lang, "privacy.prompt.new_passphrase", stdin=passphrase_stdin, confirm=True
        )
        code = store.crypto.enable(
            secret, officer_code=store.settings.get("officer_code"), wait_s=wait,
            on_wait=_waiting(lang, "privacy.encrypt.waiting"),
        )  # fmt: skip
        status = store.crypto.status()
        compaction = store.crypto.last_compaction
    done = compaction is not None and compaction.done
    details = compaction.as_dict() if compaction is not None else {}
    if as_json:
        print_json({**status.as_dict(), "recovery_code": code, "compacted": done,
                    "compaction_pending": not done, "compaction": details})  # fmt: skip
    else:
        if done:
            console.print(t("privacy.encrypt.enabled", lang), markup=False)
        console.print(t("privacy.encrypt.recovery", lang), markup=False)
        typer.echo(code)
    if not done:
        fail(t("privacy.encrypt.incomplete", lang, **details), EXIT_STORE)


@encrypt_app.command("disable")
@user_errors
def encrypt_disable(
    ctx: typer.Context, passphrase_stdin: StdinFlag = False, as_json: JsonFlag = False
) -> None:
    """Decrypt everything again and forget the keys (asks for the passphrase)."""
    settings: Settings = ctx.obj
    lang = settings.language
    with _open(settings) as store:
        secret = _secret(lang, "privacy.prompt.passphrase", stdin=passphrase_stdin)
        with _wrong_secret(lang):
            counts = store.crypto.disable(secret, officer_code=store.settings.get("officer_code"))
    if as_json:
        print_json({"enabled": False, **counts})
    else:
        console.print(t("privacy.encrypt.disabled", lang, **counts), markup=False)


@encrypt_app.command("change-passphrase")
@user_errors
def encrypt_change(ctx: typer.Context, passphrase_stdin: StdinFlag = False) -> None:
    """A new passphrase for the same key (stdin: the old one, then the new one)."""
    _new_passphrase(
        ctx.obj, "privacy.prompt.passphrase", lambda vault: vault.change_passphrase,
        "privacy.encrypt.changed", stdin=passphrase_stdin,
    )  # fmt: skip


@encrypt_app.command("recover")
@user_errors
def encrypt_recover(ctx: typer.Context, passphrase_stdin: StdinFlag = False) -> None:
    """Forgotten passphrase: the recovery code, then a new passphrase (stdin: one a line)."""
    _new_passphrase(
        ctx.obj, "privacy.prompt.recovery_code", lambda vault: vault.recover,
        "privacy.encrypt.recovered", stdin=passphrase_stdin,
    )  # fmt: skip


class _Rewrap(Protocol):
    """``KeyVault.change_passphrase`` or ``.recover``: what opens the key, the new one."""

    def __call__(self, proof: str, new: str, /, *, officer_code: str | None = None) -> object: ...


def _new_passphrase(
    settings: Settings,
    proof_prompt: str,
    rewrap: Callable[[KeyVault], _Rewrap],
    done_key: str,
    *,
    stdin: bool,
) -> None:
    """What opens the key now (``proof_prompt``: the passphrase or the recovery code),
    then a new passphrase, twice; ``rewrap`` names the vault's method that takes both."""
    lang = settings.language
    with _open(settings) as store:
        proof = _secret(lang, proof_prompt, stdin=stdin)
        new = _secret(lang, "privacy.prompt.new_passphrase", stdin=stdin, confirm=True)
        with _wrong_secret(lang):
            rewrap(store.crypto)(proof, new, officer_code=store.settings.get("officer_code"))
    console.print(t(done_key, lang), markup=False)


@user_errors
def unlock_command(
    ctx: typer.Context,
    minutes: Annotated[int, typer.Option("--minutes", min=1, max=24 * 60)] = 60,
    passphrase_stdin: StdinFlag = False,
    as_json: JsonFlag = False,
) -> None:
    """Unlock the encrypted fields for the next commands (sync, export, purge)."""
    settings: Settings = ctx.obj
    lang = settings.language
    with _open(settings) as store:
        secret = _secret(lang, "privacy.prompt.passphrase", stdin=passphrase_stdin)
        with _wrong_secret(lang):
            status = store.crypto.unlock(
                secret, remember_minutes=minutes, officer_code=store.settings.get("officer_code")
            )
    if as_json:
        print_json(status.as_dict())
    else:
        console.print(t("privacy.unlock.done", lang, until=status.session_until), markup=False)


@user_errors
def lock_command(ctx: typer.Context, as_json: JsonFlag = False) -> None:
    """Forget the unlocked key now (the encrypted fields need the passphrase again)."""
    settings: Settings = ctx.obj
    with _open(settings) as store:
        store.crypto.lock()
        store.audit.record("crypto.lock", officer_code=store.settings.get("officer_code"))
        status = store.crypto.status()
    if as_json:
        print_json(status.as_dict())
    else:
        console.print(t("privacy.lock.done", settings.language), markup=False)


# -- officers ---------------------------------------------------------------------------


PinStdin = Annotated[bool, typer.Option("--pin-stdin")]


@officer_app.command("set-pin")
@user_errors
def officer_set_pin(
    ctx: typer.Context,
    code: Annotated[str, typer.Argument()],
    pin_stdin: PinStdin = False,
) -> None:
    """Set (or replace) an officer's sign-in PIN: 4–12 digits, asked twice, not shown."""
    settings: Settings = ctx.obj
    lang = settings.language
    with _open(settings) as store:
        pin = _secret(lang, "privacy.prompt.pin", stdin=pin_stdin, confirm=True)
        store.officers.set_pin(code.strip().upper(), pin, by=store.settings.get("officer_code"))
    console.print(t("privacy.pin.set", lang, officer=code.strip().upper()), markup=False)


@officer_app.command("clear-pin")
@user_errors
def officer_clear_pin(ctx: typer.Context, code: Annotated[str, typer.Argument()]) -> None:
    """Remove an officer's PIN (they cannot sign in until a new one is set)."""
    settings: Settings = ctx.obj
    with _open(settings) as store:
        gone = store.officers.clear_pin(code.strip().upper(), by=store.settings.get("officer_code"))
    key = "privacy.pin.cleared" if gone else "privacy.pin.no_pin"
    who = code.strip().upper()
    console.print(t(key, settings.language, officer=who, officer_code=who), markup=False)


@officer_app.command("check-pin")
@user_errors
def officer_check_pin(
    ctx: typer.Context,
    code: Annotated[str, typer.Argument()],
    pin_stdin: PinStdin = False,
    as_json: JsonFlag = False,
) -> None:
    """Try a sign-in (counts as an attempt, audited); exit 1 unless the PIN is right."""
    settings: Settings = ctx.obj
    lang = settings.language
    with _open(settings) as store:
        pin = _secret(lang, "privacy.prompt.pin", stdin=pin_stdin)
        check = store.officers.verify_pin(code.strip().upper(), pin)
    result: dict[str, Any] = check.as_dict()
    if as_json:
        print_json(result)
    else:
        console.print(t(f"privacy.pin.{check.reason}", lang, **result), markup=False)
    if not check.ok:
        raise typer.Exit(EXIT_INVALID)


def register(app: typer.Typer) -> None:
    """Attach the privacy commands."""
    app.command("purge")(purge_command)
    app.command("unlock")(unlock_command)
    app.command("lock")(lock_command)
    app.add_typer(encrypt_app, name="encrypt")
    app.add_typer(officer_app, name="officer")
