"""Fictional people, phones, addresses and businesses, drawn from one seeded Random.

Only ``random.Random`` methods are used, always in the same order for the same inputs, so a
seed reproduces every value. No clock, no set or dict iteration.
"""

from __future__ import annotations

import random
from bisect import bisect
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from itertools import accumulate
from typing import TypeVar

from outreach_tui.sampledata import names as n
from outreach_tui.sampledata.scenario import Region

# Operator prefixes after +62 (Telkomsel, Indosat, XL/Axis, Tri, Smartfren), weighted
# roughly by market share; all valid mobile ranges in libphonenumber's metadata.
_PHONE_PREFIXES = (
    "811", "812", "813", "821", "822", "823", "852", "853", "851",
    "814", "815", "816", "855", "856", "857", "858",
    "817", "818", "819", "859", "877", "878", "831", "832", "833", "838",
    "895", "896", "897", "898", "899", "881", "882", "883", "887", "888", "889",
)  # fmt: skip
_PHONE_CUM = tuple(accumulate([6] * 9 + [3] * 7 + [3] * 10 + [2] * 5 + [1] * 6))
_PHONE_DIGITS = (7, 8, 8, 8, 9)  # after the prefix: 10–12 digit national numbers
_EMAIL_DOMAINS = ("example.com", "example.com", "example.net", "example.org")  # RFC 2606
_AGES = tuple(range(18, 61))
_AGE_CUM = tuple(accumulate(10 if a < 26 else 16 if a < 46 else 9 for a in _AGES))
_POOL_SIZE = 20_000  # people kept per region for deliberate repeat registrations
_BIRTHS: dict[int, tuple[str, int, str]] = {}  # ordinal -> (ISO date, day, "MMYY")
T = TypeVar("T")
Rand = Callable[[], float]


# ``Random.choice``/``choices``/``randint`` cost a microsecond or more each; a million rows
# make tens of millions of draws, so these use ``Random.random()`` directly (still seeded).
def pick(rand: Rand, items: Sequence[T]) -> T:
    return items[int(rand() * len(items))]


def pick_weighted(rand: Rand, items: Sequence[T], cum: Sequence[int]) -> T:
    """Like ``random.choices(items, cum_weights=cum)[0]``."""
    return items[bisect(cum, rand() * cum[-1])]


def between(rand: Rand, low: int, high: int) -> int:
    """Like ``randint(low, high)``: both ends included."""
    return low + int(rand() * (high - low + 1))


@dataclass(frozen=True)
class Person:
    nik: str
    full_name: str
    given: str
    sex: str  # "F" | "M"
    birth_date: str  # ISO
    birth_place: str | None
    regency: n.Regency


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a common year
        return day.replace(year=day.year - years, day=28)


def _typo(name: str, rng: random.Random) -> str:
    """The same name with two adjacent letters swapped (what a later edit corrects)."""
    spots = [i for i in range(len(name) - 1) if name[i].isalpha() and name[i + 1].isalpha()]
    spots = [i for i in spots if name[i] != name[i + 1]]
    if not spots:
        return name + "a"
    i = pick(rng.random, spots)
    return name[:i] + name[i + 1] + name[i] + name[i + 2 :]


