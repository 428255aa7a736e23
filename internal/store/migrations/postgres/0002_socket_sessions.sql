-- Recovery sessions of disconnected Socket.IO clients, kept in the database
-- so that a client resumes (socket.recovered === true) across a restart and
-- on another instance.
CREATE TABLE socket_sessions (
	pid             TEXT   PRIMARY KEY,
	body            TEXT   NOT NULL,
	disconnected_at BIGINT NOT NULL
);
CREATE INDEX socket_sessions_disconnected_at ON socket_sessions (disconnected_at);
