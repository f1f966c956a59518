package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"time"
)

// Learner is one person using the trainer, identified by the session cookie.
type Learner struct {
	ID          int64
	DisplayName string
	CreatedAt   time.Time
	// SessionGen is the learner's session generation: a session cookie
	// issued at another generation is refused (BumpSessionGen).
	SessionGen int64
}

// CreateLearner inserts a new learner, created at now, with an empty
// display name and a random session generation (so a cookie naming a
// pruned learner's id never fits a later learner given the same id). It
// returns an error only when the insert fails.
func (db *DB) CreateLearner(ctx context.Context, now time.Time) (Learner, error) {
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		return Learner{}, fmt.Errorf("store: create learner: %w", err)
	}
	// Positive and far from overflowing when bumped.
	gen := int64(binary.BigEndian.Uint64(b[:]) >> 2)
	res, err := db.w.ExecContext(ctx, `INSERT INTO learners (display_name, created_at, session_gen) VALUES ('', ?, ?)`, ms(now), gen)
	if err != nil {
		return Learner{}, fmt.Errorf("store: create learner: %w", err)
	}
	id, err := res.LastInsertId()
	if err != nil {
		return Learner{}, fmt.Errorf("store: create learner: %w", err)
	}
	return Learner{ID: id, CreatedAt: fromMS(ms(now)), SessionGen: gen}, nil
}

// BumpSessionGen moves the learner to a new session generation, so every
// cookie issued before stops working, and returns it. It returns
// ErrNotFound if there is no such learner.
func (db *DB) BumpSessionGen(ctx context.Context, id int64) (int64, error) {
	var gen int64
	err := db.w.QueryRowContext(ctx, `UPDATE learners SET session_gen = session_gen + 1 WHERE id = ? RETURNING session_gen`, id).Scan(&gen)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, ErrNotFound
	}
	if err != nil {
		return 0, fmt.Errorf("store: bump session generation: %w", err)
	}
	return gen, nil
}

// PruneIdleLearners deletes learners created before cutoff who never did
// anything that left a trace: no display name, sandbox token, drill,
// answer, card, exam date, mock exam, sandbox call, challenge, saved
// workspace, hosted workshop or workshop seat. It returns the ids it
// deleted, or an error (and deletes nothing) when the delete fails.
func (db *DB) PruneIdleLearners(ctx context.Context, cutoff time.Time) ([]int64, error) {
	rows, err := db.w.QueryContext(ctx, `DELETE FROM learners
WHERE created_at < ? AND display_name = ''
  AND NOT EXISTS (SELECT 1 FROM sandbox_tokens t WHERE t.learner_id = learners.id)
  AND NOT EXISTS (SELECT 1 FROM drill_sessions d WHERE d.learner_id = learners.id)
  AND NOT EXISTS (SELECT 1 FROM attempts a WHERE a.learner_id = learners.id)
  AND NOT EXISTS (SELECT 1 FROM cards c WHERE c.learner_id = learners.id)
  AND NOT EXISTS (SELECT 1 FROM learner_prefs p WHERE p.learner_id = learners.id)
  AND NOT EXISTS (SELECT 1 FROM exams e WHERE e.learner_id = learners.id)
  AND NOT EXISTS (SELECT 1 FROM sandbox_calls s WHERE s.learner_id = learners.id)
  AND NOT EXISTS (SELECT 1 FROM challenge_results r WHERE r.learner_id = learners.id)
  AND NOT EXISTS (SELECT 1 FROM challenge_attempts x WHERE x.learner_id = learners.id)
  AND NOT EXISTS (SELECT 1 FROM lesson_predictions lp WHERE lp.learner_id = learners.id)
  AND NOT EXISTS (SELECT 1 FROM ws_docs w WHERE w.workspace_id = 'learner-' || learners.id)
  AND NOT EXISTS (SELECT 1 FROM workshops h WHERE h.host_learner_id = learners.id)
  AND NOT EXISTS (SELECT 1 FROM workshop_seats st WHERE st.learner_id = learners.id)
RETURNING id`, ms(cutoff))
	if err != nil {
		return nil, fmt.Errorf("store: prune idle learners: %w", err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("store: prune idle learners: %w", err)
		}
		ids = append(ids, id)
	}
	db.cache.forget(ids...)
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: prune idle learners: %w", err)
	}
	return ids, nil
}

// Learner returns the learner with the given id, or ErrNotFound.
func (db *DB) Learner(ctx context.Context, id int64) (Learner, error) {
	var l Learner
	var created int64
	err := db.pages.learner.QueryRowContext(ctx, id).
		Scan(&l.ID, &l.DisplayName, &created, &l.SessionGen)
	if errors.Is(err, sql.ErrNoRows) {
		return Learner{}, ErrNotFound
	}
	if err != nil {
		return Learner{}, fmt.Errorf("store: learner %d: %w", id, err)
	}
	l.CreatedAt = fromMS(created)
	return l, nil
}

// SetDisplayName changes a learner's display name; ErrNotFound if no such learner.
func (db *DB) SetDisplayName(ctx context.Context, id int64, name string) error {
	res, err := db.w.ExecContext(ctx, `UPDATE learners SET display_name = ? WHERE id = ?`, name, id)
	if err != nil {
		return fmt.Errorf("store: set display name: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	return nil
}

// Setting returns the stored value for key, or ErrNotFound.
func (db *DB) Setting(ctx context.Context, key string) ([]byte, error) {
	var v []byte
	err := db.r.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = ?`, key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("store: setting %s: %w", key, err)
	}
	return v, nil
}

// SettingOrCreate returns the value stored under key, storing make()'s
// result first if there is none, in one transaction. Used for generated
// secrets that must survive restarts. It returns make's error, or a
// database error, wrapped with the key; nothing is stored then.
func (db *DB) SettingOrCreate(ctx context.Context, key string, make func() ([]byte, error)) ([]byte, error) {
	var out []byte
	err := db.tx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = ?`, key).Scan(&out)
		if err == nil {
			return nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		v, err := make()
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES (?, ?)`, key, v); err != nil {
			return err
		}
		out = v
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: setting %s: %w", key, err)
	}
	return out, nil
}

// WorkspaceOf names a learner's own emulated workspace ("learner-12"): the
// key their sandbox state is stored under and their token resolves to.
func WorkspaceOf(learnerID int64) string { return fmt.Sprintf("learner-%d", learnerID) }
