"""Hub schema v8–v12 (issue 17, region and nation): units and their closure, relays, the
unit x day rollup, the downlink's unit scope and the funnel by unit. Released: never edit,
add the next migration."""

from __future__ import annotations

# v8 (issue 17: region and nation). Organisational units — head office → regional office
# → branch → sub-branch — and named target areas made of branches. `unit_paths` is the
# tree's closure (every ancestor of every unit, itself at depth 0) so a region's subtree is
# one indexed look-up. A device and a supervisor token belong to a unit (NULL: the whole
# hub, as every token enrolled before units). A record keeps the unit of the token that
# first pushed it, and the daily rollups carry it in their key, so a region's tally sums
# rollup rows and never scans records. Rows from before units have unit_code ''.
V8_UNITS = [
    """CREATE TABLE units (
        code TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        kind TEXT NOT NULL
            CHECK (kind IN ('head_office', 'region', 'branch', 'sub_branch', 'area')),
        parent_code TEXT REFERENCES units(code),
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL)""",
    """CREATE TABLE unit_paths (
        ancestor TEXT NOT NULL REFERENCES units(code),
        descendant TEXT NOT NULL REFERENCES units(code),
        depth {int} NOT NULL,
        PRIMARY KEY (ancestor, descendant))""",
    "CREATE INDEX unit_paths_descendant ON unit_paths (descendant)",
    """CREATE TABLE area_branches (
        area_code TEXT NOT NULL REFERENCES units(code),
        branch_code TEXT NOT NULL REFERENCES units(code),
        PRIMARY KEY (area_code, branch_code))""",
    """CREATE TABLE unit_targets (
        unit_code TEXT NOT NULL REFERENCES units(code),
        year {int} NOT NULL,
        measure TEXT NOT NULL,
        target {int} NOT NULL CHECK (target >= 0),
        updated_at TEXT NOT NULL,
        PRIMARY KEY (unit_code, year, measure))""",
    "ALTER TABLE devices ADD COLUMN unit_code TEXT REFERENCES units(code)",
    "ALTER TABLE records ADD COLUMN unit_code TEXT NOT NULL DEFAULT ''",
    "CREATE INDEX records_unit_day ON records (unit_code, day)",
    # The rollup's key gains the unit: a new table, the old rows copied under unit ''.
    """CREATE TABLE daily_rollup_v8 (
        unit_code TEXT NOT NULL DEFAULT '',
        day TEXT NOT NULL,
        event_code TEXT NOT NULL,
        officer_code TEXT NOT NULL,
        sector TEXT NOT NULL,
        path TEXT NOT NULL,
        role TEXT NOT NULL,
        registrations {int} NOT NULL DEFAULT 0,
        workers {int} NOT NULL DEFAULT 0,
        leads {int} NOT NULL DEFAULT 0,
        voided {int} NOT NULL DEFAULT 0,
        monthly_due {int} NOT NULL DEFAULT 0,
        converted {int} NOT NULL DEFAULT 0,
        jht {int} NOT NULL DEFAULT 0,
        jht_monthly_due {int} NOT NULL DEFAULT 0,
        PRIMARY KEY (unit_code, day, event_code, officer_code, sector, path, role))""",
    """INSERT INTO daily_rollup_v8 (unit_code, day, event_code, officer_code, sector, path,
        role, registrations, workers, leads, voided, monthly_due, converted, jht,
        jht_monthly_due)
    SELECT '', day, event_code, officer_code, sector, path, role, registrations, workers,
        leads, voided, monthly_due, converted, jht, jht_monthly_due FROM daily_rollup""",
    "DROP TABLE daily_rollup",
    "ALTER TABLE daily_rollup_v8 RENAME TO daily_rollup",
    "CREATE INDEX daily_rollup_day ON daily_rollup (day)",
]


