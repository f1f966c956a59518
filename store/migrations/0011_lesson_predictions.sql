-- "Predict, then reveal" in the lessons: the learner's guess for each
-- prompt, recorded before the answer is shown (one row per prompt; a new
-- guess replaces the old one).

CREATE TABLE lesson_predictions (
	learner_id INTEGER NOT NULL REFERENCES learners(id) ON DELETE CASCADE,
	lesson     TEXT    NOT NULL, -- lesson slug
	prompt     INTEGER NOT NULL, -- the prompt's number in the lesson, from 1
	guess      TEXT    NOT NULL,
	made_at    INTEGER NOT NULL,
	PRIMARY KEY (learner_id, lesson, prompt)
) WITHOUT ROWID;
