"""The hub's versioned schema, written once for both engines.

Each migration is a list of statements (never a script: sqlite3's ``executescript``
would commit half-way). ``{id}`` and ``{int}`` are the only spelling differences; the
append-only triggers differ per engine and live in their own lists. Never edit a
released migration: add the next one.
"""

from __future__ import annotations

DIALECT = {
    "sqlite": {"id": "INTEGER PRIMARY KEY AUTOINCREMENT", "int": "INTEGER"},
    "postgres": {"id": "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY", "int": "BIGINT"},
}

_V1_TABLES = [
    # hub_id, nik_key, nik_key_id; written once at first open.
    "CREATE TABLE hub_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    # 'feed': the downlink cursor. Taken last in every transaction that publishes
    # something, so its values are dense and in commit order (a reader never skips one).
    "CREATE TABLE counters (name TEXT PRIMARY KEY, value {int} NOT NULL)",
    "INSERT INTO counters (name, value) VALUES ('feed', 0)",
    """CREATE TABLE officers (
        code TEXT PRIMARY KEY,
        name TEXT,
        branch_code TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL)""",
    """CREATE TABLE devices (
        id TEXT PRIMARY KEY,
        officer_code TEXT NOT NULL REFERENCES officers(code),
        name TEXT NOT NULL,
        token_hash TEXT NOT NULL UNIQUE,          -- sha256 hex; the token itself is never kept
        role TEXT NOT NULL CHECK (role IN ('device', 'supervisor')),
        created_at TEXT NOT NULL,
        expires_at TEXT NOT NULL,
        revoked_at TEXT,
        last_seen_at TEXT,
        last_sync_at TEXT,
        client_device_id TEXT)                    -- the laptop's own id, learnt at push""",
    "CREATE INDEX devices_name ON devices (name)",
    """CREATE TABLE events (
        code TEXT PRIMARY KEY,
        name TEXT,
        venue TEXT,
        city TEXT,
        branch_code TEXT,
        starts_on TEXT,
        ends_on TEXT,
        target_registrations {int},
        target_workers {int},
        target_leads {int},
        updated_at TEXT NOT NULL)""",
    # The current version of every record. `data` is the wire data verbatim (its
    # content_hash is over it); the other columns are derived at ingest for queries.
    """CREATE TABLE records (
        uuid TEXT PRIMARY KEY,
        entity TEXT NOT NULL CHECK (entity IN ('registration', 'lead')),
        version {int} NOT NULL CHECK (version >= 1),
        content_hash TEXT NOT NULL,
        device_id TEXT NOT NULL,                  -- the laptop's id (batch device_id)
        enrolled_device_id TEXT,                  -- the token's device; NULL for imports
        officer_code TEXT NOT NULL,
        event_code TEXT NOT NULL,                 -- '' when the record names no event
        day TEXT NOT NULL,                        -- Asia/Jakarta date of created_at
        role TEXT NOT NULL,                       -- owner | worker | lead
        path TEXT NOT NULL,                       -- bpu | pu_micro | '' for leads
        sector TEXT NOT NULL,
        monthly_due {int} NOT NULL,               -- as the hub computed it; 0 for leads
        voided {int} NOT NULL CHECK (voided IN (0, 1)),
        nik_digest TEXT,                          -- HMAC-SHA256(nik_key, NIK); never the NIK
        data TEXT NOT NULL,
        created_at TEXT NOT NULL,
        received_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        batch_id TEXT NOT NULL)""",
    "CREATE INDEX records_device_day ON records (device_id, day)",
    "CREATE INDEX records_batch ON records (batch_id)",
    "CREATE INDEX records_nik ON records (nik_digest)",
    """CREATE TABLE record_versions (
        uuid TEXT NOT NULL,
        version {int} NOT NULL,
        content_hash TEXT NOT NULL,
        data TEXT NOT NULL,
        batch_id TEXT NOT NULL,
        received_at TEXT NOT NULL,
        PRIMARY KEY (uuid, version))""",
    """CREATE TABLE batches (
        batch_id TEXT PRIMARY KEY,
        device_id TEXT,                           -- enrolled device; NULL for imports
        client_device_id TEXT NOT NULL,
        source TEXT NOT NULL CHECK (source IN ('api', 'import')),
        digest TEXT NOT NULL,                     -- sha256 of the canonical body
        record_count {int} NOT NULL,
        receipt TEXT,
        received_at TEXT NOT NULL,
        feed_seq {int} UNIQUE)""",
    # Per day x event x officer x sector x path x role. registrations counts live owners,
    # workers live workers, leads live leads, voided every voided record; monthly_due sums
    # live registrations. Maintained at ingest: an edit subtracts the old row's share.
    """CREATE TABLE daily_rollup (
        day TEXT NOT NULL,
        event_code TEXT NOT NULL,
        officer_code TEXT NOT NULL,
        sector TEXT NOT NULL,
        path TEXT NOT NULL,
        role TEXT NOT NULL,
        registrations {int} NOT NULL DEFAULT 0,
        workers {int} NOT NULL DEFAULT 0,
        leads {int} NOT NULL DEFAULT 0,
        voided {int} NOT NULL DEFAULT 0,
        monthly_due {int} NOT NULL DEFAULT 0,
        PRIMARY KEY (day, event_code, officer_code, sector, path, role))""",
    """CREATE TABLE reviews (
        uuid TEXT PRIMARY KEY,
        outcome TEXT NOT NULL CHECK (outcome IN ('same_person', 'different_people')),
        reviewed_at TEXT NOT NULL,
        reviewer TEXT NOT NULL,
        feed_seq {int} NOT NULL UNIQUE)""",
    """CREATE TABLE audit_log (
        id {id},
        at TEXT NOT NULL,
        actor TEXT,
        action TEXT NOT NULL,
        detail TEXT)""",
]

