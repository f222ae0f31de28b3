-- Issue 20: the 2-month advance payment (the JMO app offers 1, 2, 3, 6 and 12 months) and
-- the fields the core system needs: occupation (data/occupations.toml), work location,
-- working hours, postal code, the laptop's branch and the declared-income band.
--
-- SQLite cannot change a CHECK in place, so registrations is rebuilt as in 0004: every
-- column, index and trigger is kept. The runner applies migrations with foreign keys off
-- (checked in full before the commit); with legacy_alter_table on as well, the rename
-- leaves the foreign key of leads (converted_uuid) naming "registrations", the table
-- built here, instead of following the old one away.
--
-- work_location is personal (sealed with encryption on, removed by the purge); the postal
-- code, like the province code, stays for tallies. Rows saved before have NULL in the new
-- columns (an older record travels without them).

PRAGMA defer_foreign_keys = ON;
PRAGMA legacy_alter_table = ON;

DROP TRIGGER registrations_consent_required;
DROP TRIGGER registrations_consent_kept;
DROP TRIGGER registrations_purged_final;

ALTER TABLE registrations RENAME TO registrations_v8;

CREATE TABLE registrations (
    uuid TEXT PRIMARY KEY,
    seq INTEGER NOT NULL UNIQUE,
    reference_no TEXT NOT NULL UNIQUE,
    role TEXT NOT NULL CHECK (role IN ('owner', 'worker')),
    owner_uuid TEXT REFERENCES registrations(uuid),
    path TEXT NOT NULL CHECK (path IN ('bpu', 'pu_micro')),
    nik TEXT CHECK (nik IS NULL OR length(nik) = 16 OR substr(nik, 1, 5) = 'enc1:'),
    full_name TEXT NOT NULL
        CHECK (length(full_name) BETWEEN 1 AND 100 OR substr(full_name, 1, 5) = 'enc1:'),
    birth_date TEXT,
    sex TEXT NOT NULL CHECK (sex IN ('F', 'M')),
    birth_place TEXT,
    phone TEXT,
    email TEXT,
    address TEXT,
    province_code TEXT NOT NULL,
    business_name TEXT,
    sector TEXT NOT NULL,
    workers_count INTEGER NOT NULL DEFAULT 0 CHECK (workers_count BETWEEN 0 AND 15),
    declared_income INTEGER CHECK (declared_income IS NULL OR declared_income > 0),
    programs TEXT NOT NULL,
    payment_months INTEGER NOT NULL CHECK (payment_months IN (1, 2, 3, 6, 12)),
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
    base_version INTEGER,
    sync_state TEXT NOT NULL DEFAULT 'pending'
        CHECK (sync_state IN ('pending', 'uploading', 'synced', 'duplicate', 'conflict', 'rejected')),
    sync_code TEXT,
    sync_field TEXT,
    sync_message TEXT,
    synced_at TEXT,
    voided_at TEXT,
    void_reason TEXT,
    nik_digest TEXT,
    nik_key_id TEXT,
    purged_at TEXT,
    state_funded INTEGER NOT NULL DEFAULT 0,
    occupation TEXT,                       -- data/occupations.toml code, e.g. '84'
    work_location TEXT,                    -- personal: sealed and purged like the address
    working_hours TEXT,                    -- '08:00-17:00'
    postal_code TEXT CHECK (postal_code IS NULL
        OR (length(postal_code) = 5 AND postal_code GLOB '[1-9][0-9][0-9][0-9][0-9]')),
    branch_code TEXT,                      -- the laptop's branch at the save
    income_band TEXT,                      -- contributions.toml income_bands id (BPU)
    CHECK ((role = 'owner' AND owner_uuid IS NULL) OR (role = 'worker' AND owner_uuid IS NOT NULL)),
    CHECK ((voided_at IS NULL) = (void_reason IS NULL)),
    CHECK ((nik_digest IS NULL) = (nik_key_id IS NULL)),
    CHECK (purged_at IS NOT NULL OR (nik IS NOT NULL AND birth_date IS NOT NULL
                                     AND declared_income IS NOT NULL)),
    CHECK (purged_at IS NULL OR (sync_state IN ('synced', 'duplicate') AND nik IS NULL
        AND nik_digest IS NOT NULL AND birth_date IS NULL AND birth_place IS NULL
        AND phone IS NULL AND email IS NULL AND address IS NULL AND business_name IS NULL
        AND declared_income IS NULL AND work_location IS NULL))
);

