"""Column mappings of the Perisai hand-off and of the activation answer, kept as data.

No public file format of the Perisai channel was found (shared/reference/bpjstk-bpu.md),
so the branch adapts the files to whatever template it is given by editing a TOML file:
column titles and order, the date and money formats, code lists (sex, sector, occupation,
…). The shipped defaults are ``data/handoff.toml`` and ``data/activation.toml``; their
fields are documented one by one in docs/HANDOFF.md. A mapping that does not load is one
line naming the column or key at fault (``MappingError``), before any database or file is
touched.
"""

from __future__ import annotations

import hashlib
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from importlib import resources
from pathlib import Path
from typing import Any

from outreach_tui.i18n import t

# What a hand-off column can show: the record's own fields (wire data) and a few derived.
RECORD_FIELDS = (
    "reference_no", "nik", "full_name", "birth_place", "birth_date", "sex", "phone", "email",
    "address", "postal_code", "province_code", "business_name", "sector", "occupation",
    "work_location", "working_hours", "declared_income", "income_band", "programs",
    "payment_months", "monthly_due", "monthly_normal", "branch_code", "role", "path",
    "officer_code", "event_code", "workers_count",
)  # fmt: skip
DERIVED_FIELDS = (
    "kind",             # new | correction | cancel
    "day",              # the registration's day (its event's zone)
    "owner_reference",  # a worker's owner's reference number
    "reminders",        # yes | no: the separate reminder consent
    "uuid", "version", "handoff_id",
)  # fmt: skip
HANDOFF_FIELDS = RECORD_FIELDS + DERIVED_FIELDS
DATE_FIELDS = frozenset({"birth_date", "day"})
MONEY_FIELDS = frozenset({"declared_income", "monthly_due", "monthly_normal"})
MONEY_FORMATS = ("plain", "grouped", "rupiah")
FORMATS = ("csv", "xlsx")

ACTIVATION_FIELDS = (
    "reference_no", "nik", "kpj", "status", "enrolled_on", "first_paid_month",
    "last_paid_month", "refusal_reason",
)  # fmt: skip
STATUSES = ("enrolled", "refused")


class MappingError(ValueError):
    """A mapping file that cannot be used: a catalogue code and its parameters."""

    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params = params

    def message(self, language: str = "id") -> str:
        return t(f"handoff.mapping.{self.code}", language, **self.params)


@dataclass(frozen=True)
class Column:
    title: str
    field: str
    codes: str | None = None


@dataclass(frozen=True)
class HandoffMapping:
    name: str
    version: str
    digest: str  # sha256 of the mapping's text: recorded with each hand-off
    sheet: str
    date_format: str
    money_format: str
    list_separator: str
    delimiter: str
    columns: tuple[Column, ...]
    codes: Mapping[str, Mapping[str, str]] = field(default_factory=dict)

    @property
    def titles(self) -> tuple[str, ...]:
        return tuple(c.title for c in self.columns)

    def value(self, column: Column, raw: Any) -> Any:
        """One cell: codes looked up (an unlisted code stays as it is), dates and money in
        the mapping's formats, lists joined; ``None`` stays empty."""
        if raw is None or raw == "":
            return None
        if isinstance(raw, list):
            raw = self.list_separator.join(str(item) for item in raw)
        if column.codes is not None:
            listed = self.codes[column.codes]
            key = str(raw).lower() if isinstance(raw, bool) else str(raw)
            return listed.get(key, raw)
        if column.field in DATE_FIELDS:
            return date.fromisoformat(str(raw)).strftime(self.date_format)
        if column.field in MONEY_FIELDS:
            return money_text(int(raw), self.money_format)
        return raw

    def row(self, values: Mapping[str, Any]) -> list[Any]:
        return [self.value(c, values.get(c.field)) for c in self.columns]


def money_text(amount: int, style: str) -> int | str:
    if style == "plain":
        return amount
    grouped = f"{amount:,}".replace(",", ".")
    return grouped if style == "grouped" else f"Rp{grouped}"


@dataclass(frozen=True)
class ActivationMapping:
    name: str
    digest: str
    date_format: str
    month_format: str
    delimiter: str
    titles: Mapping[str, str]  # field -> the column title in the file
    statuses: Mapping[str, str]  # the file's word (upper-cased) -> enrolled | refused


def _text(path: Path | None, default: str) -> tuple[str, str]:
    if path is None:
        return default, resources.files("outreach_tui.data").joinpath(default).read_text("utf-8")
    try:
        return str(path), Path(path).read_text("utf-8")
    except FileNotFoundError:
        raise MappingError("missing", path=str(path)) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise MappingError("unreadable", path=str(path), reason=str(exc)[:120]) from None


def _document(path: Path | None, default: str, keys: set[str]) -> tuple[dict[str, Any], str]:
    """The mapping file's TOML table and the digest of its text; a top-level key other
    than ``keys`` is refused (a misspelt key would otherwise be silently ignored)."""
    source, text = _text(path, default)
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise MappingError("not_toml", path=source, reason=str(exc)[:160]) from None
    unknown = sorted(set(doc) - keys)
    if unknown:
        raise MappingError("unknown_key", key=unknown[0])
    return doc, hashlib.sha256(text.encode()).hexdigest()