_V1_APPEND_ONLY = {
    "sqlite": [
        f"""CREATE TRIGGER audit_log_no_{op.lower()} BEFORE {op} ON audit_log
        BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END"""
        for op in ("UPDATE", "DELETE")
    ],
    "postgres": [
        """CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS
        'BEGIN RAISE EXCEPTION ''audit_log is append-only''; END'""",
        """CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
        FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()""",
    ],
}


# v2 (issue 6: supervisor reports). Records keep their programs, whether a lead was
# converted and a keyed digest of name + birth date + phone (possible-duplicate queue);
# rollups count converted leads and JHT registrations (the "program" of a tally); reviews
# remember their duplicate case and a note; branches carry their yearly targets.
_V2_COMMON = [
    "ALTER TABLE records ADD COLUMN programs TEXT NOT NULL DEFAULT ''",
    "ALTER TABLE records ADD COLUMN converted {int} NOT NULL DEFAULT 0",
    "ALTER TABLE records ADD COLUMN person_digest TEXT",
    "CREATE INDEX records_person ON records (person_digest)",
    "CREATE INDEX records_day ON records (day, created_at)",
    "ALTER TABLE daily_rollup ADD COLUMN converted {int} NOT NULL DEFAULT 0",
    "ALTER TABLE daily_rollup ADD COLUMN jht {int} NOT NULL DEFAULT 0",
    "ALTER TABLE daily_rollup ADD COLUMN jht_monthly_due {int} NOT NULL DEFAULT 0",
    "ALTER TABLE reviews ADD COLUMN case_id TEXT",
    "ALTER TABLE reviews ADD COLUMN note TEXT",
    """CREATE TABLE branches (
        code TEXT PRIMARY KEY,
        name TEXT,
        city TEXT,
        target_year {int},
        target_new_employers {int},
        target_informal {int},
        updated_at TEXT NOT NULL)""",
]
_V2_BACKFILL = {
    "sqlite": [
        "UPDATE records SET programs = COALESCE((SELECT group_concat(value, ',') FROM "
        "json_each(records.data, '$.programs')), '') WHERE entity = 'registration'",
        "UPDATE records SET converted = 1 WHERE entity = 'lead' "
        "AND json_extract(data, '$.converted_uuid') IS NOT NULL",
    ],
    "postgres": [
        "UPDATE records SET programs = COALESCE((SELECT string_agg(p.value, ',' ORDER BY p.n) "
        "FROM jsonb_array_elements_text(records.data::jsonb -> 'programs') "
        "WITH ORDINALITY AS p(value, n)), '') WHERE entity = 'registration'",
        "UPDATE records SET converted = 1 WHERE entity = 'lead' "
        "AND (data::jsonb ->> 'converted_uuid') IS NOT NULL",
    ],
}
_V2_ROLLUP = [
    """UPDATE daily_rollup SET converted = a.converted, jht = a.jht,
        jht_monthly_due = a.jht_monthly_due
    FROM (SELECT day, event_code, officer_code, sector, path, role,
            SUM(converted) AS converted,
            SUM(CASE WHEN ',' || programs || ',' LIKE '%,JHT,%' THEN 1 ELSE 0 END) AS jht,
            SUM(CASE WHEN ',' || programs || ',' LIKE '%,JHT,%' THEN monthly_due ELSE 0 END)
                AS jht_monthly_due
          FROM records WHERE voided = 0
          GROUP BY day, event_code, officer_code, sector, path, role) AS a
    WHERE daily_rollup.day = a.day AND daily_rollup.event_code = a.event_code
      AND daily_rollup.officer_code = a.officer_code AND daily_rollup.sector = a.sector
      AND daily_rollup.path = a.path AND daily_rollup.role = a.role""",
]


