-- JKK/JKM paid from APBN/APBD (state or regional budget): PP 50/2025 art. 3 excludes these
-- participants from its discount. Asked once on the registration form; 0 for every
-- registration saved before the question existed.
ALTER TABLE registrations ADD COLUMN state_funded INTEGER NOT NULL DEFAULT 0;

-- A purged row stays final: the guard names its columns, so it names the new one too.
DROP TRIGGER registrations_purged_final;

CREATE TRIGGER registrations_purged_final BEFORE UPDATE OF
    uuid, seq, reference_no, role, owner_uuid, path, nik, full_name, birth_date, sex,
    birth_place, phone, email, address, province_code, business_name, sector, workers_count,
    declared_income, programs, payment_months, monthly_normal, monthly_due, estimate,
    ref_version, consent_version, consent_at, officer_code, event_id, device_id, created_at,
    updated_at, version, voided_at, void_reason, nik_digest, nik_key_id, purged_at,
    state_funded
ON registrations
WHEN OLD.purged_at IS NOT NULL
BEGIN
    SELECT RAISE(ABORT, 'record purged after sync: correct it at the branch');
END;
