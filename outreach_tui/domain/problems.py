"""Validation outcomes shared by every layer: a code, the field, and parameters.

The text is looked up in the message catalogue when shown, so the same problem reads in
Bahasa Indonesia on the booth screen and in English in a hub log.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from outreach_tui.i18n import DEFAULT_LANGUAGE, t


class Severity(StrEnum):
    ERROR = "error"  # blocks the save
    WARNING = "warning"  # shown to the officer, never blocks


@dataclass(frozen=True)
class Problem:
    code: str  # catalogue key, e.g. "nik.province_unknown"
    field: str  # form field the problem belongs to, e.g. "nik"
    severity: Severity = Severity.ERROR
    params: dict[str, Any] = dataclasses.field(default_factory=dict, compare=False, hash=False)

    def message(self, language: str = DEFAULT_LANGUAGE) -> str:
        return t(self.code, language, **self.params)

    def as_dict(self, language: str = DEFAULT_LANGUAGE) -> dict[str, Any]:
        return {
            "code": self.code,
            "field": self.field,
            "severity": str(self.severity),
            "message": self.message(language),
        }


class Checked:
    """A checked value's ``problems`` by severity (mixed into NikInfo and
    ValidationResult, which declare the ``problems`` field)."""

    problems: tuple[Problem, ...]

    @property
    def errors(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.severity is Severity.ERROR)

    @property
    def warnings(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.severity is Severity.WARNING)


def error(code: str, field: str, **params: Any) -> Problem:
    return Problem(code, field, Severity.ERROR, params)


def warning(code: str, field: str, **params: Any) -> Problem:
    return Problem(code, field, Severity.WARNING, params)