def _string(doc: Mapping[str, Any], key: str, default: str | None = None) -> str:
    value = doc.get(key, default)
    if not isinstance(value, str) or not value:
        raise MappingError("bad_key", key=key)
    return value


def _date_format(doc: Mapping[str, Any], key: str, default: str) -> str:
    value = _string(doc, key, default)
    try:
        sample = date(2026, 11, 23).strftime(value)
        datetime.strptime(sample, value)
    except ValueError:
        raise MappingError("bad_key", key=key) from None
    return value


def _delimiter(doc: Mapping[str, Any]) -> str:
    value = _string(doc, "delimiter", "auto")
    if value != "auto" and len(value) != 1:
        raise MappingError("bad_key", key="delimiter")
    return value


def _codes(doc: Mapping[str, Any]) -> dict[str, dict[str, str]]:
    tables = doc.get("codes", {})
    if not isinstance(tables, dict):
        raise MappingError("bad_key", key="codes")
    codes: dict[str, dict[str, str]] = {}
    for name, listed in tables.items():
        if not isinstance(listed, dict) or not all(isinstance(v, str) for v in listed.values()):
            raise MappingError("bad_key", key=f"codes.{name}")
        codes[name] = dict(listed)
    return codes


_HANDOFF_KEYS = {"name", "version", "sheet", "date_format", "money_format", "list_separator",
                 "delimiter", "columns", "codes"}  # fmt: skip


def load_handoff_mapping(path: Path | None = None) -> HandoffMapping:
    """The hand-off mapping at ``path`` (the shipped default when None)."""
    doc, digest = _document(path, "handoff.toml", _HANDOFF_KEYS)
    codes = _codes(doc)
    columns: list[Column] = []
    raw_columns = doc.get("columns")
    if not isinstance(raw_columns, list) or not raw_columns:
        raise MappingError("no_columns")
    for number, raw in enumerate(raw_columns, start=1):
        if not isinstance(raw, dict) or set(raw) - {"title", "field", "codes"}:
            raise MappingError("bad_column", number=number)
        title, name, listed = raw.get("title"), raw.get("field"), raw.get("codes")
        if not isinstance(title, str) or not title.strip():
            raise MappingError("bad_column", number=number)
        if name not in HANDOFF_FIELDS:
            raise MappingError("unknown_field", number=number, field=str(name))
        if listed is not None and listed not in codes:
            raise MappingError("unknown_codes", number=number, codes=str(listed))
        columns.append(Column(title.strip(), str(name), listed))
    titles = [c.title for c in columns]
    if len(set(titles)) != len(titles):
        raise MappingError("same_title", title=next(x for x in titles if titles.count(x) > 1))
    money = _string(doc, "money_format", "plain")
    if money not in MONEY_FORMATS:
        raise MappingError("bad_key", key="money_format")
    return HandoffMapping(
        name=_string(doc, "name"),
        version=str(doc.get("version", "")),
        digest=digest,
        sheet=_string(doc, "sheet", "Pendaftaran")[:31],
        date_format=_date_format(doc, "date_format", "%Y-%m-%d"),
        money_format=money,
        list_separator=_string(doc, "list_separator", ","),
        delimiter=_delimiter(doc),
        columns=tuple(columns),
        codes=codes,
    )


_ACTIVATION_KEYS = {"name", "version", "date_format", "month_format", "delimiter", "columns",
                    "statuses"}  # fmt: skip


def load_activation_mapping(path: Path | None = None) -> ActivationMapping:
    """The activation-file mapping at ``path`` (the shipped default when None)."""
    doc, digest = _document(path, "activation.toml", _ACTIVATION_KEYS)
    titles = doc.get("columns")
    if not isinstance(titles, dict) or not titles:
        raise MappingError("no_columns")
    for name, title in titles.items():
        if name not in ACTIVATION_FIELDS:
            raise MappingError("unknown_field", number=name, field=name)
        if not isinstance(title, str) or not title.strip():
            raise MappingError("bad_key", key=f"columns.{name}")
    if "status" not in titles or not {"nik", "reference_no"} & set(titles):
        raise MappingError("activation_needs")
    statuses = doc.get("statuses")
    if (
        not isinstance(statuses, dict)
        or not statuses
        or any(v not in STATUSES for v in statuses.values())
    ):
        raise MappingError("bad_key", key="statuses")
    return ActivationMapping(
        name=_string(doc, "name"),
        digest=digest,
        date_format=_date_format(doc, "date_format", "%Y-%m-%d"),
        month_format=_date_format(doc, "month_format", "%Y-%m"),
        delimiter=_delimiter(doc),
        titles={k: v.strip() for k, v in titles.items()},
        statuses={k.strip().upper(): v for k, v in statuses.items()},
    )


def row_digest(values: list[Any]) -> str:
    """A mapped row's fingerprint (a correction that changes nothing shown is not sent)."""
    return hashlib.sha256(repr(values).encode()).hexdigest()
