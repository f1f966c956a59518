package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// pageStmts are the reads behind the drill, progress and home pages,
// prepared once at Open: preparing them on every call cost 9–23 % of the
// CPU of those pages. database/sql prepares each again, once, on every
// pooled connection that runs it.
type pageStmts struct {
	learner          *sql.Stmt
	cards            *sql.Stmt
	examDate         *sql.Stmt
	drillSession     *sql.Stmt
	sessionAttempts  *sql.Stmt
	attemptByShowing *sql.Stmt
	recentSessions   *sql.Stmt
	answerDays       *sql.Stmt
	predictions      *sql.Stmt
	sandboxCalls     *sql.Stmt
	sandboxToken     *sql.Stmt
}

const (
	learnerSQL          = `SELECT id, display_name, created_at, session_gen FROM learners WHERE id = ?`
	cardsSQL            = `SELECT ` + cardColumns + ` FROM cards WHERE learner_id = ?`
	examDateSQL         = `SELECT exam_date FROM learner_prefs WHERE learner_id = ?`
	drillSessionSQL     = `SELECT id, learner_id, topic, size, started_at, ended_at FROM drill_sessions WHERE id = ? AND learner_id = ?`
	sessionAttemptsSQL  = `SELECT ` + attemptColumns + ` FROM attempts WHERE session_id = ? AND +learner_id = ? ORDER BY answered_at, id`
	attemptByShowingSQL = `SELECT ` + attemptColumns + ` FROM attempts WHERE showing_id = ? AND learner_id = ?`
	// The latest sessions are chosen first, so their totals are summed
	// for those few sessions only, not for every session of the learner.
	recentSessionsSQL = `
		WITH s AS (
			SELECT id, learner_id, topic, size, started_at, ended_at FROM drill_sessions
			WHERE learner_id = ? ORDER BY started_at DESC, id DESC LIMIT ?)
		SELECT s.id, s.learner_id, s.topic, s.size, s.started_at, s.ended_at,
			COUNT(a.id), COALESCE(SUM(a.correct), 0), COALESCE(SUM(a.ms_taken), 0)
		FROM s LEFT JOIN attempts a ON a.session_id = s.id
		GROUP BY s.id
		ORDER BY s.started_at DESC, s.id DESC`
	sandboxCallsSQL = `SELECT id, learner_id, at, target, host, source, cli_line, method, path, query,
		body, status, '', '', truncated, error_code, lesson_anchor, note
		FROM sandbox_calls WHERE learner_id = ? ORDER BY id DESC LIMIT ?`
	sandboxTokenSQL = `SELECT learner_id FROM sandbox_tokens WHERE token_hash = ?`
	predictionsSQL  = `SELECT prompt, guess FROM lesson_predictions WHERE learner_id = ? AND lesson = ?`
	answerDaysSQL   = `SELECT day, answered, correct FROM answer_days WHERE learner_id = ? ORDER BY day`
)

func preparePages(ctx context.Context, r *sql.DB) (*pageStmts, error) {
	st := &pageStmts{}
	err := prepareAll(ctx, r, []stmtDef{
		{&st.learner, learnerSQL},
		{&st.cards, cardsSQL},
		{&st.examDate, examDateSQL},
		{&st.drillSession, drillSessionSQL},
		{&st.sessionAttempts, sessionAttemptsSQL},
		{&st.attemptByShowing, attemptByShowingSQL},
		{&st.recentSessions, recentSessionsSQL},
		{&st.answerDays, answerDaysSQL},
		{&st.predictions, predictionsSQL},
		{&st.sandboxCalls, sandboxCallsSQL},
		{&st.sandboxToken, sandboxTokenSQL},
	})
	if err != nil {
		st.close()
		return nil, fmt.Errorf("store: prepare page statements: %w", err)
	}
	return st, nil
}

func (st *pageStmts) close() error {
	return closeAll(st.learner, st.cards, st.examDate, st.drillSession, st.sessionAttempts,
		st.attemptByShowing, st.recentSessions, st.answerDays, st.predictions, st.sandboxCalls, st.sandboxToken)
}

// stmtDef is one statement to prepare and where to keep it.
type stmtDef struct {
	dst   **sql.Stmt
	query string
}

// prepareAll prepares every def on db, stopping at the first error (the
// caller closes what was prepared).
func prepareAll(ctx context.Context, db *sql.DB, defs []stmtDef) error {
	for _, d := range defs {
		s, err := db.PrepareContext(ctx, d.query)
		if err != nil {
			return err
		}
		*d.dst = s
	}
	return nil
}

// closeAll closes the statements that are not nil and joins the errors.
func closeAll(stmts ...*sql.Stmt) error {
	var errs []error
	for _, s := range stmts {
		if s != nil {
			errs = append(errs, s.Close())
		}
	}
	return errors.Join(errs...)
}
