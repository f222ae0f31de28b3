"""What the laptop sends the hub, strictly typed: unknown fields, wrong types and
oversized text are 422 (docs/SYNC_PROTOCOL.md §2).

msgspec structs: the hub decodes a body's JSON straight into them (one pass in C, a few
µs per record; pydantic took about four times as long, most of a batch's parse). Strict:
``"2"`` is not an int and ``true`` is not a version. Per-record business checks (hash,
validation, versions) are not here: they reject one record, not the batch (hub/ingest.py).
The JSON Schema of these bodies is in the hub's OpenAPI description (hub/openapi.py).
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any, Literal

import msgspec
from msgspec import Meta, Struct

from outreach_tui.domain import wire

# The formats are the record schema's (domain/wire.py): a code here is the code in a
# record's data, so the tallies never see one officer or event under two spellings.
Uuid = wire.Uuid
Code = wire.Code
DeviceId = wire.DeviceId
Day = wire.Day
Text = Annotated[str, Meta(max_length=200)]
Target = Annotated[int, Meta(ge=0, le=10_000_000)]
Version = Annotated[int, Meta(ge=1, le=1_000_000)]
Seq = Annotated[int, Meta(ge=0, le=2**63 - 1)]  # a laptop's SQLite INTEGER
# The zone whose local date is a record's day (docs/SYNC_PROTOCOL.md, "Which day");
# omitted = Asia/Jakarta (WIB), what hubs before it assumed.
Zone = Literal["Asia/Jakarta", "Asia/Makassar", "Asia/Jayapura"]


class Strict(Struct, forbid_unknown_fields=True, frozen=True):
    """kw_only on each body (it applies to the fields a class defines): required fields
    may then follow optional ones, in the order the API documents them."""

    pass


class EventIn(Strict, kw_only=True, frozen=True):
    code: Code
    name: Text | None = None
    venue: Text | None = None
    city: Text | None = None
    branch_code: Code | None = None
    starts_on: Day | None = None
    ends_on: Day | None = None
    target_registrations: Target | None = None
    target_workers: Target | None = None
    target_leads: Target | None = None
    time_zone: Zone | None = None

    def __post_init__(self) -> None:
        for day in (self.starts_on, self.ends_on):
            if day is not None:
                date.fromisoformat(day)  # a ValueError: "2026-02-30" is no day (422)


class OfficerIn(Strict, kw_only=True, frozen=True):
    code: Code
    name: Text | None = None
    branch_code: Code | None = None
    time_zone: Zone | None = None  # the branch's: the day of records without an event


class RecordIn(Strict, kw_only=True, frozen=True):
    entity: Literal["registration", "lead"]
    uuid: Uuid
    version: Version
    base_version: Version | None = None
    content_hash: Annotated[str, Meta(pattern=wire.whole(r"[0-9a-f]{64}"))]
    # Typed per entity (wire.RegistrationData, wire.LeadData) record by record in
    # evaluate.py: a record that breaks its schema is rejected, not the whole batch.
    data: Annotated[dict[str, Any], Meta(max_length=100)]
    # Relay batches only (a hub forwarding upward): the unit the forwarding hub filed the
    # record under; the upper hub keeps it when it is inside the relay token's unit.
    # Outside the data, so the record's content_hash stays the laptop's. Laptops omit it.
    unit_code: Code | None = None


class WithdrawalIn(Strict, kw_only=True, frozen=True):
    """Relay batches only: a withdrawal of consent recorded at the forwarding hub
    (`outreach hub withdraw`), which no record version carries."""

    uuid: Uuid
    reference_no: Annotated[str, Meta(max_length=40)]
    requested_at: wire.Instant
    due_at: wire.Instant
    reason: Annotated[str, Meta(max_length=300)] | None = None
    actor: Annotated[str, Meta(max_length=100)] | None = None


class BatchIn(Strict, kw_only=True, frozen=True):
    batch_id: Uuid
    device_id: DeviceId
    seq_from: Seq
    seq_to: Seq
    records: list[RecordIn]
    events: Annotated[list[EventIn], Meta(max_length=100)] = []
    officer: OfficerIn | None = None
    # Relay batches only (left out of the digest when empty, so a laptop's batch hashes
    # as it always did): the officers of the records, and hub-recorded withdrawals.
    officers: Annotated[list[OfficerIn], Meta(max_length=100)] = []
    withdrawals: Annotated[list[WithdrawalIn], Meta(max_length=1000)] = []

    def __post_init__(self) -> None:
        if self.seq_to < self.seq_from:
            raise ValueError("seq_to must not be less than seq_from")


Base64 = Annotated[str, Meta(pattern=wire.whole(r"[A-Za-z0-9+/]+={0,2}"), max_length=200)]


class SignatureIn(Strict, kw_only=True, frozen=True):
    """A bundle's proof of origin: the laptop's Ed25519 signature of the batch digest."""

    alg: Literal["ed25519"]
    public_key: Base64
    value: Base64


class BundleIn(BatchIn, kw_only=True, frozen=True):
    """An `outreach export` file: a batch body plus its kind, protocol and signature (the
    import refuses a bundle without one; the model reads it to say so)."""

    kind: Literal["outreach-bundle"]
    protocol: Literal[1]
    signature: SignatureIn | None = None


class LaptopIn(Strict, kw_only=True, frozen=True):
    """``POST /api/v1/laptops``: bind this token to a laptop id and its public key."""

    laptop_id: DeviceId
    public_key: Base64
    signature: Base64


class ReviewIn(Strict, kw_only=True, frozen=True):
    uuid: Uuid
    outcome: Literal["same_person", "different_people"]


def as_json(value: Struct, exclude: tuple[str, ...] = ()) -> dict[str, Any]:
    """A body as plain JSON values, every field but ``exclude`` (defaults too)."""
    fields = {f: getattr(value, f) for f in value.__struct_fields__ if f not in exclude}
    plain: dict[str, Any] = msgspec.to_builtins(fields)
    return plain


# msgspec quotes the pattern it tried; the OpenAPI description documents the formats.
_REGEX = re.compile(r" matching regex '.*'(?= - at |$)", re.DOTALL)
_AT = re.compile(r"^(?P<detail>.*?)(?: - at `\$(?P<path>[^`]*)`)?$", re.DOTALL)
# msgspec names the object for these; the field is the one named in the message.
_NAMED = re.compile(r"^Object (?:contains unknown|missing required) field `(?P<name>[^`]*)`$")


def first_error(exc: msgspec.ValidationError) -> tuple[str | None, str]:
    """(field path like ``records.3.version``, msgspec's message without the path)."""
    match = _AT.match(str(exc))
    assert match is not None  # the pattern matches any text
    detail, path = match["detail"], match["path"] or ""
    parts = [p for p in re.split(r"\.|\[|\]", path) if p]
    named = _NAMED.match(detail)
    if named:
        parts.append(named["name"])
    detail = _REGEX.sub(" in the documented format", detail)
    return (".".join(parts) or None), detail or "invalid"
