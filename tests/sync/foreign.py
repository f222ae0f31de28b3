"""Servers that are *not* our hub, as an officer meets them: a hotel Wi-Fi captive portal
that answers every URL with an HTML login page, or some other outreach hub (another
branch) whose capabilities carry a different hub id. Real sockets on loopback."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@contextmanager
def foreign_server(status: int, body: bytes, content_type: str) -> Iterator[str]:
    """Serve ``body`` with ``status`` for every GET and POST; yields the base URL."""

    class Handler(BaseHTTPRequestHandler):
        def _answer(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            self.rfile.read(length)
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            if 300 <= status < 400:
                self.send_header("Location", "http://login.wifi.example/portal")
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_POST = _answer

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def captive_portal() -> AbstractContextManager[str]:
    page = b"<html><body><h1>Selamat datang di WiFi Mall</h1><form>...</form></body></html>"
    return foreign_server(200, page, "text/html")


OTHER_HUB_KEY = "a3VuY2kgaHViIGxhaW4sIGJ1a2FuIGt1bmNpIGFzbGk="  # 32 bytes, base64


@contextmanager
def other_hub(hub_id: str = "0196ffff-0000-7000-8000-0000000000ff") -> Iterator[str]:
    """An outreach hub's capabilities (with a signing key) for every GET; a POST of a
    laptop registration is confirmed by echoing it, anything else gets the capabilities."""
    caps = {"hub_id": hub_id, "protocol": 1, "max_records": 500, "max_bytes": 5_000_000,
            "server_time": "2026-11-23T10:00:00.000Z", "reference_version": "2026.01",
            "hub_key": OTHER_HUB_KEY}  # fmt: skip

    class Handler(BaseHTTPRequestHandler):
        def _answer(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            sent = self.rfile.read(length)
            body = json.dumps(caps).encode()
            if self.command == "POST" and self.path == "/api/v1/laptops":
                body = json.dumps({**json.loads(sent), "hub_id": hub_id}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_POST = _answer

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
