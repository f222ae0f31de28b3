"""The world of a multi-branch sample hub (issue 17): a head office, regional offices
(Kantor Wilayah), branches (Kantor Cabang) with their officers, laptops and events, and
the target area Soloraya.

Regions group provinces the way BPJS Ketenagakerjaan's regional offices do (roughly: the
grouping is the sample's, the province names are Kepmendagri's, ``data/provinces.toml``);
a branch is a real regency or city (``data/regencies.toml``) and registers people whose
NIKs carry its code. Soloraya's branches and the targets of Surakarta (34,785 informal-
sector workers) and Soloraya (52,183) come from the news cited in
/shared/reference/bpjstk-bpu.md (Antara Jateng, 25 Mar 2019); every other target, officer,
event and person is made up. Pure and deterministic: the same arguments, the same world.
"""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from outreach_tui.domain.nik import provinces, regencies
from outreach_tui.sampledata import names as n

HEAD_OFFICE = ("KP", "Kantor Pusat")
# (code, name, province codes): Java first, then Sumatra, then the east; `--regions N`
# takes the first N.
REGIONS = (
    ("KW-JATENG", "Kanwil Jawa Tengah & DI Yogyakarta", ("33", "34")),
    ("KW-SUMBAGSEL", "Kanwil Sumatera Bagian Selatan", ("16", "15", "17", "18", "19")),
    ("KW-JATIM", "Kanwil Jawa Timur", ("35",)),
    ("KW-JABAR", "Kanwil Jawa Barat", ("32",)),
    ("KW-DKI", "Kanwil DKI Jakarta", ("31",)),
    ("KW-BANTEN", "Kanwil Banten", ("36",)),
    ("KW-SUMBAGUT", "Kanwil Sumatera Bagian Utara", ("12", "11")),
    ("KW-SUMBARRIAU", "Kanwil Sumatera Barat & Riau", ("13", "14", "21")),
    ("KW-KALIMANTAN", "Kanwil Kalimantan", ("64", "61", "62", "63", "65")),
    ("KW-SULAMA", "Kanwil Sulawesi & Maluku", ("73", "71", "72", "74", "75", "76", "81", "82")),
    ("KW-BALINUSRA", "Kanwil Bali & Nusa Tenggara", ("51", "52", "53")),
    ("KW-PAPUA", "Kanwil Papua", ("91", "92", "93", "94", "95", "96")),
)
MAX_REGIONS = len(REGIONS)
# Soloraya (Surakarta and the six regencies around it) and the cities whose news the
# sample quotes come first in their regions.
SOLORAYA = ("3372", "3311", "3313", "3310", "3309", "3314", "3312")
FIRST = {"KW-JATENG": SOLORAYA, "KW-SUMBAGSEL": ("1671",)}
AREA = ("SOLORAYA", "Soloraya")
SURAKARTA_INFORMAL = 34_785  # Antara Jateng 25 Mar 2019
SOLORAYA_INFORMAL = 52_183
PALEMBANG_NEW_EMPLOYERS = 1_441  # Tribun Sumsel 21 Sep 2021
# Javanese names on Java, Bali and eastwards; Malay-Palembang names on Sumatra and
# Kalimantan (the laptop sample's two flavours).
MALAY_REGIONS = ("KW-SUMBAGSEL", "KW-SUMBAGUT", "KW-SUMBARRIAU", "KW-KALIMANTAN")

FIRST_DAY = date(2025, 1, 6)  # a Monday; events every fortnight per branch from here
LAST_DAY = date(2026, 11, 29)
EVENT_DAYS = 4  # Thursday to Sunday
MAX_EVENTS = 50  # per branch, one a fortnight over the period
RECORDS_PER_EVENT = 150  # fewer records: fewer events, so a small hub is not all gaps
RECORDS_PER_OFFICER_DAY = 60  # a busy booth day for one officer
VENUES = ("Balai Kota {city}", "Alun-alun {city}", "Pasar {city}", "Gedung Serbaguna {city}",
          "Lapangan {city}", "Pendopo {city}")  # fmt: skip


@dataclass(frozen=True)
class Region:
    code: str
    name: str
    provinces: tuple[str, ...]
    malay: bool


@dataclass(frozen=True)
class Officer:
    code: str
    name: str
    device_id: str  # the hub's enrolled device
    laptop_id: str  # the laptop's own id (records' device_id)


@dataclass(frozen=True)
class Event:
    code: str
    name: str
    venue: str
    city: str
    starts_on: date
    ends_on: date
    target_registrations: int


@dataclass(frozen=True)
class Branch:
    code: str
    name: str
    city: str
    regency: str  # Kemendagri code, NIKs' first four digits
    region: Region
    officers: tuple[Officer, ...]
    events: tuple[Event, ...]
    informal_target: int


@dataclass(frozen=True)
class World:
    regions: tuple[Region, ...]
    branches: tuple[Branch, ...]
    area_branches: tuple[str, ...]  # Soloraya's branch codes here (may be empty)
    year: int  # the targets' year


