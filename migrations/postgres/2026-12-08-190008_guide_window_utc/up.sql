-- A guide's application window was the one time stored as Beijing wall-clock time (as the guide
-- writes it) while every other timestamp is UTC. From here on it is stored in UTC like the rest.
--
-- Existing rows: every stored opening and closing was the guide's Beijing time (UTC+8 all year, no
-- daylight saving), so each is moved back exactly eight hours (09:00 becomes 01:00 UTC); NULLs stay
-- NULL. Nothing else depends on these columns, so no other row changes. `down.sql` adds the eight
-- hours back.
UPDATE guides SET opens_at = opens_at - INTERVAL '8 hours', closes_at = closes_at - INTERVAL '8 hours';
