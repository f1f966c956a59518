package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/jobs-api-trainer/trainer/quiz"
)

// SandboxHistoryLimit is how many calls each learner's history keeps.
const SandboxHistoryLimit = 50

// MaxSandboxResponse is the most response text a history row keeps; the
// rest is cut and the row marked Truncated.
const MaxSandboxResponse = 256 << 10

// SandboxCall is one call sent from the sandbox console: to the learner's
// emulated workspace (Target "sandbox") or to a real one (Target "live").
// It never holds a token.
type SandboxCall struct {
	ID              int64
	LearnerID       int64
	At              time.Time
	Target          string // "sandbox" or "live"
	Host            string // live host, "" for the sandbox
	Source          string // "form" or "cli"
	CLILine         string
	Method          string
	Path            string
	Query           string // URL-encoded, no leading '?'
	Body            string
	Status          int // 0 when no response came back
	ResponseHeaders string
	Response        string
	Truncated       bool
	ErrorCode       string
	LessonAnchor    string // "#run-endpoints" when the call showed a misunderstanding
	Note            string
}

// AddSandboxCall stores c for c.LearnerID (ID and LearnerID are taken from
// c; a response longer than MaxSandboxResponse is cut) and trims the
// learner's history to the newest SandboxHistoryLimit calls, in one
// transaction. It returns the new call's id, or an error for an unknown
// learner or a Target other than "sandbox" or "live".
func (db *DB) AddSandboxCall(ctx context.Context, c SandboxCall) (int64, error) {
	if len(c.Response) > MaxSandboxResponse {
		c.Response, c.Truncated = c.Response[:MaxSandboxResponse], true
	}
	if c.Source == "" {
		c.Source = "form"
	}
	var id int64
	err := db.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO sandbox_calls
			(learner_id, at, target, host, source, cli_line, method, path, query, body, status,
			 response_headers, response, truncated, error_code, lesson_anchor, note)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			c.LearnerID, ms(c.At), c.Target, c.Host, c.Source, c.CLILine, c.Method, c.Path, c.Query, c.Body,
			c.Status, c.ResponseHeaders, c.Response, c.Truncated, c.ErrorCode, c.LessonAnchor, c.Note)
		if err != nil {
			return err
		}
		if id, err = res.LastInsertId(); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `DELETE FROM sandbox_calls WHERE learner_id = ? AND id NOT IN
			(SELECT id FROM sandbox_calls WHERE learner_id = ? ORDER BY id DESC LIMIT ?)`,
			c.LearnerID, c.LearnerID, SandboxHistoryLimit)
		return err
	})
	db.cache.update(c.LearnerID, func(st *learnerState) { st.calls = nil })
	if err != nil {
		return 0, fmt.Errorf("store: add sandbox call: %w", err)
	}
	return id, nil
}

const sandboxCallColumns = `id, learner_id, at, target, host, source, cli_line, method, path, query, body, status,
	response_headers, response, truncated, error_code, lesson_anchor, note`

func scanSandboxCall(sc interface{ Scan(...any) error }) (SandboxCall, error) {
	var c SandboxCall
	var at int64
	err := sc.Scan(&c.ID, &c.LearnerID, &at, &c.Target, &c.Host, &c.Source, &c.CLILine, &c.Method, &c.Path,
		&c.Query, &c.Body, &c.Status, &c.ResponseHeaders, &c.Response, &c.Truncated, &c.ErrorCode,
		&c.LessonAnchor, &c.Note)
	c.At = fromMS(at)
	return c, err
}

// SandboxCall returns learnerID's call id. It returns ErrNotFound when
// there is no such call or it belongs to another learner.
func (db *DB) SandboxCall(ctx context.Context, learnerID, id int64) (SandboxCall, error) {
	row := db.r.QueryRowContext(ctx, `SELECT `+sandboxCallColumns+` FROM sandbox_calls WHERE id = ? AND learner_id = ?`, id, learnerID)
	c, err := scanSandboxCall(row)
	if errors.Is(err, sql.ErrNoRows) {
		return SandboxCall{}, ErrNotFound
	}
	if err != nil {
		return SandboxCall{}, fmt.Errorf("store: sandbox call %d: %w", id, err)
	}
	return c, nil
}

