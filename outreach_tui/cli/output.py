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
from typing import Any, NoReturn, ParamSpec, TypeVar

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


def print_json(payload: Any) -> None:
    """Compact, key-sorted JSON on stdout (stable across runs for the same data)."""
    sys.stdout.write(json.dumps(payload, ensure_ascii=False, sort_keys=True, indent=2) + "\n")


def fail(message: str, code: int = EXIT_INVALID) -> NoReturn:
    """Print ``outreach: <message>`` on one line to stderr and exit."""
    one_line = " ".join(str(message).split())
    err_console.print(f"outreach: {one_line}", markup=False)
    raise typer.Exit(code)


def user_errors(func: Callable[P, R]) -> Callable[P, R]:
    """Turn expected failures into one-line messages instead of tracebacks."""
    from outreach_tui.config import ConfigError
    from outreach_tui.domain.reference import ReferenceDataError
    from outreach_tui.files import FileWriteError
    from outreach_tui.store import StoreError

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except (typer.Exit, typer.Abort):
            raise
        except ConfigError as exc:
            fail(str(exc), EXIT_USAGE)
        except StoreError as exc:
            fail(str(exc), EXIT_STORE)
        except sqlite3.DatabaseError as exc:
            fail(f"database error: {exc}", EXIT_STORE)
        except ReferenceDataError as exc:
            fail(str(exc), EXIT_INVALID)
        except FileWriteError as exc:  # files.py: a refused --out (2), a failed write (3)
            lang = getattr(getattr(kwargs.get("ctx"), "obj", None), "language", "id")
            fail(exc.message(lang if isinstance(lang, str) else "id"), exc.exit_code)
        except OSError as exc:
            fail(f"{exc.strerror or exc}: {exc.filename or ''}", EXIT_STORE)

    return wrapper
