"""How commands talk back: Rich for people, stable JSON for scripts, one-line errors.

Exit codes are part of the interface (documented in the README):
0 ok · 1 invalid input or a failed check · 2 usage error (Typer) · 3 database problem.
"""

from __future__ import annotations

import functools
import json
import sqlite3
import sys
from collections.abc import Callable
from typing import Annotated, Any, NoReturn, ParamSpec, TypeVar

import typer
from rich.console import Console

EXIT_OK = 0
EXIT_INVALID = 1
EXIT_USAGE = 2
EXIT_STORE = 3

P = ParamSpec("P")
R = TypeVar("R")

console = Console(highlight=False)
err_console = Console(stderr=True, highlight=False, soft_wrap=True)

# Every command that can answer a script: `--json` prints the stable JSON instead of Rich.
JsonFlag = Annotated[bool, typer.Option("--json")]


def print_json(payload: Any) -> None:
    """Compact, key-sorted JSON on stdout (stable across runs for the same data)."""
    sys.stdout.write(json.dumps(payload, ensure_ascii=False, sort_keys=True, indent=2) + "\n")


def fail(message: str, code: int = EXIT_INVALID) -> NoReturn:
    """Print ``outreach: <message>`` on one line to stderr and exit."""
    one_line = " ".join(str(message).split())
    err_console.print(f"outreach: {one_line}", markup=False)
    raise typer.Exit(code)


def require_terminal(screen: str, language: str) -> None:
    """Refuse to start a full-screen app without a terminal: Textual draws on stderr and
    reads keys from stdin, and with either redirected to a file the app cannot be used
    (it kept a core busy until killed)."""
    if not (sys.stdin.isatty() and sys.stderr.isatty()):
        from outreach_tui.i18n import t

        fail(t("cli.no_terminal", language, screen=screen), EXIT_USAGE)


def _settings(args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    """The command's Settings, from the Typer context it was given (Typer vendors its own
    click, so there is no public "current context" to ask)."""
    for value in (*args, *kwargs.values()):
        find_root = getattr(value, "find_root", None)
        if callable(find_root):
            return find_root().obj
    return None


def store_problem(exc: BaseException, settings: Any = None) -> str:
    """One line for a store failure: a damaged, wiped or missing file says so and names
    ``outreach doctor``; anything else keeps the store's own message."""
    from outreach_tui.i18n import t
    from outreach_tui.store.damage import is_corruption
    from outreach_tui.store.database import (
        FileDamaged,
        FileEmpty,
        FileMissing,
        NotALaptopFile,
        SchemaTooNew,
    )
    from outreach_tui.store.known_counts import read_sidecar

    lang = getattr(settings, "language", None) or "id"
    if isinstance(exc, NotALaptopFile):
        return t(f"cli.db_not_laptop_{exc.kind}", lang, db=str(exc.path))
    if isinstance(exc, SchemaTooNew):
        return t("cli.db_too_new", lang, db=str(exc.path), found=exc.found, latest=exc.latest)
    if isinstance(exc, FileEmpty):
        return t("damaged.empty", lang, db=str(exc.path))
    if isinstance(exc, FileMissing):
        known = read_sidecar(exc.path)
        if known is not None:
            return t("damaged.missing_known", lang, db=str(exc.path), device=known.device_id)
        return t("cli.db_missing", lang, db=str(exc.path))
    if isinstance(exc, FileDamaged) or is_corruption(exc):
        path = str(getattr(exc, "path", "") or getattr(settings, "db", ""))
        reason = getattr(exc, "reason", None) or str(exc.__cause__ or exc)
        return t("damaged.one_line", lang, db=path, reason=reason)
    return str(exc)


def hostile_input(exc: BaseException, settings: Any = None) -> tuple[str, int] | None:
    """A value no command can use, met deep in a library: a path through a symlink loop
    (pathlib's RuntimeError), a NUL byte in a path or text, text that is not valid UTF-8
    (bytes from argv arrive as surrogate escapes). ``None`` for anything else: a real bug
    keeps its traceback, so tests find it."""
    from outreach_tui.i18n import t

    lang = getattr(settings, "language", None) or "id"
    text = str(exc)
    if isinstance(exc, RuntimeError) and "symlink loop" in text.lower():
        return t("cli_input.symlink_loop", lang, detail=text[:200]), EXIT_STORE
    if isinstance(exc, UnicodeError) and "surrogate" in text:
        return t("cli_input.not_utf8", lang), EXIT_INVALID
    if isinstance(exc, ValueError) and ("null byte" in text or "null character" in text):
        return t("cli_input.nul_byte", lang), EXIT_INVALID
    return None


def user_errors(func: Callable[P, R]) -> Callable[P, R]:
    """Turn expected failures into one-line messages instead of tracebacks."""
    from outreach_tui.config import ConfigError
    from outreach_tui.domain.reference import ReferenceDataError
    from outreach_tui.files import FileWriteError
    from outreach_tui.store import StoreError
    from outreach_tui.store.damage import is_corruption

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except (typer.Exit, typer.Abort):
            raise
        except ConfigError as exc:
            from outreach_tui.config import guess_language

            settings = _settings(args, kwargs)
            lang = getattr(settings, "language", None) or guess_language(sys.argv[1:])
            fail(exc.message(lang), EXIT_USAGE)
        except StoreError as exc:
            fail(store_problem(exc, _settings(args, kwargs)), EXIT_STORE)
        except sqlite3.DatabaseError as exc:
            if is_corruption(exc):
                fail(store_problem(exc, _settings(args, kwargs)), EXIT_STORE)
            from outreach_tui.i18n import t

            lang = getattr(_settings(args, kwargs), "language", None) or "id"
            fail(t("cli_usage.database_error", lang, detail=str(exc)), EXIT_STORE)
        except ReferenceDataError as exc:
            fail(str(exc), EXIT_INVALID)
        except FileWriteError as exc:  # files.py: a refused --out (2), a failed write (3)
            lang = getattr(getattr(kwargs.get("ctx"), "obj", None), "language", "id")
            fail(exc.message(lang if isinstance(lang, str) else "id"), exc.exit_code)
        except OSError as exc:
            fail(f"{exc.strerror or exc}: {exc.filename or ''}", EXIT_STORE)
        except (RuntimeError, ValueError) as exc:
            hostile = hostile_input(exc, _settings(args, kwargs))
            if hostile is None:
                raise
            fail(*hostile)

    return wrapper
