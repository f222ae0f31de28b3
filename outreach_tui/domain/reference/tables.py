"""Reading the dataset's TOML tables into the frozen dataclasses of this package.

Each dataclass is built from its table, driven by its annotations: money and counts are
whole and never negative, text is never blank, ``*_month`` fields are ``YYYY-MM``, and a
field with a fixed set of values takes only those. A malformed value raises
ReferenceDataError naming the field (``rules[3].rate_bp: …``); unknown keys are ignored,
so an older app can still read a newer dataset.
"""

from __future__ import annotations

import re
from dataclasses import MISSING, fields
from datetime import date
from typing import TYPE_CHECKING, Any, TypeVar

from outreach_tui.domain.reference.rates import CONFIDENCE, DISCOUNT_GROUPS, KINDS, PATHS
from outreach_tui.domain.reference.sectors import SECTOR_GROUPS

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

_D = TypeVar("_D", bound="DataclassInstance")  # a dataset row: one of this package's dataclasses

# Fields, by name, that take only these values (whichever table they are in).
CHOICES = {
    "path": PATHS,
    "kind": KINDS,
    "confidence": CONFIDENCE,
    "group": SECTOR_GROUPS,
    "sector_group": DISCOUNT_GROUPS,
}
_MONTH = re.compile(r"(\d{4})-(\d{2})")


class ReferenceDataError(ValueError):
    """The reference dataset is malformed; ``message`` names the offending field."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def parse_month(text: str) -> date:
    """``"2026-05"`` -> ``date(2026, 5, 1)``; ValueError with a clear message otherwise."""
    match = _MONTH.fullmatch(text.strip()) if isinstance(text, str) else None
    if not match or not 1 <= int(match[2]) <= 12:
        raise ValueError(f"month must look like YYYY-MM (e.g. 2026-05), got {text!r}")
    return date(int(match[1]), int(match[2]), 1)


def _value(kind: str, value: Any, at: str) -> Any:
    ok: Any = None
    if kind in ("date", "month"):
        try:
            if kind == "month":
                ok = parse_month(value)
            elif isinstance(value, str):
                ok = date.fromisoformat(value)
            elif isinstance(value, date):
                ok = value
        except ValueError as exc:
            raise ReferenceDataError(f"{at}: {exc}") from None
    elif kind == "int":  # money and counts: whole, never negative, never a bool
        ok = (
            value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None
        )
    elif kind == "bool":
        ok = value if isinstance(value, bool) else None
    elif kind == "str":
        ok = value if isinstance(value, str) and value.strip() else None
    elif kind.startswith("tuple[") and isinstance(value, list):
        items = [_value(kind[6:-6], item, f"{at}[{i}]") for i, item in enumerate(value)]
        ok = tuple(items)
    if ok is None:
        raise ReferenceDataError(f"{at}: invalid value {value!r} (expected {kind})")
    return ok


def build(cls: type[_D], data: Any, where: str, **parsed: Any) -> _D:
    """One ``cls`` from the table ``data`` found at ``where``; ``parsed``: fields the
    caller built already (nested tables)."""
    if not isinstance(data, dict):
        raise ReferenceDataError(f"{where}: expected a table")
    values = dict(parsed)
    for f in fields(cls):
        at = f"{where}.{f.name}" if where else f.name
        if f.name in values:
            continue
        if f.name not in data:
            if f.default is MISSING:
                raise ReferenceDataError(f"{at}: missing")
            continue
        kind = "month" if f.name.endswith("_month") else str(f.type).removesuffix(" | None")
        values[f.name] = value = _value(kind, data[f.name], at)
        if f.name in CHOICES and value not in CHOICES[f.name]:
            raise ReferenceDataError(f"{at}: {value!r} is not one of {CHOICES[f.name]}")
    return cls(**values)


def rows(cls: type[_D], data: dict[str, Any], key: str, prefix: str = "") -> tuple[_D, ...]:
    """The array of tables ``data[key]`` (none: empty), each a ``cls``; no two with the
    same ``id`` or ``code``."""
    tables = data.get(key, [])
    if not isinstance(tables, list):
        raise ReferenceDataError(f"{prefix}{key}: expected an array of tables")
    built = tuple(build(cls, table, f"{prefix}{key}[{i}]") for i, table in enumerate(tables))
    ident = next((a for a in ("id", "code") if a in cls.__dataclass_fields__), None)
    if ident:
        keys = [getattr(item, ident) for item in built]
        if dupes := sorted({k for k in keys if keys.count(k) > 1}):
            raise ReferenceDataError(f"{prefix}{key}: duplicate {ident} {dupes}")
    return built
