"""Consent texts (UU 27/2022): versioned data; a record keeps the version it was given under."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources


@dataclass(frozen=True)
class ConsentText:
    version: str
    effective_from: str
    retention_days_on_device: int
    text_id: str
    text_en: str

    def text(self, language: str = "id") -> str:
        return self.text_en if language == "en" else self.text_id


@cache
def _load() -> tuple[str, dict[str, ConsentText]]:
    raw = tomllib.loads(
        resources.files("outreach_tui.data").joinpath("consent.toml").read_text(encoding="utf-8")
    )
    texts = {
        t["version"]: ConsentText(
            t["version"], t["effective_from"], t["retention_days_on_device"], t["id"], t["en"]
        )
        for t in raw["texts"]
    }
    return raw["current"], texts


def current() -> ConsentText:
    version, texts = _load()
    return texts[version]


def is_known(version: str) -> bool:
    return version in _load()[1]
