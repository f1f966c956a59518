-- Sandbox challenges: one row per learner and challenge (start, hints,
-- solution, best score) and every check, append-only.

CREATE TABLE challenge_results (
	learner_id    INTEGER NOT NULL REFERENCES learners(id) ON DELETE CASCADE,
	challenge_id  TEXT    NOT NULL,
	status        TEXT    NOT NULL DEFAULT 'started', -- started | solved
	started_at    INTEGER NOT NULL,                   -- only work after this counts
	baseline      TEXT    NOT NULL DEFAULT '',        -- facts recorded at the start
	hints_used    INTEGER NOT NULL DEFAULT 0,
	solution_seen INTEGER NOT NULL DEFAULT 0,
	checks        INTEGER NOT NULL DEFAULT 0,
	solved_at     INTEGER,                            -- NULL until first solved
	score         INTEGER NOT NULL DEFAULT 0,         -- best score so far
	PRIMARY KEY (learner_id, challenge_id)
) WITHOUT ROWID;

CREATE TABLE challenge_attempts (
	id           INTEGER PRIMARY KEY,
	learner_id   INTEGER NOT NULL REFERENCES learners(id) ON DELETE CASCADE,
	challenge_id TEXT    NOT NULL,
	checked_at   INTEGER NOT NULL,
	passed       INTEGER NOT NULL,
	reason       TEXT    NOT NULL,
	answer       TEXT    NOT NULL DEFAULT '',
	score        INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX challenge_attempts_learner ON challenge_attempts (learner_id, challenge_id, checked_at);
