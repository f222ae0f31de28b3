"""The sample's world: two branches, their officers, three events, two regional flavours.

Figures come from the news cited in /shared/reference/bpjstk-bpu.md ("Outreach figures
from the news"); everything about people is made up.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from outreach_tui.sampledata import names as n

WIB_OFFSET_HOURS = 7  # booth clocks are local (WIB, UTC+7); storage is UTC


@dataclass(frozen=True)
class Region:
    """A regional flavour: the NIK province, where people live and what they are called."""

    code: str  # "PLG" | "SKA"
    province_code: str
    minimum_wage_region: str  # key into the reference dataset's minimum wages
    regencies: tuple[n.Regency, ...]
    regency_weights: tuple[int, ...]
    male: tuple[str, ...]
    female: tuple[str, ...]
    second_male: tuple[str, ...]
    second_female: tuple[str, ...]
    titles_male: tuple[str, ...]
    titles_female: tuple[str, ...]
    birth_places: tuple[str, ...]
    suffixes: tuple[str, ...]
    honorifics: dict[str, tuple[str, ...]]
    sector_weights: tuple[tuple[str, int], ...]


# (sector, weight) for owners; transport (ojek, kurir, sopir) kept at a few percent.
_PLG_SECTORS = (
    ("perdagangan", 260), ("kuliner", 280), ("industri_rumahan", 120), ("kerajinan", 60),
    ("jasa", 120), ("pertanian", 30), ("perikanan", 30), ("peternakan", 20),
    ("konstruksi", 30), ("lainnya", 10), ("ojek", 20), ("kurir", 15), ("sopir", 5),
)  # fmt: skip
_SKA_SECTORS = (  # Surakarta: more batik and crafts, fewer fish ponds
    ("perdagangan", 240), ("kuliner", 240), ("industri_rumahan", 120), ("kerajinan", 130),
    ("jasa", 120), ("pertanian", 30), ("perikanan", 10), ("peternakan", 20),
    ("konstruksi", 30), ("lainnya", 10), ("ojek", 20), ("kurir", 15), ("sopir", 15),
)  # fmt: skip


PLG = Region(
    code="PLG",
    province_code="16",
    minimum_wage_region="Kota Palembang",
    regencies=n.PLG_REGENCIES,
    regency_weights=n.PLG_REGENCY_WEIGHTS,
    male=n.PLG_MALE,
    female=n.PLG_FEMALE,
    second_male=n.PLG_SECOND_MALE,
    second_female=n.PLG_SECOND_FEMALE,
    titles_male=n.PLG_TITLE_MALE,
    titles_female=n.PLG_TITLE_FEMALE,
    birth_places=n.PLG_BIRTH_PLACES,
    suffixes=n.BUSINESS_SUFFIX + n.BUSINESS_SUFFIX_PLG,
    honorifics=n.HONORIFIC_PLG,
    sector_weights=_PLG_SECTORS,
)

SKA = Region(
    code="SKA",
    province_code="33",
    minimum_wage_region="Kota Surakarta",
    regencies=n.SKA_REGENCIES,
    regency_weights=n.SKA_REGENCY_WEIGHTS,
    male=n.SKA_MALE,
    female=n.SKA_FEMALE,
    second_male=n.SKA_SECOND_MALE,
    second_female=n.SKA_SECOND_FEMALE,
    titles_male=(),
    titles_female=(),
    birth_places=n.SKA_BIRTH_PLACES,
    suffixes=n.BUSINESS_SUFFIX + n.BUSINESS_SUFFIX_SKA,
    honorifics=n.HONORIFIC_SKA,
    sector_weights=_SKA_SECTORS,
)


@dataclass(frozen=True)
class Branch:
    code: str
    name: str
    city: str
    region: Region
    target_year: int | None
    target_new_employers: int | None
    target_informal: int | None
    created_on: date
    officers: tuple[str, ...]  # officer codes


BRANCHES = (
    # Tribun Sumsel 21 Sep 2021: new-employer target 1,441 for the year.
    Branch("PLG", "Kantor Cabang Palembang", "Palembang", PLG, 2021, 1441, None,
           date(2021, 1, 4), ("PLG-01", "PLG-02", "PLG-03")),
    # Antara Jateng 25 Mar 2019: informal-sector target 34,785 for Surakarta.
    Branch("SKA", "Kantor Cabang Surakarta", "Surakarta", SKA, 2019, None, 34785,
           date(2019, 1, 2), ("SKA-01", "SKA-02")),
)  # fmt: skip

# Booth rhythm: relative weight per opening hour (local), first entry = opening hour.
MALL_HOURS = (10, (10, 12, 15, 13, 10, 10, 13, 16, 20, 22, 16))  # busiest 18:00–20:00
HALL_HOURS = (9, (14, 18, 16, 8, 12, 10, 6))  # an office-hours socialisation


@dataclass(frozen=True)
class EventSpec:
    code: str
    name: str
    venue: str
    city: str
    branch: str
    starts_on: date
    ends_on: date
    target_registrations: int | None
    target_workers: int | None
    target_leads: int | None
    share: int  # per mille of all generated registration rows
    hours: tuple[int, tuple[int, ...]]
    synced: bool  # True: the officer synced after every day; False: still at the booth


EVENTS = (
    # Antara Jateng 17 Oct 2019: 329 workers of Surakarta UMKM registered, micro businesses
    # on the PU minimum package (0.54% of the UMK, "under Rp10,000").
    EventSpec("SKA-SOSBPU-2019", "Sosialisasi BPU UMKM Surakarta", "Balai Kota Surakarta",
              "Surakarta", "SKA", date(2019, 10, 14), date(2019, 10, 17), None, 329, None,
              400, HALL_HOURS, True),
    # Tribun Sumsel 21 Sep 2021: 100 UMKM ready to register at the expo.
    EventSpec("SUMSEL-EXPO-2021", "Sumsel Marketing Expo 2021", "Palembang Indah Mall",
              "Palembang", "PLG", date(2021, 9, 22), date(2021, 10, 3), 100, None, None,
              350, MALL_HOURS, True),
    # Synthetic, not from the news: a current event so the booth screens have "today".
    EventSpec("PEKAN-UMKM-2026", "Pekan UMKM Sumsel 2026", "Palembang Indah Mall",
              "Palembang", "PLG", date(2026, 11, 16), date(2026, 11, 29), 150, 400, 40,
              250, MALL_HOURS, False),
)  # fmt: skip
CURRENT_EVENT = "PEKAN-UMKM-2026"

# Day rhythm: weekends and the closing day are busier (Mon=0 .. Sun=6).
WEEKDAY_WEIGHT = (10, 10, 10, 10, 12, 18, 16)
FIRST_DAY_FACTOR, LAST_DAY_FACTOR = 115, 125  # percent

VOID_REASONS = (
    "Data ganda, sudah didaftarkan petugas lain",
    "Peserta membatalkan pendaftaran",
    "Salah input NIK, didaftarkan ulang",
    "Pekerja sudah terdaftar lewat perusahaan lain",
)
