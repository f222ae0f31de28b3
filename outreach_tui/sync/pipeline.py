"""The push phase of a sync run: every waiting batch sent, two at a time, in order.

Two batches travel at once, so the hub always has the next one while it stores the last
(its validation of one overlaps the other's disk work). Their records never overlap: a
batch is written leaving out the records of every batch still in flight (an edit made
meanwhile waits for that receipt, which sets the ``base_version`` its newer version must
carry). On one store thread (the laptop's file has one writer anyway) the next batch is
written ahead and each receipt is applied, in the order the batches were sent. Each of
those is its own transaction, exactly as without the pipeline: a batch is written open
before it is sent, a receipt is applied before the batch counts as acknowledged. A run
stopped between them leaves open batches that the next run re-sends (a written-ahead
batch that was never sent is given back to the queue at once).

The core is ``Pipeline.run``: fill the pipe, settle the oldest reply, until nothing
travels. After an error nothing more is sent; what is in flight is settled, then the first
error is raised.
"""

from __future__ import annotations

import queue
import threading
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from types import TracebackType
from typing import Any

from outreach_tui.protocol.replies import Capabilities
from outreach_tui.store.outbox import OutgoingBatch, ReceiptSummary, SyncQueue
from outreach_tui.sync.client import HubClient, encode
from outreach_tui.sync.errors import AuthError, BatchTooLarge, ProtocolError, SyncError

# Batches travelling at once: the hub validates one while it stores the other. Two is
# enough to keep it busy (the laptop writes the next batch meanwhile).
IN_FLIGHT = 2
Push = Callable[[dict[str, Any], bytes], dict[str, Any]]


class Senders:
    """``IN_FLIGHT`` threads that POST batches, each answer a ``Future``. Daemon threads:
    Ctrl-C ends the run without waiting for a stalled hub (the batch stays open and is
    re-sent next run), which an executor's threads would not allow."""

    def __init__(self, push: Push, threads: int = IN_FLIGHT) -> None:
        self._push = push
        self._jobs: queue.SimpleQueue[tuple[Future[dict[str, Any]], OutgoingBatch, bytes] | None]
        self._jobs = queue.SimpleQueue()
        self._threads = threads
        for n in range(threads):
            threading.Thread(target=self._serve, name=f"outreach-push-{n}", daemon=True).start()

    def send(self, batch: OutgoingBatch, encoded: bytes) -> Future[dict[str, Any]]:
        answer: Future[dict[str, Any]] = Future()
        self._jobs.put((answer, batch, encoded))
        return answer

    def _serve(self) -> None:
        while (job := self._jobs.get()) is not None:
            answer, batch, encoded = job
            try:
                answer.set_result(self._push(batch.body, encoded))
            except BaseException as exc:  # handed to the run, which decides
                answer.set_exception(exc)

    def close(self) -> None:
        for _ in range(self._threads):
            self._jobs.put(None)


@dataclass(frozen=True)
class SyncProgress:
    """``phase`` is push, reconcile or downlink; batch k of n while pushing."""

    phase: str
    batch: int = 0
    batches: int = 0
    records_done: int = 0
    records_total: int = 0


@dataclass
class Sent:
    """A batch on its way, and the hub's answer once it comes."""

    batch: OutgoingBatch
    answer: Future[dict[str, Any]]
    of: int  # the batch count estimated when it was sent ("batch k of n")


