"""The duplicate queue a hub keeps (``duplicate_cases``) and the one computed from scratch
in Python from its live registrations, as hub/duplicates.py defines a case."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from outreach_tui.hub.storage import Storage

LIVE = ("r.entity = 'registration' AND r.voided = 0 "
        "AND r.uuid NOT IN (SELECT uuid FROM withdrawals)")  # fmt: skip


def kept(storage: Storage) -> set[tuple[Any, ...]]:
    with storage.read() as tx:
        return {(r["kind"], r["digest"], r["case_id"], r["unit_code"], r["first_seen"],
                 int(r["is_open"])) for r in tx.all("SELECT * FROM duplicate_cases")}  # fmt: skip


def from_scratch(storage: Storage) -> set[tuple[Any, ...]]:
    """The queue's groups computed here in Python from every live registration, as the
    queue defines them (hub/duplicates.py): a NIK on two or more, a person digest under two
    or more NIKs; routed to the latest; open while a member has no review."""
    with storage.read() as tx:
        rows = tx.all(
            "SELECT r.nik_digest, r.person_digest, r.created_at, r.unit_code, v.outcome "
            f"FROM records r LEFT JOIN reviews v ON v.uuid = r.uuid WHERE {LIVE} "
            "ORDER BY r.created_at, r.uuid"
        )
    groups: dict[tuple[str, str], list[Any]] = defaultdict(list)
    for row in rows:
        if row["nik_digest"]:
            groups["nik", row["nik_digest"]].append(row)
        if row["person_digest"]:
            groups["person", row["person_digest"]].append(row)
    cases = set()
    for (kind, digest), members in groups.items():
        niks = {m["nik_digest"] for m in members if m["nik_digest"]}
        if len(members) > 1 and (kind == "nik" or len(niks) > 1):
            cases.add((kind, digest, f"{kind}-{digest[:10]}", members[-1]["unit_code"] or "",
                       members[0]["created_at"],
                       int(any(m["outcome"] is None for m in members))))  # fmt: skip
    return cases


def same_as_scratch(storage: Storage) -> set[tuple[Any, ...]]:
    queue = kept(storage)
    assert queue == from_scratch(storage)
    return queue
