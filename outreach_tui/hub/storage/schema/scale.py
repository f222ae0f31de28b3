"""Hub schema v13–v15 (issue 17, scale): the name search's key as a column, the officer x
event rollup and the duplicate-case queue, with the SQL that ingest and the bulk loader
share with them. Released: never edit, add the next migration."""

from __future__ import annotations

from outreach_tui.hub.storage.schema.units import UNIT_DAY_COUNTS

# v13 (issue 17: the name search's key kept as a column). The v7 index was built over
# hub_record_name(data), which parses each record's JSON: 19 of the 50 seconds a 1M-record
# bulk load spent rebuilding indexes, and, being a PL/pgSQL block that catches errors, a
# function PostgreSQL may not run in a parallel plan ("cannot start subtransactions during a
# parallel operation"). Ingest now writes the lower-cased name (`name_key`, Python's
# str.lower, as the search lowers its query) and the trigram index is over the column. Rows
# already stored get it from their data once, here (PostgreSQL's lower(); SQLite's lowers
# ASCII only: its search goes through the FTS5 index and does not read the column).
V13_NAME_KEY = {
    "sqlite": [
        "ALTER TABLE records ADD COLUMN name_key TEXT",
        "UPDATE records SET name_key = "
        "lower(CASE WHEN json_valid(data) THEN json_extract(data, '$.full_name') END)",
    ],
    "postgres": [
        "ALTER TABLE records ADD COLUMN name_key TEXT",
        "SET LOCAL max_parallel_workers_per_gather = 0",  # hub_record_name: no parallel plan
        "UPDATE records SET name_key = hub_record_name(data)",
        "DROP INDEX IF EXISTS records_name_trgm",
        "DROP FUNCTION hub_record_name(text)",
        """DO $$
        BEGIN
            CREATE EXTENSION IF NOT EXISTS pg_trgm;
            CREATE INDEX records_name_trgm ON records USING gin (name_key gin_trgm_ops);
        EXCEPTION WHEN others THEN
            RAISE WARNING USING MESSAGE =
                'pg_trgm is not available; hub search scans records: ' || SQLERRM;
        END $$""",
    ],
}


# v14 (issue 17: a region's dashboard at 10M records). Its per-officer view and its event
# and branch targets sum the reader's officer-grain rows over the whole period or a year:
# 287,000 rows for one region at 10,000,000 records. `officer_event_rollup` holds the same
# sums at unit x event x officer x path x month (no day, sector or role: an officer works
# an event on a few days, so a handful of rows per officer-event), kept by the same ingest
# statement batch (rollup.apply); tallies grouped only by those columns over whole months
# (or every day) read it. Counts as in v10 (JHT by role).
OFFICER_EVENT_KEY = ("unit_code", "event_code", "officer_code", "path", "month")
OFFICER_EVENT_FROM_DAILY = (
    f"INSERT INTO officer_event_rollup ({', '.join(OFFICER_EVENT_KEY)}, "
    f"{', '.join(UNIT_DAY_COUNTS)}) "
    "SELECT unit_code, event_code, officer_code, path, substr(day, 1, 7), SUM(registrations), "
    "SUM(workers), SUM(leads), SUM(voided), SUM(monthly_due), SUM(converted), "
    "SUM(CASE WHEN role = 'owner' THEN jht ELSE 0 END), "
    "SUM(CASE WHEN role = 'worker' THEN jht ELSE 0 END), SUM(jht_monthly_due) "
    "FROM daily_rollup GROUP BY unit_code, event_code, officer_code, path, substr(day, 1, 7)"
)
V14_OFFICER_EVENT = [
    """CREATE TABLE officer_event_rollup (
        unit_code TEXT NOT NULL,
        event_code TEXT NOT NULL,
        officer_code TEXT NOT NULL,
        path TEXT NOT NULL,
        month TEXT NOT NULL,
        registrations {int} NOT NULL DEFAULT 0,
        workers {int} NOT NULL DEFAULT 0,
        leads {int} NOT NULL DEFAULT 0,
        voided {int} NOT NULL DEFAULT 0,
        monthly_due {int} NOT NULL DEFAULT 0,
        converted {int} NOT NULL DEFAULT 0,
        jht_owners {int} NOT NULL DEFAULT 0,
        jht_workers {int} NOT NULL DEFAULT 0,
        jht_monthly_due {int} NOT NULL DEFAULT 0,
        PRIMARY KEY (unit_code, event_code, officer_code, path, month))""",
    OFFICER_EVENT_FROM_DAILY,
]


