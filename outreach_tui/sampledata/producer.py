"""Producer process for large samples: ``python -m outreach_tui.sampledata.producer SEED ROWS``.

Writes the rows ``Filler`` makes to stdout as pickled messages, in insert order:
``("rows", table, [tuple, ...])`` ... then ``("done", Summary)``. Started (and read) only
by generator.py; a plain module run, so it never re-imports the caller's main script the
way multiprocessing's "spawn" does.
"""

from __future__ import annotations

import pickle
import sys
from typing import Any

from outreach_tui.sampledata.filler import Filler


def main(argv: list[str]) -> int:
    seed, total = int(argv[0]), int(argv[1])
    out = sys.stdout.buffer

    def send(table: str, rows: list[tuple[Any, ...]]) -> None:
        pickle.dump(("rows", table, rows), out, protocol=pickle.HIGHEST_PROTOCOL)

    summary = Filler(seed, total, send).run()
    pickle.dump(("done", summary, None), out, protocol=pickle.HIGHEST_PROTOCOL)
    out.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
