-- Issue 8 (UU 27/2022, personal data): minimisation after sync, optional field
-- encryption, consent guards and officer PINs. See docs/PRIVACY.md.
--
-- SQLite cannot relax NOT NULL/CHECK in place, so registrations and leads are rebuilt:
-- the old tables are renamed away first (their foreign keys follow them), the new ones are
-- created under the real names, filled, and the old ones dropped. Foreign-key checks are
-- deferred to the commit of this migration, which verifies them all.
--
-- Personal columns become nullable: a purged row keeps what tallies need, its NIK only as
-- a keyed hash (nik_digest, nik_key_id) and its name as the marker '—'. With encryption on
-- they hold 'enc1:<base64>' (AES-GCM), hence the relaxed length checks.

PRAGMA defer_foreign_keys = ON;

ALTER TABLE leads RENAME TO leads_v3;
ALTER TABLE registrations RENAME TO registrations_v3;

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
    base_version INTEGER,
    sync_state TEXT NOT NULL DEFAULT 'pending'
        CHECK (sync_state IN ('pending', 'uploading', 'synced', 'duplicate', 'conflict', 'rejected')),
    sync_code TEXT,
    sync_field TEXT,
    sync_message TEXT,
    synced_at TEXT,
    voided_at TEXT,
    void_reason TEXT,
    nik_digest TEXT,                       -- HMAC-SHA256(key nik_key_id, NIK), hex
    nik_key_id TEXT,
    purged_at TEXT,                        -- personal fields removed after the hub's ack
    CHECK ((role = 'owner' AND owner_uuid IS NULL) OR (role = 'worker' AND owner_uuid IS NOT NULL)),
    CHECK ((voided_at IS NULL) = (void_reason IS NULL)),
    CHECK ((nik_digest IS NULL) = (nik_key_id IS NULL)),
    CHECK (purged_at IS NOT NULL OR (nik IS NOT NULL AND birth_date IS NOT NULL
                                     AND declared_income IS NOT NULL)),
    CHECK (purged_at IS NULL OR (sync_state IN ('synced', 'duplicate') AND nik IS NULL
        AND nik_digest IS NOT NULL AND birth_date IS NULL AND birth_place IS NULL
        AND phone IS NULL AND email IS NULL AND address IS NULL AND business_name IS NULL
        AND declared_income IS NULL))
);

INSERT INTO registrations (uuid, seq, reference_no, role, owner_uuid, path, nik, full_name,
    birth_date, sex, birth_place, phone, email, address, province_code, business_name,
    sector, workers_count, declared_income, programs, payment_months, monthly_normal,
    monthly_due, estimate, ref_version, consent_version, consent_at, officer_code, event_id,
    device_id, created_at, updated_at, version, base_version, sync_state, sync_code,
    sync_field, sync_message, synced_at, voided_at, void_reason)
SELECT uuid, seq, reference_no, role, owner_uuid, path, nik, full_name,
    birth_date, sex, birth_place, phone, email, address, province_code, business_name,
    sector, workers_count, declared_income, programs, payment_months, monthly_normal,
    monthly_due, estimate, ref_version, consent_version, consent_at, officer_code, event_id,
    device_id, created_at, updated_at, version, base_version, sync_state, sync_code,
    sync_field, sync_message, synced_at, voided_at, void_reason
FROM registrations_v3 ORDER BY rowid;

CREATE TABLE leads (
    uuid TEXT PRIMARY KEY,
    seq INTEGER NOT NULL UNIQUE,
    full_name TEXT NOT NULL
        CHECK (length(full_name) BETWEEN 1 AND 100 OR substr(full_name, 1, 5) = 'enc1:'),
    phone TEXT,
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
    purged_at TEXT,
    CHECK ((voided_at IS NULL) = (void_reason IS NULL)),
    CHECK (purged_at IS NOT NULL OR phone IS NOT NULL),
    CHECK (purged_at IS NULL OR (sync_state IN ('synced', 'duplicate') AND phone IS NULL
        AND interest IS NULL AND notes IS NULL AND follow_up_on IS NULL))
);

INSERT INTO leads (uuid, seq, full_name, phone, sector, interest, consent_contact,
    consent_version, consent_at, follow_up_on, notes, converted_uuid, officer_code,
    event_id, device_id, created_at, updated_at, version, base_version, sync_state,
    sync_code, sync_field, sync_message, synced_at, voided_at, void_reason)
SELECT uuid, seq, full_name, phone, sector, interest, consent_contact,
    consent_version, consent_at, follow_up_on, notes, converted_uuid, officer_code,
    event_id, device_id, created_at, updated_at, version, base_version, sync_state,
    sync_code, sync_field, sync_message, synced_at, voided_at, void_reason
FROM leads_v3 ORDER BY rowid;

DROP TABLE leads_v3;
DROP TABLE registrations_v3;

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

CREATE INDEX leads_event_created ON leads (event_id, created_at);
CREATE INDEX leads_created ON leads (created_at);
CREATE INDEX leads_sync ON leads (sync_state, seq);
CREATE INDEX leads_phone ON leads (phone);
CREATE INDEX leads_tally ON leads
    (created_at, officer_code, event_id, sector, voided_at, converted_uuid);

-- No save without consent, whatever the code path (the store also refuses first, with a
-- clearer message). Triggers, not CHECKs, so rows saved before this version stay valid.
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

CREATE TRIGGER leads_consent_required BEFORE INSERT ON leads
WHEN NEW.consent_contact IS NOT 1 OR NEW.consent_version IS NULL
    OR trim(NEW.consent_version) = '' OR NEW.consent_at IS NULL OR trim(NEW.consent_at) = ''
BEGIN
    SELECT RAISE(ABORT, 'consent required: lead without consent to be contacted');
END;

CREATE TRIGGER leads_consent_kept BEFORE UPDATE OF consent_contact, consent_version, consent_at
ON leads
WHEN NEW.consent_contact IS NOT 1 OR NEW.consent_version IS NULL
    OR trim(NEW.consent_version) = '' OR NEW.consent_at IS NULL OR trim(NEW.consent_at) = ''
BEGIN
    SELECT RAISE(ABORT, 'consent required: lead without consent to be contacted');
END;

-- A purged record is final on this laptop: no edit may bring personal data back or send
-- it again (corrections happen at the branch).
CREATE TRIGGER registrations_purged_final BEFORE UPDATE ON registrations
WHEN OLD.purged_at IS NOT NULL
BEGIN
    SELECT RAISE(ABORT, 'record purged after sync: correct it at the branch');
END;

CREATE TRIGGER leads_purged_final BEFORE UPDATE ON leads
WHEN OLD.purged_at IS NOT NULL
BEGIN
    SELECT RAISE(ABORT, 'record purged after sync: correct it at the branch');
END;

-- Officer sign-in on a shared laptop: a slow hash of the PIN (scrypt, per-officer salt).
CREATE TABLE officer_pins (
    officer_code TEXT PRIMARY KEY REFERENCES officers(code),
    pin_hash TEXT NOT NULL,                -- hex
    salt TEXT NOT NULL,                    -- hex, 16 random bytes
    params TEXT NOT NULL,                  -- scrypt n,r,p as JSON
    set_at TEXT NOT NULL,
    failed_attempts INTEGER NOT NULL DEFAULT 0 CHECK (failed_attempts >= 0),
    last_failed_at TEXT,
    locked_until TEXT
);
