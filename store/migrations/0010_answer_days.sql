-- Per-learner daily answer totals, so /progress reads at most a month of
-- rows however long the learner's history is. A day is a UTC calendar day,
-- numbered answered_at / 86400000 (Unix milliseconds). RecordAnswer keeps
-- them in step, in the same transaction as the attempt; this backfills
-- every attempt recorded before.
CREATE TABLE answer_days (
	learner_id INTEGER NOT NULL REFERENCES learners(id) ON DELETE CASCADE,
	day        INTEGER NOT NULL,
	answered   INTEGER NOT NULL,
	correct    INTEGER NOT NULL,
	PRIMARY KEY (learner_id, day)
) WITHOUT ROWID;

INSERT INTO answer_days (learner_id, day, answered, correct)
SELECT learner_id, answered_at / 86400000, COUNT(*), SUM(correct)
FROM attempts
GROUP BY learner_id, answered_at / 86400000;