# v3 (issue 8: audit on both sides). The v1 triggers refuse UPDATE and DELETE; this closes
# the other ways to rewrite history: SQLite's INSERT OR REPLACE (a delete that fires no
# DELETE trigger) and PostgreSQL's TRUNCATE.
_V3_AUDIT_GUARD = {
    "sqlite": [
        """CREATE TRIGGER audit_log_no_replace BEFORE INSERT ON audit_log
        WHEN NEW.id IS NOT NULL AND EXISTS (SELECT 1 FROM audit_log WHERE id = NEW.id)
        BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END""",
    ],
    "postgres": [
        """CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
        FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()""",
    ],
}


# v4 (issues 14, 21, 22: trust). A laptop id is bound to one enrolled device and to the
# laptop's Ed25519 public key, explicitly: at `outreach login` (register), by a signed
# bundle's key (import), or by a supervisor (`outreach hub rebind`). `device_id` NULL: the
# id is known only from bundles; `public_key` NULL: bound before keys (this upgrade, or a
# first push of an old laptop) until the laptop logs in again. The unique index keeps one
# laptop per token (NULLs do not collide on either engine). Existing bindings are carried
# over: per laptop id its newest live device (older tokens of a re-enrolled laptop lose
# it), and ids seen only through imports are held by nobody (a supervisor rebinds them).
_V4_LAPTOPS = [
    """CREATE TABLE laptops (
        laptop_id TEXT PRIMARY KEY,
        device_id TEXT REFERENCES devices(id),
        public_key TEXT,
        bound_at TEXT NOT NULL,
        bound_by TEXT NOT NULL)""",
    "CREATE UNIQUE INDEX laptops_device ON laptops (device_id)",
    """INSERT INTO laptops (laptop_id, device_id, public_key, bound_at, bound_by)
    SELECT d.client_device_id, d.id, NULL, COALESCE(d.last_sync_at, d.created_at), 'upgrade'
    FROM devices d
    WHERE d.client_device_id IS NOT NULL AND d.id = (
        SELECT d2.id FROM devices d2 WHERE d2.client_device_id = d.client_device_id
        ORDER BY CASE WHEN d2.revoked_at IS NULL THEN 0 ELSE 1 END, d2.created_at DESC,
                 d2.id DESC
        LIMIT 1)""",
    """UPDATE devices SET client_device_id = NULL WHERE client_device_id IS NOT NULL
    AND NOT EXISTS (SELECT 1 FROM laptops l WHERE l.device_id = devices.id)""",
    """INSERT INTO laptops (laptop_id, device_id, public_key, bound_at, bound_by)
    SELECT b.client_device_id, NULL, NULL, MIN(b.received_at), 'upgrade' FROM batches b
    WHERE NOT EXISTS (SELECT 1 FROM laptops l WHERE l.laptop_id = b.client_device_id)
    GROUP BY b.client_device_id""",
]


# v5 (issue 20: UU 27/2022). A withdrawal of consent, from a laptop (a record version that
# carries withdrawn_at, noted at ingest) or recorded at the hub (`outreach hub withdraw`,
# for a record the laptop has purged). Processing stops by due_at (3×24 hours): the hub's
# exports and the duplicate review leave the record out.
_V5_WITHDRAWALS = [
    """CREATE TABLE withdrawals (
        uuid TEXT PRIMARY KEY,
        reference_no TEXT NOT NULL,
        requested_at TEXT NOT NULL,
        due_at TEXT NOT NULL,
        reason TEXT,
        source TEXT NOT NULL CHECK (source IN ('laptop', 'hub')),
        actor TEXT,
        recorded_at TEXT NOT NULL)""",
]


