-- 0021: reports (issue 18). A report is a background job and a row: it is
-- requested (queued), claimed by one runner (running), and ends ready (with
-- a file on disk), failed or cancelled. claimed_by, lease_until and
-- heartbeat_at are the claim: a runner takes a queued job, or a running one
-- whose lease has expired (its instance died), with a conditional UPDATE
-- that only one runner can win, and renews the lease while it works. A job
-- interrupted by a shutdown is put back to queued; one whose instance died
-- is taken again once its lease expires; after max attempts it fails.
-- vendor_id is the report's scope (0: the whole business): admins see every
-- report, a vendor those of its own scope.
CREATE TABLE reports (
	id                INTEGER PRIMARY KEY,
	kind              TEXT    NOT NULL,
	params            TEXT    NOT NULL,
	vendor_id         BIGINT  NOT NULL DEFAULT 0,
	status            TEXT    NOT NULL CHECK (status IN ('queued', 'running', 'ready', 'failed', 'cancelled')),
	done              INTEGER NOT NULL DEFAULT 0,
	total             INTEGER NOT NULL DEFAULT 0,
	requested_by      BIGINT  NOT NULL,
	requested_by_name TEXT    NOT NULL,
	file_path         TEXT,
	file_name         TEXT,
	bytes             BIGINT  NOT NULL DEFAULT 0,
	error             TEXT    NOT NULL DEFAULT '',
	attempts          INTEGER NOT NULL DEFAULT 0,
	claimed_by        TEXT,
	lease_until       BIGINT,
	heartbeat_at      BIGINT,
	created_at        BIGINT  NOT NULL,
	started_at        BIGINT,
	finished_at       BIGINT,
	updated_at        BIGINT  NOT NULL
);
CREATE INDEX reports_status ON reports (status, id);
CREATE INDEX reports_vendor ON reports (vendor_id, id);
