-- Team workshops: a host runs rounds (bank questions and sandbox races)
-- for participants who hold seats; every answer is a response.

CREATE TABLE workshops (
	id              INTEGER PRIMARY KEY,
	code            TEXT    NOT NULL UNIQUE,           -- the join code
	title           TEXT    NOT NULL,
	host_learner_id INTEGER REFERENCES learners(id) ON DELETE SET NULL,
	host_key_hash   TEXT    NOT NULL,                  -- SHA-256 of the secret host link's key
	scoring         TEXT    NOT NULL,                  -- correct | speed
	seconds         INTEGER NOT NULL,                  -- per question; 0 = untimed
	race_seconds    INTEGER NOT NULL,                  -- per sandbox race
	count_as_drill  INTEGER NOT NULL DEFAULT 0,
	state           TEXT    NOT NULL DEFAULT 'lobby',  -- lobby | running | ended
	current         INTEGER NOT NULL DEFAULT -1,       -- the round on screen
	created_at      INTEGER NOT NULL,
	ended_at        INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE workshop_rounds (
	workshop_id  INTEGER NOT NULL REFERENCES workshops(id) ON DELETE CASCADE,
	n            INTEGER NOT NULL,                     -- 0-based order
	kind         TEXT    NOT NULL,                     -- question | race
	item_id      TEXT    NOT NULL DEFAULT '',
	challenge_id TEXT    NOT NULL DEFAULT '',
	state        TEXT    NOT NULL DEFAULT 'pending',   -- pending | open | closed | revealed | skipped
	opened_at    INTEGER NOT NULL DEFAULT 0,
	closes_at    INTEGER NOT NULL DEFAULT 0,           -- 0 = untimed
	closed_at    INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (workshop_id, n)
) WITHOUT ROWID;

CREATE TABLE workshop_seats (
	id          INTEGER PRIMARY KEY,
	workshop_id INTEGER NOT NULL REFERENCES workshops(id) ON DELETE CASCADE,
	learner_id  INTEGER NOT NULL REFERENCES learners(id) ON DELETE CASCADE,
	name        TEXT    NOT NULL,
	name_key    TEXT    NOT NULL,                      -- lower-cased: names are unique per workshop
	token_hash  TEXT    NOT NULL UNIQUE,               -- SHA-256 of the seat's sandbox token
	kicked      INTEGER NOT NULL DEFAULT 0,
	joined_at   INTEGER NOT NULL,
	UNIQUE (workshop_id, learner_id),
	UNIQUE (workshop_id, name_key)
);

CREATE TABLE workshop_responses (
	workshop_id INTEGER NOT NULL REFERENCES workshops(id) ON DELETE CASCADE,
	n           INTEGER NOT NULL,
	seat_id     INTEGER NOT NULL REFERENCES workshop_seats(id) ON DELETE CASCADE,
	choice      TEXT    NOT NULL,                      -- the option, or the race verdict
	correct     INTEGER NOT NULL,
	received_at INTEGER NOT NULL,                      -- the server's receive time
	elapsed_ms  INTEGER NOT NULL,
	points      INTEGER NOT NULL,
	PRIMARY KEY (workshop_id, n, seat_id)              -- one answer per seat per round
) WITHOUT ROWID;

-- What each seat's race checker compares against, recorded at the start.
CREATE TABLE workshop_baselines (
	workshop_id INTEGER NOT NULL REFERENCES workshops(id) ON DELETE CASCADE,
	n           INTEGER NOT NULL,
	seat_id     INTEGER NOT NULL REFERENCES workshop_seats(id) ON DELETE CASCADE,
	baseline    TEXT    NOT NULL,
	PRIMARY KEY (workshop_id, n, seat_id)
) WITHOUT ROWID;
