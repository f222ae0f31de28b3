"""HTTP client for the branch hub (docs/SYNC_PROTOCOL.md): one method per endpoint.

Every request may be retried: GETs are reads and a batch POST is idempotent by
``batch_id`` (the hub replays the stored receipt). Network errors and 5xx answers retry
with exponential backoff (0.5 s, 1 s, 2 s, ... up to ``tries``); everything else becomes a
typed ``SyncError`` at once.
"""

from __future__ import annotations

import json
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx

from outreach_tui import __version__
from outreach_tui.domain.wire import PROTOCOL_VERSION
from outreach_tui.sync.errors import (
    AuthExpired,
    AuthInvalid,
    AuthRevoked,
    BatchTooLarge,
    HubUnreachable,
    ProtocolError,
    ProtocolMismatch,
    SyncError,
    WrongHub,
)

OUTCOMES = ("accepted", "duplicate", "conflict", "rejected")


class TlsUnverified(WrongHub):
    """The hub's certificate does not verify (unknown CA, wrong host name, expired): we
    cannot tell it is the hub, so nothing is sent and there is no retry (exit 7)."""

    key = "privacy.tls.unverified"


DEFAULT_TIMEOUT = httpx.Timeout(60.0, connect=5.0)  # a 500-record batch on a slow branch LAN


@dataclass(frozen=True)
class Capabilities:
    hub_id: str
    protocol: int
    max_records: int
    max_bytes: int
    server_time: str | None = None
    reference_version: str | None = None


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
    ) -> None:
        """``ca_pem``: the branch CA certificate(s) (PEM) to verify the hub with, instead
        of the system's trusted CAs (``outreach login --ca-cert``)."""
        self.base_url = base_url.rstrip("/")
        self._tries = max(1, tries)
        self._backoff = backoff
        self._on_retry = on_retry
        self._sleep = sleep
        headers = {
            "User-Agent": f"outreach/{__version__}",
            "Accept": "application/json",
            "Accept-Language": language,  # the hub's rejection messages in the officer's language
        }
        if token:
            headers["Authorization"] = f"Bearer {token}"
        # No redirects: a captive portal answers with one, and so would a wrong server.
        verify: ssl.SSLContext | bool = True
        if ca_pem:
            verify = ssl.create_default_context(cadata=ca_pem)
        self._http = httpx.Client(
            timeout=timeout, headers=headers, follow_redirects=False, verify=verify
        )

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> HubClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- endpoints ------------------------------------------------------------------------

    def capabilities(self) -> Capabilities:
        """``GET /api/v1/capabilities``; anything but a valid answer is not a hub."""
        try:
            response = self._request("GET", "/api/v1/capabilities")
        except ProtocolError as exc:
            raise WrongHub(exc.detail) from exc
        data = _json(response, WrongHub)
        try:
            caps = Capabilities(
                hub_id=_typed(data, "hub_id", str),
                protocol=_typed(data, "protocol", int),
                max_records=_typed(data, "max_records", int),
                max_bytes=_typed(data, "max_bytes", int),
                server_time=data.get("server_time"),
                reference_version=data.get("reference_version"),
            )
        except (ProtocolError, AttributeError) as exc:
            raise WrongHub(str(exc)) from exc
        if caps.protocol != PROTOCOL_VERSION:
            raise ProtocolMismatch(str(caps.protocol), theirs=caps.protocol, ours=PROTOCOL_VERSION)
        if not caps.hub_id or caps.max_records < 1 or caps.max_bytes < 1:
            raise WrongHub("capabilities without hub_id or limits")
        return caps

    def push(self, body: dict[str, Any], *, encoded: bytes | None = None) -> dict[str, Any]:
        """``POST /api/v1/batches``: the receipt, checked against what was sent."""
        payload = encoded if encoded is not None else encode(body)
        response = self._request(
            "POST",
            "/api/v1/batches",
            content=payload,
            headers={"Content-Type": "application/json"},
        )
        receipt = _json(response, ProtocolError)
        check_receipt(body, receipt)
        return receipt

    def reconcile(self, device_id: str) -> list[dict[str, Any]]:
        response = self._request("GET", "/api/v1/reconcile", params={"device_id": device_id})
        days = _json(response, ProtocolError).get("days")
        if not isinstance(days, list) or not all(
            isinstance(d, dict) and isinstance(d.get("day"), str) for d in days
        ):
            raise ProtocolError("reconcile: days")
        return days

    def check_token(self) -> None:
        """Raise an ``AuthError`` unless the hub accepts our token (a read with no effect:
        reconciliation for a device id no laptop has)."""
        self._request("GET", "/api/v1/reconcile", params={"device_id": "outreach-login-check"})

    def downlink(
        self, since: str | None, *, reference_version: str | None = None
    ) -> dict[str, Any]:
        """``GET /api/v1/downlink``; the hub leaves out reference data we already have."""
        params = {"since": since} if since else {}
        if reference_version:
            params["reference_version"] = reference_version
        data = _json(self._request("GET", "/api/v1/downlink", params=params), ProtocolError)
        for name in ("known_participants", "review_outcomes"):
            if not isinstance(data.get(name) or [], list):
                raise ProtocolError(f"downlink: {name}")
        return data

    # -- transport ------------------------------------------------------------------------

    def _request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        url = self.base_url + path
        for attempt in range(1, self._tries + 1):
            try:
                response = self._http.request(method, url, **kwargs)
            except httpx.HTTPError as exc:
                if _certificate_failed(exc):
                    raise TlsUnverified(_tls_reason(exc), url=self.base_url) from None
                reason = type(exc).__name__
            else:
                if response.status_code < 500:
                    return _check_status(response)
                reason = f"HTTP {response.status_code}"
            if attempt == self._tries:
                raise HubUnreachable(reason, url=self.base_url)
            if self._on_retry:
                self._on_retry(attempt, reason)
            self._sleep(self._backoff * 2 ** (attempt - 1))
        raise AssertionError("unreachable")  # pragma: no cover


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


def check_receipt(body: dict[str, Any], receipt: dict[str, Any]) -> None:
    """A receipt must answer this batch with well-formed results."""
    if receipt.get("batch_id") != body["batch_id"]:
        raise ProtocolError("receipt for another batch")
    results = receipt.get("results")
    if not isinstance(results, list):
        raise ProtocolError("receipt without results")
    for r in results:
        if not (
            isinstance(r, dict)
            and isinstance(r.get("uuid"), str)
            and isinstance(r.get("version"), int)
            and r.get("outcome") in OUTCOMES
        ):
            raise ProtocolError(f"malformed result: {str(r)[:80]}")


def _check_status(response: httpx.Response) -> httpx.Response:
    status = response.status_code
    if 200 <= status < 300:
        return response
    code, message, field = _error_of(response)
    if status == 401:
        raise (AuthExpired if code == "auth.expired" else AuthInvalid)(code)
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
        error = response.json().get("error") or {}
        return str(error.get("code") or ""), str(error.get("message") or ""), error.get("field")
    except (ValueError, AttributeError):
        return "", "", None


def _json(response: httpx.Response, error: type[SyncError]) -> dict[str, Any]:
    try:
        data = response.json()
    except ValueError as exc:
        ctype = response.headers.get("content-type", "?")
        raise error(f"not JSON ({ctype.split(';')[0]})") from exc
    if not isinstance(data, dict):
        raise error("not a JSON object")
    return data


def _typed(data: dict[str, Any], name: str, kind: type) -> Any:
    value = data.get(name)
    if not isinstance(value, kind) or isinstance(value, bool):
        raise ProtocolError(f"{name} missing or not {kind.__name__}")
    return value
