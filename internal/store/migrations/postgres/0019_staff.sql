-- Staff: a third role. A staff user belongs to one vendor (vendor_id) and
-- works the round of its assigned areas (staff_areas) on its shifts
-- (shifts: "morning", "evening" or "morning,evening"). vendor_id and shifts
-- are NULL / '' for admins and vendors.
ALTER TABLE users ADD COLUMN vendor_id BIGINT REFERENCES users (id);
ALTER TABLE users ADD COLUMN shifts TEXT NOT NULL DEFAULT '';
ALTER TABLE users DROP CONSTRAINT users_role_check;
ALTER TABLE users ADD CONSTRAINT users_role_check CHECK (role IN ('admin', 'vendor', 'staff'));
CREATE INDEX users_vendor ON users (vendor_id);

CREATE TABLE staff_areas (
	user_id BIGINT NOT NULL REFERENCES users (id),
	area_id BIGINT NOT NULL REFERENCES areas (id),
	PRIMARY KEY (user_id, area_id)
);
CREATE INDEX staff_areas_area ON staff_areas (area_id);
