"""Occupations (jenis pekerjaan) as data: ``data/occupations.toml`` (codes, names, and the
occupation each sector offers first). Read on first use."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources


@dataclass(frozen=True)
class Occupation:
    code: str  # two digits, stable (the Dukcapil SIAK numbering; see the data file)
    label_id: str
    label_en: str

    def label(self, language: str) -> str:
        return self.label_en if language == "en" else self.label_id


@dataclass(frozen=True)
class OccupationList:
    version: str
    source: str
    occupations: tuple[Occupation, ...]
    sector_defaults: dict[str, str]

    def find(self, code: str) -> Occupation | None:
        return next((o for o in self.occupations if o.code == code), None)


@cache
def load_occupations() -> OccupationList:
    text = resources.files("outreach_tui.data").joinpath("occupations.toml").read_text("utf-8")
    doc = tomllib.loads(text)
    listed = tuple(Occupation(str(o["code"]), str(o["label_id"]), str(o["label_en"]))
                   for o in doc["occupations"])  # fmt: skip
    defaults = {str(k): str(v) for k, v in doc.get("sector_defaults", {}).items()}
    return OccupationList(str(doc["version"]), str(doc["source"]), listed, defaults)


def occupations() -> tuple[Occupation, ...]:
    """In display order."""
    return load_occupations().occupations


def is_known(code: str) -> bool:
    return load_occupations().find(code) is not None


def default_for_sector(sector: str) -> str | None:
    """The occupation the form offers first for ``sector`` (None: no default)."""
    return load_occupations().sector_defaults.get(sector)


def occupation_label(code: str, language: str) -> str:
    """``84`` → ``Pedagang``; an unknown code is shown as it is."""
    found = load_occupations().find(code)
    return code if found is None else found.label(language)
