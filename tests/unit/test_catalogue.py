"""The message catalogue: every key exists in Bahasa Indonesia and English."""

from __future__ import annotations

import re
import string
from pathlib import Path

from outreach_tui.i18n import catalogue, t

PACKAGE = Path(__file__).resolve().parents[2] / "outreach_tui"


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_both_languages_have_the_same_keys_and_placeholders() -> None:
    indonesian, english = catalogue("id"), catalogue("en")
    assert set(indonesian) == set(english)
    for key in indonesian:
        assert placeholders(indonesian[key]) == placeholders(english[key]), key


def test_every_literal_key_used_in_code_exists() -> None:
    keys = set(catalogue("id"))
    pattern = re.compile(r"""\bt\(\s*["']([a-z_]+(?:\.[a-z_]+)+)["']""")
    missing = []
    for path in PACKAGE.rglob("*.py"):
        for key in pattern.findall(path.read_text(encoding="utf-8")):
            if key not in keys:
                missing.append(f"{path.name}: {key}")
    assert not missing, missing


def test_missing_parameters_do_not_crash() -> None:
    assert t("field.too_long", "id") != ""  # template returned unformatted
    assert t("no.such.key") == "no.such.key"
