-- Drills: sessions, every answer (append-only), FSRS card state per
-- learner and item, and the learner's exam date.

CREATE TABLE drill_sessions (
	id         INTEGER PRIMARY KEY,
	learner_id INTEGER NOT NULL REFERENCES learners(id) ON DELETE CASCADE,
	topic      TEXT    NOT NULL DEFAULT '',
	size       INTEGER NOT NULL,
	started_at INTEGER NOT NULL,
	ended_at   INTEGER            -- NULL while open
);
CREATE INDEX drill_sessions_learner ON drill_sessions (learner_id, started_at);

CREATE TABLE attempts (
	id          INTEGER PRIMARY KEY,
	learner_id  INTEGER NOT NULL REFERENCES learners(id) ON DELETE CASCADE,
	session_id  INTEGER REFERENCES drill_sessions(id) ON DELETE SET NULL,
	showing_id  TEXT    NOT NULL UNIQUE, -- one answer per showing: double submits record once
	item_id     TEXT    NOT NULL,
	kind        TEXT    NOT NULL,
	topic       TEXT    NOT NULL,
	chosen      TEXT    NOT NULL,        -- JSON array of option texts
	correct     INTEGER NOT NULL,
	ms_taken    INTEGER NOT NULL,
	answered_at INTEGER NOT NULL
);
CREATE INDEX attempts_learner ON attempts (learner_id, answered_at);
CREATE INDEX attempts_session ON attempts (session_id);

CREATE TABLE cards (
	learner_id      INTEGER NOT NULL REFERENCES learners(id) ON DELETE CASCADE,
	item_id         TEXT    NOT NULL,
	due             INTEGER NOT NULL,
	stability       REAL    NOT NULL,
	difficulty      REAL    NOT NULL,
	scheduled_days  INTEGER NOT NULL,
	reps            INTEGER NOT NULL,
	lapses          INTEGER NOT NULL,
	state           INTEGER NOT NULL, -- 0 new, 1 learning, 2 review, 3 relearning
	last_review     INTEGER NOT NULL,
	remaining_steps INTEGER NOT NULL,
	misses          INTEGER NOT NULL,
	PRIMARY KEY (learner_id, item_id)
) WITHOUT ROWID;

CREATE TABLE learner_prefs (
	learner_id INTEGER PRIMARY KEY REFERENCES learners(id) ON DELETE CASCADE,
	exam_date  INTEGER            -- NULL: no exam date set
);
