-- Staff: a third role. A staff user belongs to one vendor (vendor_id) and
-- works the round of its assigned areas (staff_areas) on its shifts
-- (shifts: "morning", "evening" or "morning,evening"). vendor_id and shifts
-- are NULL / '' for admins and vendors.
ALTER TABLE users ADD COLUMN vendor_id BIGINT REFERENCES users (id);
ALTER TABLE users ADD COLUMN shifts TEXT NOT NULL DEFAULT '';

-- SQLite cannot alter a CHECK constraint, and rebuilding users would trip
-- the foreign keys that point at it. Widening the role check changes no
-- stored row, which is the case SQLite documents writable_schema for; the
-- RESET reloads the schema so that this connection sees the new check.
PRAGMA writable_schema = ON;
UPDATE sqlite_master
SET sql = replace(sql, 'CHECK (role IN (''admin'', ''vendor''))', 'CHECK (role IN (''admin'', ''vendor'', ''staff''))')
WHERE type = 'table' AND name = 'users';
PRAGMA writable_schema = RESET;

CREATE INDEX users_vendor ON users (vendor_id);

CREATE TABLE staff_areas (
	user_id BIGINT NOT NULL REFERENCES users (id),
	area_id BIGINT NOT NULL REFERENCES areas (id),
	PRIMARY KEY (user_id, area_id)
);
CREATE INDEX staff_areas_area ON staff_areas (area_id);
