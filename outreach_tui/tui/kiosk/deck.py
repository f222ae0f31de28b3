"""The kiosk's slide texts, as data: ``data/kiosk/<lang>.toml`` (or a branch's own file).

Texts only, never figures: every amount on a slide is computed from the reference data
by the booth's calculator (``kiosk.figures``). The file decides the order of the slides
and may leave some out; each slide's ``kind`` says which figures it shows.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

# kind -> the text keys it needs (checked at load: a branch's typo is one clear line)
KINDS: dict[str, tuple[str, ...]] = {
    "about": ("title", "left", "right", "lines", "minimum", "per_month"),
    "contribution": ("title", "sector", "incomes", "income", "normal", "discount",
                     "no_discount", "programs"),
    "family": ("title", "income", "children", "jkk_death", "jkm_death", "scholarship", "note"),
    "today": ("title", "owners", "workers", "progress", "no_target", "no_event", "invite"),
    "payment": ("title", "lines", "due", "advance", "help", "contact"),
}  # fmt: skip
CHROME = ("brand", "playing", "paused", "keys", "estimate", "problem", "months", "weekdays")


class DeckError(ValueError):
    """The slide file cannot be used (one line: which file, which slide, what)."""


@dataclass(frozen=True)
class Slide:
    kind: str
    texts: dict[str, Any]

    def text(self, key: str, **params: object) -> str:
        template = str(self.texts.get(key, ""))
        try:
            return template.format(**params)
        except (KeyError, IndexError, ValueError):
            return template

    def lines(self, key: str = "lines") -> list[str]:
        value = self.texts.get(key, [])
        return [str(v) for v in value] if isinstance(value, list) else [str(value)]


@dataclass(frozen=True)
class Deck:
    language: str
    version: str
    chrome: dict[str, str]
    slides: tuple[Slide, ...]
    source: str

    def chrome_text(self, key: str, **params: object) -> str:
        template = self.chrome.get(key, "")
        try:
            return template.format(**params)
        except (KeyError, IndexError, ValueError):
            return template

    def month_name(self, month: int) -> str:
        return self.chrome["months"].split(",")[month - 1].strip()

    def weekday_name(self, weekday: int) -> str:
        return self.chrome["weekdays"].split(",")[weekday].strip()


def shipped_text(language: str) -> tuple[str, str]:
    """The packaged slide file of ``language`` (its text and a name for messages)."""
    entry = resources.files("outreach_tui.data").joinpath("kiosk", f"{language}.toml")
    return entry.read_text(encoding="utf-8"), f"data/kiosk/{language}.toml"


def load_deck(language: str = "id", path: Path | None = None) -> Deck:
    """The deck of ``language``, or of the branch's file ``path``; DeckError when unusable."""
    if path is None:
        try:
            text, source = shipped_text(language)
        except FileNotFoundError as exc:
            raise DeckError(f"no kiosk slides for language {language!r}") from exc
    else:
        source = str(path)
        try:
            text = Path(path).expanduser().read_text(encoding="utf-8")
        except (OSError, UnicodeError) as exc:
            raise DeckError(f"cannot read {source}: {exc}") from exc
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise DeckError(f"{source}: not valid TOML ({exc})") from exc
    chrome = data.get("chrome")
    if not isinstance(chrome, dict):
        raise DeckError(f"{source}: no [chrome] table")
    if missing := [key for key in CHROME if key not in chrome]:
        raise DeckError(f"{source}: [chrome] lacks {', '.join(missing)}")
    if len(str(chrome["months"]).split(",")) != 12 or len(str(chrome["weekdays"]).split(",")) != 7:
        raise DeckError(f"{source}: [chrome] months needs 12 names, weekdays 7")
    raw = data.get("slides")
    if not isinstance(raw, list) or not raw:
        raise DeckError(f"{source}: no [[slides]]")
    slides = []
    for number, table in enumerate(raw, start=1):
        kind = table.get("kind") if isinstance(table, dict) else None
        if kind not in KINDS:
            raise DeckError(
                f"{source}: slide {number} has kind {kind!r}; one of {', '.join(KINDS)}"
            )
        if missing := [key for key in KINDS[kind] if key not in table]:
            raise DeckError(f"{source}: slide {number} ({kind}) lacks {', '.join(missing)}")
        _check_figures(source, number, kind, table)
        slides.append(Slide(kind, dict(table)))
    return Deck(
        language=str(data.get("language", language)),
        version=str(data.get("version", "")),
        chrome={key: str(value) for key, value in chrome.items()},
        slides=tuple(slides),
        source=source,
    )


def _check_figures(source: str, number: int, kind: str, table: dict[str, Any]) -> None:
    """The few inputs a slide gives the calculator (incomes, children) are whole numbers."""

    def whole(value: object) -> bool:
        return isinstance(value, int) and not isinstance(value, bool) and value > 0

    if kind == "contribution":
        incomes = table["incomes"]
        if not isinstance(incomes, list) or not incomes or not all(map(whole, incomes)):
            raise DeckError(f"{source}: slide {number}: incomes must be whole rupiah above 0")
    if kind == "family" and (
        not whole(table["income"])
        or not isinstance(table["children"], int)
        or isinstance(table["children"], bool)
        or table["children"] < 0
    ):
        raise DeckError(f"{source}: slide {number}: income and children must be whole numbers")
