"""What the hub answers, as the laptop reads it (docs/SYNC_PROTOCOL.md §1–§7).

The hub builds its answers to these shapes and the client decodes every answer with them
(``decode``): a reply that breaks its shape is refused as a whole, in one line, before any
of it reaches the officer's file. Unlike the request bodies, a reply may carry fields the
client does not know (a newer hub adds some): they are ignored, never an error. Types are
strict: ``"2"`` is not a count and ``true`` is not a version.
"""

from __future__ import annotations

from typing import Annotated, Literal, TypeVar

import msgspec
from msgspec import Meta, Struct

from outreach_tui.domain.wire import Day, Instant, Uuid, whole

Outcome = Literal["accepted", "duplicate", "conflict", "rejected"]
OUTCOMES: tuple[Outcome, ...] = ("accepted", "duplicate", "conflict", "rejected")
ReviewOutcomeName = Literal["same_person", "different_people"]
Count = Annotated[int, Meta(ge=0)]
HubId = Annotated[str, Meta(min_length=1, max_length=100)]
Digest = Annotated[str, Meta(pattern=whole(r"[0-9a-f]{64}"))]
Short = Annotated[str, Meta(max_length=200)]
Month = Annotated[str, Meta(pattern=whole(r"[0-9]{4}-(0[1-9]|1[0-2])"))]
# Per list and page of the downlink (our hub sends at most ~40,000 digests a page).
MAX_DOWNLINK_ENTRIES = 250_000

R = TypeVar("R", bound=Struct)


class Reply(Struct, kw_only=True, frozen=True):
    """Every answer: fields the client does not know are skipped."""


class Capabilities(Reply, kw_only=True, frozen=True):
    """``GET /api/v1/capabilities`` (no token): who the hub is and what it takes."""

    hub_id: HubId
    protocol: int
    max_records: Annotated[int, Meta(ge=1)]
    max_bytes: Annotated[int, Meta(ge=1)]
    server_time: Instant | None = None
    reference_version: Short | None = None
    hub_key: Short | None = None  # the hub's Ed25519 public key (base64); pinned at login


class RecordResult(Reply, kw_only=True, frozen=True):
    uuid: Uuid
    version: Annotated[int, Meta(ge=1)]
    outcome: Outcome
    code: Short | None = None
    field: Short | None = None
    message: Annotated[str, Meta(max_length=2000)] | None = None


class Receipt(Reply, kw_only=True, frozen=True):
    """``POST /api/v1/batches``: one result per record, signed by the hub key."""

    batch_id: Uuid
    hub_id: HubId
    received_at: Instant
    replayed: bool = False
    results: list[RecordResult]
    signature: Short | None = None


class LaptopBound(Reply, kw_only=True, frozen=True):
    """``POST /api/v1/laptops``: the binding the hub now holds for this token."""

    laptop_id: Short
    public_key: Short
    hub_id: HubId | None = None


class DayCount(Reply, kw_only=True, frozen=True):
    day: Day
    registrations: Count = 0
    leads: Count = 0
    digest: Digest = "0" * 64


class Reconciliation(Reply, kw_only=True, frozen=True):
    """``GET /api/v1/reconcile``: per day, what the hub holds from this laptop."""

    device_id: Short | None = None
    days: list[DayCount]


class ReferenceData(Reply, kw_only=True, frozen=True):
    version: Short
    content: str  # TOML text; whether it loads is checked before it is installed


class NikKey(Reply, kw_only=True, frozen=True):
    key_id: Short
    key: Short


class KnownParticipant(Reply, kw_only=True, frozen=True):
    nik_digest: Digest
    registered_on: Day | None = None
    branch_code: Short | None = None


class ReviewOutcome(Reply, kw_only=True, frozen=True):
    uuid: Uuid
    outcome: ReviewOutcomeName
    reviewed_at: Instant


