-- Sign-in codes move a learner to another browser: the learner makes a
-- code on /me, types it into /me on the other browser, and that browser's
-- cookie then names the learner. Only the code's SHA-256 hash is kept; a
-- code works once (using it deletes the row) and until expires_at. A
-- learner has at most one code: making a new one replaces the old.

CREATE TABLE signin_codes (
	code_hash  TEXT    NOT NULL PRIMARY KEY, -- hex SHA-256 of the normalised code
	learner_id INTEGER NOT NULL UNIQUE REFERENCES learners(id) ON DELETE CASCADE,
	created_at INTEGER NOT NULL,
	expires_at INTEGER NOT NULL
);