INSERT INTO registrations (uuid, seq, reference_no, role, owner_uuid, path, nik, full_name,
    birth_date, sex, birth_place, phone, email, address, province_code, business_name,
    sector, workers_count, declared_income, programs, payment_months, monthly_normal,
    monthly_due, estimate, ref_version, consent_version, consent_at, officer_code, event_id,
    device_id, created_at, updated_at, version, base_version, sync_state, sync_code,
    sync_field, sync_message, synced_at, voided_at, void_reason, nik_digest, nik_key_id,
    purged_at, state_funded)
SELECT uuid, seq, reference_no, role, owner_uuid, path, nik, full_name,
    birth_date, sex, birth_place, phone, email, address, province_code, business_name,
    sector, workers_count, declared_income, programs, payment_months, monthly_normal,
    monthly_due, estimate, ref_version, consent_version, consent_at, officer_code, event_id,
    device_id, created_at, updated_at, version, base_version, sync_state, sync_code,
    sync_field, sync_message, synced_at, voided_at, void_reason, nik_digest, nik_key_id,
    purged_at, state_funded
FROM registrations_v8 ORDER BY rowid;

DROP TABLE registrations_v8;
PRAGMA legacy_alter_table = OFF;

CREATE INDEX registrations_nik ON registrations (nik);
CREATE INDEX registrations_owner ON registrations (owner_uuid) WHERE owner_uuid IS NOT NULL;
CREATE INDEX registrations_event_created ON registrations (event_id, created_at);
CREATE INDEX registrations_created ON registrations (created_at);
CREATE INDEX registrations_sync ON registrations (sync_state, seq);
CREATE INDEX registrations_name ON registrations (full_name COLLATE NOCASE);
CREATE INDEX registrations_phone ON registrations (phone);
CREATE INDEX registrations_tally ON registrations
    (created_at, role, path, sector, officer_code, event_id, programs, monthly_due, voided_at);
CREATE INDEX registrations_nik_digest ON registrations (nik_digest) WHERE nik_digest IS NOT NULL;

CREATE TRIGGER registrations_consent_required BEFORE INSERT ON registrations
WHEN NEW.consent_version IS NULL OR trim(NEW.consent_version) = ''
    OR NEW.consent_at IS NULL OR trim(NEW.consent_at) = ''
BEGIN
    SELECT RAISE(ABORT, 'consent required: registration without consent_version/consent_at');
END;

CREATE TRIGGER registrations_consent_kept BEFORE UPDATE OF consent_version, consent_at
ON registrations
WHEN NEW.consent_version IS NULL OR trim(NEW.consent_version) = ''
    OR NEW.consent_at IS NULL OR trim(NEW.consent_at) = ''
BEGIN
    SELECT RAISE(ABORT, 'consent required: registration without consent_version/consent_at');
END;

-- A purged row stays final: the guard names every column of the record (0005), the new
-- ones too; a column added later must be added here (next migration).
CREATE TRIGGER registrations_purged_final BEFORE UPDATE OF
    uuid, seq, reference_no, role, owner_uuid, path, nik, full_name, birth_date, sex,
    birth_place, phone, email, address, province_code, business_name, sector, workers_count,
    declared_income, programs, payment_months, monthly_normal, monthly_due, estimate,
    ref_version, consent_version, consent_at, officer_code, event_id, device_id, created_at,
    updated_at, version, voided_at, void_reason, nik_digest, nik_key_id, purged_at,
    state_funded, occupation, work_location, working_hours, postal_code, branch_code,
    income_band
ON registrations
WHEN OLD.purged_at IS NOT NULL
BEGIN
    SELECT RAISE(ABORT, 'record purged after sync: correct it at the branch');
END;
