-- When each staff record was written, from the clock of the use case that wrote it (never the
-- database's): canonical fixed-width UTC text, as the log's `recorded_at`, so both engines
-- export the same bytes. NULL for rows written before this migration.
-- `ended_recorded_at` / `completed_recorded_at`: when the end (or completion) was recorded,
-- NULL while there is none.
ALTER TABLE staff_reductions ADD COLUMN recorded_at TEXT;
ALTER TABLE staff_reductions ADD COLUMN ended_recorded_at TEXT;
ALTER TABLE staff_reports ADD COLUMN recorded_at TEXT;
ALTER TABLE staff_reports ADD COLUMN completed_recorded_at TEXT;
ALTER TABLE staff_characteristics ADD COLUMN recorded_at TEXT;
ALTER TABLE staff_flags ADD COLUMN recorded_at TEXT;
ALTER TABLE staff_flags ADD COLUMN ended_recorded_at TEXT;
