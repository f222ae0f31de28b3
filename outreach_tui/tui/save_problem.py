"""Why a save failed, as one line the officer can act on.

A save meets more than the store's own refusals: the file locked by another process past
the busy timeout, a full disk, an I/O error. Each becomes one line in the officer's
language; the form keeps what was typed and the same key saves again once the cause is
gone (the store rolls the whole transaction back, so nothing is half-saved).
"""

from __future__ import annotations

import errno
import sqlite3

from outreach_tui.i18n import t
from outreach_tui.store import StoreError

# sqlite3 result codes (primary code: the low byte of an extended one)
SQLITE_BUSY, SQLITE_LOCKED, SQLITE_IOERR, SQLITE_FULL, SQLITE_READONLY = 5, 6, 10, 13, 8


def save_problem(exc: BaseException, language: str) -> str:
    """The line shown in the form after a failed save."""
    from outreach_tui.store.crypto import StoreLocked

    if isinstance(exc, StoreLocked):
        return t("reg.store_locked", language)
    if isinstance(exc, StoreError):
        return str(exc)
    if isinstance(exc, sqlite3.Error):
        code = (getattr(exc, "sqlite_errorcode", 0) or 0) & 0xFF
        text = str(exc).lower()
        if code in (SQLITE_BUSY, SQLITE_LOCKED) or "locked" in text or "busy" in text:
            return t("save_problem.locked", language)
        if code == SQLITE_FULL or "disk is full" in text:
            return t("save_problem.full", language)
        if code == SQLITE_READONLY or "readonly" in text:
            return t("save_problem.readonly", language)
        return t("save_problem.disk", language, detail=str(exc)[:80])
    if isinstance(exc, OSError):
        if exc.errno in (errno.ENOSPC, errno.EDQUOT):
            return t("save_problem.full", language)
        if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
            return t("save_problem.readonly", language)
        return t("save_problem.disk", language, detail=(exc.strerror or str(exc))[:80])
    return t("save_problem.unexpected", language, kind=type(exc).__name__)
