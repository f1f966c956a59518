package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Challenge statuses.
const (
	ChallengeStarted = "started"
	ChallengeSolved  = "solved"
)

// ChallengeResult is a learner's standing on one sandbox challenge.
type ChallengeResult struct {
	LearnerID    int64
	ChallengeID  string
	Status       string // ChallengeStarted or ChallengeSolved
	StartedAt    time.Time
	Baseline     string
	HintsUsed    int
	SolutionSeen bool
	Checks       int
	SolvedAt     time.Time // zero until solved
	Score        int       // best score so far
}

// ChallengeCheck is one press of "Check".
type ChallengeCheck struct {
	Passed bool
	Reason string
	Answer string
	Score  int // what this check would earn if it passed
}

const challengeCols = `learner_id, challenge_id, status, started_at, baseline, hints_used, solution_seen, checks, solved_at, score`

type challengeScanner interface{ Scan(...any) error }

func scanChallenge(row challengeScanner) (ChallengeResult, error) {
	var c ChallengeResult
	var started int64
	var solved sql.NullInt64
	var seen int
	if err := row.Scan(&c.LearnerID, &c.ChallengeID, &c.Status, &started, &c.Baseline, &c.HintsUsed, &seen, &c.Checks, &solved, &c.Score); err != nil {
		return ChallengeResult{}, err
	}
	c.StartedAt, c.SolutionSeen = fromMS(started), seen != 0
	if solved.Valid {
		c.SolvedAt = fromMS(solved.Int64)
	}
	return c, nil
}

func challengeIn(ctx context.Context, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}, learnerID int64, id string) (ChallengeResult, error) {
	c, err := scanChallenge(q.QueryRowContext(ctx, `SELECT `+challengeCols+` FROM challenge_results WHERE learner_id = ? AND challenge_id = ?`, learnerID, id))
	if errors.Is(err, sql.ErrNoRows) {
		return ChallengeResult{}, ErrNotFound
	}
	return c, err
}

