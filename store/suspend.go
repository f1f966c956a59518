package store

import (
	"context"
	"fmt"
	"time"
)

// Suspend marks itemID suspended for learnerID at now, so drills never
// queue it; suspending it again keeps the first time. The caller checks
// that the item exists. It returns an error (a foreign-key failure) when
// the learner does not exist.
func (db *DB) Suspend(ctx context.Context, learnerID int64, itemID string, now time.Time) error {
	_, err := db.w.ExecContext(ctx, `INSERT INTO suspended_items (learner_id, item_id, suspended_at) VALUES (?, ?, ?)
		ON CONFLICT (learner_id, item_id) DO NOTHING`, learnerID, itemID, ms(now))
	db.cache.forget(learnerID)
	if err != nil {
		return fmt.Errorf("store: suspend %s: %w", itemID, err)
	}
	return nil
}

// Unsuspend lets itemID be queued again for learnerID; an item that is
// not suspended is left alone.
func (db *DB) Unsuspend(ctx context.Context, learnerID int64, itemID string) error {
	_, err := db.w.ExecContext(ctx, `DELETE FROM suspended_items WHERE learner_id = ? AND item_id = ?`, learnerID, itemID)
	db.cache.forget(learnerID)
	if err != nil {
		return fmt.Errorf("store: unsuspend %s: %w", itemID, err)
	}
	return nil
}

// Suspended returns the ids of learnerID's suspended items, as a set; an
// unknown learner has none (an empty map, not ErrNotFound). The map is
// shared (cached: learner_cache.go) and must not be modified.
func (db *DB) Suspended(ctx context.Context, learnerID int64) (map[string]bool, error) {
	st, gen := db.cache.snapshot(learnerID)
	if st != nil && st.suspended != nil {
		return st.suspended, nil
	}
	set, err := db.suspendedFromDB(ctx, learnerID)
	if err != nil {
		return nil, err
	}
	db.cache.fill(learnerID, gen, func(st *learnerState) { st.suspended = set })
	return set, nil
}

func (db *DB) suspendedFromDB(ctx context.Context, learnerID int64) (map[string]bool, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT item_id FROM suspended_items WHERE learner_id = ?`, learnerID)
	if err != nil {
		return nil, fmt.Errorf("store: suspended items: %w", err)
	}
	defer rows.Close()
	out := map[string]bool{}
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("store: suspended items: %w", err)
		}
		out[id] = true
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: suspended items: %w", err)
	}
	return out, nil
}
