"""The shape of a tally, the same wherever it is summed: on an officer's file
(``store/tallies.py``), in a hub database (``hub/tallies.py``) and over the hub's rollup
rows (``reports/sources.py``), so ``reports`` reads every source the same way."""

from __future__ import annotations

# What a tally can be grouped by: the booth day, then who, where and what. The hub's
# daily rollup rows are kept at exactly this grain.
GROUP_COLUMNS = ("day", "event_code", "officer_code", "sector", "path", "role")
# What every grouped fact row sums.
METRICS = (
    "owners", "workers", "leads", "converted", "voided", "monthly_due",
    "jht_owners", "jht_workers", "jht_monthly_due",
)  # fmt: skip
# One exported record (no personal data), laptop and hub alike.
EXPORT_COLUMNS = (
    "entity", "uuid", "version", "reference_no", "day", "created_at", "event_code",
    "officer_code", "device_id", "role", "path", "sector", "programs", "monthly_due",
    "voided", "converted", "owner_uuid",
    "occupation", "working_hours", "postal_code", "branch_code", "income_band",
    "reminders",  # 1: the participant gave the separate reminder consent (UU 27/2022 22(4))
)  # fmt: skip