// StartChallenge records that the learner opened a challenge at now, with
// the checker's baseline, and returns their standing. Opening it again
// keeps the first start. It returns ErrNotFound when the learner does not
// exist.
func (db *DB) StartChallenge(ctx context.Context, learnerID int64, id, baseline string, now time.Time) (ChallengeResult, error) {
	var c ChallengeResult
	err := db.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO challenge_results (learner_id, challenge_id, started_at, baseline)
			VALUES (?, ?, ?, ?) ON CONFLICT (learner_id, challenge_id) DO NOTHING`, learnerID, id, ms(now), baseline); err != nil {
			return err
		}
		var err error
		c, err = challengeIn(ctx, tx, learnerID, id)
		return err
	})
	if err != nil {
		return ChallengeResult{}, fmt.Errorf("store: start challenge %s: %w", id, explainFK(err))
	}
	return c, nil
}

// RestartChallenge moves a challenge's start to now with a new baseline, so
// only work done from now counts. Hints, solution and best score stay. It
// returns ErrNotFound when the challenge was never started.
func (db *DB) RestartChallenge(ctx context.Context, learnerID int64, id, baseline string, now time.Time) (ChallengeResult, error) {
	return db.changeChallenge(ctx, learnerID, id, "restart",
		`UPDATE challenge_results SET started_at = ?, baseline = ? WHERE learner_id = ? AND challenge_id = ?`, ms(now), baseline, learnerID, id)
}

// RevealChallengeHint counts one more hint used, up to max, and returns the
// new standing; ErrNotFound when the challenge was never started.
func (db *DB) RevealChallengeHint(ctx context.Context, learnerID int64, id string, max int) (ChallengeResult, error) {
	return db.changeChallenge(ctx, learnerID, id, "reveal hint",
		`UPDATE challenge_results SET hints_used = MIN(hints_used + 1, ?) WHERE learner_id = ? AND challenge_id = ?`, max, learnerID, id)
}

// RevealChallengeSolution marks the solution as seen; ErrNotFound when the
// challenge was never started.
func (db *DB) RevealChallengeSolution(ctx context.Context, learnerID int64, id string) (ChallengeResult, error) {
	return db.changeChallenge(ctx, learnerID, id, "reveal solution",
		`UPDATE challenge_results SET solution_seen = 1 WHERE learner_id = ? AND challenge_id = ?`, learnerID, id)
}

func (db *DB) changeChallenge(ctx context.Context, learnerID int64, id, action, query string, args ...any) (ChallengeResult, error) {
	var c ChallengeResult
	err := db.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, query, args...)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrNotFound
		}
		c, err = challengeIn(ctx, tx, learnerID, id)
		return err
	})
	if errors.Is(err, ErrNotFound) {
		return ChallengeResult{}, ErrNotFound
	}
	if err != nil {
		return ChallengeResult{}, fmt.Errorf("store: %s %s: %w", action, id, err)
	}
	return c, nil
}

// RecordChallengeCheck appends a check and updates the standing: one more
// check, and on a pass the status becomes solved, solved_at is set the
// first time, and the best score is kept. It returns ErrNotFound when the
// challenge was never started.
func (db *DB) RecordChallengeCheck(ctx context.Context, learnerID int64, id string, chk ChallengeCheck, now time.Time) (ChallengeResult, error) {
	var c ChallengeResult
	err := db.tx(ctx, func(tx *sql.Tx) error {
		q := `UPDATE challenge_results SET checks = checks + 1 WHERE learner_id = ? AND challenge_id = ?`
		args := []any{learnerID, id}
		if chk.Passed {
			q = `UPDATE challenge_results SET checks = checks + 1, status = 'solved',
				solved_at = COALESCE(solved_at, ?), score = MAX(score, ?) WHERE learner_id = ? AND challenge_id = ?`
			args = []any{ms(now), chk.Score, learnerID, id}
		}
		res, err := tx.ExecContext(ctx, q, args...)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrNotFound
		}
		score := 0
		if chk.Passed {
			score = chk.Score
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO challenge_attempts (learner_id, challenge_id, checked_at, passed, reason, answer, score)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, learnerID, id, ms(now), chk.Passed, chk.Reason, chk.Answer, score); err != nil {
			return err
		}
		c, err = challengeIn(ctx, tx, learnerID, id)
		return err
	})
	if errors.Is(err, ErrNotFound) {
		return ChallengeResult{}, ErrNotFound
	}
	if err != nil {
		return ChallengeResult{}, fmt.Errorf("store: record challenge check %s: %w", id, err)
	}
	return c, nil
}

// ChallengeResult returns the learner's standing on one challenge, or
// ErrNotFound when they never started it.
func (db *DB) ChallengeResult(ctx context.Context, learnerID int64, id string) (ChallengeResult, error) {
	c, err := challengeIn(ctx, db.r, learnerID, id)
	if errors.Is(err, ErrNotFound) {
		return ChallengeResult{}, ErrNotFound
	}
	if err != nil {
		return ChallengeResult{}, fmt.Errorf("store: challenge %s: %w", id, err)
	}
	return c, nil
}

// ChallengeResults returns the learner's standing on every challenge they
// started, keyed by challenge id; an empty map, not ErrNotFound, when none.
// It returns an error only when the query fails.
func (db *DB) ChallengeResults(ctx context.Context, learnerID int64) (map[string]ChallengeResult, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT `+challengeCols+` FROM challenge_results WHERE learner_id = ?`, learnerID)
	if err != nil {
		return nil, fmt.Errorf("store: challenge results: %w", err)
	}
	defer rows.Close()
	out := map[string]ChallengeResult{}
	for rows.Next() {
		c, err := scanChallenge(rows)
		if err != nil {
			return nil, fmt.Errorf("store: challenge results: %w", err)
		}
		out[c.ChallengeID] = c
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: challenge results: %w", err)
	}
	return out, nil
}

// ChallengeChecks returns the learner's checks of one challenge, oldest
// first; none (an unknown learner or challenge included) is an empty
// result, not ErrNotFound. It returns an error only when the query fails.
func (db *DB) ChallengeChecks(ctx context.Context, learnerID int64, id string) ([]ChallengeCheck, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT passed, reason, answer, score FROM challenge_attempts
		WHERE learner_id = ? AND challenge_id = ? ORDER BY checked_at, id`, learnerID, id)
	if err != nil {
		return nil, fmt.Errorf("store: challenge checks: %w", err)
	}
	defer rows.Close()
	var out []ChallengeCheck
	for rows.Next() {
		var c ChallengeCheck
		if err := rows.Scan(&c.Passed, &c.Reason, &c.Answer, &c.Score); err != nil {
			return nil, fmt.Errorf("store: challenge checks: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// explainFK turns a foreign-key failure (no such learner) into ErrNotFound.
func explainFK(err error) error {
	if err != nil && strings.Contains(err.Error(), "FOREIGN KEY constraint failed") {
		return ErrNotFound
	}
	return err
}
