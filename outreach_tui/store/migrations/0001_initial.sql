-- Officer laptop schema v1. Times are UTC ISO 8601 text; money is integer rupiah.

CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- One global change counter: every insert or edit of a syncable record takes the next
-- value, so "everything after seq N" is exactly what the hub has not acknowledged.
CREATE TABLE counters (
    name TEXT PRIMARY KEY,
    value INTEGER NOT NULL
);
INSERT INTO counters (name, value) VALUES ('seq', 0);

CREATE TABLE branches (
    code TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    city TEXT NOT NULL,
    target_year INTEGER,
    target_new_employers INTEGER CHECK (target_new_employers >= 0),
    target_informal INTEGER CHECK (target_informal >= 0),
    created_at TEXT NOT NULL
);

CREATE TABLE officers (
    code TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    branch_code TEXT REFERENCES branches(code),
    active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at TEXT NOT NULL
);

CREATE TABLE events (
    id TEXT PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    venue TEXT,
    city TEXT,
    branch_code TEXT REFERENCES branches(code),
    starts_on TEXT NOT NULL,
    ends_on TEXT NOT NULL,
    target_registrations INTEGER CHECK (target_registrations >= 0),
    target_workers INTEGER CHECK (target_workers >= 0),
    target_leads INTEGER CHECK (target_leads >= 0),
    created_at TEXT NOT NULL,
    CHECK (ends_on >= starts_on)
);

CREATE TABLE registrations (
    uuid TEXT PRIMARY KEY,                 -- UUIDv7, made on this device at save
    seq INTEGER NOT NULL UNIQUE,           -- local change sequence (bumped by edits)
    reference_no TEXT NOT NULL UNIQUE,     -- printed on the receipt
    role TEXT NOT NULL CHECK (role IN ('owner', 'worker')),
    owner_uuid TEXT REFERENCES registrations(uuid),
    path TEXT NOT NULL CHECK (path IN ('bpu', 'pu_micro')),
    nik TEXT NOT NULL CHECK (length(nik) = 16),
    full_name TEXT NOT NULL CHECK (length(full_name) BETWEEN 1 AND 100),
    birth_date TEXT NOT NULL,
    sex TEXT NOT NULL CHECK (sex IN ('F', 'M')),
    birth_place TEXT,
    phone TEXT,
    email TEXT,
    address TEXT,
    province_code TEXT NOT NULL,
    business_name TEXT,
    sector TEXT NOT NULL,
    workers_count INTEGER NOT NULL DEFAULT 0 CHECK (workers_count BETWEEN 0 AND 15),
    declared_income INTEGER NOT NULL CHECK (declared_income > 0),
    programs TEXT NOT NULL,                -- 'JKK,JKM' or 'JKK,JKM,JHT'
    payment_months INTEGER NOT NULL CHECK (payment_months IN (1, 3, 6, 12)),
    monthly_normal INTEGER NOT NULL CHECK (monthly_normal >= 0),
    monthly_due INTEGER NOT NULL CHECK (monthly_due >= 0),
    estimate INTEGER NOT NULL CHECK (estimate IN (0, 1)),
    ref_version TEXT NOT NULL,
    consent_version TEXT NOT NULL,
    consent_at TEXT NOT NULL,
    officer_code TEXT NOT NULL REFERENCES officers(code),
    event_id TEXT REFERENCES events(id),
    device_id TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1),
    base_version INTEGER,                  -- the version the hub last acknowledged
    sync_state TEXT NOT NULL DEFAULT 'pending'
        CHECK (sync_state IN ('pending', 'uploading', 'synced', 'duplicate', 'conflict', 'rejected')),
    sync_code TEXT,
    sync_field TEXT,
    sync_message TEXT,
    synced_at TEXT,
    voided_at TEXT,
    void_reason TEXT,
    CHECK ((role = 'owner' AND owner_uuid IS NULL) OR (role = 'worker' AND owner_uuid IS NOT NULL)),
    CHECK ((voided_at IS NULL) = (void_reason IS NULL))
);
CREATE INDEX registrations_nik ON registrations (nik);
CREATE INDEX registrations_owner ON registrations (owner_uuid) WHERE owner_uuid IS NOT NULL;
CREATE INDEX registrations_event_created ON registrations (event_id, created_at);
CREATE INDEX registrations_created ON registrations (created_at);
CREATE INDEX registrations_sync ON registrations (sync_state, seq);
CREATE INDEX registrations_name ON registrations (full_name COLLATE NOCASE);
CREATE INDEX registrations_phone ON registrations (phone);

