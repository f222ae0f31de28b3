"""One exception for everything a hub user or client can act on.

``HubError`` carries a catalogue code (``auth.expired``, ``batch.too_large``…), the HTTP
status the API answers with, and optionally the field at fault. The API turns it into
``{"error": {...}}``; the CLI into one ``outreach: …`` line.
"""

from __future__ import annotations

from typing import Any

from outreach_tui.i18n import DEFAULT_LANGUAGE, t


class HubError(Exception):
    def __init__(
        self, code: str, status: int = 400, *, field: str | None = None, **params: Any
    ) -> None:
        super().__init__(code)
        self.code = code
        self.status = status
        self.field = field
        self.params = params

    def message(self, language: str = DEFAULT_LANGUAGE) -> str:
        return t(self.code, language, **self.params)

    def __str__(self) -> str:
        return self.message()

    def as_body(self, language: str = DEFAULT_LANGUAGE) -> dict[str, Any]:
        return {
            "error": {"code": self.code, "message": self.message(language), "field": self.field}
        }


class StorageUnavailable(HubError):
    """The database cannot be reached or opened (CLI exit 3, API 503)."""

    def __init__(self, code: str = "hub.db_unavailable", **params: Any) -> None:
        super().__init__(code, 503, **params)


class RetryTransaction(Exception):
    """A deadlock or serialization failure: the whole transaction may simply be rerun."""
