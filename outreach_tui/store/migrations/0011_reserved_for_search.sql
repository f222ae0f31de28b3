-- Placeholder on the `handoff` branch only: version 11 belongs to the `search` branch
-- (record search, FTS5). The migration runner needs 1..N without gaps, so this empty step
-- lets 0012 run here. At the merge, drop this file for search's 0011.
SELECT 1;
