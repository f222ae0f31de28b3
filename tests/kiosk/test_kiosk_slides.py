"""The kiosk's slides with Pilot: the cycle, pausing, stepping, and what each slide says.

Every figure on a slide is checked against the booth's own calculator
(``domain.contributions.quote``, ``domain.benefits.explain_benefits``), never against a
number typed here, and every text against the screen as drawn.
"""

from __future__ import annotations

from pathlib import Path

from textual.widgets import ContentSwitcher

from outreach_tui.domain import benefits, contributions
from outreach_tui.domain.money import rupiah
from tests.kiosk.conftest import FIXED_NOW, digits, wait_until
from tests.kiosk.screen_text import screen_text

TITLES_ID = (
    "BPJS Ketenagakerjaan bukan BPJS Kesehatan",
    "Iuran bulan November 2026",
    "Yang diterima keluarga",
    "Hari ini di booth ini",
    "Cara bayar iuran",
)


def visible(app) -> str:  # type: ignore[no-untyped-def]
    return app.query_one(ContentSwitcher).current


async def test_slides_cycle_in_order_and_wrap(make_kiosk, seeded_path) -> None:  # type: ignore[no-untyped-def]
    app = make_kiosk(seeded_path, seconds=0.3)
    async with app.run_test(size=(80, 24)) as pilot:
        # Every change of the slide shown, as the switcher makes it: looking now and then
        # (as this test once did) lets a loaded machine move on between two looks, and
        # before the first (CI, twice). The deck starts at its first slide: see the arrows.
        shown: list[str | None] = []

        def changed(slide: str | None) -> None:
            shown.append(slide)

        app.watch(app.query_one(ContentSwitcher), "current", changed)
        for e in range(5):  # each slide's title is on screen while it is shown
            await wait_until(
                pilot, lambda e=e: visible(app) == f"slide-{e}" and TITLES_ID[e] in screen_text(app)
            )
        await wait_until(pilot, lambda: len(shown) >= 7)
    first = int(str(shown[0]).removeprefix("slide-"))
    assert shown[:7] == [f"slide-{(first + step) % 5}" for step in range(7)]  # on, and round


async def test_any_key_pauses_with_an_indicator_and_resumes(make_kiosk, seeded_path) -> None:  # type: ignore[no-untyped-def]
    app = make_kiosk(seeded_path, seconds=0.3)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: visible(app) == "slide-1")
        await pilot.press("x")
        held = visible(app)
        await pilot.pause()
        assert app.paused
        assert "JEDA" in screen_text(app).splitlines()[0]  # the header says so
        await pilot.pause(1.5)  # five periods: a running cycle would have moved on
        assert visible(app) == held
        await pilot.press("space")  # any key again resumes
        assert not app.paused
        await wait_until(pilot, lambda: visible(app) != held)
        assert "JEDA" not in screen_text(app).splitlines()[0]