class PeopleMaker:
    """Makes people and their contact details for one region."""

    def __init__(self, rng: random.Random, region: Region) -> None:
        self.rng = rng
        self.rand = rng.random
        self.region = region
        self._regency_cum = tuple(accumulate(region.regency_weights))
        self._by_code = {r.code: r for r in region.regencies}
        sectors, weights = zip(*region.sector_weights, strict=True)
        self._sectors: tuple[str, ...] = sectors
        self._sector_cum = tuple(accumulate(weights))
        self._kinds = {
            s: tuple(k for k, sec, reg in n.BUSINESS_KINDS if sec == s and reg in ("", region.code))
            for s in sectors
        }
        self._lane = "Lr." if region.code == "PLG" else "Gg."  # lorong / gang: a side lane
        self._age_day: date | None = None
        self._age_bounds: tuple[tuple[int, int], ...] = ()
        self._pool: list[Person] = []
        self._made = 0

    def regency(self, code: str) -> n.Regency:
        return self._by_code.get(code, self.region.regencies[0])

    def _birth_ordinal(self, on: date) -> int:
        """A birthday making the person 18–60 years old on ``on``."""
        if on != self._age_day:  # bounds per age, computed once per booth day
            bounds = []
            for age in _AGES:
                oldest = _years_before(on, age + 1).toordinal() + 1
                bounds.append((oldest, _years_before(on, age).toordinal()))
            self._age_day, self._age_bounds = on, tuple(bounds)
        lo, hi = pick_weighted(self.rand, self._age_bounds, _AGE_CUM)
        return between(self.rand, lo, hi)

    def name(self, sex: str) -> tuple[str, str]:
        """(full name, given name)."""
        rand, reg = self.rand, self.region
        female = sex == "F"
        given = pick(rand, reg.female if female else reg.male)
        full = given
        if rand() < 0.7:
            second = pick(rand, reg.second_female if female else reg.second_male)
            if second != given:
                full = f"{given} {second}"
        titles = reg.titles_female if female else reg.titles_male
        if titles and rand() < 0.05:
            full = f"{pick(rand, titles)} {full}"
        elif not female and given != "Muhammad" and rand() < 0.06:
            full = f"Muhammad {full}"
        return full, given

    def person(self, on: date, sex: str | None = None) -> Person:
        rand = self.rand
        sex = sex or ("F" if rand() < 0.5 else "M")
        regency = pick_weighted(rand, self.region.regencies, self._regency_cum)
        ordinal = self._birth_ordinal(on)
        birth = _BIRTHS.get(ordinal)
        if birth is None:
            born = date.fromordinal(ordinal)
            birth = _BIRTHS[ordinal] = (born.isoformat(), born.day, born.strftime("%m%y"))
        born_iso, day, mmyy = birth
        if sex == "F":
            day += 40  # the NIK marks women by adding 40 to the birth day
        district = between(rand, 1, regency.districts)
        serial = between(rand, 1, 2999)
        nik = f"{regency.code}{district:02d}{day:02d}{mmyy}{serial:04d}"
        full_name, given = self.name(sex)
        place: str | None = None
        if rand() < 0.9:
            place = pick(rand, self.region.birth_places)
            if rand() < 0.5:
                place = regency.city
        person = Person(nik, full_name, given, sex, born_iso, place, regency)
        # Reservoir sample of everyone made so far, for repeat registrations.
        self._made += 1
        if len(self._pool) < _POOL_SIZE:
            self._pool.append(person)
        elif (slot := int(rand() * self._made)) < _POOL_SIZE:
            self._pool[slot] = person
        return person

    def repeat(self, on: date, probability: float) -> Person | None:
        """With ``probability``, someone made earlier (same NIK, name and birth date): the
        same person registering again at another event or day, for duplicate review."""
        pool, rand = self._pool, self.rand
        if pool and rand() < probability:
            again = pool[int(rand() * len(pool))]
            if int(again.birth_date[:4]) >= on.year - 65:
                return again
        return None

    def phone(self) -> str:
        rand = self.rand
        prefix = pick_weighted(rand, _PHONE_PREFIXES, _PHONE_CUM)
        digits = pick(rand, _PHONE_DIGITS)
        return f"+62{prefix}{int(rand() * 10**digits):0{digits}d}"

    def email(self, full_name: str) -> str:
        rand = self.rand
        words = ["".join(c for c in w.lower() if c.isalpha()) for w in full_name.split()]
        words = [w for w in words if w]
        local = words[-1] if len(words) == 1 or rand() < 0.3 else ".".join(words[-2:])
        if rand() < 0.7:
            local += str(between(rand, 1, 99))
        return f"{local}@{pick(rand, _EMAIL_DOMAINS)}"

    def address(self, regency: n.Regency) -> str:
        rand = self.rand
        street = pick(rand, regency.streets)
        number = between(rand, 1, 250)
        village = pick(rand, regency.villages)
        gang = f" {self._lane} {between(rand, 1, 12)}" if rand() < 0.15 else ""
        return f"Jl. {street}{gang} No. {number}, {village}, {regency.city}"

    def sector(self) -> str:
        return pick_weighted(self.rand, self._sectors, self._sector_cum)

    def business(self, sector: str, sex: str, given: str) -> str:
        rand = self.rand
        kind = pick(rand, self._kinds[sector])
        if rand() < 0.4:
            return f"{kind} {pick(rand, self.region.honorifics[sex])} {given}"
        return f"{kind} {pick(rand, self.region.suffixes)}"

    typo = staticmethod(_typo)