CREATE TABLE leads (
    uuid TEXT PRIMARY KEY,
    seq INTEGER NOT NULL UNIQUE,
    full_name TEXT NOT NULL CHECK (length(full_name) BETWEEN 1 AND 100),
    phone TEXT NOT NULL,
    sector TEXT,
    interest TEXT,
    consent_contact INTEGER NOT NULL CHECK (consent_contact IN (0, 1)),
    consent_version TEXT NOT NULL,
    consent_at TEXT NOT NULL,
    follow_up_on TEXT,
    notes TEXT,
    converted_uuid TEXT REFERENCES registrations(uuid),
    officer_code TEXT NOT NULL REFERENCES officers(code),
    event_id TEXT REFERENCES events(id),
    device_id TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1),
    base_version INTEGER,
    sync_state TEXT NOT NULL DEFAULT 'pending'
        CHECK (sync_state IN ('pending', 'uploading', 'synced', 'duplicate', 'conflict', 'rejected')),
    sync_code TEXT,
    sync_field TEXT,
    sync_message TEXT,
    synced_at TEXT,
    voided_at TEXT,
    void_reason TEXT,
    CHECK ((voided_at IS NULL) = (void_reason IS NULL))
);
CREATE INDEX leads_event_created ON leads (event_id, created_at);
CREATE INDEX leads_created ON leads (created_at);
CREATE INDEX leads_sync ON leads (sync_state, seq);
CREATE INDEX leads_phone ON leads (phone);

-- Earlier versions of edited records, as JSON, so an edit never destroys what was synced.
CREATE TABLE record_history (
    entity TEXT NOT NULL CHECK (entity IN ('registration', 'lead')),
    uuid TEXT NOT NULL,
    version INTEGER NOT NULL,
    data TEXT NOT NULL,
    replaced_at TEXT NOT NULL,
    PRIMARY KEY (entity, uuid, version)
);

CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    officer_code TEXT,
    device_id TEXT NOT NULL,
    action TEXT NOT NULL,
    entity TEXT,
    entity_uuid TEXT,
    version INTEGER,
    detail TEXT
);
CREATE INDEX audit_log_entity ON audit_log (entity_uuid);

-- INSERT OR REPLACE deletes without firing DELETE triggers; refuse reused ids outright.
CREATE TRIGGER audit_log_append_only_replace BEFORE INSERT ON audit_log
WHEN NEW.id IS NOT NULL AND EXISTS (SELECT 1 FROM audit_log WHERE id = NEW.id)
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;

CREATE TRIGGER audit_log_append_only_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;

CREATE TRIGGER audit_log_append_only_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;

-- Sync bookkeeping (client side of the protocol).
CREATE TABLE sync_batches (
    batch_id TEXT PRIMARY KEY,
    hub_id TEXT NOT NULL,
    seq_from INTEGER NOT NULL,
    seq_to INTEGER NOT NULL,
    record_count INTEGER NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('open', 'acked', 'failed')),
    created_at TEXT NOT NULL,
    acked_at TEXT,
    receipt TEXT,
    CHECK (seq_to >= seq_from)
);

CREATE TABLE sync_receipts (
    batch_id TEXT NOT NULL REFERENCES sync_batches(batch_id),
    entity TEXT NOT NULL,
    uuid TEXT NOT NULL,
    version INTEGER NOT NULL,
    outcome TEXT NOT NULL CHECK (outcome IN ('accepted', 'duplicate', 'conflict', 'rejected')),
    code TEXT,
    field TEXT,
    message TEXT,
    PRIMARY KEY (batch_id, uuid, version)
);

CREATE TABLE sync_checkpoints (
    hub_id TEXT PRIMARY KEY,
    last_acked_seq INTEGER NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE reference_data (
    kind TEXT NOT NULL,
    version TEXT NOT NULL,
    content TEXT NOT NULL,
    installed_at TEXT NOT NULL,
    PRIMARY KEY (kind, version)
);

-- Keyed hashes of NIKs the branch already knows (downlink), for offline duplicate warnings.
CREATE TABLE known_participants (
    nik_digest TEXT PRIMARY KEY,
    key_id TEXT NOT NULL,
    registered_on TEXT,
    branch_code TEXT,
    received_at TEXT NOT NULL
);
