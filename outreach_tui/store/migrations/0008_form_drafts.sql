-- Forms in progress (store/drafts.py): what the officer has typed but not saved yet, kept
-- as they type so a quit, a crash or the idle lock never loses it. One row per form kind
-- and officer; ``data`` is the JSON of the field values (sealed like every personal field,
-- ``enc1:…``, when encryption is on). Local only: never in a sync batch, bundle or export;
-- removed with the save of the record (same transaction), by ctrl+n, and by the purge
-- once older than the retention.
CREATE TABLE form_drafts (
    kind TEXT NOT NULL CHECK (kind IN ('registration', 'workers', 'lead')),
    officer_code TEXT NOT NULL,  -- '' before any officer has started the day
    data TEXT NOT NULL,
    updated_at TEXT NOT NULL,  -- UTC, ISO 8601
    PRIMARY KEY (kind, officer_code)
) WITHOUT ROWID;
