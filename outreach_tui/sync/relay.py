"""The sending side of a relay: a hub pushes what it holds to an upper hub through the
same batch protocol a laptop uses (docs/SYNC_PROTOCOL.md, "Relay"), with the laptop's
client (``HubClient``: retries, deadlines, bounded answers, signed receipts).

The outbox (``hub.relay.RelayOutbox``, passed in: this layer does not import the hub)
holds the cursor and the batch in flight; this loop only asks for the next batch, sends
it, and hands the receipt back. The order makes every stop safe: a batch is in the outbox
before it is sent and leaves it only with its receipt, so a kill, a timeout or a dead
network at any point means the same batch (same id, same bytes) is sent again, and the
upper hub answers with the receipt it stored.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from outreach_tui.sync.client import HubClient
from outreach_tui.sync.errors import (
    BadReply,
    BatchTooLarge,
    HubKeyMismatch,
    HubWithoutKey,
    WrongHub,
)

MAX_PROBLEMS = 20  # rejected or conflicting records listed in the summary


class _Target(Protocol):
    hub_id: str
    hub_key: str | None


class _Pending(Protocol):
    batch_id: str
    body: bytes
    record_count: int
    withdrawal_count: int

    @property
    def parsed(self) -> dict[str, Any]: ...


class Outbox(Protocol):
    def target(self, hub_id: str, url: str, hub_key: str | None) -> Any: ...
    def remaining(self, hub_id: str) -> int: ...
    def prepare(self, hub_id: str, *, max_records: int, max_bytes: int) -> Any: ...
    def discard(self, pending: Any) -> None: ...
    def start_over(self, hub_id: str) -> None: ...
    def acknowledge(self, pending: Any, receipt: dict[str, Any]) -> dict[str, int]: ...


@dataclass
class RelayReport:
    """One relay run: what went up and what the upper hub said of it."""

    hub_id: str = ""
    batches: int = 0
    replayed: int = 0
    records: int = 0
    withdrawals: int = 0
    outcomes: dict[str, int] = field(
        default_factory=lambda: {"accepted": 0, "duplicate": 0, "conflict": 0, "rejected": 0}
    )
    problems: list[dict[str, Any]] = field(default_factory=list)

    @property
    def refused(self) -> int:
        return self.outcomes["conflict"] + self.outcomes["rejected"]

    def as_dict(self) -> dict[str, Any]:
        return {
            "hub_id": self.hub_id, "batches": self.batches, "replayed": self.replayed,
            "records": self.records, "withdrawals": self.withdrawals,
            "outcomes": dict(self.outcomes), "problems": list(self.problems),
        }  # fmt: skip


def relay(
    outbox: Outbox,
    client: HubClient,
    *,
    batch_size: int = 500,
    from_start: bool = False,
    on_start: Callable[[int], None] | None = None,
    on_batch: Callable[[int], None] | None = None,
) -> RelayReport:
    """Forward everything not yet forwarded; the run's report. Raises a ``SyncError``
    (one line, its exit code) when the upper hub cannot be trusted or refuses the token,
    the network stays down, or a batch is refused as a whole; what was acknowledged
    before stays acknowledged, the batch in flight stays in the outbox."""
    # First: is it a hub at all (a web server's 404 is "not a hub", not "refused"); then
    # the token, so a wrong one stops here: nothing prepared, nothing sent.
    caps = client.capabilities()
    client.check_token()
    if caps.hub_key is None:
        raise HubWithoutKey(caps.hub_id)
    target: _Target = outbox.target(caps.hub_id, client.base_url, caps.hub_key)
    if target.hub_key != caps.hub_key:
        raise HubKeyMismatch(caps.hub_id)
    client.hub_key = target.hub_key  # every receipt must be signed by the pinned key
    if from_start:
        outbox.start_over(caps.hub_id)
    report = RelayReport(hub_id=caps.hub_id)
    if on_start:
        on_start(outbox.remaining(caps.hub_id))
    max_records = max(1, min(batch_size, caps.max_records))
    while (pending := outbox.prepare(caps.hub_id, max_records=max_records,
                                     max_bytes=caps.max_bytes)) is not None:  # fmt: skip
        try:
            receipt = client.push(pending.parsed, encoded=pending.body)
        except BatchTooLarge:
            if pending.record_count <= 1:
                raise
            # Refused whole, nothing stored: rebuilt smaller (the upper hub's limits
            # changed since this batch was made).
            outbox.discard(pending)
            max_records = max(1, pending.record_count // 2)
            continue
        _check_results(pending, receipt, caps.hub_id)
        counts = outbox.acknowledge(pending, receipt)
        report.batches += 1
        report.replayed += bool(receipt.get("replayed"))
        report.records += pending.record_count
        report.withdrawals += pending.withdrawal_count
        for outcome, n in counts.items():
            report.outcomes[outcome] = report.outcomes.get(outcome, 0) + n
        refused = [r for r in receipt["results"] if r["outcome"] in ("conflict", "rejected")]
        for result in refused[: MAX_PROBLEMS - len(report.problems)]:
            keys = ("uuid", "version", "outcome", "code", "field")
            report.problems.append({k: result.get(k) for k in keys})
        if on_batch:
            on_batch(pending.record_count)
    return report


def _check_results(pending: _Pending, receipt: dict[str, Any], hub_id: str) -> None:
    """One result per record sent, for those records: else the receipt is not for this
    batch's content and nothing is acknowledged."""
    sent = [(r["uuid"], r["version"]) for r in pending.parsed["records"]]
    got = [(r.get("uuid"), r.get("version")) for r in receipt.get("results") or []]
    if sorted(sent) != sorted(got):
        raise BadReply("receipt: results do not match the batch")
    if receipt.get("hub_id") != hub_id:
        raise WrongHub("receipt of another hub")
