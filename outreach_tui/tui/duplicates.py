"""Possible duplicates of a NIK: on this laptop, or known to the branch (downlink digests).

Runs inside workers; returns plain data for the screens to show. Never blocks a save.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass

from outreach_tui.domain.wire import nik_digest
from outreach_tui.i18n import t
from outreach_tui.store import Store


@dataclass(frozen=True)
class DuplicateHit:
    source: str  # "local" | "branch"
    uuid: str | None
    full_name: str | None
    officer_code: str | None
    when: str | None  # UTC ISO timestamp or a date
    reference_no: str | None

    def describe(self, language: str) -> str:
        when = (self.when or "")[:10]
        if self.source == "local":
            return t("dup.local", language, name=self.full_name or "?", officer=self.officer_code
                     or "?", when=when, reference=self.reference_no or "?")  # fmt: skip
        return t("dup.branch", language, when=when or "?")


def find_duplicates(store: Store, nik: str, *, itself: str | None = None) -> list[DuplicateHit]:
    """Other registrations of ``nik``. ``itself``: the uuid of the record being corrected,
    which is no duplicate of itself: neither its own row here, nor the branch's digest of
    this NIK when the hub has acknowledged a version of it (the digest the downlink sent
    back is its own). Another record of this NIK on this laptop still shows."""
    rows = store.registrations.find_by_nik(nik)
    own = next((row for row in rows if row["uuid"] == itself), None) if itself else None
    hits = [
        DuplicateHit(
            "local",
            row["uuid"],
            row["full_name"],
            row["officer_code"],
            row["created_at"],
            row["reference_no"],
        )
        for row in rows
        if row is not own
    ]
    if own is not None and own["base_version"] is not None:
        return hits  # the branch knows this NIK from this very record
    key = store.settings.get("nik_key")
    if key:
        try:
            digest = nik_digest(base64.b64decode(key), nik)
        except ValueError:
            digest = None
        known = store.queries.known_digest(digest) if digest else None
        if known:
            hits.append(DuplicateHit("branch", None, None, None, known.get("registered_on"), None))
    return hits
