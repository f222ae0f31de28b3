"""The CLI's log: what each command did, in a rotated file in the platform's log folder
(``~/.local/state/outreach/log/outreach.log`` on Linux; OUTREACH_LOG_DIR overrides it),
and also on stderr with ``--verbose``.

No personal data goes in: lines carry command names, counts, exit codes and durations,
never argument values (``outreach nik <NIK>``) or record contents. Should a message ever
hold something that looks like a NIK, a phone number or an e-mail address, a filter masks
it before any handler writes it. Logging never stops a command: a log folder that cannot
be made or written is skipped. The file is the officer's (mode 0600), rotated at 1 MB
with three old files kept.

Loggers are ``outreach_tui.*`` (``logging.getLogger(__name__)``); the hub's server keeps
its own ``outreach.hub`` loggers and their configuration (hub/serving.py).
"""

from __future__ import annotations

import functools
import logging
import os
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import ParamSpec, TypeVar

ENV_DIR = "OUTREACH_LOG_DIR"
FILE_NAME = "outreach.log"
MAX_BYTES = 1_000_000
BACKUPS = 3
ROOT = "outreach_tui"
P = ParamSpec("P")
R = TypeVar("R")
FORMAT = "%(asctime)sZ %(levelname)s %(name)s: %(message)s"

# Eight or more digits, with spaces, dots or dashes between (a NIK, a phone number,
# +62 812-3456-7890), not inside a longer word or a uuid; an e-mail address.
_DIGITS = re.compile(r"(?<![\w-])\+?\d(?:[ .-]?\d){7,}(?![\w-])")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


def mask(text: str) -> str:
    return _EMAIL.sub("[email]", _DIGITS.sub("[number]", text))


class PersonalDataFilter(logging.Filter):
    """Masks what looks like a NIK, a phone number or an e-mail address in a message."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg, record.args = mask(record.getMessage()), None
        return True


class _CurrentStderr(logging.Handler):
    """Writes to whatever ``sys.stderr`` is now (a test runner swaps it per command)."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            sys.stderr.write(self.format(record) + "\n")
        except Exception:
            self.handleError(record)


def log_dir() -> Path:
    override = os.environ.get(ENV_DIR)
    if override:
        return Path(override)
    import platformdirs

    from outreach_tui.config import APP_NAME

    return Path(platformdirs.user_log_dir(APP_NAME))


def log_path() -> Path:
    return log_dir() / FILE_NAME


def _formatter() -> logging.Formatter:
    formatter = logging.Formatter(FORMAT, datefmt="%Y-%m-%dT%H:%M:%S")
    formatter.converter = time.gmtime  # UTC, as every time the app stores
    return formatter


def _file_handler(path: Path) -> logging.Handler | None:
    from logging.handlers import RotatingFileHandler

    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        path.touch(mode=0o600, exist_ok=True)
        handler = RotatingFileHandler(path, maxBytes=MAX_BYTES, backupCount=BACKUPS,
                                      encoding="utf-8")  # fmt: skip
    except OSError:
        return None
    handler.set_name(f"outreach-file:{path}")
    handler.setLevel(logging.INFO)
    handler.setFormatter(_formatter())
    handler.addFilter(PersonalDataFilter())
    return handler


def configure(*, verbose: bool = False) -> None:
    """The file handler (once per log path) and, with ``verbose``, the stderr handler;
    without it, a stderr handler left by an earlier command of the same process goes."""
    root = logging.getLogger(ROOT)
    root.setLevel(logging.DEBUG)
    root.propagate = False
    names = {handler.get_name(): handler for handler in root.handlers}
    path = log_path()
    if f"outreach-file:{path}" not in names:
        for name, handler in names.items():
            if name and name.startswith("outreach-file:"):
                root.removeHandler(handler)
                handler.close()
        made = _file_handler(path)
        if made is not None:
            root.addHandler(made)
    stderr = names.get("outreach-stderr")
    if verbose and stderr is None:
        stderr = _CurrentStderr()
        stderr.set_name("outreach-stderr")
        stderr.setLevel(logging.DEBUG)
        stderr.setFormatter(logging.Formatter("log: %(message)s"))
        stderr.addFilter(PersonalDataFilter())
        root.addHandler(stderr)
    elif not verbose and stderr is not None:
        root.removeHandler(stderr)


def _exit_code(exc: BaseException) -> str:
    code = getattr(exc, "exit_code", None)  # click's Exit, typer.Exit
    if isinstance(exc, SystemExit):
        code = exc.code
    elif isinstance(exc, KeyboardInterrupt):
        code = 130
    # Any other exception: its class only (its message may quote what was typed).
    return str(code) if code is not None else f"error {type(exc).__name__}"


def logged(name: str, callback: Callable[P, R]) -> Callable[P, R]:
    """``callback`` with a line when it starts and one with its exit code when it ends."""
    log = logging.getLogger(f"{ROOT}.cli")

    @functools.wraps(callback)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        started = time.monotonic()
        log.info("%s: started", name)
        code = "0"
        try:
            return callback(*args, **kwargs)
        except BaseException as exc:
            code = _exit_code(exc)
            raise
        finally:
            log.info("%s: exit %s after %.2f s", name, code, time.monotonic() - started)

    return run
