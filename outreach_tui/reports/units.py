"""The hub's organisational units as reports read them (issue 17): from the ``units`` list
a hub source's context carries (code, name, kind, parent_code, branches of an area).

Tallies group records by their unit's branch, region or target area; targets roll up the
tree. Records carry the unit that pushed them (a branch or a sub-branch); a record from
before units has unit ''.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any


class UnitTree:
    def __init__(self, units: Iterable[Mapping[str, Any]]) -> None:
        self.units = {str(u["code"]): dict(u) for u in units}
        self.children: dict[str, list[str]] = {}
        # Remembered answers (the tree never changes): a national tally asks per fact row.
        self._up: dict[tuple[str, str], str] = {}
        self._areas: dict[str, list[str]] = {}
        for code, unit in sorted(self.units.items()):
            parent = unit.get("parent_code")
            if parent and unit["kind"] != "area":
                self.children.setdefault(str(parent), []).append(code)

    def name(self, code: str) -> str | None:
        unit = self.units.get(code)
        return None if unit is None else str(unit["name"])

    def up_to(self, code: str, kind: str) -> str:
        """The unit of ``kind`` at or above ``code`` ('' if there is none): a sub-branch's
        branch, a branch's region."""
        known = self._up.get((code, kind))
        if known is None:
            known = self._up[(code, kind)] = self._walk_up(code, kind)
        return known

    def _walk_up(self, code: str, kind: str) -> str:
        seen: set[str] = set()
        while code and code not in seen:
            seen.add(code)
            unit = self.units.get(code)
            if unit is None:
                return ""
            if unit["kind"] == kind:
                return code
            code = str(unit.get("parent_code") or "")
        return ""

    def areas_of(self, code: str) -> list[str]:
        """The target areas a unit's branch is in (a branch may be in several)."""
        known = self._areas.get(code)
        if known is None:
            known = self._areas[code] = self._find_areas(code)
        return known

    def _find_areas(self, code: str) -> list[str]:
        branch = self.up_to(code, "branch")
        found = [
            area for area, unit in sorted(self.units.items())
            if unit["kind"] == "area" and branch and branch in (unit.get("branches") or [])
        ]  # fmt: skip
        return found or [""]

    def subtree(self, code: str) -> set[str]:
        """``code`` and every unit under it; for an area, its branches' subtrees."""
        unit = self.units.get(code)
        if unit is None:
            return set()
        roots = list(unit.get("branches") or []) if unit["kind"] == "area" else [code]
        out: set[str] = set()
        stack = list(roots)
        while stack:
            current = stack.pop()
            if current not in out:
                out.add(current)
                stack += self.children.get(current, [])
        return out

    def value(self, dimension: str, code: str) -> str:
        """A record's unit as the tally dimension ``branch`` or ``region`` shows it."""
        return self.up_to(code, dimension)
