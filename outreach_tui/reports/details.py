"""The registration details (issue 20) as people read them: an income band's range, an
occupation's name. Shared by the booth's form and the XLSX export."""

from __future__ import annotations

from outreach_tui.domain.money import rupiah
from outreach_tui.i18n import t


def band_label(band_id: str, language: str) -> str:
    """``bpu-band-lowest`` → ``s.d. Rp1.000.000``; an estimated row says so; an unknown id
    is shown as it is."""
    from outreach_tui.domain.reference import load_reference

    band = next((b for b in load_reference().income_bands if b.id == band_id), None)
    if band is None:
        return band_id
    if band.from_income <= 0 and band.to_income is not None:
        text = t("band.lowest", language, to=rupiah(band.to_income))
    elif band.to_income is None:
        text = t("band.above", language, **{"from": rupiah(band.from_income - 1)})
    else:
        text = t("band.range", language, to=rupiah(band.to_income),
                 **{"from": rupiah(band.from_income)})  # fmt: skip
    return t("band.estimate", language, band=text) if band.confidence == "C" else text


def band_options(language: str) -> list[tuple[str, str]]:
    """(label, id) of every BPU income band, lowest first."""
    from outreach_tui.domain.reference import load_reference

    return [(band_label(b.id, language), b.id) for b in load_reference().income_bands]


def band_for_income(income: int) -> str | None:
    """The id of the band a declared income falls in (the BPU floor applied), or None."""
    from outreach_tui.domain.reference import load_reference

    ref = load_reference()
    band = ref.income_band(max(income, ref.min_declared_income))
    return band.id if band is not None else None


def occupation_options(language: str) -> list[tuple[str, str]]:
    from outreach_tui.domain.occupations import occupations

    return [(o.label(language), o.code) for o in occupations()]


def occupation_label(code: str, language: str) -> str:
    from outreach_tui.domain.occupations import occupation_label as label

    return label(code, language)
