CREATE TABLE learners (
	id           INTEGER PRIMARY KEY,
	display_name TEXT    NOT NULL DEFAULT '',
	created_at   INTEGER NOT NULL
);

CREATE TABLE settings (
	key   TEXT PRIMARY KEY,
	value BLOB NOT NULL
);
