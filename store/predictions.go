package store

import (
	"context"
	"fmt"
	"maps"
	"strings"
	"time"
)

// MaxGuessLen bounds a recorded prediction, in bytes.
const MaxGuessLen = 2000

// SavePrediction records the learner's guess for prompt (numbered from 1)
// of lesson, replacing an earlier one.
func (db *DB) SavePrediction(ctx context.Context, learnerID int64, lesson string, prompt int, guess string, now time.Time) error {
	if len(guess) > MaxGuessLen {
		guess = strings.ToValidUTF8(guess[:MaxGuessLen], "")
	}
	_, err := db.w.ExecContext(ctx, `INSERT INTO lesson_predictions (learner_id, lesson, prompt, guess, made_at)
VALUES (?, ?, ?, ?, ?)
ON CONFLICT (learner_id, lesson, prompt) DO UPDATE SET guess = excluded.guess, made_at = excluded.made_at`,
		learnerID, lesson, prompt, guess, ms(now))
	db.cache.update(learnerID, func(st *learnerState) { st.guesses = nil })
	if err != nil {
		return fmt.Errorf("store: save prediction: %w", err)
	}
	return nil
}

// Predictions returns the learner's guesses for lesson by prompt number
// (empty, not an error, when there are none). The map is shared (cached:
// learner_cache.go) and must not be modified.
func (db *DB) Predictions(ctx context.Context, learnerID int64, lesson string) (map[int]string, error) {
	st, gen := db.cache.snapshot(learnerID)
	if st != nil {
		if g, ok := st.guesses[lesson]; ok {
			return g, nil
		}
	}
	out, err := db.predictionsFromDB(ctx, learnerID, lesson)
	if err != nil {
		return nil, err
	}
	db.cache.fill(learnerID, gen, func(st *learnerState) {
		st.guesses = maps.Clone(st.guesses)
		if st.guesses == nil {
			st.guesses = map[string]map[int]string{}
		}
		st.guesses[lesson] = out
	})
	return out, nil
}

func (db *DB) predictionsFromDB(ctx context.Context, learnerID int64, lesson string) (map[int]string, error) {
	rows, err := db.pages.predictions.QueryContext(ctx, learnerID, lesson)
	if err != nil {
		return nil, fmt.Errorf("store: predictions: %w", err)
	}
	defer rows.Close()
	out := map[int]string{}
	for rows.Next() {
		var n int
		var g string
		if err := rows.Scan(&n, &g); err != nil {
			return nil, fmt.Errorf("store: predictions: %w", err)
		}
		out[n] = g
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: predictions: %w", err)
	}
	return out, nil
}
