"""Request bodies, strictly typed: unknown fields, wrong types and oversized text are 422.

Strict mode means ``"2"`` is not an int and ``true`` is not a version. Per-record
business checks (hash, validation, versions) are not here: they reject one record, not
the batch (see ingest.py).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

UUID_PATTERN = r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
Uuid = Annotated[str, Field(pattern=UUID_PATTERN)]
Code = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$")]
DeviceId = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$")]
Day = Annotated[str, Field(pattern=r"^\d{4}-\d{2}-\d{2}$")]
Text = Annotated[str, Field(max_length=200)]
Target = Annotated[int, Field(ge=0, le=10_000_000)]
Version = Annotated[int, Field(ge=1, le=1_000_000)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class EventIn(Strict):
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


class OfficerIn(Strict):
    code: Code
    name: Text | None = None
    branch_code: Code | None = None


class RecordIn(Strict):
    entity: Literal["registration", "lead"]
    uuid: Uuid
    version: Version
    base_version: Version | None = None
    content_hash: Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]
    data: Annotated[dict[str, Any], Field(max_length=100)]


class BatchIn(Strict):
    batch_id: Uuid
    device_id: DeviceId
    seq_from: Annotated[int, Field(ge=0)]
    seq_to: Annotated[int, Field(ge=0)]
    records: list[RecordIn]
    events: Annotated[list[EventIn], Field(max_length=100)] = []
    officer: OfficerIn | None = None

    @model_validator(mode="after")
    def _seq_order(self) -> BatchIn:
        if self.seq_to < self.seq_from:
            raise ValueError("seq_to must not be less than seq_from")
        return self


class BundleIn(BatchIn):
    """An `outreach export` file: a batch body plus its kind and protocol."""

    kind: Literal["outreach-bundle"]
    protocol: Literal[1]


class ReviewIn(Strict):
    uuid: Uuid
    outcome: Literal["same_person", "different_people"]


def first_error(exc: ValidationError) -> tuple[str | None, str]:
    """(field path like ``records.3.version``, pydantic's message) of the first problem."""
    errors = exc.errors(include_url=False, include_input=False)
    if not errors:
        return None, "invalid"
    first = errors[0]
    field = ".".join(str(part) for part in first["loc"]) or None
    return field, str(first["msg"])
