"""One sync run (docs/SYNC_PROTOCOL.md section 3): check the hub, re-send any batch a killed
run left open, push batches until the queue is empty, then reconcile and pull the downlink.

No UI here: progress goes to a callback (the CLI draws a Rich bar, the TUI can post a
message) and the result is a ``SyncReport`` with the exit code the contract defines.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

import msgspec

from outreach_tui.domain.reference import ReferenceDataError, load_reference
from outreach_tui.protocol.replies import Capabilities
from outreach_tui.store.outbox import OUTCOMES, OutgoingBatch, ReceiptSummary, SyncQueue
from outreach_tui.sync.client import HubClient
from outreach_tui.sync.errors import (
    EXIT_OK,
    EXIT_PARTIAL,
    HubIdMismatch,
    HubKeyMismatch,
    HubKeyNotPinned,
    SyncError,
)
from outreach_tui.sync.pipeline import IN_FLIGHT, Pipeline, SyncProgress

__all__ = ["IN_FLIGHT", "DayCheck", "SyncProgress", "SyncReport", "SyncRunner"]


@dataclass(frozen=True)
class DayCheck:
    day: str
    registrations: int  # what this laptop believes the hub holds
    hub_registrations: int
    leads: int
    hub_leads: int
    digest_match: bool

    @property
    def matches(self) -> bool:
        return self.digest_match and (self.registrations, self.leads) == (
            self.hub_registrations,
            self.hub_leads,
        )


@dataclass
class SyncReport:
    hub_url: str
    hub_id: str | None = None
    batches: int = 0
    resent: int = 0  # open batches from an earlier run, sent again
    replayed: int = 0  # receipts the hub had already stored (a success we never heard)
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(OUTCOMES, 0))
    problems: list[dict[str, Any]] = field(default_factory=list)
    still_pending: int = 0
    local: dict[str, int] = field(default_factory=dict)  # every record by sync state
    reconciliation: list[DayCheck] = field(default_factory=list)
    downlink: dict[str, int] | None = None
    warnings: list[str] = field(default_factory=list)  # catalogue keys: non-fatal problems
    error: SyncError | None = None

    @property
    def exit_code(self) -> int:
        if self.error is not None:
            return self.error.exit_code
        unsettled = self.still_pending + self.local.get("conflict", 0)
        return EXIT_PARTIAL if unsettled + self.local.get("rejected", 0) else EXIT_OK

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["error"] = (
            None
            if self.error is None
            else {"type": type(self.error).__name__, "key": self.error.key,
                  "detail": self.error.detail}
        )  # fmt: skip
        data["reconciliation"] = [{**asdict(d), "matches": d.matches} for d in self.reconciliation]
        data["exit_code"] = self.exit_code
        return data


ProgressCallback = Callable[[SyncProgress], None]


MAX_DOWNLINK_PAGES = 1000  # a guard against a hub that always says "more"


class SyncRunner:
    def __init__(
        self,
        queue: SyncQueue,
        client: HubClient,
        *,
        expected_hub_id: str,
        batch_size: int = 1000,
        progress: ProgressCallback | None = None,
    ) -> None:
        self.queue = queue
        self.client = client
        self.expected_hub_id = expected_hub_id
        self.batch_size = max(1, batch_size)
        self._progress = progress or (lambda _: None)

    def run(self) -> SyncReport:
        report = SyncReport(hub_url=self.client.base_url)
        try:
            caps = self.client.capabilities()
            report.hub_id = caps.hub_id
            if caps.hub_id != self.expected_hub_id:
                raise HubIdMismatch(caps.hub_id, expected=self.expected_hub_id, got=caps.hub_id)
            # Receipts are believed only when signed by the key pinned at login; a server
            # announcing another key is not that hub, whatever id it copies.
            if self.client.hub_key is None:
                raise HubKeyNotPinned()
            if caps.hub_key != self.client.hub_key:
                raise HubKeyMismatch(str(caps.hub_key)[:60])
            self.queue.recover()
            self._push_all(caps, report)
            self._reconcile(report)
            self._downlink(caps, report)
        except SyncError as exc:
            report.error = exc
        report.still_pending = self.queue.pending_count()
        report.local = self.queue.state_counts()
        return report

    # -- push -----------------------------------------------------------------------------

    def _push_all(self, caps: Capabilities, report: SyncReport) -> None:
        """Send every waiting batch (sync/pipeline.py: two in flight, in order)."""

        def applied(batch: OutgoingBatch, summary: ReceiptSummary) -> None:
            report.batches += 1
            report.resent += batch.resent
            report.replayed += summary.replayed
            for outcome, n in summary.counts.items():
                report.counts[outcome] += n
            report.problems += summary.problems

        Pipeline(
            self.queue, self.client, caps, batch_size=self.batch_size,
            progress=self._progress, on_applied=applied,
        ).run()  # fmt: skip

    # -- after the push -------------------------------------------------------------------

    def _reconcile(self, report: SyncReport) -> None:
        self._progress(SyncProgress("reconcile"))
        try:
            hub_days = {d.day: d for d in self.client.reconcile(self.queue.device_id).days}
        except SyncError:
            report.warnings.append("sync.warn.reconcile_failed")
            return
        local = {d["day"]: d for d in self.queue.local_reconcile()}
        for day in sorted(set(hub_days) | set(local)):
            mine, theirs = local.get(day, {}), hub_days.get(day)
            report.reconciliation.append(
                DayCheck(
                    day=day,
                    registrations=mine.get("registrations", 0),
                    hub_registrations=theirs.registrations if theirs else 0,
                    leads=mine.get("leads", 0),
                    hub_leads=theirs.leads if theirs else 0,
                    digest_match=mine.get("digest", ZERO) == (theirs.digest if theirs else ZERO),
                )
            )

    def _downlink(self, caps: Capabilities, report: SyncReport) -> None:
        """Pull pages until the hub says there is no ``more`` (each page one transaction)."""
        self._progress(SyncProgress("downlink"))
        cursor = (self.queue.checkpoint(caps.hub_id) or {}).get("downlink_cursor")
        totals = {"reference": 0, "known_participants": 0, "review_outcomes": 0,
                  "activation_outcomes": 0}  # fmt: skip
        for _ in range(MAX_DOWNLINK_PAGES):
            installed = self.queue.reference_version() or load_reference().version
            try:
                page = self.client.downlink(cursor, reference_version=installed)
            except SyncError:  # unreachable, or a page that breaks its shape: none of it
                report.warnings.append("sync.warn.downlink_failed")
                break
            if page.reference is not None and not _loads(page.reference.content):
                report.warnings.append("sync.warn.reference_invalid")
                page = msgspec.structs.replace(page, reference=None)
            applied = self.queue.apply_downlink(msgspec.to_builtins(page), hub_id=caps.hub_id)
            for name, n in applied.items():
                totals[name] += n
            if not page.more or page.cursor == cursor:
                break
            cursor = page.cursor
        report.downlink = totals


ZERO = "0" * 64


def _loads(reference: str) -> bool:
    """A damaged reference dataset is never installed."""
    try:
        load_reference(reference)
    except ReferenceDataError:
        return False
    return True