# v9 (issue 17: branch hubs that catch up). A token may be a relay: another hub (a branch
# hub forwarding upward) that pushes records made by any laptop. `devices.role` takes
# 'relay': PostgreSQL swaps the CHECK; SQLite cannot alter one, so the table is rebuilt
# (foreign keys deferred: `laptops` points at it, and every row comes back). On the
# forwarding side, per upper hub a cursor over what went up (`relay_targets`: the last
# forwarded record version in the order the hub accepted them, batches.feed_seq then
# uuid, version) and at most one batch in flight (`relay_outbox`: its body as sent, so a
# rerun after a kill resends the same bytes under the same batch id); withdrawals recorded
# at the hub go up once each (`relay_withdrawals`). An index on record_versions' batch
# lets the relay page through versions batch by batch.
_V9_DEVICE_COLUMNS = (
    "id, officer_code, name, token_hash, role, created_at, expires_at, revoked_at, "
    "last_seen_at, last_sync_at, client_device_id, unit_code"
)
V9_ROLE = {
    "sqlite": [
        "PRAGMA defer_foreign_keys = ON",
        "CREATE TABLE devices_v8 AS SELECT * FROM devices",
        "DROP TABLE devices",
        """CREATE TABLE devices (
        id TEXT PRIMARY KEY,
        officer_code TEXT NOT NULL REFERENCES officers(code),
        name TEXT NOT NULL,
        token_hash TEXT NOT NULL UNIQUE,
        role TEXT NOT NULL CHECK (role IN ('device', 'supervisor', 'relay')),
        created_at TEXT NOT NULL,
        expires_at TEXT NOT NULL,
        revoked_at TEXT,
        last_seen_at TEXT,
        last_sync_at TEXT,
        client_device_id TEXT,
        unit_code TEXT REFERENCES units(code))""",
        f"INSERT INTO devices ({_V9_DEVICE_COLUMNS}) SELECT {_V9_DEVICE_COLUMNS} FROM devices_v8",
        "DROP TABLE devices_v8",
        "CREATE INDEX devices_name ON devices (name)",
    ],
    "postgres": [
        "ALTER TABLE devices DROP CONSTRAINT devices_role_check",
        "ALTER TABLE devices ADD CONSTRAINT devices_role_check "
        "CHECK (role IN ('device', 'supervisor', 'relay'))",
    ],
}
V9_RELAY = [
    "CREATE INDEX record_versions_batch ON record_versions (batch_id, uuid, version)",
    """CREATE TABLE relay_targets (
        hub_id TEXT PRIMARY KEY,                  -- the upper hub, as its capabilities say
        url TEXT NOT NULL,
        hub_key TEXT,                             -- its receipt key, pinned at the first run
        feed_seq {int} NOT NULL DEFAULT 0,        -- cursor: the last version forwarded
        uuid TEXT NOT NULL DEFAULT '',
        version {int} NOT NULL DEFAULT 0,
        batches {int} NOT NULL DEFAULT 0,
        forwarded {int} NOT NULL DEFAULT 0,
        updated_at TEXT NOT NULL)""",
    """CREATE TABLE relay_outbox (
        hub_id TEXT PRIMARY KEY REFERENCES relay_targets(hub_id),
        batch_id TEXT NOT NULL UNIQUE,
        body TEXT NOT NULL,                       -- the batch as sent, resent verbatim
        record_count {int} NOT NULL,
        withdrawal_count {int} NOT NULL,
        to_feed_seq {int} NOT NULL,               -- the cursor once the receipt is in
        to_uuid TEXT NOT NULL,
        to_version {int} NOT NULL,
        created_at TEXT NOT NULL)""",
    """CREATE TABLE relay_withdrawals (
        hub_id TEXT NOT NULL REFERENCES relay_targets(hub_id),
        uuid TEXT NOT NULL,
        batch_id TEXT NOT NULL,
        PRIMARY KEY (hub_id, uuid))""",
]


# v10 (issue 17: scale, measured). A region's or the nation's tally by unit and day read
# the officer-grain rollup: at 10,000,000 records that is millions of rows (one per unit x
# day x event x officer x sector x path x role), summed per request. `unit_day_rollup`
# holds the same sums at unit x day x path (a few per branch-day), kept by the same
# ingest statement batch (rollup.apply); tallies whose groups are only unit, day and path
# (`--by branch|region|area|day`, unit targets) read it. JHT is split by role here, as
# the tallies report it.
UNIT_DAY_COUNTS = (
    "registrations", "workers", "leads", "voided", "monthly_due", "converted",
    "jht_owners", "jht_workers", "jht_monthly_due",
)  # fmt: skip
UNIT_DAY_FROM_DAILY = (
    f"INSERT INTO unit_day_rollup (unit_code, day, path, {', '.join(UNIT_DAY_COUNTS)}) "
    "SELECT unit_code, day, path, SUM(registrations), SUM(workers), SUM(leads), SUM(voided), "
    "SUM(monthly_due), SUM(converted), SUM(CASE WHEN role = 'owner' THEN jht ELSE 0 END), "
    "SUM(CASE WHEN role = 'worker' THEN jht ELSE 0 END), SUM(jht_monthly_due) "
    "FROM daily_rollup GROUP BY unit_code, day, path"
)
V10_UNIT_DAY = [
    """CREATE TABLE unit_day_rollup (
        unit_code TEXT NOT NULL,
        day TEXT NOT NULL,
        path TEXT NOT NULL,
        registrations {int} NOT NULL DEFAULT 0,
        workers {int} NOT NULL DEFAULT 0,
        leads {int} NOT NULL DEFAULT 0,
        voided {int} NOT NULL DEFAULT 0,
        monthly_due {int} NOT NULL DEFAULT 0,
        converted {int} NOT NULL DEFAULT 0,
        jht_owners {int} NOT NULL DEFAULT 0,
        jht_workers {int} NOT NULL DEFAULT 0,
        jht_monthly_due {int} NOT NULL DEFAULT 0,
        PRIMARY KEY (unit_code, day, path))""",
    UNIT_DAY_FROM_DAILY,
    "CREATE INDEX unit_day_rollup_day ON unit_day_rollup (day)",
]


