"""HTTP client for the branch hub (docs/SYNC_PROTOCOL.md): one method per endpoint.

Every request may be retried: GETs are reads and a batch POST is idempotent by
``batch_id`` (the hub replays the stored receipt). Network errors and 5xx answers retry
with exponential backoff (0.5 s, 1 s, 2 s, ... up to ``tries``); everything else becomes a
typed ``SyncError`` at once. Every answer is decoded with the protocol's reply structs
(``protocol/replies.py``): one that breaks its shape is a ``BadReply`` (exit 8, or 7 for
capabilities: not a hub), and nothing of it reaches the officer's file.

The server may be hostile (docs/RELIABILITY.md, "Trust between laptop and hub"): every
answer is read with a size limit per endpoint, decompressed by us with the same limit
(a gzip bomb stops at the limit, not at the end of the bomb), and within a deadline per
request and per run that holds however slowly the bytes arrive (every socket read and
write is given only the time left: ``guarded_http.py``). A receipt counts only when it
is signed by the hub key pinned at login (``hub_key``).
"""

from __future__ import annotations

import json
import ssl
import time
from collections.abc import Callable, Sequence
from datetime import date
from typing import Any, Self, TypeVar

import httpx
import msgspec

from outreach_tui import __version__
from outreach_tui.domain import origin
from outreach_tui.domain.wire import PROTOCOL_VERSION
from outreach_tui.protocol import replies
from outreach_tui.protocol.replies import (
    Capabilities,
    Downlink,
    LaptopBound,
    Receipt,
    Reconciliation,
    Reply,
    Tallies,
)
from outreach_tui.sync.deadlines import REQUEST_DEADLINE_S, RUN_DEADLINE_S
from outreach_tui.sync.errors import (
    AuthExpired,
    AuthInvalid,
    AuthRevoked,
    BadReply,
    BatchTooLarge,
    DeadlineExceeded,
    HubUnreachable,
    LaptopRefused,
    ProtocolError,
    ProtocolMismatch,
    TlsUnverified,
    UnsignedReceipt,
    WrongHub,
)
from outreach_tui.sync.guarded_http import (
    DeadlineTransport,
    certificate_failure,
    send_bounded,
    socket_deadline,
)

R = TypeVar("R", bound=Reply)


DEFAULT_TIMEOUT = httpx.Timeout(60.0, connect=5.0)  # a 500-record batch on a slow branch LAN
# Largest answer read per endpoint, after decompression. A 10,000-record receipt is ~2 MB;
# a downlink page from our hub (40 batches of 1,000 records) ~5 MB of digests.
RESPONSE_LIMITS = {
    "/api/v1/capabilities": 64_000,
    "/api/v1/laptops": 64_000,
    "/api/v1/reconcile": 4_000_000,
    "/api/v1/batches": 16_000_000,
    "/api/v1/downlink": 32_000_000,
    # Summed groups (a region's day x branch: a few thousand rows), or an older hub's
    # rollup rows (~200 bytes each).
    "/api/v1/tallies": 32_000_000,
}