def _short(regency_name: str) -> str:
    for prefix in ("Kabupaten ", "Kota ", "Administrasi "):
        regency_name = regency_name.removeprefix(prefix)
    return regency_name


def _code(words: str) -> str:
    return re.sub(r"[^A-Z0-9]+", "-", words.upper()).strip("-")[:30]


def _regencies_of(region: Region) -> list[str]:
    """The region's regencies in the order branches take them: the news' cities first,
    then cities (codes 71–99), then regencies, each by code."""
    current = regencies().current
    codes = [c for c in sorted(current) if c[:2] in region.provinces]
    first = [c for c in FIRST.get(region.code, ()) if c in current]
    rest = [c for c in codes if c not in first]
    return first + sorted(rest, key=lambda c: (int(c[2:]) < 71, c[:2] != region.provinces[0], c))


def build_world(*, seed: int, branches: int, regions: int, devices: int, records: int) -> World:
    """Regions, branches (spread over the regions in turn), officers (``devices`` laptops,
    spread over the branches) and each branch's events, sized for ``records``."""
    if not 1 <= regions <= MAX_REGIONS:
        raise ValueError(f"regions must be 1 to {MAX_REGIONS}")
    rng = random.Random(f"hub-world-{seed}")
    chosen = tuple(Region(c, name, prov, c in MALAY_REGIONS) for c, name, prov in REGIONS[:regions])
    queues = {r.code: _regencies_of(r) for r in chosen}
    if branches < 1 or branches > sum(map(len, queues.values())):
        raise ValueError(f"branches must be 1 to {sum(map(len, queues.values()))}")
    if devices < branches:
        raise ValueError("every branch needs a laptop: devices must be at least branches")
    picked: list[tuple[Region, str]] = []
    while len(picked) < branches:
        for region in chosen:
            if queues[region.code] and len(picked) < branches:
                picked.append((region, queues[region.code].pop(0)))
    names = regencies().current
    shorts = [_short(names[c]) for _, c in picked]
    per_branch = max(1, records // branches)
    events = max(1, min(MAX_EVENTS, per_branch // RECORDS_PER_EVENT))
    out = []
    for i, (region, regency) in enumerate(picked):
        city = shorts[i]
        # "Kota Bogor" and "Kabupaten Bogor" are two branches: the regency's code keeps
        # them apart.
        code = "KC-" + _code(city) + ("-KAB" if shorts.count(city) > 1 and
                                      names[regency].startswith("Kabupaten") else "")  # fmt: skip
        share = devices // branches + (1 if i < devices % branches else 0)
        officers = tuple(_officer(rng, region, code, k) for k in range(1, share + 1))
        out.append(Branch(
            code=code, name=f"KC {city}", city=city, regency=regency, region=region,
            officers=officers, events=_events(rng, code, city, events, per_branch),
            informal_target=SURAKARTA_INFORMAL if regency == "3372"
            else max(100, int(round(per_branch * 1.25, -2))),
        ))  # fmt: skip
    area = tuple(b.code for b in out if b.regency in SOLORAYA)
    return World(chosen, tuple(out), area if len(area) > 1 else (), LAST_DAY.year)


def _officer(rng: random.Random, region: Region, branch: str, k: int) -> Officer:
    female = rng.random() < 0.5
    given: Sequence[str]
    second: Sequence[str]
    if region.malay:
        given = n.PLG_FEMALE if female else n.PLG_MALE
        second = n.PLG_SECOND_FEMALE if female else n.PLG_SECOND_MALE
    else:
        given = n.SKA_FEMALE if female else n.SKA_MALE
        second = n.SKA_SECOND_FEMALE if female else n.SKA_SECOND_MALE
    name = f"{rng.choice(given)} {rng.choice(second)}"
    stem = branch.removeprefix("KC-")[:30]
    return Officer(f"{stem}-{k:02d}", name, _uuid(rng), f"laptop-{_uuid(rng)}")


def _uuid(rng: random.Random) -> str:
    h = f"{rng.getrandbits(128):032x}"
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-a{h[17:20]}-{h[20:]}"


def _events(
    rng: random.Random, branch: str, city: str, count: int, records: int
) -> tuple[Event, ...]:
    """``count`` four-day events, spread evenly over the period (a fortnight apart at the
    most), Thursday to Sunday."""
    fortnights = (LAST_DAY - FIRST_DAY).days // 14
    step = max(1, fortnights // count)
    out = []
    for k in range(count):
        starts = FIRST_DAY + timedelta(days=14 * (k * step) + 3)
        venue = rng.choice(VENUES).format(city=city)
        out.append(Event(
            code=f"{branch.removeprefix('KC-')[:24]}-{starts:%Y%m%d}",
            name=f"Pekan UMKM {city} {starts:%Y}" if k % 2 == 0 else f"Sosialisasi BPU {city}",
            venue=venue, city=city, starts_on=starts,
            ends_on=starts + timedelta(days=EVENT_DAYS - 1),
            target_registrations=max(10, int(round(records / count * 0.6, -1))),
        ))  # fmt: skip
    return tuple(out)


def province_name(code: str) -> str:
    return provinces().get(code, code)
