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
write is given only the time left). A receipt counts only when it is signed by the hub
key pinned at login (``hub_key``).
"""

from __future__ import annotations

import json
import ssl
import threading
import time
import zlib
from collections.abc import Callable
from datetime import date
from typing import Any, Self, TypeVar

import httpcore
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
from outreach_tui.sync.errors import (
    AuthError,
    AuthExpired,
    AuthInvalid,
    AuthRevoked,
    BatchTooLarge,
    HubUnreachable,
    ProtocolError,
    ProtocolMismatch,
    WrongHub,
)

R = TypeVar("R", bound=Reply)


class TlsUnverified(WrongHub):
    """The hub's certificate does not verify (unknown CA, wrong host name, expired): we
    cannot tell it is the hub, so nothing is sent and there is no retry (exit 7)."""

    key = "privacy.tls.unverified"


class UnsignedReceipt(WrongHub):
    """A receipt without a valid signature of the pinned hub key: whoever answered is not
    the hub this laptop logged in to. Nothing is marked synced (exit 7)."""

    key = "trust.receipt_unsigned"


class HubKeyMismatch(WrongHub):
    """The capabilities announce another signing key than the one pinned at login."""

    key = "trust.hub_key_mismatch"


class HubKeyNotPinned(AuthError):
    """Credentials saved before hubs signed receipts: log in again once (exit 6)."""

    key = "trust.relogin"


class LaptopRefused(ProtocolError):
    """The hub refused to bind this laptop id to this token or key (403 ``laptop.*``)."""

    key = "trust.laptop_refused"


class ResponseTooLarge(ProtocolError):
    key = "trust.response_too_large"


class BadReply(ProtocolError):
    """An answer that breaks the protocol's shape for its endpoint (not JSON, a field
    missing or of another type, a receipt for another batch): believed in no part, so
    nothing is marked synced (exit 8)."""

    key = "sync.error.bad_reply"


class DeadlineExceeded(HubUnreachable):
    """The run's total time is used up (exit 5): nothing more is asked."""

    key = "trust.run_deadline"


DEFAULT_TIMEOUT = httpx.Timeout(60.0, connect=5.0)  # a 500-record batch on a slow branch LAN
REQUEST_DEADLINE_S = 120.0  # one request, from the first byte sent to the last received
RUN_DEADLINE_S = 7200.0  # one `outreach sync`, every request and retry together
# Largest answer read per endpoint, after decompression. A 10,000-record receipt is ~2 MB;
# a downlink page from our hub (40 batches of 1,000 records) ~5 MB of digests.
RESPONSE_LIMITS = {
    "/api/v1/capabilities": 64_000,
    "/api/v1/laptops": 64_000,
    "/api/v1/reconcile": 4_000_000,
    "/api/v1/batches": 16_000_000,
    "/api/v1/downlink": 32_000_000,
}
_deadline = threading.local()  # .at: the monotonic time the current request must end by


def _time_left(timeout: float | None) -> float | None:
    """``timeout`` cut to what the current request has left; past it, a ReadTimeout."""
    end: float | None = getattr(_deadline, "at", None)
    if end is None:
        return timeout
    left = end - time.monotonic()
    if left <= 0:
        raise httpcore.ReadTimeout("request deadline")
    return left if timeout is None else min(timeout, left)