class Pipeline:
    """One push phase. ``progress`` hears of each batch sent and each receipt applied;
    ``on_applied(batch, summary)`` gets every stored receipt's outcomes."""

    def __init__(
        self,
        queue: SyncQueue,
        client: HubClient,
        caps: Capabilities,
        *,
        batch_size: int,
        progress: Callable[[SyncProgress], None],
        on_applied: Callable[[OutgoingBatch, ReceiptSummary], None],
    ) -> None:
        self.queue, self.caps = queue, caps
        self.size = min(batch_size, caps.max_records)
        self._progress, self._on_applied = progress, on_applied
        self.waiting = deque(queue.open_batches())  # left open by an earlier run: first
        self.total = queue.pending_count()  # records to send (grows if a re-send has more)
        self.sent = self.queued = 0  # batches sent (not refused) and their records
        self.applied = self.done = 0  # receipts applied and their records
        self.flying: deque[Sent] = deque()
        self.failed: SyncError | None = None
        self._ahead: Future[OutgoingBatch | None] | None = None  # the next batch, being written
        self._applying: tuple[Sent, Future[ReceiptSummary]] | None = None  # the last receipt
        self._store = ThreadPoolExecutor(1, thread_name_prefix="outreach-sync")
        self._senders = Senders(lambda body, encoded: client.push(body, encoded=encoded))

    def run(self) -> None:
        with self:
            while True:
                self._fill()
                if not self.flying:
                    break  # an error, or the queue had nothing left after every receipt
                self._settle(self.flying.popleft())
        if self.failed is not None:
            raise self.failed

    # -- sending --------------------------------------------------------------------------

    def _fill(self) -> None:
        """Send until ``IN_FLIGHT`` batches travel or the queue has nothing more."""
        while self.failed is None and len(self.flying) < IN_FLIGHT:
            batch = self._next()
            if batch is None:
                return
            encoded = batch.encoded or encode(batch.body)
            too_big = batch.size > self.caps.max_records or len(encoded) > self.caps.max_bytes
            if too_big and batch.size > 1:
                self.queue.abandon_batch(batch.batch_id)
                self._shrink(batch)
                continue
            of = self._estimate(batch)
            self._progress(SyncProgress("push", self.sent + 1, of, self.done, self.total))
            self.flying.append(Sent(batch, self._senders.send(batch, encoded), of))
            self.sent += 1
            self.queued += batch.size
            self.total = max(self.total, self.queued)
            if not self.waiting:
                self._ahead = self._write(self.size)

    def _next(self) -> OutgoingBatch | None:
        """An open batch of an earlier run, else the one written ahead, else a new one.
        Nothing written ahead is trusted as final: it was asked before the receipts since
        were applied (one may give records back), so the queue is asked once more."""
        if self.waiting:
            return self.waiting.popleft()
        ahead, self._ahead = self._ahead, None
        batch = ahead.result() if ahead is not None else None
        if batch is not None:
            return batch
        # On the store thread: after any receipt still being applied there.
        return self._write(self.size).result()

    def _write(self, size: int) -> Future[OutgoingBatch | None]:
        exclude = set().union(*(sent.batch.uuids for sent in self.flying))
        return self._store.submit(
            self.queue.next_batch, size, hub_id=self.caps.hub_id, exclude=exclude
        )

    # -- receiving ------------------------------------------------------------------------

    def _settle(self, sent: Sent) -> None:
        """The oldest batch's answer: its receipt applied (after the one before), or why
        it counts for nothing."""
        batch = sent.batch
        try:
            receipt = sent.answer.result()
        except BatchTooLarge as exc:
            self._withdraw()  # written at the old size
            self.queue.abandon_batch(batch.batch_id)  # the hub stored nothing
            self._unsent(batch)
            if batch.size == 1:
                self._fail(exc)
            else:
                self._shrink(batch)
            return
        except (ProtocolError, AuthError) as exc:
            # Refused as a whole, so the hub stored nothing (or the receipt was unreadable:
            # a re-send then comes back as duplicates). The records go back to pending for
            # a new batch rather than these exact bytes being re-sent forever.
            self.queue.abandon_batch(batch.batch_id)
            self._unsent(batch)
            self._fail(exc)
            return
        except SyncError as exc:
            self._unsent(batch)  # network, hub down: this batch stays open (maybe stored)
            self._fail(exc)
            return
        self._finish_applying()
        applying = self._store.submit(self.queue.apply_receipt, batch.batch_id, receipt, sent=batch)
        self._applying = (sent, applying)

    def _finish_applying(self) -> None:
        if self._applying is not None:
            (sent, applying), self._applying = self._applying, None
            summary = applying.result()
            self._on_applied(sent.batch, summary)
            self.applied += 1
            self.done += sent.batch.size
            self._progress(SyncProgress("push", self.applied, sent.of, self.done, self.total))

    def _unsent(self, batch: OutgoingBatch) -> None:
        """A batch sent but not acknowledged (refused, or no answer): not counted."""
        self.sent -= 1
        self.queued -= batch.size

    def _fail(self, exc: SyncError) -> None:
        self.failed = self.failed or exc

    def _withdraw(self) -> None:
        """Give a written-ahead, never-sent batch's records back to the queue."""
        ahead, self._ahead = self._ahead, None
        try:
            written = ahead.result() if ahead is not None else None
        except Exception:  # its transaction failed: nothing was written
            return  # (the error itself surfaces where the run waits for the store)
        if written is not None:
            self.queue.abandon_batch(written.batch_id, sent=False)

    def _shrink(self, batch: OutgoingBatch) -> None:
        """The batch size after ``batch`` (more than one record) did not fit (413 or over
        the limits the hub announced)."""
        if batch.size <= self.size:  # else written before the last shrink: just rebuild
            self.size = max(1, batch.size // 2)

    def _estimate(self, current: OutgoingBatch) -> int:
        """Batches in all: sent, this one, open ones waiting, and the fresh tail."""
        left = max(0, self.total - self.queued)
        fresh = max(0, left - current.size - sum(b.size for b in self.waiting))
        return self.sent + 1 + len(self.waiting) + -(-fresh // self.size)

    # -- the end --------------------------------------------------------------------------

    def __enter__(self) -> Pipeline:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        try:
            if isinstance(exc, Exception):
                # A store error: requests still travelling are waited for (their batches
                # stay open for the next run). Ctrl-C does not wait for them.
                for sent in self.flying:
                    sent.answer.exception()
            # Stopped (by an error, or done): the batch written ahead was never sent, and
            # every receipt received is applied.
            self._withdraw()
            self._finish_applying()
        finally:
            self._senders.close()
            self._store.shutdown()
