-- Sandbox tokens (only a SHA-256 hash is kept) and the emulated workspaces'
-- state, one JSON document per workspace and key ("meta", "job/101", "run/1001", "perm/101").
CREATE TABLE sandbox_tokens (
	token_hash TEXT    PRIMARY KEY,
	learner_id INTEGER NOT NULL UNIQUE REFERENCES learners(id) ON DELETE CASCADE,
	created_at INTEGER NOT NULL
);

CREATE TABLE ws_docs (
	workspace_id TEXT    NOT NULL,
	doc_key      TEXT    NOT NULL,
	body         BLOB    NOT NULL,
	updated_at   INTEGER NOT NULL,
	PRIMARY KEY (workspace_id, doc_key)
) WITHOUT ROWID;
