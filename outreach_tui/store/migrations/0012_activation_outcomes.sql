-- Issue 18: what the core system answered about the laptop's registrations after the
-- branch handed them to the Perisai channel, from the sync downlink (docs/HANDOFF.md).
-- One row per registration, replaced by a newer answer: enrolled with a KPJ (the
-- participant number), the enrolment date and the first and latest paid months, or
-- refused with the reason. No personal field: the KPJ identifies a participant, not a
-- person's NIK, name or phone; kept like the tallies (the purge leaves it).
CREATE TABLE activation_outcomes (
    uuid TEXT PRIMARY KEY,
    status TEXT NOT NULL CHECK (status IN ('enrolled', 'refused')),
    kpj TEXT,
    enrolled_on TEXT,
    first_paid_month TEXT,
    last_paid_month TEXT,
    refusal_reason TEXT,
    updated_at TEXT NOT NULL,
    received_at TEXT NOT NULL
);
