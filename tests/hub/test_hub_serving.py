"""How the hub serves connections (``outreach_tui/hub/serving.py``).

- Every connection of the hub's HTTP protocol has Nagle's algorithm off, also on a
  listening socket made as uvicorn makes it for ``--workers N`` (no protocol named), where
  asyncio would leave it on and each reply would wait ~40 ms for a delayed ACK.
- The real hub under uvicorn, its output captured: no token sent in any position (header,
  query parameter, path, a request uvicorn refuses) appears in its logs, and refusals are
  still logged, redacted; a client trickling its headers or its body is cut off; a client
  going away mid-upload is one warning line, not an error with a traceback.
"""

from __future__ import annotations

import asyncio
import logging
import logging.config
import select
import socket
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from uvicorn.config import Config
from uvicorn.server import ServerState

from outreach_tui.hub import serving
from outreach_tui.hub.serving import NoDelayH11Protocol
from tests.support.hub_server import HubServer, enroll_device


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


# --- the real hub under uvicorn: logs, deadlines, disconnects ----------------------------


def _wait_for(predicate: Callable[[], bool], seconds: float = 30.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return predicate()


def _raw(port: int, data: bytes) -> bytes:
    """Send ``data`` on a fresh connection and read until the hub closes it."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(data)
        chunks = []
        try:
            while chunk := sock.recv(65536):
                chunks.append(chunk)
        except (TimeoutError, ConnectionResetError):
            pass
    return b"".join(chunks)


def _drip(port: int, head: bytes, drip: bytes, every: float) -> int:
    """Send ``head``, then ``drip`` one byte every ``every`` seconds; return how many drip
    bytes went out before the hub closed the connection (``len(drip)`` if it never did)."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(head)
        for sent, byte in enumerate(drip):
            ready, _, _ = select.select([sock], [], [], every)
            if ready:
                try:
                    if sock.recv(65536) == b"":
                        return sent
                except ConnectionResetError:
                    return sent
            try:
                sock.sendall(bytes([byte]))
            except (BrokenPipeError, ConnectionResetError):
                return sent
    return len(drip)


@pytest.fixture
def hub_db(tmp_path: Path) -> str:
    return str(tmp_path / "hub.db")


def test_no_token_in_any_position_reaches_the_hubs_logs(hub_db: str) -> None:
    _, token = enroll_device(hub_db)
    _, supervisor = enroll_device(hub_db, role="supervisor")
    secret = token.removeprefix("otk_")
    with HubServer(hub_db) as server:
        bearer = {"Authorization": f"Bearer {token}"}
        with httpx.Client(base_url=server.url, timeout=30) as http:
            assert http.get("/api/v1/downlink", headers=bearer).status_code == 200
            refused = [
                http.get(f"/api/v1/downlink?access_token={token}"),
                http.get(f"/api/v1/downlink?token={token}&day=2026-11-23"),
                http.get(f"/api/v1/reconcile?device_id={token}"),
                http.get(f"/api/v1/downlink?{token}"),
                http.get(f"/api/v1/downlink?access_token=otk%5F{secret}"),
                http.get(f"/api/v1/downlink?x=%6Ftk_{secret}"),
                http.get(f"/api/v1/downlink?access_token={secret}"),
                http.get("/api/v1/downlink", headers={"Authorization": f"Token {token}"}),
                http.get("/api/v1/downlink", headers={"Authorization": f"Bearer {token}x"}),
                http.get(f"/api/v1/{token}"),
                http.get(f"/{secret}/downlink", headers=bearer),
                http.get("/api/v1/tallies", headers={"Authorization": f"Bearer {token}"}),
                http.post(f"/api/v1/batches?access_token={supervisor}", content=b"{}"),
            ]
            assert all(r.status_code in (401, 403, 404, 405) for r in refused), [
                r.status_code for r in refused
            ]
        # Raw requests uvicorn itself refuses, with the token in the request line and headers.
        _raw(server.port, f"GET /api/v1/{token} HTTP/1.1\r\nBad header {token}\r\n\r\n".encode())
        _raw(server.port, f"GET /?access_token={token} HTTP/9.9\r\n\r\n".encode())
        server.stop()  # flush and close the logs
        log = server.log()
    for secret_text in (token, secret, supervisor, supervisor.removeprefix("otk_")):
        assert secret_text not in log, log
    # The refusals are still there, redacted: path, status and which parameter.
    assert '"GET /api/v1/downlink?access_token=*** HTTP/1.1" 401' in log, log
    assert '"GET /api/v1/downlink?token=***&day=2026-11-23 HTTP/1.1" 401' in log, log
    assert '"GET /api/v1/reconcile?device_id=*** HTTP/1.1" 401' in log, log
    assert '"GET /api/v1/*** HTTP/1.1" 404' in log, log
    assert '"POST /api/v1/batches?access_token=*** HTTP/1.1" 401' in log, log
    assert "Invalid HTTP request received." in log, log


def test_the_hubs_own_and_other_loggers_are_redacted_too(capfd: pytest.CaptureFixture[str]) -> None:
    """The app's ``outreach.*`` loggers and the root logger go through the same handler
    as uvicorn's, under the configuration ``outreach hub serve`` passes to uvicorn."""
    token = "otk_" + "A1b2_C3d4-" * 4
    saved = logging.root.handlers[:], logging.root.level
    try:
        logging.config.dictConfig(serving.log_config())
        logging.getLogger("outreach.hub").error("refused %s on /x?access_token=%s", token, token)
        logging.getLogger("some.library").warning("header Authorization: Bearer %s", token)
        try:
            raise ValueError(f"bad token {token}")
        except ValueError:
            logging.getLogger("outreach.hub").exception("unexpected error")
    finally:
        logging.root.handlers[:], _ = saved
        logging.root.setLevel(saved[1])
        logging.getLogger("outreach").handlers.clear()
        logging.getLogger("outreach").propagate = True
    err = capfd.readouterr().err
    assert token not in err and token[4:] not in err, err
    assert "refused *** on /x?access_token=***" in err, err
    assert "Authorization: Bearer ***" in err, err
    assert "ValueError: bad token ***" in err, err


def test_a_client_trickling_its_headers_is_cut_off(hub_db: str) -> None:
    with HubServer(hub_db, "--header-timeout", "1.5") as server:
        head = b"GET /api/v1/capabilities HTTP/1.1\r\nHost: hub\r\nX-Slow: "
        sent = _drip(server.port, head, b"a" * 40 + b"\r\n\r\n", every=0.5)
        assert sent < 40, "the hub read a trickle of header bytes for 20 s without a deadline"
        # A connection that sends nothing at all is closed too.
        assert _raw(server.port, b"") == b""
        # Normal requests are not affected.
        assert httpx.get(f"{server.url}/api/v1/capabilities", timeout=10).status_code == 200
        assert _wait_for(lambda: "request headers not complete within 1.5 s" in server.log())
        assert "Traceback" not in server.log()


def test_a_client_trickling_its_body_is_cut_off_and_logged_as_a_disconnect(hub_db: str) -> None:
    _, token = enroll_device(hub_db)
    with HubServer(hub_db, "--header-timeout", "1.5", "--body-timeout", "2") as server:
        head = (
            "POST /api/v1/batches HTTP/1.1\r\nHost: hub\r\nContent-Type: application/json\r\n"
            f"Authorization: Bearer {token}\r\nContent-Length: 100000\r\n\r\n"
        ).encode()
        sent = _drip(server.port, head, b'{"batch_id": "' + b"x" * 60, every=0.5)
        assert sent < 60, "the hub read a trickle of body bytes for 30 s without a deadline"
        assert _wait_for(lambda: "client disconnected" in server.log()), server.log()
        log = server.log()
    assert "request body not complete within 2 s" in log, log
    assert "Traceback" not in log and "ERROR" not in log, log
    assert token not in log


def test_a_client_dropping_mid_upload_is_a_disconnect_not_a_hub_error(hub_db: str) -> None:
    _, token = enroll_device(hub_db)
    with HubServer(hub_db) as server:
        with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
            sock.sendall(
                (
                    "POST /api/v1/batches HTTP/1.1\r\nHost: hub\r\n"
                    "Content-Type: application/json\r\n"
                    f"Authorization: Bearer {token}\r\nContent-Length: 200000\r\n\r\n"
                ).encode()
                + b'{"batch_id": "' + b"x" * 50_000
            )  # fmt: skip
        # The laptop went away (lid closed, Wi-Fi gone) a quarter of the way in.
        assert _wait_for(lambda: "disconnect" in server.log() or "Traceback" in server.log())
        # The hub still serves the next laptop.
        assert httpx.get(f"{server.url}/api/v1/capabilities", timeout=10).status_code == 200
        log = server.log()
    assert "Traceback" not in log, log
    assert "ERROR" not in log, log
    assert (
        "WARNING:  client disconnected before the request was read during POST /api/v1/batches"
        in log
    ), log
