-- Items a learner suspended in the drill's item list: never queued until
-- unsuspended (issue 16). One row per suspended item; the card, if any,
-- is kept as it was.

CREATE TABLE suspended_items (
	learner_id   INTEGER NOT NULL REFERENCES learners(id) ON DELETE CASCADE,
	item_id      TEXT    NOT NULL,
	suspended_at INTEGER NOT NULL,
	PRIMARY KEY (learner_id, item_id)
) WITHOUT ROWID;
