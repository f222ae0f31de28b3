"""Hub schema v1–v7, the first wave: the store and sync protocol (v1), supervisor reports
(v2), the audit guard (v3), laptop binding (v4), consent withdrawals (v5), the hand-off to
Perisai and activation (v6) and the name search (v7). Released: never edit, add the next
migration (``schema/__init__.py`` lists them)."""

from __future__ import annotations

V1_TABLES = [
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

V1_APPEND_ONLY = {
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
V2_COMMON = [
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
V2_BACKFILL = {
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
V2_ROLLUP = [
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
V3_AUDIT_GUARD = {
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
V4_LAPTOPS = [
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
V5_WITHDRAWALS = [
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
V6_HANDOFF = [
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
V7_NAME_SEARCH = {
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
