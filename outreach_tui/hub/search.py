"""Record search by name for supervisors (`outreach hub search`), on both engines.

PostgreSQL matches ``name_key LIKE '%…%'`` (the lower-cased wire name ingest keeps), which
the GIN trigram index of schema v13 serves (pg_trgm); SQLite matches the FTS5 trigram
index ``record_names`` with the query as one literal phrase. A name needs three
characters (a trigram) or more: shorter ones would scan every record, so they are refused.
Names that start with the query come first, then names with a word that does, then the
rest; newest first within each. Withdrawn records are left out, as in the duplicate
review (processing stops, docs/PRIVACY.md section 1). Paged in SQL.
"""

from __future__ import annotations

import json
from typing import Any

from outreach_tui.hub.storage.base import Storage
from outreach_tui.hub.withdrawals import NOT_WITHDRAWN

MIN_QUERY = 3
MAX_QUERY = 200  # longer than any stored name: cut, never sent whole to the tokenizer
MAX_LIMIT = 500


class SearchTooShort(ValueError):
    """Fewer than MIN_QUERY characters: no trigram to look up."""


def clean(text: str) -> str:
    printable = "".join(ch if ch.isprintable() else " " for ch in text)
    return " ".join(printable.split())[:MAX_QUERY]


def _like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def search_records(
    storage: Storage, text: str, *, limit: int = 50, offset: int = 0
) -> dict[str, Any]:
    """``{query, total, offset, limit, records: [...]}``; SearchTooShort for short text."""
    query = clean(text)
    if len(query) < MIN_QUERY:
        raise SearchTooShort(query)
    limit, offset = max(1, min(limit, MAX_LIMIT)), max(0, offset)
    lowered = query.lower()
    if storage.dialect == "postgres":
        name = "r.name_key"
        match, match_params = f"{name} LIKE ? ESCAPE '\\'", [f"%{_like(lowered)}%"]
    else:
        name = "lower(CASE WHEN json_valid(r.data) THEN json_extract(r.data, '$.full_name') END)"
        match = "r.rowid IN (SELECT rowid FROM record_names WHERE record_names MATCH ?)"
        match_params = ['"' + query.replace('"', '""') + '"']
    rank = (f"CASE WHEN {name} LIKE ? ESCAPE '\\' THEN 0 "
            f"WHEN {name} LIKE ? ESCAPE '\\' THEN 1 ELSE 2 END")  # fmt: skip
    prefix = _like(lowered) + "%"
    where = f"{match} AND r.{NOT_WITHDRAWN}"
    with storage.read() as tx:
        total = tx.scalar(f"SELECT count(*) AS n FROM records r WHERE {where}", match_params)
        rows = tx.all(
            "SELECT r.uuid, r.entity, r.role, r.officer_code, r.event_code, r.day, r.voided,"
            f" r.created_at, r.data FROM records r WHERE {where}"
            f" ORDER BY {rank}, r.created_at DESC, r.uuid DESC LIMIT ? OFFSET ?",
            [*match_params, prefix, "% " + prefix, limit, offset],
        )
    records = []
    for row in rows:
        row = dict(row)
        try:
            data = json.loads(row.pop("data"))
        except ValueError:
            data = {}
        records.append({
            **row,
            "voided": bool(row["voided"]),
            "full_name": _text(data.get("full_name")),
            "reference_no": _text(data.get("reference_no")),
            "business_name": _text(data.get("business_name")),
        })  # fmt: skip
    return {"query": query, "total": int(total or 0), "offset": offset, "limit": limit,
            "records": records}  # fmt: skip


def _text(value: Any) -> str | None:
    return value if value is None or isinstance(value, str) else json.dumps(value)