# v6 (issue 18: from registration to active participant). A hand-off hands the current
# version of registrations to the Perisai channel (a file the branch uploads); each version
# goes once (handoff_items' primary key), a later version of a handed record goes again as a
# correction (or a cancellation when voided). The core system's answer comes back as an
# activation file: per registration its outcome (enrolled with a KPJ, or refused), keyed by
# the record's uuid, published through the downlink (feed_seq) to the laptop that made it.
# funnel_members holds each handed record's place in the funnel (its tally key and stage);
# funnel_rollup sums them per day x event x officer x branch x latest paid month, so the
# funnel reads a few rows ("still paying" is a range over last_paid_month, known only on
# the day it is asked).
_V6_HANDOFF = [
    """CREATE TABLE handoffs (
        id TEXT PRIMARY KEY,
        created_at TEXT NOT NULL,
        actor TEXT,
        since TEXT NOT NULL,                      -- 'LAST' or the first day taken
        unit TEXT,                                -- a branch code (issue 17's units: later)
        format TEXT NOT NULL CHECK (format IN ('csv', 'xlsx')),
        mapping_name TEXT NOT NULL,
        mapping_digest TEXT NOT NULL,
        file_name TEXT NOT NULL,
        file_digest TEXT NOT NULL,                -- sha256 of the file as written
        file_bytes {int} NOT NULL,
        row_count {int} NOT NULL,
        new_count {int} NOT NULL,
        correction_count {int} NOT NULL,
        cancel_count {int} NOT NULL,
        unchanged_count {int} NOT NULL)""",
    """CREATE TABLE handoff_items (
        uuid TEXT NOT NULL,
        version {int} NOT NULL,
        handoff_id TEXT NOT NULL REFERENCES handoffs(id),
        kind TEXT NOT NULL CHECK (kind IN ('new', 'correction', 'cancel', 'unchanged')),
        row_digest TEXT NOT NULL,                 -- sha256 of the mapped row (kind left out)
        reference_no TEXT NOT NULL,
        nik_digest TEXT,
        PRIMARY KEY (uuid, version))""",
    "CREATE INDEX handoff_items_handoff ON handoff_items (handoff_id)",
    "CREATE INDEX handoff_items_reference ON handoff_items (reference_no)",
    "CREATE INDEX handoff_items_nik ON handoff_items (nik_digest)",
    """CREATE TABLE activation_imports (
        id TEXT PRIMARY KEY,
        at TEXT NOT NULL,
        actor TEXT,
        file_name TEXT NOT NULL,
        file_digest TEXT NOT NULL,
        mapping_name TEXT NOT NULL,
        row_count {int} NOT NULL,
        applied {int} NOT NULL,
        unchanged {int} NOT NULL,
        unmatched {int} NOT NULL,
        ambiguous {int} NOT NULL,
        duplicates {int} NOT NULL)""",
    """CREATE TABLE activations (
        uuid TEXT PRIMARY KEY,                    -- the registration
        status TEXT NOT NULL CHECK (status IN ('enrolled', 'refused')),
        kpj TEXT,
        enrolled_on TEXT,
        first_paid_month TEXT,                    -- YYYY-MM
        last_paid_month TEXT,                     -- YYYY-MM
        refusal_reason TEXT,
        outcome_digest TEXT NOT NULL,
        import_id TEXT NOT NULL REFERENCES activation_imports(id),
        updated_at TEXT NOT NULL,
        feed_seq {int} NOT NULL)""",
    "CREATE INDEX activations_feed ON activations (feed_seq)",
    """CREATE TABLE funnel_members (
        uuid TEXT PRIMARY KEY,
        day TEXT NOT NULL,
        event_code TEXT NOT NULL,
        officer_code TEXT NOT NULL,
        branch_code TEXT NOT NULL,
        last_paid_month TEXT NOT NULL,            -- '' when nothing is paid
        handed_off {int} NOT NULL,
        enrolled {int} NOT NULL,
        first_payment {int} NOT NULL,
        refused {int} NOT NULL)""",
    """CREATE TABLE funnel_rollup (
        day TEXT NOT NULL,
        event_code TEXT NOT NULL,
        officer_code TEXT NOT NULL,
        branch_code TEXT NOT NULL,
        last_paid_month TEXT NOT NULL,
        handed_off {int} NOT NULL DEFAULT 0,
        enrolled {int} NOT NULL DEFAULT 0,
        first_payment {int} NOT NULL DEFAULT 0,
        refused {int} NOT NULL DEFAULT 0,
        PRIMARY KEY (day, event_code, officer_code, branch_code, last_paid_month))""",
    # A target on any funnel measure, for a branch or an event (`outreach hub funnel-target`).
    """CREATE TABLE funnel_targets (
        scope TEXT NOT NULL CHECK (scope IN ('branch', 'event')),
        code TEXT NOT NULL,
        measure TEXT NOT NULL CHECK (measure IN ('leads', 'registered', 'handed_off',
            'enrolled', 'first_payment', 'still_paying')),
        target {int} NOT NULL CHECK (target >= 0),
        updated_at TEXT NOT NULL,
        PRIMARY KEY (scope, code, measure))""",
]


