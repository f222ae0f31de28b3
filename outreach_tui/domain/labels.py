"""Names people read instead of codes: a sector's name in the chosen language."""

from __future__ import annotations


def sector_label(code: str, language: str) -> str:
    """``kuliner`` → ``Kuliner (makanan & minuman)``; an unknown code is shown as it is."""
    from outreach_tui.domain import reference  # the reference data on first use

    found = reference.find_sector(code)
    if found is None:
        return code
    return found.label_en if language == "en" else found.label_id
