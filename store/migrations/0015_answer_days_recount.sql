-- Recount the daily answer totals from the attempts. Until this version,
-- submitting a mock exam recorded its answers as attempts (they feed the
-- cards) without adding them to answer_days, so the UTC chart and streak
-- left out exam days that other locations, read from the attempts,
-- counted. Each day's totals are again exactly its attempts.
DELETE FROM answer_days;

INSERT INTO answer_days (learner_id, day, answered, correct)
SELECT learner_id, answered_at / 86400000, COUNT(*), SUM(correct)
FROM attempts
GROUP BY learner_id, answered_at / 86400000;
