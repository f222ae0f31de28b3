"""Message catalogue: every user-facing string lives in data/locale/<lang>/*.toml.

Pure Python (no Textual), shared by the domain, the CLI, the hub and the TUI. Keys are
dotted codes such as ``nik.length``; values are ``str.format`` templates. A noun that
follows a number is written ``{count:@worker|workers}`` (the word for one, then for any
other number): English needs it, Indonesian nouns do not change with the number. One file per
area (nik.toml, phone.toml, ...) keeps the catalogue easy to review; all files of a
language are merged.
"""

from __future__ import annotations

import string
import tomllib
from functools import cache
from importlib import resources
from typing import Any

DEFAULT_LANGUAGE = "id"
LANGUAGES = ("id", "en")


def _flatten(prefix: str, table: dict[str, Any], out: dict[str, str]) -> None:
    for key, value in table.items():
        name = f"{prefix}.{key}" if prefix else key
        if isinstance(value, dict):
            _flatten(name, value, out)
        else:
            out[name] = str(value)


@cache
def catalogue(language: str) -> dict[str, str]:
    """The flattened catalogue for ``language`` (``id`` or ``en``)."""
    if language not in LANGUAGES:
        raise ValueError(f"unsupported language: {language!r}")
    folder = resources.files("outreach_tui.data.locale").joinpath(language)
    flat: dict[str, str] = {}
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".toml"):
            _flatten("", tomllib.loads(entry.read_text(encoding="utf-8")), flat)
    return flat


def plural_form(language: str, number: object) -> str:
    """CLDR's cardinal rule for the two languages: English "one" for exactly 1, else
    "other"; Indonesian has only "other"."""
    return "one" if language == "en" and number in (1, "1") else "other"


class _Formatter(string.Formatter):
    """``str.format`` plus the plural spec ``{n:@one|other}``."""

    def __init__(self, language: str) -> None:
        self.language = language

    def format_field(self, value: Any, format_spec: str) -> str:
        if format_spec.startswith("@"):
            one, _, other = format_spec[1:].partition("|")
            return one if plural_form(self.language, value) == "one" else other
        return str(super().format_field(value, format_spec))


def t(key: str, language: str = DEFAULT_LANGUAGE, /, **params: Any) -> str:
    """Translate ``key``; falls back to Indonesian, then to the key itself."""
    template = catalogue(language).get(key) or catalogue(DEFAULT_LANGUAGE).get(key)
    if template is None:
        return key
    try:
        if ":@" in template:
            return _Formatter(language).format(template, **params)
        return template.format(**params)
    except (KeyError, IndexError, ValueError):
        return template
