-- One answer per item per drill session: two tabs (two showings of the same
-- item) must not record it twice. Duplicates recorded before this index are
-- exactly that bug's output; the first answer stands.
DELETE FROM attempts
WHERE session_id IS NOT NULL
  AND id NOT IN (SELECT MIN(id) FROM attempts WHERE session_id IS NOT NULL GROUP BY session_id, item_id);

CREATE UNIQUE INDEX attempts_session_item ON attempts (session_id, item_id) WHERE session_id IS NOT NULL;
