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


def test_codes_shown_as_words_have_a_word_in_both_languages() -> None:
    """Keys built from codes (f-strings the literal-key test cannot see): every XLSX
    column, audit action, device role and token state, path and scheme has its words."""
    from outreach_tui.hub.auth import ROLES
    from outreach_tui.reports.export import RECORD_COLUMNS
    from outreach_tui.reports.tally import PATHS

    actions = set()
    for path in PACKAGE.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        actions |= set(re.findall(r"""action=["']([a-z_]+\.[a-z_]+)["']""", text))
        actions |= set(re.findall(r"""audit\.record\(\s*["']([a-z_]+\.[a-z_]+)["']""", text))
    assert {"registration.create", "store.backup", "setup.init"} <= actions
    wanted = (
        [f"report.xcol.{c}" for c in RECORD_COLUMNS]
        + [f"audit_action.{a.replace('.', '_')}" for a in sorted(actions)]
        + [f"hub_word.role_{r}" for r in ROLES]
        + [f"hub_word.status_{s}" for s in ("active", "expired", "revoked")]
        + [f"report.path.{p}" for p in PATHS]
        + [f"report.scheme.{s}" for s in ("bpu", "pu_micro")]
        + [f"command.system.{k}" for k in ("theme", "quit", "keys", "hide_keys", "maximize",
                                            "minimize", "search")]
    )  # fmt: skip
    for language in ("id", "en"):
        missing = [key for key in wanted if key not in catalogue(language)]
        assert not missing, (language, missing)
