"""How ``outreach hub serve`` runs uvicorn: its HTTP protocol and its logging.

The protocol (``hub_protocol``):

- ``TCP_NODELAY`` on every connection, whatever the workers. With ``--workers N``
  uvicorn binds the listening socket itself, without naming the TCP protocol, and
  asyncio then leaves Nagle's algorithm on for accepted connections: a reply written in
  two pieces waits for the client's delayed ACK, ~40 ms per request (measured: 0.7 →
  44 ms for ``/api/v1/capabilities``). One worker gets the option from asyncio.
- Deadlines uvicorn does not have: the request headers must be complete within
  ``header_timeout`` seconds of the connection opening (or of the previous reply), the
  body within ``body_timeout`` seconds of the headers. A client that sends one byte every
  few seconds (slowloris) would otherwise hold a connection, and a worker's memory,
  forever; uvicorn's keep-alive timer is reset by every byte.

The logging (``log_config``), the one place where the hub's logs are shaped:

- No token reaches a log, in any position. Every line of every logger (uvicorn's access
  and error logs, the app's ``outreach.*`` loggers, anything reaching the root logger)
  goes through ``redact``: tokens (``otk_…``, also percent-encoded, or their 43-character
  random part alone), credentials after an
  auth scheme (``Bearer …``) and credential-named query parameters become ``***``. The
  access log shows a query value only when it is a short plain identifier (a uuid, a
  day); anything else is ``***``. Refusals are still logged, redacted.
- A client that goes away mid-request (it closed the connection, or a deadline above cut
  it off) is one warning line "client disconnected", not an error with a traceback: the
  app's catch-all handler and uvicorn both log the ``ClientDisconnect`` the request body
  reader raises, and neither is a fault of the hub.
"""

from __future__ import annotations

import asyncio
import copy
import functools
import logging
import re
import socket
from typing import Any

from uvicorn.logging import AccessFormatter, DefaultFormatter
from uvicorn.protocols.http.h11_impl import H11Protocol

HEADER_TIMEOUT_S = 10.0  # headers of a laptop's request arrive in one packet on a LAN
BODY_TIMEOUT_S = 120.0  # a full 5 MB batch at ≈ 40 kB/s (a poor Wi-Fi) still makes it
log = logging.getLogger("outreach.hub.serving")


