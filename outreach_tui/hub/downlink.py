"""What a laptop learns on each sync (§5): reference data, the NIK key, known
participants as keyed digests (never a raw NIK) and supervisor review outcomes.

The cursor is the feed counter: every batch that accepted records and every review takes
the next value as the last step of its transaction, so values are dense and committed in
order. A response covers at most ``PAGE`` values; ``more`` says to ask again.

A device whose digest scope widened (its unit chose the region's digests, or moved) is
fed again from the start, once. The first page of that replay carries ``REPLAY`` + its
feed value as the cursor (still a decimal, which the laptop keeps as it is): asked for
with that cursor, the hub knows the laptop applied it, records the new scope in
``downlink_scopes`` and goes on with plain cursors from there. Lost before the laptop
applied it, the laptop asks again with its old cursor and the replay starts again.
Everything on a replayed page is an upsert on the laptop: what it held is only written
again.
"""

from __future__ import annotations

from importlib import resources
from typing import Any

from outreach_tui.domain.reference import load_reference
from outreach_tui.hub import audit, case_queue, units
from outreach_tui.hub.activation import outcomes_for_laptop
from outreach_tui.hub.errors import HubError
from outreach_tui.hub.ingest import next_feed_seq
from outreach_tui.hub.meta import HubInfo
from outreach_tui.hub.storage import Storage, Tx, utc_now

PAGE = 40  # feed values per response: ≤ 40 batches x 500 records of digests
REPLAY = 10**15  # cursors from here on are a replay's (feed values stay far below)


def reference_version() -> str:
    return load_reference().version


def reference_payload() -> dict[str, str]:
    text = resources.files("outreach_tui.data").joinpath("contributions.toml").read_text("utf-8")
    return {"version": reference_version(), "content": text}


def parse_cursor(since: str | None) -> int:
    if since is None or since == "":
        return 0
    if not since.isdigit() or len(since) > 18:
        raise HubError("downlink.bad_cursor", 422, field="since")
    return int(since)


def downlink(
    storage: Storage,
    hub: HubInfo,
    since: str | None,
    client_reference: str | None = None,
    scope: frozenset[str] | None = None,
    device_id: str | None = None,
    unit_code: str | None = None,
) -> dict[str, Any]:
    """One page of the feed; with a ``scope``, only what the caller's units hold: the
    known-participant digests stay per branch (issue 17), never the whole nation's, or
    per region where the token's ``unit_code`` chose so (``units.digest_scope``);
    ``device_id`` (the token's device) gets the activation outcomes of the records its
    laptop made (issue 18)."""
    start = parse_cursor(since)
    acked = start >= REPLAY  # the laptop applied a replay's first page
    start -= REPLAY if acked else 0
    in_scope, codes = units.scope_sql(scope, "r.unit_code")
    with storage.read() as tx:
        root = units.digest_root(tx, unit_code)
        digests = scope if unit_code is None else units.scope_of(tx, root)
        in_digests, digest_codes = units.scope_sql(digests, "r.unit_code")
        served = _served_root(tx, device_id, unit_code)
        changed = device_id is not None and served != (root or "")
        # Never fed for this scope: it widened (or a first feed under a region's), so from
        # the start on a replay cursor; narrowed, it only needs noting.
        restart = changed and not acked and not _within(tx, digests, served)
        start = 0 if restart else start
        latest = int(tx.scalar("SELECT value FROM counters WHERE name = 'feed'") or 0)
        end = min(latest, start + PAGE)
        known = [
            {
                "nik_digest": row["nik_digest"],
                "registered_on": row["day"],
                "branch_code": row["branch_code"],
            }
            for row in tx.stream(
                "SELECT r.nik_digest, r.day, COALESCE(e.branch_code, o.branch_code) AS branch_code "
                "FROM batches b JOIN records r ON r.batch_id = b.batch_id "
                "LEFT JOIN events e ON e.code = r.event_code "
                "LEFT JOIN officers o ON o.code = r.officer_code "
                "WHERE b.feed_seq > ? AND b.feed_seq <= ? AND r.entity = 'registration' "
                f"AND r.voided = 0 AND r.nik_digest IS NOT NULL AND {in_digests} "
                "ORDER BY b.feed_seq, r.uuid",
                (start, end, *digest_codes),
            )
        ]
        reviews = tx.all(
            "SELECT v.uuid, v.outcome, v.reviewed_at FROM reviews v "
            + ("" if scope is None else "JOIN records r ON r.uuid = v.uuid ")
            + "WHERE v.feed_seq > ? AND v.feed_seq <= ? "
            + ("" if scope is None else f"AND {in_scope} ")
            + "ORDER BY v.feed_seq",
            (start, end, *([] if scope is None else codes)),
        )
        laptop = None
        if device_id is not None:
            bound = tx.one("SELECT laptop_id FROM laptops WHERE device_id = ?", (device_id,))
            laptop = bound["laptop_id"] if bound else None
        activations = outcomes_for_laptop(tx, laptop, start, end)
    cursor = max(end, start)
    if changed and not restart and device_id is not None:
        _record_served(storage, device_id, root or "")
    current = reference_version()
    return {
        "cursor": str(REPLAY + cursor if restart else cursor),
        "more": end < latest,
        "reference": None if client_reference == current else reference_payload(),
        "nik_key": {"key_id": hub.nik_key_id, "key": hub.nik_key_b64},
        "known_participants": known,
        "review_outcomes": reviews,
        "activation_outcomes": activations,
    }


