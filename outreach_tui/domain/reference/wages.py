"""Regional minimum wages (UMP/UMK): the wage a PU micro-business worker is priced at."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class MinimumWage:
    region: str
    year: int
    amount: int
    source: str
    region_code: str = ""

    def is_for(self, key: str) -> bool:
        """``key``: a region's name (case-folded) or its Kemendagri code."""
        return key in (self.region.casefold(), self.region_code)


@dataclass(frozen=True)
class WageFound:
    """A regional minimum wage looked up for ``year``: ``wage.year`` is the source year;
    an older year than asked (the dataset has none for ``year``) makes it an estimate."""

    wage: MinimumWage
    year: int  # the year asked for

    @property
    def estimate(self) -> bool:
        return self.wage.year != self.year


def wage_for(wages: Iterable[MinimumWage], region: str, year: int) -> WageFound:
    """The minimum wage of ``region`` (name or Kemendagri code) for ``year``; when there
    is no figure for that year, the latest earlier one (an estimate)."""
    key = region.strip().casefold()
    rows = [wage for wage in wages if wage.is_for(key) and wage.year <= year]
    if not rows:
        raise ValueError(f"no minimum wage for {region!r} in or before {year}")
    return WageFound(max(rows, key=lambda wage: wage.year), year)


def minimum_wage(wages: Iterable[MinimumWage], region: str, year: int) -> MinimumWage:
    """The minimum wage of ``region`` set for exactly ``year``."""
    for wage in wages:
        if wage.year == year and wage.is_for(region.casefold()):
            return wage
    raise ValueError(f"no minimum wage for {region!r} in {year}")
