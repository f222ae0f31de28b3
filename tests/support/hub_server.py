"""The real hub as a subprocess: ``python -m outreach_tui hub serve`` under uvicorn.

API::

    HubServer(db)              db: an SQLite path or a postgresql:// URL
      .start()                 spawn on 127.0.0.1:<free port>, wait for /api/v1/capabilities
      .url                     http://127.0.0.1:PORT
      .stop()                  SIGTERM, wait (graceful shutdown)
      .kill()                  SIGKILL to the server and its workers (a crash: nothing
                               flushed, no shutdown hooks; with ``--workers N`` the whole
                               process group, as a service manager's kill would)
      .restart(hard=False)     stop (SIGTERM, or SIGKILL when hard) and start again on the
                               same db and port
      .log()                   the server's stdout+stderr so far
    running_hub(db, *args)     context manager: a started HubServer, stopped at exit
    enroll_device(db, ...)     (device_id, token) through the hub's own enrol code
    hub_key(db)                the hub's receipt-signing public key (what login pins)

Extra ``serve`` flags (``--max-records 10``…) go in ``args``. The server's output goes
to a temp log file (never a pipe that could fill up and block it). With ``--tls-cert`` /
``--tls-key`` in ``args`` the URL is ``https://``; pass ``ca_cert=`` (the CA that signed
the server certificate) so the start-up check verifies it.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from tests.support.postgres import free_port

ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT_S = 30.0


class HubServer:
    def __init__(
        self,
        db: str | os.PathLike[str],
        *args: str,
        port: int | None = None,
        ca_cert: str | os.PathLike[str] | None = None,
    ) -> None:
        self.db = str(db)
        self.args = args
        self.ca_cert = str(ca_cert) if ca_cert is not None else None
        self.port = port or free_port()
        self.process: subprocess.Popen[bytes] | None = None
        self._log = Path(tempfile.mkstemp(prefix="hub-", suffix=".log")[1])

    @property
    def url(self) -> str:
        scheme = "https" if "--tls-cert" in self.args else "http"
        return f"{scheme}://127.0.0.1:{self.port}"

    def start(self) -> HubServer:
        command = [sys.executable, "-m", "outreach_tui", "hub", "serve", "--db", self.db,
                   "--port", str(self.port), *self.args]  # fmt: skip
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        with open(self._log, "ab") as log:
            self.process = subprocess.Popen(
                command,
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                # Its own process group, so kill() reaches the workers; not a new session:
                # Linux schedules each session as one group (autogroup), which changed the
                # hub's CPU share under load and the timing of tests that race it.
                process_group=0,
            )
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"hub exited with {self.process.returncode}:\n{self.log()}")
            try:
                verify = ssl.create_default_context(cafile=self.ca_cert) if self.ca_cert else True
                answer = httpx.get(f"{self.url}/api/v1/capabilities", timeout=1, verify=verify)
                if answer.status_code == 200:
                    return self
            except httpx.TransportError:
                pass
            time.sleep(0.05)
        self.kill()
        raise RuntimeError(f"hub did not answer within {START_TIMEOUT_S}s:\n{self.log()}")

    def _signal(self, sig: signal.Signals) -> None:
        if self.process is not None and sig == signal.SIGKILL:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
            self._wait_port_free()
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(sig)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def _wait_port_free(self, seconds: float = 15.0) -> None:
        """Killed workers release the listening socket a moment after the supervisor."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            with socket.socket() as probe:
                probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                try:
                    probe.bind(("127.0.0.1", self.port))
                    return
                except OSError:
                    time.sleep(0.02)

    @property
    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def stop(self) -> None:
        self._signal(signal.SIGTERM)

    def kill(self) -> None:
        self._signal(signal.SIGKILL)

    def restart(self, *, hard: bool = False) -> HubServer:
        """Start again on the same db and port; ``hard`` kills -9 first (a crash)."""
        if hard:
            self.kill()
        else:
            self.stop()
        return self.start()

    def log(self) -> str:
        return self._log.read_text(errors="replace")

    def __enter__(self) -> HubServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
        self._log.unlink(missing_ok=True)


@contextmanager
def running_hub(db: str | os.PathLike[str], *args: str) -> Iterator[HubServer]:
    with HubServer(db, *args) as server:
        yield server


def enroll_device(
    db: str | os.PathLike[str],
    *,
    officer: str = "PLG-01",
    name: str | None = None,
    role: str = "device",
    days: int = 180,
    unit: str | None = None,
) -> tuple[str, str]:
    """Enrol a device directly in the hub database (the server may be running)."""
    from outreach_tui.domain.ids import new_uuid
    from outreach_tui.hub.auth import enroll
    from outreach_tui.hub.storage import open_storage

    with open_storage(str(db)) as storage:
        device, token = enroll(
            storage, officer=officer, name=name or f"laptop-{new_uuid()[-12:]}", role=role,
            days=days, unit=unit,
        )  # fmt: skip
    return device.id, token


def hub_key(db: str | os.PathLike[str]) -> str:
    """The hub's public signing key, as its capabilities announce it and login pins it."""
    from outreach_tui.hub.meta import load_hub_info
    from outreach_tui.hub.storage import open_storage

    with open_storage(str(db)) as storage:
        return load_hub_info(storage).public_key
