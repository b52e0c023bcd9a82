ALTER TABLE indicators DROP COLUMN baseline_source;
ALTER TABLE indicators DROP COLUMN baseline_on;
ALTER TABLE indicators DROP COLUMN baseline_unit;
