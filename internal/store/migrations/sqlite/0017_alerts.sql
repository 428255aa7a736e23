-- 0017: alerts (issue 18). An alert is raised by a rule about a subject
-- (an entity and its id: a customer, a payment, a vendor, a dependency) and
-- goes open → acked → resolved; a resolved alert is never reopened (the
-- condition coming back raises a new one). At most one open or acked alert
-- per (rule, subject): the partial unique index makes raising twice
-- impossible, even with every instance of a cluster evaluating the rules.
-- Rule settings live in settings under 'alert_rules' (JSON).
CREATE TABLE alerts (
	id             INTEGER PRIMARY KEY,
	rule           TEXT    NOT NULL,
	severity       TEXT    NOT NULL CHECK (severity IN ('info', 'warning', 'critical')),
	status         TEXT    NOT NULL CHECK (status IN ('open', 'acked', 'resolved')),
	subject_entity TEXT    NOT NULL,
	subject_id     BIGINT  NOT NULL,
	message        TEXT    NOT NULL,
	raised_at      BIGINT  NOT NULL,
	updated_at     BIGINT  NOT NULL,
	acked_by       BIGINT,
	acked_by_name  TEXT,
	ack_note       TEXT,
	acked_at       BIGINT,
	resolved_at    BIGINT
);
CREATE UNIQUE INDEX alerts_active_subject ON alerts (rule, subject_entity, subject_id) WHERE status <> 'resolved';
CREATE INDEX alerts_status ON alerts (status, id);

-- alert_conditions: what the evaluator has seen of each (rule, subject)
-- whose state it watches: 'on' since when the condition started, 'off'
-- since when it ended while its alert was still active. An alert is raised
-- only after the condition has been on for the rules' minimum duration,
-- and resolved only after it has been off that long: no flapping storm.
CREATE TABLE alert_conditions (
	rule           TEXT   NOT NULL,
	subject_entity TEXT   NOT NULL,
	subject_id     BIGINT NOT NULL,
	state          TEXT   NOT NULL CHECK (state IN ('on', 'off')),
	since          BIGINT NOT NULL,
	PRIMARY KEY (rule, subject_entity, subject_id)
);