# v7 (issue 17: record search by name). PostgreSQL: a
# GIN trigram index (pg_trgm) over the lower-cased name in the wire data, through a
# function that gives NULL for data that is not JSON (rows of older hubs), so neither the
# index build nor a later insert can fail on it. Where the extension cannot be created,
# the hub still starts and `hub search` scans instead (slower, same answers). SQLite: a
# contentless FTS5 trigram index keyed by the records' rowid (the hub never VACUUMs and
# upserts keep rowids), kept by triggers.
_V7_NAME_SEARCH = {
    "sqlite": [
        "CREATE VIRTUAL TABLE record_names USING fts5("
        "name, content = '', columnsize = 0, tokenize = 'trigram')",
        "INSERT INTO record_names (rowid, name) SELECT rowid, "
        "CASE WHEN json_valid(data) THEN json_extract(data, '$.full_name') END FROM records",
        """CREATE TRIGGER record_names_insert AFTER INSERT ON records BEGIN
        INSERT INTO record_names (rowid, name) VALUES (NEW.rowid,
            CASE WHEN json_valid(NEW.data) THEN json_extract(NEW.data, '$.full_name') END);
        END""",
        """CREATE TRIGGER record_names_update AFTER UPDATE OF data ON records BEGIN
        INSERT INTO record_names (record_names, rowid, name) VALUES ('delete', OLD.rowid,
            CASE WHEN json_valid(OLD.data) THEN json_extract(OLD.data, '$.full_name') END);
        INSERT INTO record_names (rowid, name) VALUES (NEW.rowid,
            CASE WHEN json_valid(NEW.data) THEN json_extract(NEW.data, '$.full_name') END);
        END""",
        """CREATE TRIGGER record_names_delete AFTER DELETE ON records BEGIN
        INSERT INTO record_names (record_names, rowid, name) VALUES ('delete', OLD.rowid,
            CASE WHEN json_valid(OLD.data) THEN json_extract(OLD.data, '$.full_name') END);
        END""",
    ],
    "postgres": [
        """CREATE FUNCTION hub_record_name(data text) RETURNS text
        LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
        BEGIN
            RETURN lower(data::jsonb ->> 'full_name');
        EXCEPTION WHEN others THEN
            RETURN NULL;
        END $$""",
        """DO $$
        BEGIN
            CREATE EXTENSION IF NOT EXISTS pg_trgm;
            CREATE INDEX records_name_trgm ON records
                USING gin (hub_record_name(data) gin_trgm_ops);
        EXCEPTION WHEN others THEN
            RAISE WARNING USING MESSAGE =
                'pg_trgm is not available; hub search scans records: ' || SQLERRM;
        END $$""",
    ],
}


# v8 (issue 17: region and nation). Organisational units — head office → regional office
# → branch → sub-branch — and named target areas made of branches. `unit_paths` is the
# tree's closure (every ancestor of every unit, itself at depth 0) so a region's subtree is
# one indexed look-up. A device and a supervisor token belong to a unit (NULL: the whole
# hub, as every token enrolled before units). A record keeps the unit of the token that
# first pushed it, and the daily rollups carry it in their key, so a region's tally sums
# rollup rows and never scans records. Rows from before units have unit_code ''.
_V8_UNITS = [
    """CREATE TABLE units (
        code TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        kind TEXT NOT NULL
            CHECK (kind IN ('head_office', 'region', 'branch', 'sub_branch', 'area')),
        parent_code TEXT REFERENCES units(code),
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL)""",
    """CREATE TABLE unit_paths (
        ancestor TEXT NOT NULL REFERENCES units(code),
        descendant TEXT NOT NULL REFERENCES units(code),
        depth {int} NOT NULL,
        PRIMARY KEY (ancestor, descendant))""",
    "CREATE INDEX unit_paths_descendant ON unit_paths (descendant)",
    """CREATE TABLE area_branches (
        area_code TEXT NOT NULL REFERENCES units(code),
        branch_code TEXT NOT NULL REFERENCES units(code),
        PRIMARY KEY (area_code, branch_code))""",
    """CREATE TABLE unit_targets (
        unit_code TEXT NOT NULL REFERENCES units(code),
        year {int} NOT NULL,
        measure TEXT NOT NULL,
        target {int} NOT NULL CHECK (target >= 0),
        updated_at TEXT NOT NULL,
        PRIMARY KEY (unit_code, year, measure))""",
    "ALTER TABLE devices ADD COLUMN unit_code TEXT REFERENCES units(code)",
    "ALTER TABLE records ADD COLUMN unit_code TEXT NOT NULL DEFAULT ''",
    "CREATE INDEX records_unit_day ON records (unit_code, day)",
    # The rollup's key gains the unit: a new table, the old rows copied under unit ''.
    """CREATE TABLE daily_rollup_v8 (
        unit_code TEXT NOT NULL DEFAULT '',
        day TEXT NOT NULL,
        event_code TEXT NOT NULL,
        officer_code TEXT NOT NULL,
        sector TEXT NOT NULL,
        path TEXT NOT NULL,
        role TEXT NOT NULL,
        registrations {int} NOT NULL DEFAULT 0,
        workers {int} NOT NULL DEFAULT 0,
        leads {int} NOT NULL DEFAULT 0,
        voided {int} NOT NULL DEFAULT 0,
        monthly_due {int} NOT NULL DEFAULT 0,
        converted {int} NOT NULL DEFAULT 0,
        jht {int} NOT NULL DEFAULT 0,
        jht_monthly_due {int} NOT NULL DEFAULT 0,
        PRIMARY KEY (unit_code, day, event_code, officer_code, sector, path, role))""",
    """INSERT INTO daily_rollup_v8 (unit_code, day, event_code, officer_code, sector, path,
        role, registrations, workers, leads, voided, monthly_due, converted, jht,
        jht_monthly_due)
    SELECT '', day, event_code, officer_code, sector, path, role, registrations, workers,
        leads, voided, monthly_due, converted, jht, jht_monthly_due FROM daily_rollup""",
    "DROP TABLE daily_rollup",
    "ALTER TABLE daily_rollup_v8 RENAME TO daily_rollup",
    "CREATE INDEX daily_rollup_day ON daily_rollup (day)",
]


