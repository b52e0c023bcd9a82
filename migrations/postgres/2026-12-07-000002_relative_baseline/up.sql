-- A relative target's baseline is a measured quantity: value, unit, date and source. Evidence on a
-- relative target is that quantity in that unit (吨, 元 …), never the percentage.
--
-- Existing rows: baselines keep their value, but none had a unit, so no existing baseline is usable
-- until staff record its unit, date and source: the status engine computes no change from it, the
-- indicator shows "needs baseline", and new evidence on it is refused until then. Existing evidence
-- values are left exactly as stored (they were always read as the measured quantity); once staff
-- confirm the unit they are shown and counted in it, and staff see each one with its change beside it.
ALTER TABLE indicators ADD COLUMN baseline_unit TEXT;
ALTER TABLE indicators ADD COLUMN baseline_on DATE;
ALTER TABLE indicators ADD COLUMN baseline_source TEXT;
