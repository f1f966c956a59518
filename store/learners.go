package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Learner is one person using the trainer, identified by the session cookie.
type Learner struct {
	ID          int64
	DisplayName string
	CreatedAt   time.Time
}

// CreateLearner inserts a new learner, created at now, with an empty
// display name. It returns an error only when the insert fails.
func (db *DB) CreateLearner(ctx context.Context, now time.Time) (Learner, error) {
	res, err := db.w.ExecContext(ctx, `INSERT INTO learners (display_name, created_at) VALUES ('', ?)`, ms(now))
	if err != nil {
		return Learner{}, fmt.Errorf("store: create learner: %w", err)
	}
	id, err := res.LastInsertId()
	if err != nil {
		return Learner{}, fmt.Errorf("store: create learner: %w", err)
	}
	return Learner{ID: id, CreatedAt: fromMS(ms(now))}, nil
}

// Learner returns the learner with the given id, or ErrNotFound.
func (db *DB) Learner(ctx context.Context, id int64) (Learner, error) {
	var l Learner
	var created int64
	err := db.r.QueryRowContext(ctx, `SELECT id, display_name, created_at FROM learners WHERE id = ?`, id).
		Scan(&l.ID, &l.DisplayName, &created)
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
