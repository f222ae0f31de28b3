"""The hub's append-only audit log (triggers refuse UPDATE and DELETE)."""

from __future__ import annotations

import json
from typing import Any

from outreach_tui.hub.storage import Tx, utc_now


def append(tx: Tx, action: str, *, actor: str | None, **detail: Any) -> None:
    tx.execute(
        "INSERT INTO audit_log (at, actor, action, detail) VALUES (?, ?, ?, ?)",
        (utc_now(), actor, action, json.dumps(detail, ensure_ascii=False, sort_keys=True)),
    )
