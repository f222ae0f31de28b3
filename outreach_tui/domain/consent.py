"""Consent texts (UU 27/2022): versioned data; a record keeps the version it was given under.

Three kinds: ``registration`` (the data needed to register a participant), ``lead``
(consent to be contacted again) and ``reminder`` (payment reminders, a separate and
optional consent: UU 27/2022 art. 22(4)). ``current()`` is the registration text, as before;
``current("lead")`` the contact text. Version strings are unique across kinds, so a
stored version alone says which text the person heard.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from importlib import resources

KINDS = ("registration", "lead", "reminder")
# UU 27/2022: processing stops within 3×24 hours of a withdrawal request.
WITHDRAWAL_HOURS = 72
DEFAULT_KIND = "registration"


@dataclass(frozen=True)
class ConsentText:
    version: str
    effective_from: str
    retention_days_on_device: int
    text_id: str
    text_en: str
    kind: str = DEFAULT_KIND

    def text(self, language: str = "id") -> str:
        return self.text_en if language == "en" else self.text_id


@cache
def _load() -> tuple[dict[str, str], dict[str, ConsentText]]:
    raw = tomllib.loads(
        resources.files("outreach_tui.data").joinpath("consent.toml").read_text(encoding="utf-8")
    )
    texts: dict[str, ConsentText] = {}
    for t in raw["texts"]:
        kind = t.get("kind", DEFAULT_KIND)
        if kind not in KINDS:
            raise ValueError(f"consent text {t['version']}: unknown kind {kind!r}")
        if t["version"] in texts:
            raise ValueError(f"consent version {t['version']} appears twice")
        texts[t["version"]] = ConsentText(
            t["version"], t["effective_from"], t["retention_days_on_device"], t["id"], t["en"],
            kind,
        )  # fmt: skip
    currents = {DEFAULT_KIND: raw["current"], **raw.get("current_by_kind", {})}
    for kind, version in currents.items():
        if version not in texts or texts[version].kind != kind:
            raise ValueError(f"current {kind} consent {version!r} is not a {kind} text")
    return currents, texts


def _check_kind(kind: str) -> None:
    if kind not in KINDS:
        raise ValueError(f"unknown consent kind {kind!r} (one of {', '.join(KINDS)})")


def current(kind: str = DEFAULT_KIND) -> ConsentText:
    """The text to show now: ``current()`` for a registration, ``current("lead")``."""
    _check_kind(kind)
    currents, texts = _load()
    return texts[currents[kind]]


def get(version: str) -> ConsentText | None:
    return _load()[1].get(version)


def texts(kind: str | None = None) -> list[ConsentText]:
    """Every known text (of ``kind``), oldest ``effective_from`` first."""
    if kind is not None:
        _check_kind(kind)
    found = [t for t in _load()[1].values() if kind is None or t.kind == kind]
    return sorted(found, key=lambda t: (t.effective_from, t.version))


def is_known(version: str, kind: str | None = None) -> bool:
    """A version this outreach knows (of ``kind`` when given)."""
    text = get(version)
    return text is not None and (kind is None or text.kind == kind)


def withdrawal_due(withdrawn_at: str) -> str:
    """The stop deadline of a withdrawal requested at ``withdrawn_at`` (UTC ISO 8601, as
    stored): 3×24 hours later, in the same form (``…T03:00:00.000Z``)."""
    moment = datetime.fromisoformat(withdrawn_at.replace("Z", "+00:00"))
    later = moment + timedelta(hours=WITHDRAWAL_HOURS)
    return later.strftime("%Y-%m-%dT%H:%M:%S.") + f"{later.microsecond // 1000:03d}Z"
