"""Why the hub refused a record, in the officer's language.

The hub answers with a code from the shared catalogue (``nik.active_elsewhere``) and a
message in its own language; the booth shows the catalogue's text when it knows the code
and the hub's message otherwise (a code added on a newer hub).
"""

from __future__ import annotations

from outreach_tui.i18n import DEFAULT_LANGUAGE, catalogue, t

NEEDS_FIXING = ("rejected", "conflict")


def reason(code: str | None, message: str | None, language: str = DEFAULT_LANGUAGE) -> str:
    if code:
        text = catalogue(language).get(code) or catalogue(DEFAULT_LANGUAGE).get(code)
        if text and "{" not in text:  # a template needs the hub's parameters: use its text
            return text
    return message or code or ""


def mask_name(name: str | None) -> str:
    """``Siti Aminah`` → ``S*** A***``: enough to recognise one's own entry, not to read a
    name off a shared screen or a pasted report."""
    return " ".join(word[0] + "***" for word in (name or "").split() if word) or "—"


def field_label(field: str | None, language: str = DEFAULT_LANGUAGE) -> str:
    """The form's label of a refused field (``address`` → ``Alamat``), else the code."""
    if not field:
        return "-"
    label = t(f"reg.label.{field}", language)
    return field if label == f"reg.label.{field}" else label