class HubClient:
    """Talks to one hub URL; ``token`` may be None for capabilities only."""

    def __init__(
        self,
        base_url: str,
        token: str | None = None,
        *,
        timeout: httpx.Timeout | float = DEFAULT_TIMEOUT,
        tries: int = 5,
        backoff: float = 0.5,
        on_retry: Callable[[int, str], None] | None = None,
        sleep: Callable[[float], None] = time.sleep,
        language: str = "id",
        ca_pem: str | None = None,
        hub_key: str | None = None,
        request_deadline: float = REQUEST_DEADLINE_S,
        run_deadline: float = RUN_DEADLINE_S,
    ) -> None:
        """``ca_pem``: the branch CA certificate(s) (PEM) to verify the hub with, instead
        of the system's trusted CAs (``outreach login --ca-cert``). ``hub_key``: the hub
        key pinned at login; a receipt must be signed by it (None: only at login, which
        pins it). ``request_deadline`` / ``run_deadline``: seconds for one request and for
        everything this client does, whatever the server's pace."""
        self.base_url = base_url.rstrip("/")
        self.hub_key = hub_key
        self._request_deadline = request_deadline
        self._run_end = time.monotonic() + run_deadline
        self._tries = max(1, tries)
        self._backoff = backoff
        self._on_retry = on_retry
        self._sleep = sleep
        headers = {
            "User-Agent": f"outreach/{__version__}",
            "Accept": "application/json",
            "Accept-Language": language,  # the hub's rejection messages in the officer's language
            "Accept-Encoding": "gzip, deflate",  # what _read_bounded decodes
        }
        if token:
            headers["Authorization"] = f"Bearer {token}"
        # No redirects: a captive portal answers with one, and so would a wrong server.
        verify: ssl.SSLContext | bool = True
        if ca_pem:
            verify = ssl.create_default_context(cadata=ca_pem)
        self._http = httpx.Client(
            timeout=timeout, headers=headers, follow_redirects=False,
            transport=DeadlineTransport(verify),
        )  # fmt: skip

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- endpoints ------------------------------------------------------------------------

    def capabilities(self) -> Capabilities:
        """``GET /api/v1/capabilities``; anything but a valid answer is not a hub."""
        try:
            response = self._request("GET", "/api/v1/capabilities")
            caps = _reply(response, Capabilities, "capabilities")
        except ProtocolError as exc:
            raise WrongHub(exc.detail) from exc
        if caps.protocol != PROTOCOL_VERSION:
            raise ProtocolMismatch(str(caps.protocol), theirs=caps.protocol, ours=PROTOCOL_VERSION)
        if caps.hub_key is not None and origin.decode_key(caps.hub_key) is None:
            caps = msgspec.structs.replace(caps, hub_key=None)  # not a key: pins nothing
        return caps

    def push(self, body: dict[str, Any], *, encoded: bytes | None = None) -> dict[str, Any]:
        """``POST /api/v1/batches``: the receipt (as JSON values, for the store), checked
        against what was sent and against the pinned hub key."""
        payload = encoded if encoded is not None else encode(body)
        response = self._request(
            "POST",
            "/api/v1/batches",
            content=payload,
            headers={"Content-Type": "application/json"},
        )
        # Parsed once as plain JSON: the signature covers every field the hub sent,
        # those this client does not know too.
        receipt = _json_object(response, "receipt")
        check_receipt(body, receipt)
        if self.hub_key is None or not origin.verify(
            self.hub_key, origin.receipt_message(receipt), receipt.get("signature")
        ):
            raise UnsignedReceipt(body["batch_id"])
        return receipt

    def register(self, laptop_id: str, public_key: str, signature: str) -> LaptopBound:
        """``POST /api/v1/laptops``: bind this token to the laptop id and its key."""
        payload = {"laptop_id": laptop_id, "public_key": public_key, "signature": signature}
        response = self._request(
            "POST", "/api/v1/laptops", content=encode(payload),
            headers={"Content-Type": "application/json"},
        )  # fmt: skip
        bound = _reply(response, LaptopBound, "laptops")
        if bound.laptop_id != laptop_id or bound.public_key != public_key:
            raise BadReply("laptop registration not confirmed")
        return bound

    def reconcile(self, device_id: str) -> Reconciliation:
        response = self._request("GET", "/api/v1/reconcile", params={"device_id": device_id})
        return _reply(response, Reconciliation, "reconcile")

    def check_token(self) -> None:
        """Raise an ``AuthError`` unless the hub accepts our token (a read with no effect:
        reconciliation for a device id no laptop has)."""
        self._request("GET", "/api/v1/reconcile", params={"device_id": "outreach-login-check"})

    def downlink(self, since: str | None, *, reference_version: str | None = None) -> Downlink:
        """``GET /api/v1/downlink``; the hub leaves out reference data we already have."""
        params = {"since": since} if since else {}
        if reference_version:
            params["reference_version"] = reference_version
        response = self._request("GET", "/api/v1/downlink", params=params)
        return _reply(response, Downlink, "downlink")

    def tallies(
        self, first: date | None, last: date | None, group: Sequence[str] | None = None
    ) -> dict[str, Any]:
        """``GET /api/v1/tallies`` (a supervisor token): the body ``RollupSource`` reads;
        with ``group``, the hub's own sums by those rollup columns (``facts``)."""
        params = {} if group is None else {"group": ",".join(group)}
        if first:
            params["since"] = first.isoformat()
        if last:
            params["until"] = last.isoformat()
        tallies = _reply(self._request("GET", "/api/v1/tallies", params=params), Tallies, "tallies")
        plain: dict[str, Any] = msgspec.to_builtins(tallies)
        return plain

    # -- transport ------------------------------------------------------------------------

    def _request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        url = self.base_url + path
        for attempt in range(1, self._tries + 1):
            now = time.monotonic()
            if now >= self._run_end:
                raise DeadlineExceeded("run deadline", url=self.base_url)
            limit = RESPONSE_LIMITS.get(path, 64_000)
            try:
                with socket_deadline(min(now + self._request_deadline, self._run_end)):
                    response = send_bounded(self._http, method, url, limit, kwargs)
            except httpx.HTTPError as exc:
                if (failure := certificate_failure(exc)) is not None:
                    raise TlsUnverified(failure, url=self.base_url) from None
                reason = type(exc).__name__
            else:
                if response.status_code < 500:
                    return _check_status(response)
                reason = f"HTTP {response.status_code}"
            if attempt == self._tries:
                raise HubUnreachable(reason, url=self.base_url)
            if self._on_retry:
                self._on_retry(attempt, reason)
            left = max(0.0, self._run_end - time.monotonic())
            self._sleep(min(self._backoff * 2 ** (attempt - 1), left))
        raise AssertionError("unreachable")  # pragma: no cover


