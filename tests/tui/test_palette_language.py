"""Issue 15, observation 11: the command palette speaks one language. Textual's own
entries (Theme, Quit, Keys, Screenshot…) and the search prompt used to stay English in a
Bahasa Indonesia booth; every entry now comes from the catalogue."""

from __future__ import annotations

import re

import pytest
from textual.command import CommandInput, CommandList, CommandPalette

from outreach_tui.i18n import catalogue
from outreach_tui.tui.widgets.booth_footer import BoothFooter
from tests.tui.conftest import settle, wait_until

# Words of the other language that an entry must not hold (whole words, any case).
FOREIGN = {
    "id": {
        "theme",
        "quit",
        "keys",
        "screenshot",
        "maximize",
        "minimize",
        "search",
        "show",
        "help",
        "register",
        "leads",
        "records",
        "lock",
        "switch",
        "open",
        "commands",
    },
    "en": {
        "tema",
        "keluar",
        "tombol",
        "cari",
        "daftarkan",
        "calon",
        "lihat",
        "kunci",
        "ganti",
        "buka",
        "perintah",
        "sekarang",
        "jelaskan",
        "manfaat",
        "dasbor",
    },
}


def words(text: str) -> set[str]:
    return set(re.findall(r"[a-z]+", text.lower()))


@pytest.mark.parametrize("language", ["id", "en"])
async def test_every_palette_entry_and_the_prompt_are_in_the_officers_language(
    make_app, language: str
) -> None:
    app = make_app(language=language)
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await wait_until(pilot, lambda: isinstance(app.screen, CommandPalette))
        palette = app.screen
        results = palette.query_one(CommandList)
        await wait_until(pilot, lambda: results.option_count >= 10)
        await pilot.pause(0.3)
        entries = [str(results.get_option_at_index(i).prompt.plain).strip()
                   for i in range(results.option_count)]  # fmt: skip
        prompt = palette.query_one(CommandInput).placeholder
    texts = set(catalogue(language).values())
    titles = [entry.splitlines()[0].strip() for entry in entries]
    assert all(title in texts for title in titles), titles
    assert t_of("command.system.theme", language) in titles
    assert t_of("command.system.quit", language) in titles
    assert t_of("command.records", language) in titles
    assert not any("screenshot" in e.lower() for e in entries)  # left out: personal data
    assert prompt == t_of("command.system.search", language)
    foreign = {w for e in [*entries, prompt] for w in words(e)} & FOREIGN[language]
    assert not foreign, (foreign, entries)


def t_of(key: str, language: str) -> str:
    return catalogue(language)[key]


@pytest.mark.parametrize(("language", "label"), [("id", "Perintah"), ("en", "Commands")])
async def test_the_footer_names_the_palette_in_the_officers_language(
    make_app, language: str, label: str
) -> None:
    app = make_app(language=language)
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        shown = " ".join(key.description for key in app.screen.query_one(BoothFooter).keys)
    assert label in shown and "palette" not in shown
