"""What JKM and JKK pay (PP 44/2015 as amended by PP 82/2019; data/benefits.toml): the
figures ``domain/benefits.py`` explains to a visitor."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class ScholarshipLevel:
    code: str
    per_year: int
    max_years: int

    @property
    def max_per_child(self) -> int:
        return self.per_year * self.max_years


@dataclass(frozen=True)
class Scholarship:
    max_children: int
    end_age: int
    levels: tuple[ScholarshipLevel, ...]

    @property
    def per_child(self) -> int:
        return sum(level.max_per_child for level in self.levels)


@dataclass(frozen=True)
class JkmBenefits:
    lump_sum: int
    periodic_count: int
    periodic_amount: int
    funeral: int
    scholarship_min_years: int


@dataclass(frozen=True)
class JkkBenefits:
    transport_land_river: int
    transport_sea: int
    transport_air: int
    stmb_full_months: int
    stmb_full_percent: int
    stmb_after_percent: int
    permanent_disability_multiplier: int
    death_multiplier: int
    death_periodic: int
    funeral: int
    home_care_max: int
    claim_lapse_years: int
    scholarship_min_years: int


@dataclass(frozen=True)
class BenefitsCatalogue:
    version: str
    published: date
    effective_from: date
    legal_basis: str
    source: str
    confidence: str
    jkm: JkmBenefits
    jkk: JkkBenefits
    scholarship: Scholarship
