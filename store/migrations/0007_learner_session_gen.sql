-- A learner's session generation: every session cookie carries the
-- generation it was issued at, and a cookie from an older generation is
-- refused. Switching live mode off or regenerating the sandbox token bumps
-- it, so a copied or replayed cookie stops working. New learners start at a
-- random value, so a cookie can never name a later learner that reuses a
-- pruned learner's id.
ALTER TABLE learners ADD COLUMN session_gen INTEGER NOT NULL DEFAULT 0;