async def test_arrows_step_both_ways_and_wrap(make_kiosk, seeded_path) -> None:  # type: ignore[no-untyped-def]
    app = make_kiosk(seeded_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("right")
        assert visible(app) == "slide-1"
        await pilot.press("left", "left")
        assert visible(app) == "slide-4"  # back past the first: the last
        await pilot.pause()
        assert TITLES_ID[4] in screen_text(app)
        await pilot.press("right")
        assert visible(app) == "slide-0"
        assert not app.paused  # stepping is not pausing
        await pilot.press("p")
        await pilot.press("right", "right")
        assert visible(app) == "slide-2" and app.paused  # stepping while paused stays paused


async def test_contribution_slide_is_the_booth_calculator(make_kiosk, seeded_path) -> None:  # type: ignore[no-untyped-def]
    app = make_kiosk(seeded_path, first_slide=1)
    month = FIXED_NOW.date().replace(day=1)
    async with app.run_test(size=(200, 56)) as pilot:
        await pilot.pause()
        text = screen_text(app)
        for n, income in enumerate((1_000_000, 2_000_000, 3_000_000)):
            quote = contributions.quote(income, sector="perdagangan", month=month)
            assert quote.discount is not None and quote.due_total < quote.normal_total
            assert digits(app, f"#pay-row-{n} .pay-due") == rupiah(quote.due_total)[2:]
            row = app.query_one(f"#pay-row-{n}")
            assert rupiah(quote.normal_total) in str(row.query_one(".pay-normal").render())
            # Bands above Rp1,000,000 are not verified: the calculator flags, the slide says.
            assert ("perkiraan" in str(row.query_one(".pay-normal").render())) is quote.estimate
        general = contributions.quote(1_000_000, sector="perdagangan", month=month).discount
        transport = contributions.quote(1_000_000, sector="ojek", month=month).discount
        assert general is not None and transport is not None
        assert "31 Desember 2026" in text and general.ends_on.isoformat() == "2026-12-31"
        assert "31 Maret 2027" in text and transport.ends_on.isoformat() == "2027-03-31"
        assert f"Diskon {general.percent_off}% JKK+JKM (PP 50/2025)" in text


async def test_family_slide_is_the_benefits_screen_figures(make_kiosk, seeded_path) -> None:  # type: ignore[no-untyped-def]
    app = make_kiosk(seeded_path, first_slide=2)
    explained = benefits.explain_benefits(1_000_000, children=2)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        for key, line in (("jkk_death", "jkk_death"), ("jkm_death", "jkm_death"),
                          ("scholarship", "jkk_scholarship")):  # fmt: skip
            amount = explained.line(line).amount
            assert amount is not None
            assert digits(app, f"#benefit-{key} .benefit-amount") == rupiah(amount)[2:]
        text = screen_text(app)
        assert "Beasiswa 2 anak, TK sampai kuliah" in text
        assert "perkiraan" not in text  # Rp1,000,000 is the verified band


async def test_today_slide_counts_and_target(make_kiosk, seeded_path) -> None:  # type: ignore[no-untyped-def]
    app = make_kiosk(seeded_path, first_slide=3)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert digits(app, "#today-owners") == "2"  # O4 (00:30 WIB) and O2; O3 voided
        assert digits(app, "#today-workers") == "1"
        text = screen_text(app)
        assert "3 dari target 5 pemilik usaha · 60%" in text
        assert "Expo UMKM Palembang" in text
        assert "Senin, 23 November 2026" in text


async def test_english_with_lang_en(make_kiosk, seeded_path) -> None:  # type: ignore[no-untyped-def]
    app = make_kiosk(seeded_path, lang="en", first_slide=3)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        text = screen_text(app)
        assert "Today at this booth · Monday, 23 November 2026" in text
        assert "3 of the 5 owners targeted · 60%" in text
        await pilot.press("right")
        assert "How to pay" in screen_text(app)


async def test_a_branch_adjusts_the_texts_without_code(make_kiosk, seeded_path, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from outreach_tui.tui.kiosk.deck import shipped_text

    text, _ = shipped_text("id")
    ours = text.replace('title = "Cara bayar iuran"', 'title = "Bayar di Kantor Pos Kenten"')
    # A branch keeps only two slides, in its own order.
    head, *slides = ours.split("[[slides]]")
    kept = [s for s in slides if 'kind = "payment"' in s or 'kind = "today"' in s]
    path = tmp_path / "cabang.toml"
    path.write_text("[[slides]]".join([head, *reversed(kept)]), encoding="utf-8")
    app = make_kiosk(seeded_path, slides=path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert app.slide_count == 2
        assert "Bayar di Kantor Pos Kenten" in screen_text(app)
        await pilot.press("right")
        assert "Hari ini di booth ini" in screen_text(app)


def test_both_shipped_decks_have_the_same_slides_and_keys() -> None:
    from outreach_tui.tui.kiosk.deck import load_deck

    ours, theirs = load_deck("id"), load_deck("en")
    assert [s.kind for s in ours.slides] == [s.kind for s in theirs.slides]
    assert set(ours.chrome) == set(theirs.chrome)
    for mine, other in zip(ours.slides, theirs.slides, strict=True):
        assert set(mine.texts) == set(other.texts), mine.kind
        # the calculator's inputs are the same in both languages
        inputs = {"contribution": ("incomes", "sector", "transport_sector"),
                  "family": ("income", "children")}.get(mine.kind, ())  # fmt: skip
        for key in inputs:
            assert mine.texts[key] == other.texts[key], (mine.kind, key)


def test_a_broken_slide_file_is_one_clear_line(tmp_path: Path) -> None:
    import pytest

    from outreach_tui.tui.kiosk.deck import DeckError, load_deck, shipped_text

    text, _ = shipped_text("id")
    path = tmp_path / "bad.toml"
    path.write_text(text.replace('kind = "family"', 'kind = "keluarga"'), encoding="utf-8")
    with pytest.raises(DeckError, match=r"slide 3 has kind 'keluarga'"):
        load_deck("id", path)
    path.write_text(text.replace("incomes = [1000000, 2000000, 3000000]", "incomes = ['x']"),
                    encoding="utf-8")  # fmt: skip
    with pytest.raises(DeckError, match="incomes must be whole rupiah"):
        load_deck("id", path)


async def test_the_month_rolls_over_at_local_midnight(make_kiosk, seeded_path) -> None:  # type: ignore[no-untyped-def]
    """23:59 WIB on 31 December 2026 the general PP 50/2025 window is still open; two
    minutes later it is January and the same slide shows the normal amount — the
    transport sector's window (to March 2027) is still said."""
    from datetime import UTC, date, datetime

    now = [datetime(2026, 12, 31, 16, 59, tzinfo=UTC)]
    app = make_kiosk(seeded_path, first_slide=1, refresh_seconds=0.1, utc_clock=lambda: now[0])
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        text = screen_text(app)
        assert "Iuran bulan Desember 2026" in text
        assert "sampai 31 Desember 2026" in text
        assert digits(app, "#pay-row-0 .pay-due") == "8.400"
        now[0] = datetime(2026, 12, 31, 17, 1, tzinfo=UTC)  # 00:01 WIB, 1 January
        await wait_until(pilot, lambda: "Iuran bulan Januari 2027" in screen_text(app))
        text = screen_text(app)
        january = contributions.quote(1_000_000, sector="perdagangan", month=date(2027, 1, 1))
        assert january.discount is None
        assert digits(app, "#pay-row-0 .pay-due") == rupiah(january.due_total)[2:]
        assert "Bulan ini tidak ada diskon iuran." in text
        assert "Ojek, sopir, kurir: diskon sampai 31 Maret 2027" in text
