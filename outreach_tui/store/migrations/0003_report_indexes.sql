-- Supervisor tallies (issue 6): covering indexes for the GROUP BY over a created_at range,
-- so `outreach tally` reads index pages only, never whole registration rows.

CREATE INDEX registrations_tally ON registrations
    (created_at, role, path, sector, officer_code, event_id, programs, monthly_due, voided_at);
CREATE INDEX leads_tally ON leads
    (created_at, officer_code, event_id, sector, voided_at, converted_uuid);