# v9 (issue 17: branch hubs that catch up). A token may be a relay: another hub (a branch
# hub forwarding upward) that pushes records made by any laptop. `devices.role` takes
# 'relay': PostgreSQL swaps the CHECK; SQLite cannot alter one, so the table is rebuilt
# (foreign keys deferred: `laptops` points at it, and every row comes back). On the
# forwarding side, per upper hub a cursor over what went up (`relay_targets`: the last
# forwarded record version in the order the hub accepted them, batches.feed_seq then
# uuid, version) and at most one batch in flight (`relay_outbox`: its body as sent, so a
# rerun after a kill resends the same bytes under the same batch id); withdrawals recorded
# at the hub go up once each (`relay_withdrawals`). An index on record_versions' batch
# lets the relay page through versions batch by batch.
_V9_DEVICE_COLUMNS = (
    "id, officer_code, name, token_hash, role, created_at, expires_at, revoked_at, "
    "last_seen_at, last_sync_at, client_device_id, unit_code"
)
_V9_ROLE = {
    "sqlite": [
        "PRAGMA defer_foreign_keys = ON",
        "CREATE TABLE devices_v8 AS SELECT * FROM devices",
        "DROP TABLE devices",
        """CREATE TABLE devices (
        id TEXT PRIMARY KEY,
        officer_code TEXT NOT NULL REFERENCES officers(code),
        name TEXT NOT NULL,
        token_hash TEXT NOT NULL UNIQUE,
        role TEXT NOT NULL CHECK (role IN ('device', 'supervisor', 'relay')),
        created_at TEXT NOT NULL,
        expires_at TEXT NOT NULL,
        revoked_at TEXT,
        last_seen_at TEXT,
        last_sync_at TEXT,
        client_device_id TEXT,
        unit_code TEXT REFERENCES units(code))""",
        f"INSERT INTO devices ({_V9_DEVICE_COLUMNS}) SELECT {_V9_DEVICE_COLUMNS} FROM devices_v8",
        "DROP TABLE devices_v8",
        "CREATE INDEX devices_name ON devices (name)",
    ],
    "postgres": [
        "ALTER TABLE devices DROP CONSTRAINT devices_role_check",
        "ALTER TABLE devices ADD CONSTRAINT devices_role_check "
        "CHECK (role IN ('device', 'supervisor', 'relay'))",
    ],
}
_V9_RELAY = [
    "CREATE INDEX record_versions_batch ON record_versions (batch_id, uuid, version)",
    """CREATE TABLE relay_targets (
        hub_id TEXT PRIMARY KEY,                  -- the upper hub, as its capabilities say
        url TEXT NOT NULL,
        hub_key TEXT,                             -- its receipt key, pinned at the first run
        feed_seq {int} NOT NULL DEFAULT 0,        -- cursor: the last version forwarded
        uuid TEXT NOT NULL DEFAULT '',
        version {int} NOT NULL DEFAULT 0,
        batches {int} NOT NULL DEFAULT 0,
        forwarded {int} NOT NULL DEFAULT 0,
        updated_at TEXT NOT NULL)""",
    """CREATE TABLE relay_outbox (
        hub_id TEXT PRIMARY KEY REFERENCES relay_targets(hub_id),
        batch_id TEXT NOT NULL UNIQUE,
        body TEXT NOT NULL,                       -- the batch as sent, resent verbatim
        record_count {int} NOT NULL,
        withdrawal_count {int} NOT NULL,
        to_feed_seq {int} NOT NULL,               -- the cursor once the receipt is in
        to_uuid TEXT NOT NULL,
        to_version {int} NOT NULL,
        created_at TEXT NOT NULL)""",
    """CREATE TABLE relay_withdrawals (
        hub_id TEXT NOT NULL REFERENCES relay_targets(hub_id),
        uuid TEXT NOT NULL,
        batch_id TEXT NOT NULL,
        PRIMARY KEY (hub_id, uuid))""",
]


