-- Login sessions ("families" of refresh tokens). Every token issued from one
-- login names its session; ending the session (logout, a reused refresh
-- token, an admin's change to the account) refuses them all. refresh_hash is
-- the SHA-256 of the identifier of the one refresh token that may still be
-- spent: presenting any other refresh token of the session is reuse.
CREATE TABLE auth_sessions (
	id             TEXT   PRIMARY KEY,
	user_id        BIGINT NOT NULL REFERENCES users (id),
	refresh_hash   TEXT   NOT NULL,
	rotations      BIGINT NOT NULL DEFAULT 0,
	created_at     BIGINT NOT NULL,
	last_used_at   BIGINT NOT NULL,
	expires_at     BIGINT NOT NULL,
	revoked_at     BIGINT,
	revoked_reason TEXT   NOT NULL DEFAULT '',
	address        TEXT   NOT NULL DEFAULT '',
	user_agent     TEXT   NOT NULL DEFAULT ''
);
CREATE INDEX auth_sessions_user ON auth_sessions (user_id);
CREATE INDEX auth_sessions_expires_at ON auth_sessions (expires_at);

-- Security events (a reused refresh token, sessions ended by an account
-- change), kept for monitoring and alerting.
CREATE TABLE security_events (
	id         INTEGER PRIMARY KEY,
	at         BIGINT NOT NULL,
	kind       TEXT   NOT NULL,
	user_id    BIGINT,
	session_id TEXT   NOT NULL DEFAULT '',
	address    TEXT   NOT NULL DEFAULT '',
	detail     TEXT   NOT NULL DEFAULT ''
);
CREATE INDEX security_events_at ON security_events (at);