# v11 (issue 17: exports and downlink). Which known-participant digests a unit's laptops
# learn: 'branch' (their own unit's, the default) or 'region' (the whole region's above
# them). NULL: as the nearest ancestor says (none: 'branch'). Areas choose nothing.
# `downlink_scopes`: the digest scope each device's feed was last served complete for
# (its root unit's code), so a device whose scope widened is fed again from the start.
V11_UNIT_DOWNLINK = [
    "ALTER TABLE units ADD COLUMN downlink TEXT CHECK (downlink IN ('branch', 'region'))",
    """CREATE TABLE downlink_scopes (
        device_id TEXT PRIMARY KEY REFERENCES devices(id),
        digest_root TEXT NOT NULL,
        updated_at TEXT NOT NULL)""",
]


# v12 (issues 17 and 18: the funnel by branch, region and area). Each funnel member carries
# the unit its record was pushed from (records.unit_code, backfilled from the latest
# version), the rollup's key gains it (rebuilt from the members, whose sum it is), and a
# funnel target may be set on any unit, not only a branch code or an event.
V12_FUNNEL_UNITS = [
    "ALTER TABLE funnel_members ADD COLUMN unit_code TEXT NOT NULL DEFAULT ''",
    """UPDATE funnel_members SET unit_code = COALESCE((SELECT r.unit_code FROM records r
        WHERE r.uuid = funnel_members.uuid ORDER BY r.version DESC LIMIT 1), '')""",
    """CREATE TABLE funnel_rollup_v12 (
        unit_code TEXT NOT NULL DEFAULT '',
        day TEXT NOT NULL,
        event_code TEXT NOT NULL,
        officer_code TEXT NOT NULL,
        branch_code TEXT NOT NULL,
        last_paid_month TEXT NOT NULL,
        handed_off {int} NOT NULL DEFAULT 0,
        enrolled {int} NOT NULL DEFAULT 0,
        first_payment {int} NOT NULL DEFAULT 0,
        refused {int} NOT NULL DEFAULT 0,
        PRIMARY KEY (unit_code, day, event_code, officer_code, branch_code, last_paid_month))""",
    """INSERT INTO funnel_rollup_v12 (unit_code, day, event_code, officer_code, branch_code,
        last_paid_month, handed_off, enrolled, first_payment, refused)
    SELECT unit_code, day, event_code, officer_code, branch_code, last_paid_month,
        SUM(handed_off), SUM(enrolled), SUM(first_payment), SUM(refused)
    FROM funnel_members
    GROUP BY unit_code, day, event_code, officer_code, branch_code, last_paid_month""",
    "DROP TABLE funnel_rollup",
    "ALTER TABLE funnel_rollup_v12 RENAME TO funnel_rollup",
    "CREATE INDEX funnel_rollup_unit ON funnel_rollup (unit_code)",
    """CREATE TABLE funnel_targets_v12 (
        scope TEXT NOT NULL CHECK (scope IN ('branch', 'event', 'unit')),
        code TEXT NOT NULL,
        measure TEXT NOT NULL CHECK (measure IN ('leads', 'registered', 'handed_off',
            'enrolled', 'first_payment', 'still_paying')),
        target {int} NOT NULL CHECK (target >= 0),
        updated_at TEXT NOT NULL,
        PRIMARY KEY (scope, code, measure))""",
    """INSERT INTO funnel_targets_v12 (scope, code, measure, target, updated_at)
    SELECT scope, code, measure, target, updated_at FROM funnel_targets""",
    "DROP TABLE funnel_targets",
    "ALTER TABLE funnel_targets_v12 RENAME TO funnel_targets",
]
