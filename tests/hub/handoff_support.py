"""Shared by the hand-off and activation tests: records pushed through the hub's real
ingest, and an activation file written in a mapping's format (what the core system would
send back)."""

from __future__ import annotations

import csv
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from hub_builders import batch, edited, record, registration_data

from outreach_tui.domain.ids import new_uuid
from outreach_tui.hub import auth
from outreach_tui.hub.body import parse_model
from outreach_tui.hub.ingest import ingest_batch
from outreach_tui.hub.meta import HubInfo, load_hub_info
from outreach_tui.hub.storage import Storage
from outreach_tui.protocol.requests import BatchIn
from tests.support.activation_files import activation_file  # noqa: F401 - re-exported


class Laptop:
    """One enrolled laptop pushing batches straight into the hub's ingest."""

    def __init__(self, storage: Storage, officer: str = "PLG-01") -> None:
        self.storage = storage
        self.info: HubInfo = load_hub_info(storage)
        self.device, _ = auth.enroll(storage, officer=officer, name=f"laptop-{new_uuid()}")
        self.id = new_uuid()
        self.held: dict[str, dict[str, Any]] = {}  # uuid -> the last record pushed

    def push(self, records: Sequence[dict[str, Any]]) -> list[str]:
        body = json.dumps(batch(self.id, list(records))).encode()
        model = parse_model(BatchIn, body, max_records=1000, max_bytes=10_000_000)
        receipt = ingest_batch(self.storage, self.info, model, device=self.device)
        for r in records:
            self.held[r["uuid"]] = r
        return [r["outcome"] for r in receipt["results"]]

    def register(self, **fields: Any) -> dict[str, Any]:
        new = record(registration_data(device_id=self.id, **fields))
        assert self.push([new]) == ["accepted"]
        return new

    def edit(self, uuid: str, **changes: Any) -> dict[str, Any]:
        old = self.held[uuid]
        new = record(edited(old["data"], **changes), uuid=uuid, version=old["version"] + 1,
                     base_version=old["version"])  # fmt: skip
        assert self.push([new]) == ["accepted"]
        return new


def read_csv(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))
