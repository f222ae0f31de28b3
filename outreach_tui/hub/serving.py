"""uvicorn's HTTP protocol with ``TCP_NODELAY`` on every connection, whatever the workers.

With ``--workers N`` uvicorn binds the listening socket itself, without naming the TCP
protocol, and asyncio then leaves Nagle's algorithm on for accepted connections: a reply
written in two pieces waits for the client's delayed ACK, ~40 ms per request (measured:
0.7 → 44 ms for ``/api/v1/capabilities``). One worker gets the option from asyncio.
"""

from __future__ import annotations

import asyncio
import socket

from uvicorn.protocols.http.h11_impl import H11Protocol


class NoDelayH11Protocol(H11Protocol):
    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        sock = transport.get_extra_info("socket")
        if sock is not None and sock.family in (socket.AF_INET, socket.AF_INET6):
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        super().connection_made(transport)
