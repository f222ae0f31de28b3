"""HTTP against a server we do not trust (docs/RELIABILITY.md, "Trust between laptop and
hub"): every socket read and write gets only the time the request has left, however
slowly the bytes arrive, and every answer is read, and decompressed by us, never past a
size limit (a gzip bomb stops at the limit, not at the end of the bomb). ``HubClient``
sends through ``DeadlineTransport`` inside ``socket_deadline`` and reads with
``send_bounded``.
"""

from __future__ import annotations

import ssl
import threading
import time
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpcore
import httpx

from outreach_tui.sync.errors import ProtocolError, ResponseTooLarge

_deadline = threading.local()  # .at: the monotonic time the current request must end by


@contextmanager
def socket_deadline(at: float) -> Iterator[None]:
    """Every socket operation of this thread inside the block must end by ``at``
    (``time.monotonic()``); past it, a ReadTimeout."""
    _deadline.at = at
    try:
        yield
    finally:
        _deadline.at = None


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


class DeadlineTransport(httpx.HTTPTransport):
    """httpx's transport over a pool whose sockets keep the deadline (httpx offers no
    hook for the network backend: the pool it made is replaced by an equal one)."""

    def __init__(self, verify: ssl.SSLContext | bool) -> None:
        super().__init__(verify=verify, trust_env=False)
        self._pool = httpcore.ConnectionPool(
            ssl_context=httpx.create_ssl_context(verify=verify, trust_env=False),
            max_connections=8,
            network_backend=_DeadlineBackend(),
        )


def send_bounded(
    http: httpx.Client, method: str, url: str, limit: int, kwargs: dict[str, Any]
) -> httpx.Response:
    """The answer with its body read whole but never past ``limit`` bytes (decoded)."""
    request = http.build_request(method, url, **kwargs)
    response = http.send(request, stream=True)
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


def certificate_failure(exc: BaseException) -> str | None:
    """Why the server's certificate did not verify, or None when ``exc`` is another
    failure (a refused connection, a timeout)."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, ssl.SSLCertVerificationError):
            return str(seen.verify_message or "certificate verify failed")[:120]
        seen = seen.__cause__ or seen.__context__
    return "certificate verify failed" if "CERTIFICATE_VERIFY_FAILED" in str(exc) else None
