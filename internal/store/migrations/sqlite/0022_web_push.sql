-- Web Push (issue 17). push_keys holds the server's one VAPID key pair
-- (RFC 8292), created by the first instance that needs it and shared by
-- all: the browsers' subscriptions are bound to its public key. The
-- private key is base64url (raw P-256 scalar), as webpush-go takes it.
CREATE TABLE push_keys (
	id          INTEGER PRIMARY KEY CHECK (id = 1),
	public_key  TEXT    NOT NULL,
	private_key TEXT    NOT NULL,
	created_at  BIGINT  NOT NULL
);

-- A browser's push subscription (one per device and login); the endpoint
-- is unique: the same browser subscribing again, under any user, replaces
-- its row.
CREATE TABLE push_subscriptions (
	id          INTEGER PRIMARY KEY,
	user_id     BIGINT  NOT NULL REFERENCES users (id),
	endpoint    TEXT    NOT NULL UNIQUE,
	p256dh      TEXT    NOT NULL,
	auth        TEXT    NOT NULL,
	created_at  BIGINT  NOT NULL
);
CREATE INDEX push_subscriptions_user ON push_subscriptions (user_id);

-- A user's choice per kind of notification; no row means on.
CREATE TABLE push_prefs (
	user_id BIGINT  NOT NULL REFERENCES users (id),
	kind    TEXT    NOT NULL,
	enabled INTEGER NOT NULL, -- 1 on, 0 off
	PRIMARY KEY (user_id, kind)
);

-- How far the instances have turned the event log into notifications: the
-- instance that moves seq from what it read sends that range, so each
-- notification is sent by exactly one instance.
CREATE TABLE push_cursor (
	id  INTEGER PRIMARY KEY CHECK (id = 1),
	seq BIGINT  NOT NULL
);