class ActivationOutcome(Reply, kw_only=True, frozen=True):
    """What the core system answered about one of this laptop's registrations (issue 18):
    enrolled (a KPJ, the enrolment day, paid months ``YYYY-MM``) or refused (a reason)."""

    uuid: Uuid
    status: Literal["enrolled", "refused"]
    kpj: Annotated[str, Meta(max_length=40)] | None = None
    enrolled_on: Day | None = None
    first_paid_month: Month | None = None
    last_paid_month: Month | None = None
    refusal_reason: Annotated[str, Meta(max_length=300)] | None = None
    updated_at: Instant


class Downlink(Reply, kw_only=True, frozen=True):
    """``GET /api/v1/downlink``: one page of what the laptop learns; ask again on ``more``."""

    cursor: Annotated[str, Meta(pattern=whole(r"[0-9]{1,18}"))]
    more: bool = False
    reference: ReferenceData | None = None
    nik_key: NikKey | None = None
    known_participants: Annotated[
        list[KnownParticipant], Meta(max_length=MAX_DOWNLINK_ENTRIES)
    ] = []
    review_outcomes: Annotated[list[ReviewOutcome], Meta(max_length=MAX_DOWNLINK_ENTRIES)] = []
    # Since hub schema v6 (issue 18); a hub before it sends none, a laptop before it
    # ignores them (unknown fields of a reply are skipped).
    activation_outcomes: Annotated[
        list[ActivationOutcome], Meta(max_length=MAX_DOWNLINK_ENTRIES)
    ] = []


class UnitTarget(Reply, kw_only=True, frozen=True):
    year: Annotated[int, Meta(ge=2000, le=2100)]
    measure: Short
    target: Count


class Unit(Reply, kw_only=True, frozen=True):
    """An organisational unit the supervisor sees (issue 17), parents before children."""

    code: Short
    name: Short
    kind: Literal["head_office", "region", "branch", "sub_branch", "area"]
    parent_code: Short | None = None
    depth: Count = 0
    branches: list[Short] | None = None  # an area's branches
    targets: list[UnitTarget] = []


class Tallies(Reply, kw_only=True, frozen=True):
    """``GET /api/v1/tallies`` (supervisor): rollup rows and what the rows name. A hub
    before units sends rows without ``unit_code`` and no ``units``. Asked with ``group``,
    a hub that sums by itself answers ``facts`` (one row per group, the metrics summed)
    and no rows; an older hub ignores ``group`` and sends ``rows``, ``facts`` None."""

    hub_id: HubId
    rows: list[dict[str, str | int | None]]
    facts: list[dict[str, str | int | None]] | None = None
    events: list[dict[str, str | int | None]] = []
    branches: list[dict[str, str | int | None]] = []
    officers: list[dict[str, str | int | None]] = []
    units: list[Unit] = []


class ReviewSaved(Reply, kw_only=True, frozen=True):
    """``POST /api/v1/reviews`` (supervisor), 201."""

    uuid: Uuid
    outcome: ReviewOutcomeName
    reviewed_at: Instant


class ErrorDetail(Reply, kw_only=True, frozen=True):
    code: str = ""
    message: str = ""
    field: str | None = None


class ErrorReply(Reply, kw_only=True, frozen=True):
    """Every 4xx/5xx of the hub: ``{"error": {"code", "message", "field"}}``."""

    error: ErrorDetail


class BadReply(ValueError):
    """A reply that is not JSON or breaks its shape; ``str()`` is one line naming where."""


def decode(kind: type[R], raw: bytes) -> R:
    """``raw`` as a ``kind``, or ``BadReply`` with msgspec's reason (and the JSON path)."""
    try:
        return msgspec.json.decode(raw, type=kind, strict=True)
    except msgspec.DecodeError as exc:  # ValidationError too
        raise BadReply(" ".join(str(exc).split())[:200]) from None


def convert(kind: type[R], value: object) -> R:
    """An already parsed JSON value as a ``kind`` (a receipt is parsed once to be verified)."""
    try:
        return msgspec.convert(value, kind, strict=True)
    except msgspec.ValidationError as exc:
        raise BadReply(" ".join(str(exc).split())[:200]) from None


def encode(value: Struct) -> bytes:
    """A reply as the hub sends it: JSON, every field (defaults too)."""
    return msgspec.json.encode(value)
