"""A loopback TCP proxy in front of the hub that loses replies on purpose.

For the first ``drops`` batch uploads (``POST /api/v1/batches``) it forwards the request,
waits until the hub starts answering — the hub answers only after its transaction
committed — and then cuts both connections without relaying a byte. The client sees a
dropped connection for a batch the hub has stored: exactly the "timeout that hid a
success" the protocol's replayed receipts exist for. With ``hold=True`` the reply is
kept back instead (the connection stays open), so a test can kill the client while it
waits for an answer the hub already committed. With ``max_body`` it also refuses, as
nginx's ``client_max_body_size`` does, any request whose Content-Length is larger, with a
413 of its own (HTML, not the hub's JSON). Everything else passes through.
"""

from __future__ import annotations

import asyncio
import threading
from types import TracebackType

from tests.support.postgres import free_port

BATCH_REQUEST = b"POST /api/v1/batches"
_PAGE = b"<html><body><h1>413 Request Entity Too Large</h1></body></html>"
TOO_LARGE = (
    b"HTTP/1.1 413 Request Entity Too Large\r\nContent-Type: text/html\r\n"
    b"Connection: close\r\nContent-Length: %d\r\n\r\n%s" % (len(_PAGE), _PAGE)
)


def _declared_length(data: bytes) -> int:
    """The Content-Length of a request whose head is in ``data`` (-1 if none is seen)."""
    head = data.split(b"\r\n\r\n", 1)[0].lower()
    for line in head.split(b"\r\n"):
        if line.startswith(b"content-length:"):
            return int(line.split(b":", 1)[1].strip() or -1)
    return -1


class DroppingProxy:
    def __init__(
        self, upstream_port: int, *, drops: int = 1, hold: bool = False,
        max_body: int | None = None,
    ) -> None:  # fmt: skip
        self.upstream_port = upstream_port
        self.max_body = max_body
        self.refused = 0  # requests answered 413 by the proxy itself
        self.hold = hold
        self.held = threading.Event()  # set once a committed reply is being held back
        self.port = free_port()
        self.drops_left = drops
        self.dropped = 0
        self.batch_requests = 0
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._server: asyncio.Server | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> DroppingProxy:
        self._thread.start()
        if not self._ready.wait(10):
            raise RuntimeError("proxy did not start")
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)

    def _serve(self) -> None:
        asyncio.set_event_loop(self._loop)
        self._server = self._loop.run_until_complete(
            asyncio.start_server(self._handle, "127.0.0.1", self.port)
        )
        self._ready.set()
        try:
            self._loop.run_forever()
        finally:
            self._server.close()
            self._loop.close()

    async def _handle(self, client_r: asyncio.StreamReader, client_w: asyncio.StreamWriter) -> None:
        try:
            hub_r, hub_w = await asyncio.open_connection("127.0.0.1", self.upstream_port)
        except OSError:
            client_w.transport.abort()
            return
        armed = False  # the request in flight is a batch whose reply we will swallow

        async def upstream() -> None:
            nonlocal armed
            while data := await client_r.read(65536):
                if self.max_body is not None and _declared_length(data) > self.max_body:
                    self.refused += 1
                    client_w.write(TOO_LARGE)
                    await client_w.drain()
                    client_w.close()
                    hub_w.transport.abort()
                    return
                if BATCH_REQUEST in data:
                    self.batch_requests += 1
                    if self.drops_left > 0:
                        self.drops_left -= 1
                        armed = True
                hub_w.write(data)
                await hub_w.drain()
            hub_w.close()

        async def downstream() -> None:
            while data := await hub_r.read(65536):
                if armed:  # the hub committed and is answering: lose the answer
                    self.dropped += 1
                    if self.hold:
                        self.held.set()
                        await asyncio.sleep(3600)  # until the client dies or the proxy stops
                    client_w.transport.abort()
                    hub_w.transport.abort()
                    return
                client_w.write(data)
                await client_w.drain()
            client_w.close()

        await asyncio.gather(upstream(), downstream(), return_exceptions=True)
