"""CI cannot silently skip: what a test needs from the machine (PostgreSQL, tmux) is a
skip on a developer's machine without it, and a failure under ``CI=true``.

    under_ci()                 CI=true (or 1/yes) in the environment
    require(ok, what)          skip with ``what`` (the one line saying what to install),
                               or fail with it under CI
    E2E_MARKERS                a test with one of these markers is end-to-end: under CI a
                               skip of it is turned into a failure (tests/conftest.py)
"""

from __future__ import annotations

import os

import pytest

E2E_MARKERS = ("e2e",)


def under_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("true", "1", "yes")


def require(ok: bool, what: str) -> None:
    if ok:
        return
    if under_ci():
        pytest.fail(f"CI=true and {what}", pytrace=False)
    pytest.skip(what)
