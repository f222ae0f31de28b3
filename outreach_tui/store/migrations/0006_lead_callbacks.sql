-- Call-backs of leads: what came of each call (local to this laptop; the lead's own
-- follow_up_on and converted_uuid carry the outcome to the hub as a new version).
CREATE TABLE lead_callbacks (
    id INTEGER PRIMARY KEY,
    lead_uuid TEXT NOT NULL REFERENCES leads(uuid),
    called_at TEXT NOT NULL,
    outcome TEXT NOT NULL CHECK (outcome IN
        ('interested', 'call_again', 'no_answer', 'declined', 'wrong_number', 'registered')),
    next_follow_up_on TEXT,
    officer_code TEXT NOT NULL
);
CREATE INDEX lead_callbacks_lead ON lead_callbacks (lead_uuid, called_at);

-- The call-back list: open leads by follow-up date (voided, converted and purged leads
-- are never due).
CREATE INDEX leads_due ON leads (follow_up_on)
    WHERE voided_at IS NULL AND converted_uuid IS NULL AND purged_at IS NULL;
