"""Record search by name through the FTS5 trigram index (migration 0011): prefix matches
first, case-insensitive, hostile text taken literally, short queries by prefix, the index
kept in step with saves, edits, voids and worker rows, and the 0011 upgrade of a
populated file."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from outreach_tui.store import Store, migrations
from tests.conftest import OFFICER


def names(store: Store, search: str, kind: str = "registrations", **kw: Any) -> list[str]:
    return [r["full_name"] for r in store.queries.page(kind, search=search, **kw).rows]  # type: ignore[arg-type]


def test_prefix_matches_come_first_then_word_starts_then_anywhere(
    store: Store, register: Callable[..., Any]
) -> None:
    # Saved in this order, so "newest first" alone would put the inside match on top.
    register(full_name="Sri Wahyuni")  # "wahyu" starts a word
    register(full_name="Wahyudi Santoso")  # starts with it
    register(full_name="Dewi Kurniawahyu")  # inside a word
    register(full_name="Budi Hartono")  # no match

    assert names(store, "wahyu") == ["Wahyudi Santoso", "Sri Wahyuni", "Dewi Kurniawahyu"]
    assert names(store, "WAHYU") == names(store, "wahyu")  # case-insensitive
    assert store.queries.page("registrations", search="wahyu").total == 3
    # Paged in SQL: the second page of one row is the second of the ranking.
    second = store.queries.page("registrations", search="wahyu", limit=1, offset=1)
    assert [r["full_name"] for r in second.rows] == ["Sri Wahyuni"] and second.total == 3
    past = store.queries.page("registrations", search="wahyu", limit=5, offset=10)
    assert past.rows == [] and past.total == 3
    assert "hits_total" not in second.rows[0] and "live_workers" in second.rows[0]


def test_matches_business_name_and_receipt_number(
    store: Store, register: Callable[..., Any]
) -> None:
    saved = register(full_name="Siti Aminah", business_name="Warung Sate Pak Kumis")
    register(full_name="Budi Hartono", business_name="Bengkel Jaya")
    assert names(store, "sate pak") == ["Siti Aminah"]
    reference = saved.owner.reference_no
    assert names(store, reference) == ["Siti Aminah"]
    assert names(store, reference[5:9].lower()) == ["Siti Aminah"]  # a piece of it


def test_short_queries_match_names_starting_with_them(
    store: Store, register: Callable[..., Any]
) -> None:
    register(full_name="Ani Lestari")
    register(full_name="Budi Ani")
    register(full_name="Andi Wijaya")
    # Two letters: no trigram can serve it, so names starting with it (NOCASE index), and
    # receipt numbers starting with it: those are random base32, so "Budi Ani"'s may start
    # with "A" (1 in 32) and is then a right answer too.
    for query in ("an", "A"):
        hits = {r["full_name"]: r["reference_no"] for r in store.queries.page(
            "registrations", search=query).rows}  # fmt: skip
        assert {"Andi Wijaya", "Ani Lestari"} <= set(hits)
        assert all(name.lower().startswith(query.lower()) or ref.startswith(query.upper())
                   for name, ref in hits.items()), hits  # fmt: skip
    assert names(store, "ani") == ["Ani Lestari", "Budi Ani"]  # three: anywhere


HOSTILE = [
    '"', '""', '"Siti', 'Siti"', "'", "*", "Siti*", "Si*ti", "NEAR", "NEAR(Siti Aminah)",
    "Siti OR Budi", "Siti AND Budi", "NOT Siti", "Siti NOT", "(Siti", "Siti)", "^Siti",
    "name:Siti", "{name}: Siti", "-Siti", "+Siti", "Siti%", "%", "_", "\\", "Sit_", "a\x00b",
    "\x00", "\t\n", "Siti; DROP TABLE registrations; --", "x" * 10_000, "Siti " * 500,
    "☃☃☃", "\U0001f600 Siti",
]  # fmt: skip


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_search_text_never_fails_and_is_taken_literally(
    store: Store, register: Callable[..., Any], text: str
) -> None:
    register(full_name="Siti Aminah")
    register(full_name="Budi Hartono")
    for kind in ("registrations", "leads"):
        page = store.queries.page(kind, search=text, limit=20)  # type: ignore[arg-type]
        assert page.total >= len(page.rows)
    found = names(store, text)
    # FTS syntax is text here: no operator widens the match to Budi, and nothing but a
    # literal piece of "Siti Aminah" finds her.
    assert "Budi Hartono" not in found or text.strip() in ("", "\x00")
    literal = " ".join("".join(c if c.isprintable() else " " for c in text).split())
    if found and literal:
        assert all(literal.lower() in n.lower() or n.lower().startswith(literal.lower())
                   for n in found), (text, found)  # fmt: skip
    assert store.queries.page("registrations").total == 2  # nothing was dropped


def test_literal_quotes_and_operators_are_found_in_names(
    store: Store, register: Callable[..., Any]
) -> None:
    register(full_name="Ahmad", business_name='Toko "Maju" OR Jaya*')
    register(full_name="Budi Hartono", business_name="Toko Jaya")
    assert names(store, '"Maju" OR Jaya*') == ["Ahmad"]
    assert names(store, "OR Jaya") == ["Ahmad"]
    assert names(store, "Jaya*") == ["Ahmad"]


def test_edits_voids_and_workers_stay_in_step(
    store: Store,
    register: Callable[..., Any],
    make_owner: Callable[..., Any],
) -> None:
    saved = register(workers=1, full_name="Kartika Sari")
    uuid = saved.owner.uuid
    nik = store.registrations.get(uuid)["nik"]  # type: ignore[index]
    store.registrations.edit(
        uuid, make_owner(full_name="Kartini Rahayu", nik=nik, workers_count=1),
        officer_code=OFFICER,
    )  # fmt: skip
    assert names(store, "Kartika") == []  # the old name is gone from the index
    assert names(store, "kartini") == ["Kartini Rahayu"]
    worker_name = store.registrations.get(saved.workers[0].uuid)["full_name"]  # type: ignore[index]
    assert worker_name in names(store, worker_name)
    store.registrations.void(uuid, "salah input", officer_code=OFFICER)
    page = store.queries.page("registrations", search="kartini")
    assert page.total == 1 and page.rows[0]["voided_at"]  # a void still shows, as before
    _integrity(store.path)


def test_leads_are_searched_by_name(store: Store, event_id: str) -> None:
    from outreach_tui.domain.models import LeadDraft
    from outreach_tui.domain.validation import validate_lead
    from tests.conftest import TODAY

    for name, phone in (("Rina Marlina", "0813-1111-2222"), ("Marlina Putri", "0813-3333-4444")):
        record = validate_lead(
            LeadDraft(
                full_name=name, phone=phone, consent_contact=True, consent_version="lead-2026.2"
            ),
            today=TODAY,
        ).record
        assert record is not None
        store.leads.save(record, officer_code=OFFICER, event_id=event_id)  # fmt: skip
    assert names(store, "marlina", "leads") == ["Marlina Putri", "Rina Marlina"]
    assert names(store, "ma", "leads") == ["Marlina Putri"]


def _integrity(path: Path) -> None:
    conn = sqlite3.connect(path)
    try:
        for index in ("registration_names", "lead_names"):
            conn.execute(f"INSERT INTO {index} ({index}) VALUES ('integrity-check')")
    finally:
        conn.close()


def test_upgrade_to_0011_keeps_every_row_and_indexes_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from outreach_tui.sampledata.generator import generate

    path = tmp_path / "laptop-v10.db"
    first_ten = migrations.migrations()[:10]
    with monkeypatch.context() as patch:
        patch.setattr(migrations, "migrations", lambda: first_ten)
        patch.setattr(migrations, "latest_version", lambda: 10)
        generate(path, seed=11, registrations=300, parallel=False)
    conn = sqlite3.connect(path)
    (version,) = conn.execute("SELECT max(version) FROM schema_migrations").fetchone()
    assert version == 10
    before = {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
              for t in ("registrations", "leads", "record_history", "audit_log")}  # fmt: skip
    live = conn.execute(
        "SELECT uuid, full_name FROM registrations WHERE purged_at IS NULL ORDER BY seq LIMIT 40"
    ).fetchall()
    purged = conn.execute(
        "SELECT uuid, reference_no FROM registrations WHERE purged_at IS NOT NULL LIMIT 5"
    ).fetchall()
    conn.close()

    store = Store(path)
    try:
        conn = sqlite3.connect(path)
        after = {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in before}
        # Every row is in the index: its receipt number (never removed) matches it alone.
        indexed = sum(
            conn.execute(
                "SELECT count(*) FROM registration_names WHERE registration_names MATCH ?"
                " AND rowid = ?", [f'reference:"{reference}"', seq],
            ).fetchone()[0]
            for seq, reference in conn.execute("SELECT seq, reference_no FROM registrations")
        )  # fmt: skip
        conn.close()
        assert after == before and indexed == before["registrations"]
        assert live, "the sample has unpurged rows"
        for uuid, name in live:
            found = store.queries.page("registrations", search=name, limit=500)
            assert uuid in {r["uuid"] for r in found.rows} or found.total > 500, name
        for uuid, reference in purged:  # a purged row: only its receipt number is indexed
            assert [r["uuid"] for r in store.queries.page(
                "registrations", search=reference).rows] == [uuid]  # fmt: skip
    finally:
        store.close()
    _integrity(path)


def test_several_words_find_the_same_as_their_phrase(
    store: Store, register: Callable[..., Any]
) -> None:
    # A query of several words looks up a few rare trigrams and checks the text: the
    # same rows as the whole phrase, in the same order.
    for name in ("Nursiti Aminah", "Aminah Siti", "Siti Aminah", "Siti Aminah Putri",
                 "Siti Amina", "Budi Santoso"):  # fmt: skip
        register(full_name=name)
    register(full_name="Dewi Lestari", business_name="Warung Siti Aminah")
    assert names(store, "siti aminah") == [
        "Siti Aminah Putri", "Siti Aminah", "Dewi Lestari", "Nursiti Aminah"]  # fmt: skip
    assert names(store, "SITI AMINAH") == names(store, "siti aminah")
    assert names(store, "ti amin") == [  # anywhere only: newest first
        "Dewi Lestari",
        "Siti Amina",
        "Siti Aminah Putri",
        "Siti Aminah",
        "Nursiti Aminah",
    ]
    assert names(store, "siti  aminah  ") == names(store, "siti aminah")  # spaces folded
    assert names(store, "siti_aminah") == [] and names(store, "siti%aminah") == []
