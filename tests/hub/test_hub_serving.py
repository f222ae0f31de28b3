"""Every connection of the hub's HTTP protocol has Nagle's algorithm off, also on a
listening socket made as uvicorn makes it for ``--workers N`` (no protocol named), where
asyncio would leave it on and each reply would wait ~40 ms for a delayed ACK."""

from __future__ import annotations

import asyncio
import socket

from uvicorn.config import Config
from uvicorn.server import ServerState

from outreach_tui.hub.serving import NoDelayH11Protocol


async def _app(scope: object, receive: object, send: object) -> None:  # never called
    raise AssertionError


def test_accepted_connections_get_tcp_nodelay() -> None:
    async def scenario() -> int:
        config = Config(_app, lifespan="off")
        config.load()
        seen: list[int] = []

        class Probe(NoDelayH11Protocol):
            def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
                super().connection_made(transport)
                sock = transport.get_extra_info("socket")
                seen.append(sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))

        listener = socket.socket(socket.AF_INET)  # proto 0, as uvicorn's bind_socket
        listener.bind(("127.0.0.1", 0))
        loop = asyncio.get_running_loop()
        server = await loop.create_server(lambda: Probe(config, ServerState(), {}), sock=listener)
        _, writer = await asyncio.open_connection(*listener.getsockname())
        for _ in range(100):
            if seen:
                break
            await asyncio.sleep(0.01)
        writer.close()
        server.close()
        await server.wait_closed()
        return seen[0]

    assert asyncio.run(scenario()) == 1
