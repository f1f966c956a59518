package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/jobs-api-trainer/trainer/quiz"
)

func scanCard(sc interface{ Scan(...any) error }) (string, quiz.Card, error) {
	var id string
	var c quiz.Card
	var due, last, sched, reps, lapses int64
	var state int
	if err := sc.Scan(&id, &due, &c.Stability, &c.Difficulty, &sched, &reps, &lapses, &state, &last, &c.RemainingSteps, &c.Misses); err != nil {
		return "", quiz.Card{}, err
	}
	c.Due, c.LastReview = fromMSOrZero(due), fromMSOrZero(last)
	c.ScheduledDays, c.Reps, c.Lapses = uint64(sched), uint64(reps), uint64(lapses)
	c.State = quiz.State(state)
	return id, c, nil
}

// Cards returns learnerID's cards keyed by item id; items never answered
// have no entry. An unknown learner has no cards: an empty map, not
// ErrNotFound. It returns an error only when the query fails.
func (db *DB) Cards(ctx context.Context, learnerID int64) (map[string]quiz.Card, error) {
	rows, err := db.pages.cards.QueryContext(ctx, learnerID)
	if err != nil {
		return nil, fmt.Errorf("store: cards: %w", err)
	}
	defer rows.Close()
	out := map[string]quiz.Card{}
	for rows.Next() {
		id, c, err := scanCard(rows)
		if err != nil {
			return nil, fmt.Errorf("store: cards: %w", err)
		}
		out[id] = c
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: cards: %w", err)
	}
	return out, nil
}

// Card returns learnerID's card for itemID, or ErrNotFound when the item
// was never answered (use the zero quiz.Card then).
func (db *DB) Card(ctx context.Context, learnerID int64, itemID string) (quiz.Card, error) {
	row := db.r.QueryRowContext(ctx, `SELECT `+cardColumns+` FROM cards WHERE learner_id = ? AND item_id = ?`, learnerID, itemID)
	_, c, err := scanCard(row)
	if errors.Is(err, sql.ErrNoRows) {
		return quiz.Card{}, ErrNotFound
	}
	if err != nil {
		return quiz.Card{}, fmt.Errorf("store: card %s: %w", itemID, err)
	}
	return c, nil
}
