package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"

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
// ErrNotFound. It returns an error only when the query fails. The map is
// shared with other callers (it is cached: learner_cache.go) and must not
// be modified.
func (db *DB) Cards(ctx context.Context, learnerID int64) (map[string]quiz.Card, error) {
	st, gen := db.cache.snapshot(learnerID)
	if st != nil && st.cards != nil {
		return st.cards, nil
	}
	cards, err := db.cardsFromDB(ctx, learnerID)
	if err != nil {
		return nil, err
	}
	db.cache.fill(learnerID, gen, func(st *learnerState) { st.cards = cards })
	return cards, nil
}

func (db *DB) cardsFromDB(ctx context.Context, learnerID int64) (map[string]quiz.Card, error) {
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

// DrillTallies returns learnerID's drill answers tallied per topic
// (quiz.TallyAttempts: exam answers left out), for readiness. The first
// call for a learner reads every answer; later ones are served from memory
// and kept current by RecordAnswer (learner_cache.go), so a view costs the
// same at 50 answers as at 5,000. The map is shared and must not be
// modified. An unknown learner has none: an empty map.
func (db *DB) DrillTallies(ctx context.Context, learnerID int64) (map[string]quiz.AnswerTally, error) {
	st, gen := db.cache.snapshot(learnerID)
	if st != nil && st.tallies != nil {
		return st.tallies, nil
	}
	// Views arriving together share one read of the history (it is the
	// only read here that grows with it), but only views that saw the same
	// generation: one that started after a write must not get a read
	// from before it. The read outlives a caller that hangs up, since
	// others may be waiting on it.
	key := strconv.FormatInt(learnerID, 10) + ":" + strconv.FormatUint(gen, 10)
	v, err, _ := db.tallyReads.Do(key, func() (any, error) {
		tallies := map[string]quiz.AnswerTally{}
		err := db.Attempts(context.WithoutCancel(ctx), learnerID, func(a quiz.Attempt) error {
			if !quiz.IsExamAttempt(a) {
				t := tallies[a.Topic]
				t.Add(a)
				tallies[a.Topic] = t
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		db.cache.fill(learnerID, gen, func(st *learnerState) { st.tallies = tallies })
		return tallies, nil
	})
	if err != nil {
		return nil, err
	}
	return v.(map[string]quiz.AnswerTally), nil
}
