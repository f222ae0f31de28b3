"""Typed failures of a sync run, each with its exit code (docs/SYNC_PROTOCOL.md) and a
catalogue key (``data/locale/<lang>/sync.toml``) so the CLI and the TUI say the same thing."""

from __future__ import annotations

from typing import Any

from outreach_tui.i18n import DEFAULT_LANGUAGE, t

EXIT_OK = 0
EXIT_STORE = 3
EXIT_PARTIAL = 4
EXIT_UNREACHABLE = 5
EXIT_AUTH = 6
EXIT_WRONG_HUB = 7
EXIT_PROTOCOL = 8


class SyncError(Exception):
    """A reason to stop the run; nothing local has been deleted or lost."""

    exit_code = EXIT_PROTOCOL
    key = "sync.error.protocol"

    def __init__(self, detail: str = "", **params: Any) -> None:
        super().__init__(detail or self.key)
        self.detail = detail
        self.params = {"detail": detail, **params}

    def message(self, language: str = DEFAULT_LANGUAGE) -> str:
        return t(self.key, language, **self.params)

    def __str__(self) -> str:
        return self.message()


class HubUnreachable(SyncError):
    """No answer (or only server errors) after every retry."""

    exit_code = EXIT_UNREACHABLE
    key = "sync.error.unreachable"


class WrongHub(SyncError):
    """The server is not an outreach hub, or not the one this laptop logged in to."""

    exit_code = EXIT_WRONG_HUB
    key = "sync.error.not_a_hub"


class HubIdMismatch(WrongHub):
    key = "sync.error.wrong_hub"


class ProtocolMismatch(WrongHub):
    key = "sync.error.protocol_version"


class AuthError(SyncError):
    exit_code = EXIT_AUTH
    key = "sync.error.auth_invalid"


class AuthInvalid(AuthError):
    key = "sync.error.auth_invalid"


class AuthExpired(AuthError):
    key = "sync.error.auth_expired"


class AuthRevoked(AuthError):
    key = "sync.error.auth_revoked"


class NotLoggedIn(AuthError):
    key = "sync.error.not_logged_in"


class BadHubUrl(SyncError):
    """A URL that is not http(s)://host[:port][/path]."""

    exit_code = 2
    key = "sync.error.bad_url"


class InsecureUrl(BadHubUrl):
    key = "sync.error.insecure"


class CredentialsError(SyncError):
    """The credentials file cannot be read or written."""

    exit_code = EXIT_STORE
    key = "sync.error.credentials"


class ProtocolError(SyncError):
    """The hub refused a batch as malformed, or answered something we cannot read."""

    exit_code = EXIT_PROTOCOL
    key = "sync.error.protocol"


class BatchTooLarge(ProtocolError):
    """413 ``batch.too_large``: the hub stored nothing; the runner halves and retries."""

    key = "sync.error.too_large"


# What the client finds wrong with a server (sync/client.py; docs/RELIABILITY.md, "Trust
# between laptop and hub").


class TlsUnverified(WrongHub):
    """The hub's certificate does not verify (unknown CA, wrong host name, expired): we
    cannot tell it is the hub, so nothing is sent and there is no retry (exit 7)."""

    key = "privacy.tls.unverified"


class UnsignedReceipt(WrongHub):
    """A receipt without a valid signature of the pinned hub key: whoever answered is not
    the hub this laptop logged in to. Nothing is marked synced (exit 7)."""

    key = "trust.receipt_unsigned"


class HubKeyMismatch(WrongHub):
    """The capabilities announce another signing key than the one pinned at login."""

    key = "trust.hub_key_mismatch"


class HubKeyNotPinned(AuthError):
    """Credentials saved before hubs signed receipts: log in again once (exit 6)."""

    key = "trust.relogin"


class LaptopRefused(ProtocolError):
    """The hub refused to bind this laptop id to this token or key (403 ``laptop.*``)."""

    key = "trust.laptop_refused"


class ResponseTooLarge(ProtocolError):
    key = "trust.response_too_large"


class BadReply(ProtocolError):
    """An answer that breaks the protocol's shape for its endpoint (not JSON, a field
    missing or of another type, a receipt for another batch): believed in no part, so
    nothing is marked synced (exit 8)."""

    key = "sync.error.bad_reply"


class DeadlineExceeded(HubUnreachable):
    """The run's total time is used up (exit 5): nothing more is asked."""

    key = "trust.run_deadline"


# What login refuses (sync/credentials.py).


class BadCaCert(SyncError):
    """``--ca-cert`` is not a readable PEM certificate, or the hub URL is not https."""

    exit_code = 2
    key = "privacy.tls.bad_ca"


class BadToken(SyncError):
    """The token is not one a hub can have printed (``otk_`` + URL-safe ASCII)."""

    exit_code = 2
    key = "trust.bad_token"


class HubWithoutKey(WrongHub):
    """The hub announces no signing key (a hub from before receipts were signed)."""

    key = "trust.hub_without_key"
