"""``make test``'s first step: one line naming what the end-to-end tests need and this
machine lacks (PostgreSQL's initdb/pg_ctl, tmux, the sqlite3 shell), and how to install it.

Exit 0 when everything is there, or when something is missing outside CI (those tests
then skip, and the run's summary counts them); exit 1 under ``CI=true`` with something
missing, so CI stops at once with the line instead of going green without them.
``bash .ci/run`` installs the missing packages itself on Debian when run as root.
"""

from __future__ import annotations

import shutil
import sys

from tests.support.ci import under_ci
from tests.support.postgres import find_pg_bin


def missing() -> list[tuple[str, str]]:
    """(what, Debian package) for every missing tool."""
    found = []
    if find_pg_bin() is None:
        found.append(("PostgreSQL (initdb, pg_ctl)", "postgresql"))
    if shutil.which("tmux") is None:
        found.append(("tmux", "tmux"))
    if shutil.which("sqlite3") is None:
        found.append(("the sqlite3 shell", "sqlite3"))
    return found


def main() -> int:
    lacking = missing()
    if not lacking:
        return 0
    what = ", ".join(w for w, _ in lacking)
    packages = " ".join(p for _, p in lacking)
    consequence = "CI=true: stopping" if under_ci() else "their tests will be skipped"
    print(
        f"make test: missing {what}; install: apt-get install -y {packages} "
        f"(as root, `bash .ci/run` does it) — {consequence}",
        file=sys.stderr,
    )
    return 1 if under_ci() else 0


if __name__ == "__main__":
    raise SystemExit(main())
