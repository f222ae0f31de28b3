"""The possible-duplicate queue: people who may have been registered twice.

Two kinds of case, over live (not voided) registrations:

- ``nik``: the same NIK (``nik_digest``) on two or more registrations, owners and workers
  alike: from two laptops, or from one (the booth warns, but the officer may save anyway,
  and a worker sharing a NIK in a household is refused only by newer booths);
- ``person``: the same name, birth date and phone (``person_digest``, a keyed hash like
  the NIK digest) under two or more different NIKs — usually a mistyped NIK.

Across branches (issue 17): a case is routed to the unit of its latest registration (the
officer who registered the person again is the one to settle it). A reviewer scoped to
units sees the cases routed to them; a member registered in another unit shows where and
when, not who (its name, birth date, phone and NIK stay with its own unit).

The candidate groups are kept in ``duplicate_cases`` (schema v15, hub/case_queue.py),
refreshed by whatever changes one; a read pages a unit's cases out of it in SQL and reads
the members of one page at a time.

A case id is the kind and the first 10 hex digits of its digest (``nik-3fa9c1d2e4``), so
it stays the same while records join the case. A case is open while one of its records
has no review. ``review_case`` records one outcome for every record of the case in one
transaction; each takes the next feed value, so the outcomes reach each officer's laptop
through the downlink's ``review_outcomes`` on their next sync.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from outreach_tui.hub import audit, case_queue, units
from outreach_tui.hub.errors import HubError
from outreach_tui.hub.evaluate import person_key
from outreach_tui.hub.ingest import next_feed_seq
from outreach_tui.hub.meta import HubInfo
from outreach_tui.hub.storage import Storage, Tx, utc_now
from outreach_tui.hub.withdrawals import NOT_WITHDRAWN

Scope = frozenset[str] | None
KINDS = {"nik": "nik_digest", "person": "person_digest"}
OUTCOMES = ("same_person", "different_people")
CASE_DIGITS = 10
# Withdrawn consent: the record leaves the review (UU 27/2022: processing stops).
_LIVE = f"entity = 'registration' AND voided = 0 AND {NOT_WITHDRAWN}"
PAGE = 200  # cases per read of duplicate_cases (and their members in one query per kind)


def fill_person_digests(storage: Storage, hub: HubInfo, *, chunk: int = 2000) -> int:
    """Compute ``person_digest`` for records received before schema v2 (NULL there)."""
    done = 0
    while True:

        def work(tx: Tx) -> int:
            rows = tx.all(
                "SELECT uuid, data FROM records WHERE entity = 'registration' "
                "AND person_digest IS NULL LIMIT ?",
                (chunk,),
            )
            touched = case_queue.Touched()
            for row in rows:
                data = json.loads(row["data"])
                key = person_key(str(data.get("full_name") or ""),
                                 str(data.get("birth_date") or ""), data.get("phone"))  # fmt: skip
                digest = "" if key is None else hub.nik_digest(key)
                tx.execute("UPDATE records SET person_digest = ? WHERE uuid = ?",
                           (digest, row["uuid"]))  # fmt: skip
                touched.add(None, digest)
            case_queue.refresh(tx, touched)  # records from before v2 join their person cases
            return len(rows)

        n = storage.write(work)
        done += n
        if n < chunk:
            return done


def _mask(nik: str) -> str:
    return nik[:6] + "*" * max(0, len(nik) - 10) + nik[-4:] if len(nik) >= 10 else nik


def _shown(value: Any) -> str | None:
    """A stored value as the queue shows it: text. Rows an older hub stored before it typed
    every field may hold a number, a boolean or Infinity where a name belongs."""
    if value is None or isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


_MEMBERS = (
    "SELECT r.uuid, r.device_id, r.officer_code, r.event_code, r.day, r.created_at, "
    "r.role, r.unit_code, r.data, v.outcome, v.reviewed_at, v.note, r.{column} AS k "
    "FROM records r LEFT JOIN reviews v ON v.uuid = r.uuid WHERE r.{column} IN ({marks}) "
    "AND r.entity = 'registration' AND r.voided = 0 "
    "AND r.uuid NOT IN (SELECT uuid FROM withdrawals) "
    "ORDER BY r.created_at, r.uuid"
)


def _members_of(tx: Tx, kind: str, digests: list[str]) -> dict[str, list[dict[str, Any]]]:
    """digest -> its live registrations, oldest first, for the ``digests`` of ``kind``."""
    found: dict[str, list[dict[str, Any]]] = {d: [] for d in digests}
    if not digests:
        return found
    marks = ", ".join("?" * len(digests))
    for row in tx.all(_MEMBERS.format(column=KINDS[kind], marks=marks), digests):
        data = json.loads(row.pop("data"))
        found[row.pop("k")].append(
            {
                **row,
                "full_name": _shown(data.get("full_name")),
                "birth_date": _shown(data.get("birth_date")),
                "phone": _shown(data.get("phone")),
                "nik": _mask(_shown(data.get("nik")) or ""),
                "reference_no": _shown(data.get("reference_no")),
            }
        )
    return found


def _members(tx: Tx, kind: str, digest: str) -> list[dict[str, Any]]:
    return _members_of(tx, kind, [digest])[digest]


_PERSONAL = ("full_name", "birth_date", "phone", "nik")


def routed_to(members: list[dict[str, Any]]) -> str:
    """The unit a case is routed to: that of its latest registration (members are oldest
    first)."""
    return str(members[-1]["unit_code"] or "") if members else ""


def _case(
    kind: str, digest: str, members: list[dict[str, Any]], scope: Scope = None
) -> dict[str, Any]:
    shown = [
        m if units.visible(scope, m["unit_code"]) else {**m, **dict.fromkeys(_PERSONAL)}
        for m in members
    ]
    return {
        "case_id": f"{kind}-{digest[:CASE_DIGITS]}",
        "kind": kind,
        "open": any(m["outcome"] is None for m in members),
        "first_seen": members[0]["created_at"] if members else None,
        "unit_code": routed_to(members),
        "units": sorted({str(m["unit_code"] or "") for m in members}),
        "records": shown,
    }


def list_cases(
    storage: Storage, hub: HubInfo, *, include_reviewed: bool = False, scope: Scope = None
) -> list[dict[str, Any]]:
    """Possible duplicates, oldest first; only open ones unless ``include_reviewed``; with
    a ``scope``, the cases routed to its units."""
    return list(iter_cases(storage, hub, include_reviewed=include_reviewed, scope=scope))


def iter_cases(
    storage: Storage, hub: HubInfo, *, include_reviewed: bool = False, scope: Scope = None
) -> Iterator[dict[str, Any]]:
    """``list_cases`` a page at a time: ``PAGE`` cases from ``duplicate_cases`` (by unit
    when scoped, keyset-paged in the queue's order), then their members."""
    fill_person_digests(storage, hub)
    if scope is not None and not scope:
        return
    where = [] if include_reviewed else ["is_open = 1"]
    params: list[Any] = []
    if scope is not None:
        where.append(f"unit_code IN ({', '.join('?' * len(scope))})")
        params += sorted(scope)
    after: tuple[str, str, str] | None = None
    with storage.read() as tx:
        while True:
            keyset = ["(first_seen, case_id, digest) > (?, ?, ?)"] if after else []
            more = list(after) if after else []
            page = tx.all(
                "SELECT kind, digest, case_id, first_seen FROM duplicate_cases "
                f"WHERE {' AND '.join([*where, *keyset]) or '1 = 1'} "
                "ORDER BY first_seen, case_id, digest LIMIT ?",
                (*params, *more, PAGE),
            )
            members = {
                kind: _members_of(tx, kind, [r["digest"] for r in page if r["kind"] == kind])
                for kind in KINDS
            }
            for row in page:
                yield _case(row["kind"], row["digest"], members[row["kind"]][row["digest"]],
                            scope)  # fmt: skip
            if len(page) < PAGE:
                return
            last = page[-1]
            after = (last["first_seen"], last["case_id"], last["digest"])


def _find(tx: Tx, case_id: str) -> tuple[str, str]:
    kind, _, prefix = case_id.strip().lower().partition("-")
    hexdigits = set("0123456789abcdef")
    if kind not in KINDS or len(prefix) < 6 or not set(prefix) <= hexdigits:
        raise HubError("report.case_unknown", 404, field="case_id", case=case_id[:40])
    column = KINDS[kind]
    found = tx.all(
        f"SELECT DISTINCT {column} AS k FROM records WHERE {column} >= ? AND {column} < ? "
        f"AND {_LIVE}",
        (prefix, prefix + "g"),
    )
    if not found:
        raise HubError("report.case_unknown", 404, field="case_id", case=case_id[:40])
    if len(found) > 1:
        raise HubError("report.case_ambiguous", 409, field="case_id", case=case_id[:40])
    return kind, found[0]["k"]


def review_case(
    storage: Storage,
    case_id: str,
    outcome: str,
    *,
    reviewer: str,
    note: str | None = None,
    scope: Scope = None,
) -> dict[str, Any]:
    """Record ``outcome`` for every record of the case; published through the downlink."""
    if outcome not in OUTCOMES:
        raise HubError("report.bad_outcome", 422, field="outcome", value=outcome[:40])
    note = " ".join(note.split())[:500] if note else None

    def work(tx: Tx) -> dict[str, Any]:
        kind, digest = _find(tx, case_id)
        members = _members(tx, kind, digest)
        touched = case_queue.Touched()  # its records' cases, of either kind, may close
        touched.add_records(tx, [m["uuid"] for m in members])
        case_queue.lock(tx, touched)  # before the feed counter, as ingest takes them
        if not units.visible(scope, routed_to(members)):  # another unit's case: unknown here
            raise HubError("report.case_unknown", 404, field="case_id", case=case_id[:40])
        canonical = f"{kind}-{digest[:CASE_DIGITS]}"
        now = utc_now()
        audit.append(tx, "review.case", actor=reviewer, case=canonical, outcome=outcome,
                     records=[m["uuid"] for m in members], note=note)  # fmt: skip
        for member in members:
            seq = next_feed_seq(tx)
            tx.execute(
                "INSERT INTO reviews (uuid, outcome, reviewed_at, reviewer, feed_seq, case_id, "
                "note) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (uuid) DO UPDATE SET "
                "outcome = excluded.outcome, reviewed_at = excluded.reviewed_at, "
                "reviewer = excluded.reviewer, feed_seq = excluded.feed_seq, "
                "case_id = excluded.case_id, note = excluded.note",
                (member["uuid"], outcome, now, reviewer, seq, canonical, note),
            )
        case_queue.refresh(tx, touched)
        return {
            "case_id": canonical,
            "outcome": outcome,
            "note": note,
            "reviewed": [
                {"uuid": m["uuid"], "outcome": outcome, "reviewed_at": now} for m in members
            ],
        }

    return storage.write(work)