def encode(body: dict[str, Any]) -> bytes:
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()


def check_receipt(body: dict[str, Any], receipt: dict[str, Any]) -> Receipt:
    """A receipt must have the protocol's shape and answer this batch."""
    try:
        typed = replies.convert(Receipt, receipt)
    except replies.BadReply as exc:
        raise BadReply(f"receipt: {exc}") from None
    if typed.batch_id != body["batch_id"]:
        raise BadReply("receipt for another batch")
    return typed


def _check_status(response: httpx.Response) -> httpx.Response:
    status = response.status_code
    if 200 <= status < 300:
        return response
    code, message, field = _error_of(response)
    if status == 401:
        raise (AuthExpired if code == "auth.expired" else AuthInvalid)(code)
    if status == 403 and code.startswith("laptop."):
        raise LaptopRefused(message or code, code=code, field=field)
    if status == 403 and code.startswith("batch."):
        # The token is fine but this batch is not its laptop's (batch.device_mismatch):
        # refused as a whole, like a 409 (exit 8), with the hub's reason.
        raise ProtocolError(f"HTTP 403 {code}: {message}"[:300], code=code, field=field)
    if status == 403:
        raise (AuthRevoked if code == "auth.revoked" else AuthInvalid)(code)
    if status == 413:
        raise BatchTooLarge(message or code)
    if 300 <= status < 400:
        raise WrongHub(f"HTTP {status} redirect to {response.headers.get('location', '?')}")
    detail = f"HTTP {status} {code}".strip()
    if field:
        detail += f" ({field})"
    if message:
        detail += f": {message}"
    raise ProtocolError(detail[:300], code=code, field=field)


def _error_of(response: httpx.Response) -> tuple[str, str, str | None]:
    try:
        error = replies.decode(replies.ErrorReply, response.content).error
    except replies.BadReply:
        return "", "", None  # a proxy's page, not the hub's answer: the status says enough
    return error.code, error.message, error.field


def _reply(response: httpx.Response, kind: type[R], endpoint: str) -> R:
    """The body as the protocol's ``kind`` for ``endpoint``, or ``BadReply``."""
    try:
        return replies.decode(kind, response.content)
    except replies.BadReply as exc:
        raise BadReply(f"{endpoint}: {_what(response, exc)}") from None


def _json_object(response: httpx.Response, endpoint: str) -> dict[str, Any]:
    try:
        data = msgspec.json.decode(response.content)
    except msgspec.DecodeError as exc:
        raise BadReply(f"{endpoint}: {_what(response, exc)}") from None
    if not isinstance(data, dict):
        raise BadReply(f"{endpoint}: not a JSON object")
    return data


def _what(response: httpx.Response, exc: Exception) -> str:
    """Why a body was refused: not JSON at all (with its media type), or msgspec's reason."""
    text = " ".join(str(exc).split())
    if text.startswith(("JSON is malformed", "Input data was truncated")):
        ctype = response.headers.get("content-type", "?").split(";")[0]
        return f"not JSON ({ctype[:40]})"
    return text[:160]