# v15 (issue 17: duplicates at scale). The possible-duplicate queue grouped every live
# registration per request (140 s a branch at 10,000,000 records). `duplicate_cases` holds
# the candidate groups: one row per NIK digest on two or more live registrations, and per
# person digest under two or more NIKs, with the unit the case is routed to (that of its
# latest registration), when it was first seen and whether a record still lacks a review.
# Ingest, withdrawals and reviews refresh the groups they touch (hub/case_queue.py, by the
# same SELECT narrowed to the touched digests); a read is an indexed look-up of a unit's
# cases. Built here, and by the sample's bulk loader, from the records.
_LIVE_IN = {
    alias: f"{alias}.entity = 'registration' AND {alias}.voided = 0 "
    f"AND {alias}.uuid NOT IN (SELECT uuid FROM withdrawals)"
    for alias in ("r", "l")
}
DUPLICATE_KEYS = {  # kind -> (column, the rows that count, when the group is a case)
    "nik": ("nik_digest", "r.nik_digest IS NOT NULL", "COUNT(*) > 1"),
    "person": (
        "person_digest",
        "r.person_digest IS NOT NULL AND r.person_digest <> ''",
        "COUNT(DISTINCT r.nik_digest) > 1",
    ),
}
DUPLICATE_CASE_COLUMNS = "kind, digest, case_id, unit_code, first_seen, is_open"


def duplicate_cases_select(kind: str, among: str = "") -> str:
    """The ``duplicate_cases`` rows of ``kind`` as the records say now; ``among``: an extra
    condition on ``r`` (the touched digests)."""
    column, counted, case = DUPLICATE_KEYS[kind]
    latest = (
        f"SELECT COALESCE(l.unit_code, '') FROM records l WHERE l.{column} = g.k "
        f"AND {_LIVE_IN['l']} ORDER BY l.created_at DESC, l.uuid DESC LIMIT 1"
    )
    return (
        f"SELECT '{kind}' AS kind, g.k AS digest, '{kind}-' || substr(g.k, 1, 10) AS case_id, "
        f"({latest}) AS unit_code, g.first_seen, g.is_open "
        f"FROM (SELECT r.{column} AS k, MIN(r.created_at) AS first_seen, "
        "MAX(CASE WHEN v.outcome IS NULL THEN 1 ELSE 0 END) AS is_open "
        "FROM records r LEFT JOIN reviews v ON v.uuid = r.uuid "
        f"WHERE {_LIVE_IN['r']} AND {counted}{among} GROUP BY r.{column} HAVING {case}) g"
    )


DUPLICATE_CASES_FROM_RECORDS = (
    f"INSERT INTO duplicate_cases ({DUPLICATE_CASE_COLUMNS}) "
    + " UNION ALL ".join(duplicate_cases_select(kind) for kind in DUPLICATE_KEYS)
)
V15_DUPLICATE_CASES = [
    """CREATE TABLE duplicate_cases (
        kind TEXT NOT NULL CHECK (kind IN ('nik', 'person')),
        digest TEXT NOT NULL,
        case_id TEXT NOT NULL,
        unit_code TEXT NOT NULL,
        first_seen TEXT NOT NULL,
        is_open {int} NOT NULL,
        PRIMARY KEY (kind, digest))""",
    DUPLICATE_CASES_FROM_RECORDS,
    # The queue's order (first seen, case id, digest), per unit and open state, and whole.
    "CREATE INDEX duplicate_cases_unit ON duplicate_cases "
    "(unit_code, is_open, first_seen, case_id, digest)",
    "CREATE INDEX duplicate_cases_open ON duplicate_cases (is_open, first_seen, case_id, digest)",
    "CREATE INDEX duplicate_cases_order ON duplicate_cases (first_seen, case_id, digest)",
    # The registrations from before v2 still without a person digest (the queue fills them
    # first): found in this (mostly empty) index, not by a scan past every lead's NULL.
    "CREATE INDEX records_person_unfilled ON records (uuid) "
    "WHERE entity = 'registration' AND person_digest IS NULL",
]
