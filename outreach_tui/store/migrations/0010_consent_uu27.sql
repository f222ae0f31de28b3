-- Issue 20, UU 27/2022 consent (docs/PRIVACY.md section 1). Columns only: the table is not
-- rebuilt (0009 of the `fields` branch rebuilds it).
--
-- Payment reminders are a consent of their own (art. 22(4)): the "reminder" text version
-- and when it was given; NULL: no reminder may be sent or listed for the record.
ALTER TABLE registrations ADD COLUMN reminder_consent_version TEXT;
ALTER TABLE registrations ADD COLUMN reminder_consent_at TEXT;
-- Under 18 on the registration day (art. 25): who consented for the registrant.
ALTER TABLE registrations ADD COLUMN guardian_name TEXT;
ALTER TABLE registrations ADD COLUMN guardian_relation TEXT
    CHECK (guardian_relation IS NULL OR guardian_relation IN ('parent', 'guardian'));
ALTER TABLE registrations ADD COLUMN guardian_consent INTEGER NOT NULL DEFAULT 0
    CHECK (guardian_consent IN (0, 1));
-- Withdrawal of consent: processing stops by withdrawal_due_at (withdrawn_at + 3×24 h).
-- The withdrawal travels to the hub as a new version, like a void.
ALTER TABLE registrations ADD COLUMN withdrawn_at TEXT;
ALTER TABLE registrations ADD COLUMN withdrawal_reason TEXT;
ALTER TABLE registrations ADD COLUMN withdrawal_due_at TEXT;

-- A withdrawal is final: no later change of the record may clear it.
CREATE TRIGGER registrations_withdrawal_final BEFORE UPDATE OF
    withdrawn_at, withdrawal_reason, withdrawal_due_at ON registrations
WHEN OLD.withdrawn_at IS NOT NULL AND (NEW.withdrawn_at IS NOT OLD.withdrawn_at
    OR NEW.withdrawal_due_at IS NOT OLD.withdrawal_due_at)
BEGIN
    SELECT RAISE(ABORT, 'consent withdrawn: the withdrawal cannot be undone');
END;

-- A purged row stays final (0005, 0009): the guard names every column of the record, now
-- with the consent's too (a withdrawal of a purged record is recorded at the hub).
DROP TRIGGER registrations_purged_final;
CREATE TRIGGER registrations_purged_final BEFORE UPDATE OF
    uuid, seq, reference_no, role, owner_uuid, path, nik, full_name, birth_date, sex,
    birth_place, phone, email, address, province_code, business_name, sector, workers_count,
    declared_income, programs, payment_months, monthly_normal, monthly_due, estimate,
    ref_version, consent_version, consent_at, officer_code, event_id, device_id, created_at,
    updated_at, version, voided_at, void_reason, nik_digest, nik_key_id, purged_at,
    state_funded, occupation, work_location, working_hours, postal_code, branch_code,
    income_band, reminder_consent_version, reminder_consent_at, guardian_name,
    guardian_relation, guardian_consent, withdrawn_at, withdrawal_reason, withdrawal_due_at
ON registrations
WHEN OLD.purged_at IS NOT NULL
BEGIN
    SELECT RAISE(ABORT, 'record purged after sync: correct it at the branch');
END;
