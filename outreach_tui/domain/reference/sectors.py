"""The lines of business an officer can pick, each with its discount group and, for the
PU path, its JKK risk group (data/sectors.toml)."""

from __future__ import annotations

from dataclasses import dataclass

SECTOR_GROUPS = ("transport", "general")


@dataclass(frozen=True)
class Sector:
    code: str
    label_id: str
    label_en: str
    group: str  # "transport" | "general"
    # PU path: the JKK risk group of this line of business (PP 44/2015 Lampiran I), the
    # reason for it and how sure it is (C: not verified, shown as an estimate).
    risk_group: int = 1
    risk_group_basis: str = ""
    risk_group_confidence: str = "C"