# v10 (issue 17: scale, measured). A region's or the nation's tally by unit and day read
# the officer-grain rollup: at 10,000,000 records that is millions of rows (one per unit x
# day x event x officer x sector x path x role), summed per request. `unit_day_rollup`
# holds the same sums at unit x day x path (a few per branch-day), kept by the same
# ingest statement batch (rollup.apply); tallies whose groups are only unit, day and path
# (`--by branch|region|area|day`, unit targets) read it. JHT is split by role here, as
# the tallies report it.
UNIT_DAY_COUNTS = (
    "registrations", "workers", "leads", "voided", "monthly_due", "converted",
    "jht_owners", "jht_workers", "jht_monthly_due",
)  # fmt: skip
UNIT_DAY_FROM_DAILY = (
    f"INSERT INTO unit_day_rollup (unit_code, day, path, {', '.join(UNIT_DAY_COUNTS)}) "
    "SELECT unit_code, day, path, SUM(registrations), SUM(workers), SUM(leads), SUM(voided), "
    "SUM(monthly_due), SUM(converted), SUM(CASE WHEN role = 'owner' THEN jht ELSE 0 END), "
    "SUM(CASE WHEN role = 'worker' THEN jht ELSE 0 END), SUM(jht_monthly_due) "
    "FROM daily_rollup GROUP BY unit_code, day, path"
)
_V10_UNIT_DAY = [
    """CREATE TABLE unit_day_rollup (
        unit_code TEXT NOT NULL,
        day TEXT NOT NULL,
        path TEXT NOT NULL,
        registrations {int} NOT NULL DEFAULT 0,
        workers {int} NOT NULL DEFAULT 0,
        leads {int} NOT NULL DEFAULT 0,
        voided {int} NOT NULL DEFAULT 0,
        monthly_due {int} NOT NULL DEFAULT 0,
        converted {int} NOT NULL DEFAULT 0,
        jht_owners {int} NOT NULL DEFAULT 0,
        jht_workers {int} NOT NULL DEFAULT 0,
        jht_monthly_due {int} NOT NULL DEFAULT 0,
        PRIMARY KEY (unit_code, day, path))""",
    UNIT_DAY_FROM_DAILY,
    "CREATE INDEX unit_day_rollup_day ON unit_day_rollup (day)",
]


# v11 (issue 17: exports and downlink). Which known-participant digests a unit's laptops
# learn: 'branch' (their own unit's, the default) or 'region' (the whole region's above
# them). NULL: as the nearest ancestor says (none: 'branch'). Areas choose nothing.
# `downlink_scopes`: the digest scope each device's feed was last served complete for
# (its root unit's code), so a device whose scope widened is fed again from the start.
_V11_UNIT_DOWNLINK = [
    "ALTER TABLE units ADD COLUMN downlink TEXT CHECK (downlink IN ('branch', 'region'))",
    """CREATE TABLE downlink_scopes (
        device_id TEXT PRIMARY KEY REFERENCES devices(id),
        digest_root TEXT NOT NULL,
        updated_at TEXT NOT NULL)""",
]