// SandboxCalls returns learnerID's latest calls, newest first, at most
// limit; without their response bodies (Response is ""), which only
// SandboxCall loads. No calls is an empty result, not ErrNotFound; it
// returns an error only when the query fails.
func (db *DB) SandboxCalls(ctx context.Context, learnerID int64, limit int) ([]SandboxCall, error) {
	st, gen := db.cache.snapshot(learnerID)
	if st != nil && st.calls != nil && st.callsLimit >= limit {
		if n := min(limit, len(st.calls)); n > 0 {
			return slices.Clone(st.calls[:n]), nil
		}
		return nil, nil
	}
	out, err := db.sandboxCallsFromDB(ctx, learnerID, limit)
	if err != nil {
		return nil, err
	}
	db.cache.fill(learnerID, gen, func(st *learnerState) {
		if st.calls != nil && st.callsLimit > limit {
			return // keep the longer list
		}
		st.calls, st.callsLimit = slices.Clip(slices.Clone(out)), limit
		if st.calls == nil {
			st.calls = []SandboxCall{}
		}
	})
	return out, nil
}

func (db *DB) sandboxCallsFromDB(ctx context.Context, learnerID int64, limit int) ([]SandboxCall, error) {
	rows, err := db.pages.sandboxCalls.QueryContext(ctx, learnerID, limit)
	if err != nil {
		return nil, fmt.Errorf("store: sandbox calls: %w", err)
	}
	defer rows.Close()
	var out []SandboxCall
	for rows.Next() {
		c, err := scanSandboxCall(rows)
		if err != nil {
			return nil, fmt.Errorf("store: sandbox calls: %w", err)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: sandbox calls: %w", err)
	}
	return out, nil
}

// MoveCardsDue brings learnerID's cards of itemIDs to the front of the
// drill queue: an existing card due later than now becomes due now (its
// memory state is kept); an item without a card gets fresh, a copy of the
// card to start from (a "seen" card, so the queue ranks it among the due
// ones), due now. It runs in one transaction and returns how many cards it
// changed or created; an unknown learner is an error (foreign key).
func (db *DB) MoveCardsDue(ctx context.Context, learnerID int64, itemIDs []string, now time.Time, fresh quiz.Card) (int, error) {
	n := 0
	err := db.tx(ctx, func(tx *sql.Tx) error {
		for _, id := range itemIDs {
			res, err := tx.ExecContext(ctx, `UPDATE cards SET due = ? WHERE learner_id = ? AND item_id = ? AND due > ?`,
				ms(now), learnerID, id, ms(now))
			if err != nil {
				return err
			}
			if k, _ := res.RowsAffected(); k > 0 {
				n++
				continue
			}
			res, err = tx.ExecContext(ctx, `INSERT INTO cards
				(learner_id, item_id, due, stability, difficulty, scheduled_days, reps, lapses, state, last_review, remaining_steps, misses)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
				ON CONFLICT (learner_id, item_id) DO NOTHING`,
				learnerID, id, ms(now), fresh.Stability, fresh.Difficulty, int64(fresh.ScheduledDays),
				int64(fresh.Reps), int64(fresh.Lapses), int(fresh.State), msOrZero(fresh.LastReview),
				fresh.RemainingSteps, fresh.Misses)
			if err != nil {
				return err
			}
			if k, _ := res.RowsAffected(); k > 0 {
				n++
			}
		}
		return nil
	})
	db.cache.forget(learnerID)
	if err != nil {
		return 0, fmt.Errorf("store: move cards due: %w", err)
	}
	return n, nil
}
