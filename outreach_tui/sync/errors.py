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
