package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// DrillSession is one run of the drill: a topic (or all), a size, and when
// it started and ended.
type DrillSession struct {
	ID        int64
	LearnerID int64
	Topic     string // "" for every topic
	Size      int
	StartedAt time.Time
	EndedAt   time.Time // zero while the session is open
}

// msOrZero stores a zero time as 0 so it reads back as the zero time.
func msOrZero(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return ms(t)
}

func fromMSOrZero(v int64) time.Time {
	if v == 0 {
		return time.Time{}
	}
	return fromMS(v)
}

// StartDrillSession opens a drill session for learnerID. It returns an
// error (a foreign-key failure) when the learner does not exist.
func (db *DB) StartDrillSession(ctx context.Context, learnerID int64, topic string, size int, now time.Time) (DrillSession, error) {
	res, err := db.stmts.startSession.ExecContext(ctx, learnerID, topic, size, ms(now))
	if err != nil {
		return DrillSession{}, fmt.Errorf("store: start drill session: %w", err)
	}
	db.cache.update(learnerID, func(st *learnerState) { st.recent = nil })
	id, err := res.LastInsertId()
	if err != nil {
		return DrillSession{}, fmt.Errorf("store: start drill session: %w", err)
	}
	return DrillSession{ID: id, LearnerID: learnerID, Topic: topic, Size: size, StartedAt: fromMS(ms(now))}, nil
}

// DrillSession returns learnerID's session id. It returns ErrNotFound when
// there is no such session or it belongs to another learner (a forged id).
func (db *DB) DrillSession(ctx context.Context, learnerID, id int64) (DrillSession, error) {
	st, gen := db.cache.snapshot(learnerID)
	if st != nil && st.session != nil && st.session.ID == id {
		return *st.session, nil
	}
	s, err := db.drillSessionFromDB(ctx, learnerID, id)
	if err != nil {
		return DrillSession{}, err
	}
	db.cache.fill(learnerID, gen, func(st *learnerState) { st.session = &s })
	return s, nil
}

func (db *DB) drillSessionFromDB(ctx context.Context, learnerID, id int64) (DrillSession, error) {
	var s DrillSession
	var started int64
	var ended sql.NullInt64
	err := db.pages.drillSession.QueryRowContext(ctx, id, learnerID).Scan(&s.ID, &s.LearnerID, &s.Topic, &s.Size, &started, &ended)
	if errors.Is(err, sql.ErrNoRows) {
		return DrillSession{}, ErrNotFound
	}
	if err != nil {
		return DrillSession{}, fmt.Errorf("store: drill session %d: %w", id, err)
	}
	s.StartedAt = fromMS(started)
	if ended.Valid {
		s.EndedAt = fromMS(ended.Int64)
	}
	return s, nil
}

// EndDrillSession marks learnerID's session id ended at now; ending it
// again keeps the first end time. It returns ErrNotFound when there is no
// such session for the learner.
func (db *DB) EndDrillSession(ctx context.Context, learnerID, id int64, now time.Time) error {
	res, err := db.stmts.endSession.ExecContext(ctx, ms(now), id, learnerID)
	db.cache.update(learnerID, func(st *learnerState) { st.recent, st.session = nil, nil })
	if err != nil {
		return fmt.Errorf("store: end drill session %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	return nil
}

const cardColumns = `item_id, due, stability, difficulty, scheduled_days, reps, lapses, state, last_review, remaining_steps, misses`

const attemptColumns = `id, learner_id, COALESCE(session_id, 0), showing_id, item_id, kind, topic, chosen, correct, ms_taken, answered_at`

const (
	insertAttemptSQL = `INSERT INTO attempts
		(learner_id, session_id, showing_id, item_id, kind, topic, chosen, correct, ms_taken, answered_at, prior_card)
		SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11
		WHERE ?2 IS NULL OR EXISTS (SELECT 1 FROM drill_sessions WHERE id = ?2 AND learner_id = ?1)
		ON CONFLICT DO NOTHING`
	countShowingSQL = `SELECT COUNT(*) FROM attempts WHERE showing_id = ?1 OR (session_id = ?2 AND item_id = ?3 AND learner_id = ?4)`
	upsertCardSQL   = `INSERT INTO cards
		(learner_id, item_id, due, stability, difficulty, scheduled_days, reps, lapses, state, last_review, remaining_steps, misses)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (learner_id, item_id) DO UPDATE SET
			due = excluded.due, stability = excluded.stability, difficulty = excluded.difficulty,
			scheduled_days = excluded.scheduled_days, reps = excluded.reps, lapses = excluded.lapses,
			state = excluded.state, last_review = excluded.last_review,
			remaining_steps = excluded.remaining_steps, misses = excluded.misses`
	addAnswerDaySQL = `INSERT INTO answer_days (learner_id, day, answered, correct) VALUES (?1, ?2, 1, ?3)
		ON CONFLICT (learner_id, day) DO UPDATE SET answered = answered + 1, correct = correct + excluded.correct`
	priorCardSQL    = `SELECT ` + cardColumns + ` FROM cards WHERE learner_id = ? AND item_id = ?`
	startSessionSQL = `INSERT INTO drill_sessions (learner_id, topic, size, started_at) VALUES (?, ?, ?, ?)`
	endSessionSQL   = `UPDATE drill_sessions SET ended_at = COALESCE(ended_at, ?) WHERE id = ? AND learner_id = ?`
	answerStateSQL  = `SELECT s.topic, s.size, s.started_at, s.ended_at,
			(SELECT exam_date FROM learner_prefs WHERE learner_id = s.learner_id),
			(SELECT showing_id FROM attempts WHERE session_id = s.id AND item_id = ?3 ORDER BY id LIMIT 1),
			c.due, c.stability, c.difficulty, c.scheduled_days, c.reps, c.lapses, c.state,
			c.last_review, c.remaining_steps, c.misses
		FROM drill_sessions s
		LEFT JOIN cards c ON c.learner_id = s.learner_id AND c.item_id = ?3
		WHERE s.id = ?1 AND s.learner_id = ?2`
)

// maxAnswerBatch bounds one transaction.
const maxAnswerBatch = 64