class NoDelayH11Protocol(H11Protocol):
    """uvicorn's h11 protocol with ``TCP_NODELAY`` and header/body deadlines."""

    def __init__(
        self,
        *args: Any,
        header_timeout: float = HEADER_TIMEOUT_S,
        body_timeout: float = BODY_TIMEOUT_S,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.header_timeout, self.body_timeout = header_timeout, body_timeout
        self._deadline: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        sock = transport.get_extra_info("socket")
        if sock is not None and sock.family in (socket.AF_INET, socket.AF_INET6):
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        super().connection_made(transport)
        self._arm(self.header_timeout, "headers")

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def handle_events(self) -> None:
        before = self.cycle
        super().handle_events()
        cycle = self.cycle
        if cycle is not None and cycle is not before and not cycle.response_complete:
            # A new request's headers are in: now the body has its own deadline.
            self._disarm()
            if cycle.more_body:
                self._arm(self.body_timeout, "body")
        elif cycle is not None and not cycle.more_body and self._phase == "body":
            self._disarm()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if self.transport.is_closing():
            return
        cycle = self.cycle
        if cycle is None or cycle.response_complete:  # waiting for the next request
            self._disarm()
            self._arm(self.header_timeout, "headers")

    _phase: str | None = None

    def _arm(self, seconds: float, phase: str) -> None:
        self._phase = phase
        self._deadline = self.loop.call_later(seconds, self._deadline_passed, seconds)

    def _disarm(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
        self._deadline, self._phase = None, None

    def _deadline_passed(self, seconds: float) -> None:
        phase, self._deadline, self._phase = self._phase, None, None
        if self.transport.is_closing():
            return
        client = "%s:%d" % self.client if self.client else "a client"  # noqa: UP031
        log.warning(
            "closed the connection of %s: request %s not complete within %g s",
            client,
            phase,
            seconds,
        )
        # The app (if a request is running) sees a disconnect; nothing more is read.
        self.transport.close()


def hub_protocol(
    *, header_timeout: float = HEADER_TIMEOUT_S, body_timeout: float = BODY_TIMEOUT_S
) -> Any:
    """The protocol class for ``uvicorn.run(http=…)``; a partial pickles for ``--workers``."""
    return functools.partial(
        NoDelayH11Protocol, header_timeout=header_timeout, body_timeout=body_timeout
    )


# --- redaction ------------------------------------------------------------------------

_TOKEN = re.compile(r"otk(?:_|%5f)[A-Za-z0-9_%\-]*", re.IGNORECASE)
# A token's random part alone: ``secrets.token_urlsafe(32)`` is 43 url-safe characters
# (a uuid is 36, a sha256 in hex 64: neither matches).
_TOKEN_SECRET = re.compile(r"(?<![A-Za-z0-9_\-])[A-Za-z0-9_\-]{43}(?![A-Za-z0-9_\-])")
_AUTH_SCHEME = re.compile(r"\b(Bearer|Basic|Token|Digest)(\s+|%20|\+)[^\s\"',;&]+", re.IGNORECASE)
_SECRET_PARAM = re.compile(
    r"((?:access_?|api_?|auth_?|id_?|refresh_?)?(?:token|key|secret|password|passwd|pwd|"
    r"signature|sig|auth|authorization|credentials?|session)=)[^\s\"&;]*",
    re.IGNORECASE,
)
_PLAIN_VALUE = re.compile(r"^[A-Za-z0-9.:\-]{0,40}$")
_PLAIN_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_.\-]{0,39}$")
_SECRET_NAME = re.compile(r"token|key|secret|pass|pwd|sig|auth|cred|session", re.IGNORECASE)
HIDDEN = "***"


def redact(text: str) -> str:
    """``text`` with every token and credential replaced by ``***``."""
    if not text:
        return text
    text = _TOKEN_SECRET.sub(HIDDEN, _TOKEN.sub(HIDDEN, text))
    text = _AUTH_SCHEME.sub(lambda m: m.group(1) + " " + HIDDEN, text)
    return _SECRET_PARAM.sub(lambda m: m.group(1) + HIDDEN, text)


def redact_target(target: str) -> str:
    """A request's path and query for the access log: the path redacted, each query
    value kept only when it is a short plain identifier of a plain parameter."""
    path, mark, query = target.partition("?")
    if not mark:
        return redact(path)
    parts = []
    for pair in re.split(r"[&;]", query):
        name, equals, value = pair.partition("=")
        if not _PLAIN_NAME.match(name) or _SECRET_NAME.search(name):
            name = name if _PLAIN_NAME.match(name) else HIDDEN
            value = HIDDEN if (equals or name == HIDDEN) else value
        elif not _PLAIN_VALUE.match(value):
            value = HIDDEN
        parts.append(name + equals + value if equals else name)
    return redact(path) + "?" + "&".join(parts)


class RedactingFormatter(DefaultFormatter):
    """uvicorn's default formatter, tracebacks included, through ``redact``."""

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


class RedactingAccessFormatter(AccessFormatter):
    """uvicorn's access line with the request target through ``redact_target``."""

    def formatMessage(self, record: logging.LogRecord) -> str:
        args = record.args
        if isinstance(args, tuple) and len(args) == 5:
            record = copy.copy(record)
            client, method, target, version, status = args
            record.args = (redact(str(client)), method, redact_target(str(target)), version, status)
        return super().formatMessage(record)

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


# --- client disconnects -----------------------------------------------------------------


def _disconnected(exc: BaseException | None) -> bool:
    from starlette.requests import ClientDisconnect

    seen = 0
    while exc is not None and seen < 10:  # the exception itself, or what it wraps
        if isinstance(exc, ClientDisconnect):
            return True
        if isinstance(exc, BaseExceptionGroup):
            return any(_disconnected(inner) for inner in exc.exceptions)
        exc, seen = exc.__cause__ or exc.__context__, seen + 1
    return False


class ClientDisconnectFilter(logging.Filter):
    """A ``ClientDisconnect`` logged as an error becomes one warning without a traceback
    (the app's record, which names the request); uvicorn's copy of it is dropped."""

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        if not _disconnected(exc):
            return True
        if record.name.startswith("uvicorn"):
            return False  # "Exception in ASGI application": the app already said it
        request = ""
        if isinstance(record.args, tuple) and len(record.args) == 2:
            request = " during %s %s" % record.args  # noqa: UP031 - (method, path)
        record.msg, record.args = f"client disconnected before the request was read{request}", ()
        record.levelno, record.levelname = logging.WARNING, "WARNING"
        record.exc_info = record.exc_text = None
        return True


def log_config() -> dict[str, Any]:
    """uvicorn's logging configuration with redaction and the disconnect filter on every
    handler, and the app's and the root logger sent to the same redacting handler."""
    from uvicorn.config import LOGGING_CONFIG

    config = copy.deepcopy(LOGGING_CONFIG)
    config["formatters"]["default"]["()"] = f"{__name__}.RedactingFormatter"
    config["formatters"]["access"]["()"] = f"{__name__}.RedactingAccessFormatter"
    config["filters"] = {"disconnects": {"()": f"{__name__}.ClientDisconnectFilter"}}
    for handler in config["handlers"].values():
        handler["filters"] = ["disconnects"]
    config["loggers"]["outreach"] = {"handlers": ["default"], "level": "INFO", "propagate": False}
    config["root"] = {"handlers": ["default"], "level": "WARNING"}
    return config
