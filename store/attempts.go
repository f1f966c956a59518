package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/jobs-api-trainer/trainer/quiz"
)

// scanAttempt scans attemptColumns, then any extra columns into extra.
func scanAttempt(sc interface{ Scan(...any) error }, extra ...any) (quiz.Attempt, error) {
	var a quiz.Attempt
	var kind, chosen string
	var took, at int64
	dest := append([]any{&a.ID, &a.LearnerID, &a.SessionID, &a.ShowingID, &a.ItemID, &kind, &a.Topic, &chosen, &a.Correct, &took, &at}, extra...)
	if err := sc.Scan(dest...); err != nil {
		return quiz.Attempt{}, err
	}
	if err := json.Unmarshal([]byte(chosen), &a.Chosen); err != nil {
		return quiz.Attempt{}, fmt.Errorf("attempt %d: chosen: %w", a.ID, err)
	}
	a.Kind = quiz.Kind(kind)
	a.Took = time.Duration(took) * time.Millisecond
	a.AnsweredAt = fromMS(at)
	return a, nil
}

func (db *DB) eachAttempt(ctx context.Context, what string, fn func(quiz.Attempt) error, q query, args ...any) error {
	rows, err := q.run(ctx, db.r, args...)
	if err != nil {
		return fmt.Errorf("store: %s: %w", what, err)
	}
	defer rows.Close()
	for rows.Next() {
		a, err := scanAttempt(rows)
		if err != nil {
			return fmt.Errorf("store: %s: %w", what, err)
		}
		if err := fn(a); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("store: %s: %w", what, err)
	}
	return nil
}

// query is a prepared statement or, for a rare query, its SQL.
type query struct {
	stmt *sql.Stmt
	sql  string
}

func (q query) run(ctx context.Context, db *sql.DB, args ...any) (*sql.Rows, error) {
	if q.stmt != nil {
		return q.stmt.QueryContext(ctx, args...)
	}
	return db.QueryContext(ctx, q.sql, args...)
}

// Attempts calls fn with each of learnerID's attempts, oldest first, for
// the CSV export without holding them all in memory. It stops at, and
// returns, the first error from fn.
func (db *DB) Attempts(ctx context.Context, learnerID int64, fn func(quiz.Attempt) error) error {
	return db.eachAttempt(ctx, "attempts", fn,
		query{sql: `SELECT ` + attemptColumns + ` FROM attempts WHERE learner_id = ? ORDER BY answered_at, id`}, learnerID)
}

// SessionAttempts returns the attempts of learnerID's session sessionID,
// in answer order; none (and no error) for a session without answers or of
// another learner.
func (db *DB) SessionAttempts(ctx context.Context, learnerID, sessionID int64) ([]quiz.Attempt, error) {
	st, gen := db.cache.snapshot(learnerID)
	if st != nil && st.attemptsOf == sessionID && sessionID != 0 {
		return slices.Clone(st.attempts), nil
	}
	out, err := db.sessionAttemptsFromDB(ctx, learnerID, sessionID)
	if err != nil {
		return nil, err
	}
	db.cache.fill(learnerID, gen, func(st *learnerState) {
		st.attempts, st.attemptsOf = slices.Clip(slices.Clone(out)), sessionID
	})
	return out, nil
}

func (db *DB) sessionAttemptsFromDB(ctx context.Context, learnerID, sessionID int64) ([]quiz.Attempt, error) {
	var out []quiz.Attempt
	err := db.eachAttempt(ctx, "session attempts", func(a quiz.Attempt) error {
		out = append(out, a)
		return nil
	}, query{stmt: db.pages.sessionAttempts}, sessionID, learnerID)
	return out, err
}

// AnswerState is what recording one answer needs to know, read at once.
type AnswerState struct {
	Session  DrillSession
	ExamDate time.Time // zero when the learner set none
	Card     quiz.Card // the zero Card for an item never answered
	// Answered is the showing id of the item's attempt in this session,
	// "" when the item was not answered in it yet.
	Answered string
}

// AnswerState reads, in one query, learnerID's session sessionID, their
// exam date, their card for itemID and any earlier answer to itemID in the
// session. It returns ErrNotFound when the session is not learnerID's.
func (db *DB) AnswerState(ctx context.Context, learnerID, sessionID int64, itemID string) (AnswerState, error) {
	st := AnswerState{Session: DrillSession{ID: sessionID, LearnerID: learnerID}}
	var started int64
	var ended, exam, due, sched, reps, lapses, state, last, steps, misses sql.NullInt64
	var stab, diff sql.NullFloat64
	var answered sql.NullString
	err := db.stmts.answerState.QueryRowContext(ctx, sessionID, learnerID, itemID).Scan(
		&st.Session.Topic, &st.Session.Size, &started, &ended, &exam, &answered,
		&due, &stab, &diff, &sched, &reps, &lapses, &state, &last, &steps, &misses)
	if errors.Is(err, sql.ErrNoRows) {
		return AnswerState{}, ErrNotFound
	}
	if err != nil {
		return AnswerState{}, fmt.Errorf("store: answer state: %w", err)
	}
	st.Session.StartedAt = fromMS(started)
	if ended.Valid {
		st.Session.EndedAt = fromMS(ended.Int64)
	}
	if exam.Valid {
		st.ExamDate = fromMS(exam.Int64)
	}
	st.Answered = answered.String
	if due.Valid {
		c := &st.Card
		c.Due, c.LastReview = fromMSOrZero(due.Int64), fromMSOrZero(last.Int64)
		c.Stability, c.Difficulty = stab.Float64, diff.Float64
		c.ScheduledDays, c.Reps, c.Lapses = uint64(sched.Int64), uint64(reps.Int64), uint64(lapses.Int64)
		c.State = quiz.State(state.Int64)
		c.RemainingSteps = int(steps.Int64)
		c.Misses = int(misses.Int64)
	}
	return st, nil
}

// AttemptByShowing returns learnerID's attempt recorded for showingID. It
// returns ErrNotFound when there is none (or it is another learner's).
func (db *DB) AttemptByShowing(ctx context.Context, learnerID int64, showingID string) (quiz.Attempt, error) {
	var out quiz.Attempt
	found := false
	err := db.eachAttempt(ctx, "attempt by showing", func(a quiz.Attempt) error {
		out, found = a, true
		return nil
	}, query{stmt: db.pages.attemptByShowing}, showingID, learnerID)
	if err != nil {
		return quiz.Attempt{}, err
	}
	if !found {
		return quiz.Attempt{}, ErrNotFound
	}
	return out, nil
}
