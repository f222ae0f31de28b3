"""One sync run (docs/SYNC_PROTOCOL.md section 3): check the hub, re-send any batch a killed
run left open, push batches until the queue is empty, then reconcile and pull the downlink.

No UI here: progress goes to a callback (the CLI draws a Rich bar, the TUI can post a
message) and the result is a ``SyncReport`` with the exit code the contract defines.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from typing import Any

from outreach_tui.domain.reference import ReferenceDataError, load_reference
from outreach_tui.store.outbox import OUTCOMES, OutgoingBatch, ReceiptSummary, SyncQueue
from outreach_tui.sync.client import (
    Capabilities,
    HubClient,
    HubKeyMismatch,
    HubKeyNotPinned,
    encode,
)
from outreach_tui.sync.errors import (
    EXIT_OK,
    EXIT_PARTIAL,
    AuthError,
    BatchTooLarge,
    HubIdMismatch,
    ProtocolError,
    SyncError,
)


@dataclass(frozen=True)
class SyncProgress:
    """``phase`` is push, reconcile or downlink; batch k of n while pushing."""

    phase: str
    batch: int = 0
    batches: int = 0
    records_done: int = 0
    records_total: int = 0


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


class _Progress:
    """Counts for the push phase: what was sent, what is acknowledged, what is left."""

    def __init__(self, report: SyncReport, *, total: int) -> None:
        self.report = report
        self.total = total
        self.done = 0  # records of acknowledged batches
        self.queued = 0  # records sent
        self.sent = 0  # batches sent
        self._unapplied: deque[tuple[OutgoingBatch, int]] = deque()

    @property
    def left(self) -> int:
        return max(0, self.total - self.queued)

    def before(self, batches: int) -> SyncProgress:
        """About to send batch k of ``batches``."""
        return SyncProgress("push", self.sent + 1, batches, self.done, self.total)

    def pushed(self, batch: OutgoingBatch, batches: int) -> None:
        self.sent += 1
        self.queued += batch.size
        self.total = max(self.total, self.queued)
        self._unapplied.append((batch, batches))

    def unsent(self, batch: OutgoingBatch) -> None:
        """A batch sent but not acknowledged (refused, or no answer): not counted."""
        self._unapplied = deque(entry for entry in self._unapplied if entry[0] is not batch)
        self.sent -= 1
        self.queued -= batch.size

    def after(self, summary: ReceiptSummary) -> SyncProgress:
        """A receipt applied: count it (the oldest batch sent is the one it answers)."""
        batch, batches = self._unapplied.popleft()
        report = self.report
        report.batches += 1
        report.resent += batch.resent
        report.replayed += summary.replayed
        for outcome, n in summary.counts.items():
            report.counts[outcome] += n
        report.problems += summary.problems
        self.done += batch.size
        return SyncProgress("push", report.batches, batches, self.done, self.total)


MAX_DOWNLINK_PAGES = 1000  # a guard against a hub that always says "more"
# Batches travelling at once: the hub validates one while it stores the other. Two is
# enough to keep it busy (the laptop writes the next batch meanwhile).
IN_FLIGHT = 2


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
        """Send every waiting batch, ``IN_FLIGHT`` requests at a time, in order.

        Two batches travel at once, so the hub always has the next one while it stores
        the last (its validation of one overlaps the other's disk work). Their records
        never overlap: a batch is written leaving out the records of every batch still in
        flight (an edit made meanwhile waits for that receipt, which sets the
        ``base_version`` its newer version must carry). On one worker thread (the
        laptop's file has one writer anyway) the next batch is written ahead and each
        receipt is applied, in the order the batches were sent. Each of those is its own
        transaction, exactly as without the pipeline: a batch is written open before it is
        sent, a receipt is applied before the batch counts as acknowledged. A run stopped
        between them leaves open batches that the next run re-sends (a written-ahead batch
        that was never sent is given back to the queue at once). After an error nothing
        more is sent; what is in flight is settled, then the first error is raised.
        """
        size = min(self.batch_size, caps.max_records)
        waiting = deque(self.queue.open_batches())
        progress = _Progress(report, total=self.queue.pending_count())
        flying: deque[tuple[OutgoingBatch, Future[dict[str, Any]]]] = deque()
        ahead: Future[OutgoingBatch | None] | None = None  # the next batch, being written
        applying: Future[ReceiptSummary] | None = None  # the last receipt, being applied
        failed: SyncError | None = None
        drained = False  # the queue had nothing more to send
        settled = False  # ... even after every receipt was applied (the run is done)

        def in_flight() -> set[str]:
            return set().union(*(batch.uuids for batch, _ in flying))

        batch: OutgoingBatch | None  # the next to send; None once the queue has no more
        with ThreadPoolExecutor(1, thread_name_prefix="outreach-sync") as worker:
            try:
                while True:
                    while failed is None and not drained and len(flying) < IN_FLIGHT:
                        if waiting:
                            batch = waiting.popleft()
                        elif ahead is not None:
                            batch, ahead = ahead.result(), None
                        else:
                            # On the worker too: after any receipt still being applied
                            # there (an edit's base_version comes from it).
                            batch = worker.submit(
                                self.queue.next_batch, size, hub_id=caps.hub_id,
                                exclude=in_flight(),
                            ).result()  # fmt: skip
                        if batch is None:
                            drained = True
                            break
                        encoded = batch.encoded or encode(batch.body)
                        too_big = batch.size > caps.max_records or len(encoded) > caps.max_bytes
                        if too_big and batch.size > 1:
                            self.queue.abandon_batch(batch.batch_id)
                            size = self._shrink(size, batch)
                            continue
                        batches = self._estimate(progress.sent, waiting, batch, size, progress.left)
                        self._progress(progress.before(batches))
                        flying.append((batch, self._send(batch, encoded)))
                        progress.pushed(batch, batches)
                        settled = False
                        if not waiting:
                            ahead = worker.submit(
                                self.queue.next_batch, size, hub_id=caps.hub_id,
                                exclude=in_flight(),
                            )  # fmt: skip
                    if not flying:
                        if failed is not None or settled:
                            break
                        # Records may have gone back to the queue (a 413, a receipt that
                        # left some out): once every receipt is applied, look once more.
                        if applying is not None:
                            self._progress(progress.after(applying.result()))
                            applying = None
                        drained, settled = False, True
                        continue
                    batch, sent = flying.popleft()
                    try:
                        receipt = sent.result()
                    except BatchTooLarge as exc:
                        self._withdraw(ahead)  # written at the old size
                        ahead = None
                        self.queue.abandon_batch(batch.batch_id)  # the hub stored nothing
                        progress.unsent(batch)
                        if batch.size == 1:
                            failed = failed or exc
                        else:
                            size = self._shrink(size, batch)
                        continue
                    except (ProtocolError, AuthError) as exc:
                        # Refused as a whole, so the hub stored nothing (or the receipt was
                        # unreadable: a re-send then comes back as duplicates). The records go
                        # back to pending for a new batch rather than these exact bytes being
                        # re-sent forever.
                        self.queue.abandon_batch(batch.batch_id)
                        progress.unsent(batch)
                        failed = failed or exc
                        continue
                    except SyncError as exc:
                        # Network, hub down: this batch stays open (maybe stored).
                        progress.unsent(batch)
                        failed = failed or exc
                        continue
                    if applying is not None:
                        self._progress(progress.after(applying.result()))
                    applying = worker.submit(
                        self.queue.apply_receipt, batch.batch_id, receipt, sent=batch
                    )
            except Exception:
                # A store error: requests still travelling are waited for (their batches
                # stay open for the next run). Ctrl-C does not wait for them.
                for _, sent in flying:
                    sent.exception()
                raise
            finally:
                # Stopped (by an error, or done): the batch written ahead was never sent,
                # and every receipt received is applied.
                self._withdraw(ahead)
                if applying is not None:
                    self._progress(progress.after(applying.result()))
        if failed is not None:
            raise failed

    def _send(self, batch: OutgoingBatch, encoded: bytes) -> Future[dict[str, Any]]:
        """POST ``batch`` on a thread of its own. A daemon thread: Ctrl-C ends the run
        without waiting for a stalled hub (the batch stays open, re-sent next run)."""
        sent: Future[dict[str, Any]] = Future()

        def push() -> None:
            try:
                sent.set_result(self.client.push(batch.body, encoded=encoded))
            except BaseException as exc:  # handed to the run, which decides
                sent.set_exception(exc)

        threading.Thread(target=push, name="outreach-push", daemon=True).start()
        return sent

    def _withdraw(self, ahead: Future[OutgoingBatch | None] | None) -> None:
        """Give a written-ahead, never-sent batch's records back to the queue."""
        try:
            written = ahead.result() if ahead is not None else None
        except Exception:  # its transaction failed: nothing was written
            return None  # (the error itself surfaces where the run waits for this batch)
        if written is not None:
            self.queue.abandon_batch(written.batch_id, sent=False)
        return None

    @staticmethod
    def _shrink(size: int, batch: OutgoingBatch) -> int:
        """The batch size to use after ``batch`` (more than one record) did not fit (413
        or over the limits the hub announced)."""
        if batch.size > size:
            return size  # written before the last shrink (or by an earlier run): rebuild
        return max(1, batch.size // 2)

    @staticmethod
    def _estimate(
        sent: int,
        waiting: deque[OutgoingBatch],
        current: OutgoingBatch,
        size: int,
        left: int,
    ) -> int:
        """Batches in all: sent, this one, open ones waiting, and the fresh tail."""
        fresh = max(0, left - current.size - sum(b.size for b in waiting))
        return sent + 1 + len(waiting) + -(-fresh // size)

    # -- after the push -------------------------------------------------------------------

    def _reconcile(self, report: SyncReport) -> None:
        self._progress(SyncProgress("reconcile"))
        try:
            hub_days = {d["day"]: d for d in self.client.reconcile(self.queue.device_id)}
        except SyncError:
            report.warnings.append("sync.warn.reconcile_failed")
            return
        local = {d["day"]: d for d in self.queue.local_reconcile()}
        for day in sorted(set(hub_days) | set(local)):
            mine, theirs = local.get(day, {}), hub_days.get(day, {})
            report.reconciliation.append(
                DayCheck(
                    day=day,
                    registrations=mine.get("registrations", 0),
                    hub_registrations=_int(theirs.get("registrations")),
                    leads=mine.get("leads", 0),
                    hub_leads=_int(theirs.get("leads")),
                    digest_match=mine.get("digest", "0" * 64) == theirs.get("digest", "0" * 64),
                )
            )

    def _downlink(self, caps: Capabilities, report: SyncReport) -> None:
        """Pull pages until the hub says there is no ``more`` (each page one transaction)."""
        self._progress(SyncProgress("downlink"))
        cursor = (self.queue.checkpoint(caps.hub_id) or {}).get("downlink_cursor")
        totals = {"reference": 0, "known_participants": 0, "review_outcomes": 0}
        for _ in range(MAX_DOWNLINK_PAGES):
            installed = self.queue.reference_version() or load_reference().version
            try:
                data = self.client.downlink(cursor, reference_version=installed)
            except SyncError:
                report.warnings.append("sync.warn.downlink_failed")
                break
            clean = self._clean_downlink(data, report)
            for name, n in self.queue.apply_downlink(clean, hub_id=caps.hub_id).items():
                totals[name] += n
            if not data.get("more") or clean["cursor"] in (None, cursor):
                break
            cursor = clean["cursor"]
        report.downlink = totals

    @staticmethod
    def _clean_downlink(data: dict[str, Any], report: SyncReport) -> dict[str, Any]:
        """Only well-formed entries reach the store; a damaged reference is not installed."""
        reference = data.get("reference")
        if reference is not None:
            try:
                if not isinstance(reference, dict) or not isinstance(reference.get("version"), str):
                    raise ReferenceDataError("reference without a version")
                load_reference(str(reference.get("content")))
            except ReferenceDataError:
                report.warnings.append("sync.warn.reference_invalid")
                reference = None
        return {
            "cursor": data.get("cursor") if isinstance(data.get("cursor"), str) else None,
            "reference": reference,
            "nik_key": _valid_key(data.get("nik_key")),
            "known_participants": [
                p for p in data.get("known_participants") or []
                if isinstance(p, dict) and isinstance(p.get("nik_digest"), str)
            ],
            "review_outcomes": [
                r for r in data.get("review_outcomes") or []
                if isinstance(r, dict) and isinstance(r.get("uuid"), str)
                and r.get("outcome") in ("same_person", "different_people")
                and isinstance(r.get("reviewed_at"), str)
            ],
        }  # fmt: skip


def _int(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def _valid_key(key: Any) -> dict[str, str] | None:
    if not isinstance(key, dict):
        return None
    if isinstance(key.get("key_id"), str) and isinstance(key.get("key"), str):
        return {"key_id": key["key_id"], "key": key["key"]}
    return None
