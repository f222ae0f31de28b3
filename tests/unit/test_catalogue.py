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


# -- plurals: "1 worker", "2 workers" -----------------------------------------------------------

PLURAL_SPEC = re.compile(r"\{(\w+):@([^}|]*)\|([^}]*)\}")


def test_english_says_one_and_many_apart_and_indonesian_keeps_its_noun() -> None:
    assert t("workers.saved", "en", count=1) == "1 worker saved."
    assert t("workers.saved", "en", count=3) == "3 workers saved."
    assert t("workers.saved", "en", count=0) == "0 workers saved."
    assert t("reg.cannot_save", "en", count=1) == "Cannot save yet: 1 field needs fixing."
    assert t("reg.cannot_save", "en", count=2) == "Cannot save yet: 2 fields need fixing."
    one = t("privacy.auto_purge.booth", "en", registrations=1, leads=2, days=1)
    assert "1 registration and 2 leads" in one and "more than 1 day ago" in one
    assert t("workers.saved", "id", count=1) == t("workers.saved", "id", count=3).replace("3", "1")


def test_no_english_text_hedges_a_plural_with_brackets() -> None:
    hedged = [key for key, text in catalogue("en").items() if re.search(r"\w\((s|es|ren)\)", text)]
    assert hedged == []


def test_every_plural_spec_names_a_placeholder_and_formats_in_both_languages() -> None:
    for language in ("id", "en"):
        for key, text in catalogue(language).items():
            for name, one, other in PLURAL_SPEC.findall(text):
                assert one and other, (language, key)
                assert f"{{{name}}}" in text or name in placeholders(text), (language, key)
            if ":@" in text:
                params = {name: 1 for name in placeholders(text)}
                assert "{" not in t(key, language, **params), (language, key)