class _DeadlineStream(httpcore.NetworkStream):
    """A socket whose every read and write gets at most the request's remaining time, so
    a server trickling one byte at a time cannot stretch a request past its deadline."""

    def __init__(self, inner: httpcore.NetworkStream) -> None:
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, _time_left(timeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, _time_left(timeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self, ssl_context: ssl.SSLContext, server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:  # fmt: skip
        return _DeadlineStream(
            self._inner.start_tls(ssl_context, server_hostname, _time_left(timeout))
        )

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class _DeadlineBackend(httpcore.SyncBackend):
    def connect_tcp(
        self, host: str, port: int, timeout: float | None = None,
        local_address: str | None = None, socket_options: Any = None,
    ) -> httpcore.NetworkStream:  # fmt: skip
        stream = super().connect_tcp(host, port, _time_left(timeout), local_address, socket_options)
        return _DeadlineStream(stream)


class _DeadlineTransport(httpx.HTTPTransport):
    """httpx's transport over a pool whose sockets keep the deadline (httpx offers no
    hook for the network backend: the pool it made is replaced by an equal one)."""

    def __init__(self, verify: ssl.SSLContext | bool) -> None:
        super().__init__(verify=verify, trust_env=False)
        self._pool = httpcore.ConnectionPool(
            ssl_context=httpx.create_ssl_context(verify=verify, trust_env=False),
            max_connections=8,
            network_backend=_DeadlineBackend(),
        )


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
            transport=_DeadlineTransport(verify),
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

    def tallies(self, first: date | None, last: date | None) -> dict[str, Any]:
        """``GET /api/v1/tallies`` (a supervisor token): the body ``RollupSource`` reads."""
        params = {}
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
            _deadline.at = min(now + self._request_deadline, self._run_end)
            try:
                response = self._bounded(method, url, RESPONSE_LIMITS.get(path, 64_000), kwargs)
            except httpx.HTTPError as exc:
                if _certificate_failed(exc):
                    raise TlsUnverified(_tls_reason(exc), url=self.base_url) from None
                reason = type(exc).__name__
            else:
                if response.status_code < 500:
                    return _check_status(response)
                reason = f"HTTP {response.status_code}"
            finally:
                _deadline.at = None
            if attempt == self._tries:
                raise HubUnreachable(reason, url=self.base_url)
            if self._on_retry:
                self._on_retry(attempt, reason)
            left = max(0.0, self._run_end - time.monotonic())
            self._sleep(min(self._backoff * 2 ** (attempt - 1), left))
        raise AssertionError("unreachable")  # pragma: no cover

    def _bounded(self, method: str, url: str, limit: int, kwargs: dict[str, Any]) -> httpx.Response:
        """The answer with its body read whole but never past ``limit`` bytes (decoded)."""
        request = self._http.build_request(method, url, **kwargs)
        response = self._http.send(request, stream=True)
        try:
            body = _read_bounded(response, limit)
        finally:
            response.close()
        kept = [
            (k, v)
            for k, v in response.headers.multi_items()
            if k.lower() not in ("content-encoding", "content-length", "transfer-encoding")
        ]
        return httpx.Response(response.status_code, headers=kept, content=body, request=request)


def _read_bounded(response: httpx.Response, limit: int) -> bytes:
    """The decoded body, refused (``ResponseTooLarge``) past ``limit`` bytes before more is
    read or inflated: we decompress ourselves, with ``max_length``, never past the limit."""
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise ResponseTooLarge(f"{declared} bytes (max {limit})")
    coding = response.headers.get("content-encoding", "identity").strip().lower()
    if coding not in ("identity", "", "gzip", "deflate"):
        raise ProtocolError(f"content-encoding {coding[:20]}")
    inflate = None
    if coding == "gzip":
        inflate = zlib.decompressobj(16 + zlib.MAX_WBITS)
    elif coding == "deflate":
        inflate = zlib.decompressobj()
    chunks: list[bytes] = []
    size = 0
    try:
        for raw in response.iter_raw(65_536):
            piece = raw if inflate is None else inflate.decompress(raw, limit + 1 - size)
            size += len(piece)
            if size > limit or (inflate is not None and inflate.unconsumed_tail):
                raise ResponseTooLarge(f"more than {limit} bytes")
            chunks.append(piece)
        if inflate is not None:
            piece = inflate.flush(limit + 1 - size)
            size += len(piece)
            chunks.append(piece)
    except zlib.error as exc:
        raise ProtocolError(f"bad {coding} body") from exc
    if size > limit:
        raise ResponseTooLarge(f"more than {limit} bytes")
    return b"".join(chunks)


def _certificate_failed(exc: BaseException) -> bool:
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, ssl.SSLCertVerificationError):
            return True
        seen = seen.__cause__ or seen.__context__
    return "CERTIFICATE_VERIFY_FAILED" in str(exc)


def _tls_reason(exc: BaseException) -> str:
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, ssl.SSLCertVerificationError):
            return str(seen.verify_message or "certificate verify failed")[:120]
        seen = seen.__cause__ or seen.__context__
    return "certificate verify failed"


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
