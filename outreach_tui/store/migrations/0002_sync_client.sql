-- Client side of sync protocol v1 (docs/SYNC_PROTOCOL.md section 3).

-- The exact body sent, so a batch left open by a killed run is re-sent with the same
-- batch_id and the same records even if one of them was edited since.
ALTER TABLE sync_batches ADD COLUMN body TEXT;

-- Where the downlink stopped (GET /api/v1/downlink?since=<cursor>), per hub.
ALTER TABLE sync_checkpoints ADD COLUMN downlink_cursor TEXT;

-- Supervisor decisions on possible duplicates, pulled from the hub.
CREATE TABLE review_outcomes (
    uuid TEXT PRIMARY KEY,
    outcome TEXT NOT NULL CHECK (outcome IN ('same_person', 'different_people')),
    reviewed_at TEXT NOT NULL,
    received_at TEXT NOT NULL
);
