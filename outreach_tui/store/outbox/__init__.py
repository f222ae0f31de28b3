"""The outbox: the laptop's side of sync bookkeeping (docs/SYNC_PROTOCOL.md), the only SQL
sync/ and the CLI's sync commands reach, through ``SyncQueue``.

- ``batches``: outgoing batches, written with their exact body before anything is sent;
  re-sent unchanged after a killed run, given up when the hub refuses one whole.
- ``records``: which records travel, in what order, and the body text (the hot path).
- ``receipts``: the hub's answers applied with the checkpoint, in one transaction.
- ``reconcile``: per-day counts and digests of what the hub should hold.
- ``downlink``: reference data, NIK digests and review outcomes from the hub.
"""

from outreach_tui.store.outbox.batches import OutgoingBatch
from outreach_tui.store.outbox.downlink import apply_downlink
from outreach_tui.store.outbox.queue import SyncQueue
from outreach_tui.store.outbox.receipts import ReceiptSummary
from outreach_tui.store.outbox.reconcile import day_digest, local_zone
from outreach_tui.store.outbox.states import ACKNOWLEDGED, OUTCOMES, WAITING

__all__ = [
    "ACKNOWLEDGED",
    "OUTCOMES",
    "WAITING",
    "OutgoingBatch",
    "ReceiptSummary",
    "SyncQueue",
    "apply_downlink",
    "day_digest",
    "local_zone",
]
