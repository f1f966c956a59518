-- The sandbox console's call history: the learner's last calls (trimmed to
-- 50 per learner on insert), replayable. A live call (target 'live') keeps
-- the host it went to but never the personal access token.
CREATE TABLE sandbox_calls (
	id               INTEGER PRIMARY KEY,
	learner_id       INTEGER NOT NULL REFERENCES learners(id) ON DELETE CASCADE,
	at               INTEGER NOT NULL,
	target           TEXT    NOT NULL CHECK (target IN ('sandbox', 'live')),
	host             TEXT    NOT NULL DEFAULT '', -- live host; '' for the sandbox
	source           TEXT    NOT NULL DEFAULT 'form', -- 'form' or 'cli'
	cli_line         TEXT    NOT NULL DEFAULT '',
	method           TEXT    NOT NULL,
	path             TEXT    NOT NULL,
	query            TEXT    NOT NULL DEFAULT '', -- URL-encoded, without '?'
	body             TEXT    NOT NULL DEFAULT '',
	status           INTEGER NOT NULL,            -- 0: no response (connection failed)
	response_headers TEXT    NOT NULL DEFAULT '', -- JSON object of header -> values
	response         TEXT    NOT NULL DEFAULT '', -- capped at 256 KiB
	truncated        INTEGER NOT NULL DEFAULT 0,
	error_code       TEXT    NOT NULL DEFAULT '',
	lesson_anchor    TEXT    NOT NULL DEFAULT '', -- a mistake spotted: the lesson section that explains it
	note             TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX sandbox_calls_learner ON sandbox_calls (learner_id, id);
