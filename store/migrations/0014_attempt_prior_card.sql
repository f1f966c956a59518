-- Undo of the last answer in a drill session (issue 16): each attempt keeps
-- the learner's card for its item as it was just before that answer, as
-- JSON of the cards row ("null": there was no card). NULL for attempts
-- recorded before this migration: those cannot be undone.
ALTER TABLE attempts ADD COLUMN prior_card TEXT;
