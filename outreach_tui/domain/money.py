"""Integer rupiah helpers. Money is never a float anywhere in outreach."""

from __future__ import annotations


def rupiah(amount: int) -> str:
    """Format with Indonesian grouping: 16800 -> 'Rp16.800', -5000 -> '-Rp5.000'."""
    sign = "-" if amount < 0 else ""
    return f"{sign}Rp{abs(amount):,}".replace(",", ".")


def percent_of(amount: int, basis_points: int) -> int:
    """``amount`` × ``basis_points``/10000, rounded half up, in whole rupiah."""
    return (amount * basis_points + 5000) // 10000


def discounted(amount: int, percent_off: int) -> int:
    """Apply a whole-percent discount, rounding half up (6800 at 99% off -> 68)."""
    return (amount * (100 - percent_off) + 50) // 100