def _served_root(tx: Tx, device_id: str | None, unit_code: str | None) -> str:
    """The digest root the device's feed is complete for; a device fed before v11 (no
    row) was fed its token's own unit's."""
    if device_id is None:
        return unit_code or ""
    row = tx.one("SELECT digest_root FROM downlink_scopes WHERE device_id = ?", (device_id,))
    return row["digest_root"] if row else (unit_code or "")


def _within(tx: Tx, digests: frozenset[str] | None, served: str) -> bool:
    """Whether ``digests`` lie inside the scope of the root the feed was served for."""
    before = units.scope_of(tx, served or None)
    return before is None or (digests is not None and digests <= before)


def _record_served(storage: Storage, device_id: str, root: str) -> None:
    def work(tx: Tx) -> None:
        tx.execute(
            "INSERT INTO downlink_scopes (device_id, digest_root, updated_at) VALUES (?, ?, ?) "
            "ON CONFLICT (device_id) DO UPDATE SET digest_root = excluded.digest_root, "
            "updated_at = excluded.updated_at",
            (device_id, root, utc_now()),
        )

    storage.write(work)


def record_review(
    storage: Storage,
    uuid: str,
    outcome: str,
    reviewer: str,
    scope: frozenset[str] | None = None,
) -> dict[str, Any]:
    """A supervisor's decision on a possible duplicate, published through the downlink.
    A record outside the reviewer's units is answered as unknown (404): its existence is
    another unit's business."""

    def work(tx: Tx) -> dict[str, Any]:
        row = tx.one("SELECT uuid, unit_code FROM records WHERE uuid = ?", (uuid,))
        if row is None or not units.visible(scope, row["unit_code"]):
            raise HubError("review.unknown_record", 404, field="uuid")
        now = utc_now()
        audit.append(tx, "review.record", actor=reviewer, uuid=uuid, outcome=outcome)
        touched = case_queue.Touched()
        touched.add_records(tx, [uuid])
        case_queue.lock(tx, touched)  # before the feed counter, as ingest takes them
        seq = next_feed_seq(tx)
        tx.execute(
            "INSERT INTO reviews (uuid, outcome, reviewed_at, reviewer, feed_seq) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT (uuid) DO UPDATE SET outcome = excluded.outcome, "
            "reviewed_at = excluded.reviewed_at, reviewer = excluded.reviewer, "
            "feed_seq = excluded.feed_seq",
            (uuid, outcome, now, reviewer, seq),
        )
        case_queue.refresh(tx, touched)  # its cases may now be closed
        return {"uuid": uuid, "outcome": outcome, "reviewed_at": now}

    return storage.write(work)
