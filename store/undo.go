package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/jobs-api-trainer/trainer/quiz"
)

// ErrNoPriorCard is UndoLastAnswer's error for an answer recorded before
// attempts kept the card as it was before them: it cannot be undone.
var ErrNoPriorCard = errors.New("store: the last answer was recorded before undo was possible")

// cardRow is one cards row as stored (times in Unix ms, 0 for none), the
// JSON of attempts.prior_card. encoding/json writes floats in the shortest
// form that reads back to the same float64, so a restored card is exact.
type cardRow struct {
	Due            int64   `json:"due"`
	Stability      float64 `json:"stability"`
	Difficulty     float64 `json:"difficulty"`
	ScheduledDays  int64   `json:"scheduled_days"`
	Reps           int64   `json:"reps"`
	Lapses         int64   `json:"lapses"`
	State          int64   `json:"state"`
	LastReview     int64   `json:"last_review"`
	RemainingSteps int64   `json:"remaining_steps"`
	Misses         int64   `json:"misses"`
}

// readPriorCard returns the JSON of learnerID's card row for itemID,
// "null" when there is none.
func readPriorCard(ctx context.Context, stmt *sql.Stmt, learnerID int64, itemID string) (string, error) {
	var id string
	var c cardRow
	err := stmt.QueryRowContext(ctx, learnerID, itemID).Scan(&id, &c.Due, &c.Stability, &c.Difficulty,
		&c.ScheduledDays, &c.Reps, &c.Lapses, &c.State, &c.LastReview, &c.RemainingSteps, &c.Misses)
	if errors.Is(err, sql.ErrNoRows) {
		return "null", nil
	}
	if err != nil {
		return "", err
	}
	b, err := json.Marshal(c)
	return string(b), err
}

// UndoLastAnswer removes the newest attempt of learnerID's open session
// sessionID and puts everything it changed back, in one transaction: the
// item's card as it was before the answer (none if it had none) and the
// day's totals in answer_days. The item is then due to be asked again in
// the session. It returns the removed attempt; ErrNotFound when the
// session is not learnerID's, has ended or has no answers; and
// ErrNoPriorCard (changing nothing) for an answer recorded before undo
// was possible.
func (db *DB) UndoLastAnswer(ctx context.Context, learnerID, sessionID int64) (quiz.Attempt, error) {
	var a quiz.Attempt
	err := db.tx(ctx, func(tx *sql.Tx) error {
		var open int
		err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM drill_sessions
			WHERE id = ? AND learner_id = ? AND ended_at IS NULL`, sessionID, learnerID).Scan(&open)
		if err != nil {
			return err
		}
		if open == 0 {
			return ErrNotFound
		}
		var prior sql.NullString
		row := tx.QueryRowContext(ctx, `SELECT `+attemptColumns+`, prior_card FROM attempts
			WHERE session_id = ? AND learner_id = ? ORDER BY id DESC LIMIT 1`, sessionID, learnerID)
		a, err = scanAttempt(row, &prior)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		if !prior.Valid {
			return ErrNoPriorCard
		}
		var c *cardRow
		if err := json.Unmarshal([]byte(prior.String), &c); err != nil {
			return fmt.Errorf("attempt %d: prior card: %w", a.ID, err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM attempts WHERE id = ?`, a.ID); err != nil {
			return err
		}
		// The reverse of addAnswerDaySQL, dropping a day left empty.
		day := dayNumber(ms(a.AnsweredAt))
		if _, err := tx.ExecContext(ctx, `UPDATE answer_days SET answered = answered - 1, correct = correct - ?
			WHERE learner_id = ? AND day = ?`, a.Correct, learnerID, day); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM answer_days
			WHERE learner_id = ? AND day = ? AND answered <= 0`, learnerID, day); err != nil {
			return err
		}
		if c == nil {
			_, err = tx.ExecContext(ctx, `DELETE FROM cards WHERE learner_id = ? AND item_id = ?`, learnerID, a.ItemID)
			return err
		}
		_, err = tx.ExecContext(ctx, upsertCardSQL, learnerID, a.ItemID, c.Due, c.Stability, c.Difficulty,
			c.ScheduledDays, c.Reps, c.Lapses, c.State, c.LastReview, c.RemainingSteps, c.Misses)
		return err
	})
	db.cache.forget(learnerID)
	if errors.Is(err, ErrNotFound) || errors.Is(err, ErrNoPriorCard) {
		return quiz.Attempt{}, err
	}
	if err != nil {
		return quiz.Attempt{}, fmt.Errorf("store: undo last answer: %w", err)
	}
	return a, nil
}
