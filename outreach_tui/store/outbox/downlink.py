"""The downlink (docs/SYNC_PROTOCOL.md section 5): what the hub sends back to the laptop —
reference data, the branch's NIK digests and key, review outcomes — applied in one
transaction with the new cursor, and read back for the booth's offline warnings."""

from __future__ import annotations

import base64
import hashlib
import hmac
from typing import Any

from outreach_tui.store import audit
from outreach_tui.store.database import Database, utc_now
from outreach_tui.store.setup import put_setting, setting

REFERENCE_KIND = "contributions"


def apply_downlink(database: Database, downlink: dict[str, Any], *, hub_id: str) -> dict[str, int]:
    """Reference data, NIK digests and review outcomes, and the new cursor: one transaction."""
    now = utc_now()
    done = {"reference": 0, "known_participants": 0, "review_outcomes": 0,
            "activation_outcomes": 0}  # fmt: skip
    with database.write() as db:
        reference = downlink.get("reference")
        if reference:
            done["reference"] = db.execute(
                "INSERT INTO reference_data (kind, version, content, installed_at)"
                " VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
                [REFERENCE_KIND, reference["version"], reference["content"], now],
            ).rowcount
        key = downlink.get("nik_key")
        if key:
            # Digests made with another key can never match again: drop that cache.
            db.execute("DELETE FROM known_participants WHERE key_id <> ?", [key["key_id"]])
            put_setting(db, "nik_key_id", key["key_id"])
            put_setting(db, "nik_key", key["key"])
        key_id = key["key_id"] if key else setting(db, "nik_key_id") or ""
        for p in downlink.get("known_participants") or []:
            db.execute(
                "INSERT INTO known_participants (nik_digest, key_id, registered_on, branch_code,"
                " received_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (nik_digest) DO UPDATE SET"
                " registered_on = excluded.registered_on, branch_code = excluded.branch_code,"
                " key_id = excluded.key_id",
                [p["nik_digest"], key_id, p.get("registered_on"), p.get("branch_code"), now],
            )
            done["known_participants"] += 1
        for r in downlink.get("review_outcomes") or []:
            db.execute(
                "INSERT INTO review_outcomes (uuid, outcome, reviewed_at, received_at)"
                " VALUES (?, ?, ?, ?) ON CONFLICT (uuid) DO UPDATE SET"
                " outcome = excluded.outcome, reviewed_at = excluded.reviewed_at",
                [r["uuid"], r["outcome"], r["reviewed_at"], now],
            )
            done["review_outcomes"] += 1
        for a in downlink.get("activation_outcomes") or []:
            db.execute(
                "INSERT INTO activation_outcomes (uuid, status, kpj, enrolled_on,"
                " first_paid_month, last_paid_month, refusal_reason, updated_at, received_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (uuid) DO UPDATE SET"
                " status = excluded.status, kpj = excluded.kpj,"
                " enrolled_on = excluded.enrolled_on,"
                " first_paid_month = excluded.first_paid_month,"
                " last_paid_month = excluded.last_paid_month,"
                " refusal_reason = excluded.refusal_reason, updated_at = excluded.updated_at,"
                " received_at = excluded.received_at",
                [a["uuid"], a["status"], a.get("kpj"), a.get("enrolled_on"),
                 a.get("first_paid_month"), a.get("last_paid_month"), a.get("refusal_reason"),
                 a["updated_at"], now],
            )  # fmt: skip
            done["activation_outcomes"] += 1
        db.execute(
            "INSERT INTO sync_checkpoints (hub_id, last_acked_seq, updated_at, downlink_cursor)"
            " VALUES (?, 0, ?, ?) ON CONFLICT (hub_id) DO UPDATE SET"
            " downlink_cursor = excluded.downlink_cursor, updated_at = excluded.updated_at",
            [hub_id, now, downlink.get("cursor")],
        )
        if any(done.values()):
            audit.append(
                db, device_id=setting(db, "device_id") or "", action="sync.downlink",
                detail={"hub_id": hub_id, **done},
            )  # fmt: skip
    return done


def known_participant(database: Database, nik: str) -> dict[str, Any] | None:
    """The branch's record of this NIK (from the downlink), for an offline warning."""
    with database.read() as db:
        key = setting(db, "nik_key")
        if key is None:
            return None
        digest = hmac.new(base64.b64decode(key), nik.encode(), hashlib.sha256).hexdigest()
        return db.one("SELECT * FROM known_participants WHERE nik_digest = ?", [digest])


def reference_version(database: Database) -> str | None:
    with database.read() as db:
        row = db.execute(
            "SELECT version FROM reference_data WHERE kind = ? ORDER BY installed_at DESC,"
            " version DESC LIMIT 1",
            [REFERENCE_KIND],
        ).fetchone()
    return row[0] if row else None
