-- Mock exams: one row per exam, one row per question (the learner's answer
-- and flag while it runs, whether it was right once submitted). At most one
-- exam in progress per learner.

CREATE TABLE exams (
	id           INTEGER PRIMARY KEY,
	learner_id   INTEGER NOT NULL REFERENCES learners(id) ON DELETE CASCADE,
	size         INTEGER NOT NULL,
	seed         INTEGER NOT NULL,          -- option shuffle seed
	pass_percent INTEGER NOT NULL,          -- the blueprint's pass mark when started
	started_at   INTEGER NOT NULL,
	deadline     INTEGER NOT NULL,          -- the server's; answers at or after it are refused
	submitted_at INTEGER,                   -- NULL while in progress
	auto         INTEGER NOT NULL DEFAULT 0, -- 1: submitted because time was up
	correct      INTEGER,                   -- set at submit
	scored       INTEGER                    -- questions counted, set at submit
);
CREATE INDEX exams_learner ON exams (learner_id, started_at);
CREATE UNIQUE INDEX exams_one_open ON exams (learner_id) WHERE submitted_at IS NULL;

CREATE TABLE exam_answers (
	exam_id     INTEGER NOT NULL REFERENCES exams(id) ON DELETE CASCADE,
	position    INTEGER NOT NULL,           -- 1-based, the order shown
	item_id     TEXT    NOT NULL,
	topic       TEXT    NOT NULL,
	chosen      TEXT    NOT NULL DEFAULT '[]', -- JSON array of option texts
	flagged     INTEGER NOT NULL DEFAULT 0,
	answered_at INTEGER,
	correct     INTEGER,                    -- set at submit
	PRIMARY KEY (exam_id, position)
) WITHOUT ROWID;
