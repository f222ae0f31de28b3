"""A hostile server at the hub's address (issue 22, item 5): real sockets on 127.0.0.1.

``hostile_server(routes)`` serves each ``"METHOD /path"`` with a function that writes
the raw answer to the socket itself (so it may lie, trickle, or never stop); anything
else gets a 404. ``seen`` counts the requests per route. The answers the tests need:

    gzip_bomb(decoded_bytes)     200, Content-Encoding gzip, inflating to that many bytes
    trickle(every_s)             the status line one byte at a time, forever
    json_answer(value)           200 with a JSON body
    digest_page(n)               a downlink page of ``n`` digests, streamed (no length)
"""

from __future__ import annotations

import json
import threading
import time
import zlib
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

Answer = Callable[[BaseHTTPRequestHandler], None]


@contextmanager
def hostile_server(routes: dict[str, Answer]) -> Iterator[tuple[str, Counter[str]]]:
    seen: Counter[str] = Counter()
    stop = threading.Event()

    class Handler(BaseHTTPRequestHandler):
        def _answer(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length)
            route = f"{self.command} {self.path.split('?')[0]}"
            seen[route] += 1
            self.server.last_body = body  # type: ignore[attr-defined]
            self.server.stop = stop  # type: ignore[attr-defined]
            answer = routes.get(route)
            try:
                if answer is None:
                    self.send_error(404)
                else:
                    answer(self)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up on us: what the test wants

        do_GET = do_POST = _answer

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", seen
    finally:
        stop.set()
        server.shutdown()
        server.server_close()


@cache
def _bomb(decoded: int) -> bytes:
    squeeze = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    block = b" " * (1 << 20)
    parts = [squeeze.compress(block) for _ in range(decoded >> 20)]
    return b"".join(parts) + squeeze.flush()


def gzip_bomb(decoded: int) -> Answer:
    """A JSON-looking answer that inflates to ``decoded`` bytes of spaces."""
    body = _bomb(decoded)

    def answer(h: BaseHTTPRequestHandler) -> None:
        h.send_response(200)
        h.send_header("Content-Type", "application/json")
        h.send_header("Content-Encoding", "gzip")
        h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        h.wfile.write(body)

    return answer


def trickle(every_s: float) -> Answer:
    """One byte of a status line every ``every_s`` seconds, never finishing."""

    def answer(h: BaseHTTPRequestHandler) -> None:
        stop: threading.Event = h.server.stop  # type: ignore[attr-defined]
        for byte in iter(lambda: b"H", None):  # pragma: no branch - ends by stop or a reset
            h.wfile.write(byte)
            h.wfile.flush()
            if stop.wait(every_s):
                return

    return answer


def json_answer(value: Any | Callable[[bytes], Any]) -> Answer:
    def answer(h: BaseHTTPRequestHandler) -> None:
        data = value(h.server.last_body) if callable(value) else value  # type: ignore[attr-defined]
        body = json.dumps(data).encode()
        h.send_response(200)
        h.send_header("Content-Type", "application/json")
        h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        h.wfile.write(body)

    return answer


def digest_page(n: int) -> Answer:
    """A downlink page of ``n`` known-participant digests, written in pieces with no
    Content-Length (the client cannot refuse it by its header)."""

    def answer(h: BaseHTTPRequestHandler) -> None:
        h.send_response(200)
        h.send_header("Content-Type", "application/json")
        h.end_headers()
        h.wfile.write(b'{"cursor": "1", "more": false, "reference": null, "nik_key": null, '
                      b'"review_outcomes": [], "known_participants": [')  # fmt: skip
        entry = b'{"nik_digest": "%064x", "registered_on": "2026-11-20", "branch_code": "PLG"}'
        started = time.monotonic()
        for start in range(0, n, 10_000):
            chunk = b",".join(entry % i for i in range(start, min(n, start + 10_000)))
            h.wfile.write((b"," if start else b"") + chunk)
            if time.monotonic() - started > 120:  # a bounded loop whatever the client does
                return
        h.wfile.write(b"]}")

    return answer
