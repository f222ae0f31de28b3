"""Name search over the FTS5 trigram indexes of migration 0011.

Three characters or more match anywhere in the full name, business name or receipt number
(``registration_names``; leads: ``lead_names``), the query taken as one literal phrase so
quotes, ``*``, ``OR`` or ``NEAR`` are just text. A query of several words looks up only a
few rare trigrams and checks the text with LIKE (ASCII case-folding there, Unicode case
folding in the one-word phrase). Shorter queries, which no trigram can
serve, match names (and receipt numbers) *starting* with them, through the NOCASE name
index. Either way the caller orders by :func:`rank`: names that start with the query
first, then names with a word starting with it, then the rest.

The indexes hold only what the tables hold in clear (no sealed value, nothing of a purged
row): see docs/PRIVACY.md, "Name search index".
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from outreach_tui.store.database import Transaction

Kind = Literal["registrations", "leads"]

TRIGRAM = 3
# Names are at most 100 characters and business names little more: a longer query can
# match nothing, so it is cut rather than sent whole to the tokenizer.
MAX_QUERY = 200
_INDEX = {"registrations": "registration_names", "leads": "lead_names"}
_CHECKED = {"registrations": ("full_name", "business_name", "reference_no"),
            "leads": ("full_name",)}  # fmt: skip
_TOP = "\U0010ffff"  # sorts after every character: the upper bound of a prefix range


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def phrase(text: str) -> str:
    """``text`` as one FTS5 string: every character literal, double quotes doubled."""
    return '"' + text.replace('"', '""') + '"'


def clean(search: str) -> str:
    # NUL ends a C string inside the tokenizer; control characters are never in a name.
    text = "".join(ch if ch.isprintable() else " " for ch in search)
    return " ".join(text.split())[:MAX_QUERY]


def _trigrams(text: str) -> list[str]:
    return list(dict.fromkeys(text[i : i + TRIGRAM] for i in range(len(text) - TRIGRAM + 1)))


def _few_rare(grams: list[str]) -> list[str]:
    """For a query of several words: the trigrams across a word boundary ("i a" of "siti
    aminah") and the first and last of the words, three at most. Names come from a small
    pool, so most trigrams are in a large share of the rows; a pair of words is rare. At a
    million rows these three find the candidates in ≈ 1–3 ms where the phrase of every
    trigram takes ≈ 3–14 ms (bench/bench_lookup.py)."""
    across = [g for g in grams if g[1] == " " and g[0] != " " and g[2] != " "]
    inside = [g for g in grams if " " not in g]
    return list(dict.fromkeys(across + inside[:1] + inside[-1:]))[:TRIGRAM]


def clause(kind: Kind, search: str) -> tuple[str, list[Any]]:
    """A WHERE fragment over ``kind`` matching ``search`` (already :func:`clean`)."""
    if len(search) >= TRIGRAM:
        index = _INDEX[kind]
        match = f"seq IN (SELECT rowid FROM {index} WHERE {index} MATCH ?)"
        grams = _trigrams(search.lower())
        rare = _few_rare(grams)
        if len(grams) <= TRIGRAM or not any(g[1] == " " for g in rare):
            return match, [phrase(search)]  # one word: its phrase is exact and cheap enough
        # Several words: candidates by a few rare trigrams, then the text itself checked.
        like = "%" + _like_escape(search) + "%"
        columns = _CHECKED[kind]
        check = " OR ".join(f"{c} LIKE ? ESCAPE '\\'" for c in columns)
        checked: list[Any] = [" AND ".join(map(phrase, rare)), *[like] * len(columns)]
        return f"({match} AND ({check}))", checked
    parts = ["(full_name >= ? COLLATE NOCASE AND full_name < ? COLLATE NOCASE)"]
    params: list[Any] = [search, search + _TOP]
    if kind == "registrations":
        upper = search.upper()
        parts.append("(reference_no >= ? AND reference_no < ?)")
        params += [upper, upper + _TOP]
    return "(" + " OR ".join(parts) + ")", params


def rank(search: str) -> tuple[str, list[Any]]:
    """An ORDER BY term: 0 name starts with ``search``, 1 a word of it does, 2 elsewhere."""
    like = _like_escape(search) + "%"
    return (
        "CASE WHEN full_name LIKE ? ESCAPE '\\' THEN 0"
        " WHEN full_name LIKE ? ESCAPE '\\' THEN 1 ELSE 2 END",
        [like, "% " + like],
    )


def compact(db: Transaction) -> None:
    """Merge every segment of both indexes into one, dropping deleted entries.

    A deleted FTS5 entry is only marked deleted: the old segment keeps its trigrams until a
    merge. Purge and encryption call this before compaction (secure_delete, VACUUM) so no
    trigram of a removed or sealed name is left in the file."""
    for index in _INDEX.values():
        db.execute(f"INSERT INTO {index} ({index}) VALUES ('optimize')")