# v12 (issues 17 and 18: the funnel by branch, region and area). Each funnel member carries
# the unit its record was pushed from (records.unit_code, backfilled from the latest
# version), the rollup's key gains it (rebuilt from the members, whose sum it is), and a
# funnel target may be set on any unit, not only a branch code or an event.
_V12_FUNNEL_UNITS = [
    "ALTER TABLE funnel_members ADD COLUMN unit_code TEXT NOT NULL DEFAULT ''",
    """UPDATE funnel_members SET unit_code = COALESCE((SELECT r.unit_code FROM records r
        WHERE r.uuid = funnel_members.uuid ORDER BY r.version DESC LIMIT 1), '')""",
    """CREATE TABLE funnel_rollup_v12 (
        unit_code TEXT NOT NULL DEFAULT '',
        day TEXT NOT NULL,
        event_code TEXT NOT NULL,
        officer_code TEXT NOT NULL,
        branch_code TEXT NOT NULL,
        last_paid_month TEXT NOT NULL,
        handed_off {int} NOT NULL DEFAULT 0,
        enrolled {int} NOT NULL DEFAULT 0,
        first_payment {int} NOT NULL DEFAULT 0,
        refused {int} NOT NULL DEFAULT 0,
        PRIMARY KEY (unit_code, day, event_code, officer_code, branch_code, last_paid_month))""",
    """INSERT INTO funnel_rollup_v12 (unit_code, day, event_code, officer_code, branch_code,
        last_paid_month, handed_off, enrolled, first_payment, refused)
    SELECT unit_code, day, event_code, officer_code, branch_code, last_paid_month,
        SUM(handed_off), SUM(enrolled), SUM(first_payment), SUM(refused)
    FROM funnel_members
    GROUP BY unit_code, day, event_code, officer_code, branch_code, last_paid_month""",
    "DROP TABLE funnel_rollup",
    "ALTER TABLE funnel_rollup_v12 RENAME TO funnel_rollup",
    "CREATE INDEX funnel_rollup_unit ON funnel_rollup (unit_code)",
    """CREATE TABLE funnel_targets_v12 (
        scope TEXT NOT NULL CHECK (scope IN ('branch', 'event', 'unit')),
        code TEXT NOT NULL,
        measure TEXT NOT NULL CHECK (measure IN ('leads', 'registered', 'handed_off',
            'enrolled', 'first_payment', 'still_paying')),
        target {int} NOT NULL CHECK (target >= 0),
        updated_at TEXT NOT NULL,
        PRIMARY KEY (scope, code, measure))""",
    """INSERT INTO funnel_targets_v12 (scope, code, measure, target, updated_at)
    SELECT scope, code, measure, target, updated_at FROM funnel_targets""",
    "DROP TABLE funnel_targets",
    "ALTER TABLE funnel_targets_v12 RENAME TO funnel_targets",
]


# v13 (issue 17: the name search's key kept as a column). The v7 index was built over
# hub_record_name(data), which parses each record's JSON: 19 of the 50 seconds a 1M-record
# bulk load spent rebuilding indexes, and, being a PL/pgSQL block that catches errors, a
# function PostgreSQL may not run in a parallel plan ("cannot start subtransactions during a
# parallel operation"). Ingest now writes the lower-cased name (`name_key`, Python's
# str.lower, as the search lowers its query) and the trigram index is over the column. Rows
# already stored get it from their data once, here (PostgreSQL's lower(); SQLite's lowers
# ASCII only: its search goes through the FTS5 index and does not read the column).
_V13_NAME_KEY = {
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
_V14_OFFICER_EVENT = [
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
_V15_DUPLICATE_CASES = [
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


def migrations(dialect: str) -> list[tuple[int, str, list[str]]]:
    """(version, name, statements) in order, spelt for ``dialect``."""
    words = DIALECT[dialect]

    def spell(statements: list[str]) -> list[str]:
        return [s.replace("{id}", words["id"]).replace("{int}", words["int"]) for s in statements]

    v2 = spell(_V2_COMMON) + _V2_BACKFILL[dialect] + _V2_ROLLUP
    return [
        (1, "initial", spell(_V1_TABLES) + _V1_APPEND_ONLY[dialect]),
        (2, "reports", v2),
        (3, "audit_guard", _V3_AUDIT_GUARD[dialect]),
        (4, "laptop_binding", _V4_LAPTOPS),
        (5, "consent_withdrawals", _V5_WITHDRAWALS),
        (6, "handoff_activation", spell(_V6_HANDOFF)),
        (7, "name_search", _V7_NAME_SEARCH[dialect]),
        (8, "units", spell(_V8_UNITS)),
        (9, "relay", _V9_ROLE[dialect] + spell(_V9_RELAY)),
        (10, "unit_day_rollup", spell(_V10_UNIT_DAY)),
        (11, "unit_downlink", _V11_UNIT_DOWNLINK),
        (12, "funnel_units", spell(_V12_FUNNEL_UNITS)),
        (13, "name_key", _V13_NAME_KEY[dialect]),
        (14, "officer_event_rollup", spell(_V14_OFFICER_EVENT)),
        (15, "duplicate_cases", spell(_V15_DUPLICATE_CASES)),
    ]


LATEST_VERSION = 15
