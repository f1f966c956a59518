package store

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"time"
)

func hashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// IssueSandboxToken makes a new sandbox token ("dapi" + 32 hex digits) for
// the learner, replacing any previous one so the old token stops working.
// Only the token's SHA-256 hash is stored. It returns ErrNotFound if the
// learner does not exist.
func (db *DB) IssueSandboxToken(ctx context.Context, learnerID int64) (string, error) {
	var raw [16]byte
	if _, err := rand.Read(raw[:]); err != nil {
		return "", fmt.Errorf("store: issue sandbox token: %w", err)
	}
	token := "dapi" + hex.EncodeToString(raw[:])
	err := db.tx(ctx, func(tx *sql.Tx) error {
		var one int
		if err := tx.QueryRowContext(ctx, `SELECT 1 FROM learners WHERE id = ?`, learnerID).Scan(&one); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return ErrNotFound
			}
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM sandbox_tokens WHERE learner_id = ?`, learnerID); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO sandbox_tokens (token_hash, learner_id, created_at) VALUES (?, ?, ?)`,
			hashToken(token), learnerID, ms(time.Now()))
		return err
	})
	if errors.Is(err, ErrNotFound) {
		return "", ErrNotFound
	}
	if err != nil {
		return "", fmt.Errorf("store: issue sandbox token: %w", err)
	}
	return token, nil
}

// ResolveSandboxToken returns the learner a sandbox token belongs to, or
// ErrNotFound for an unknown or replaced token.
func (db *DB) ResolveSandboxToken(ctx context.Context, token string) (int64, error) {
	var id int64
	err := db.pages.sandboxToken.QueryRowContext(ctx, hashToken(token)).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, ErrNotFound
	}
	if err != nil {
		return 0, fmt.Errorf("store: resolve sandbox token: %w", err)
	}
	return id, nil
}

// LoadWorkspace returns every stored document of an emulated workspace,
// keyed by document key; an empty map, not ErrNotFound, when there are
// none. It returns an error only when the query fails.
func (db *DB) LoadWorkspace(ctx context.Context, workspaceID string) (map[string][]byte, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT doc_key, body FROM ws_docs WHERE workspace_id = ?`, workspaceID)
	if err != nil {
		return nil, fmt.Errorf("store: load workspace %s: %w", workspaceID, err)
	}
	defer rows.Close()
	out := map[string][]byte{}
	for rows.Next() {
		var k string
		var b []byte
		if err := rows.Scan(&k, &b); err != nil {
			return nil, fmt.Errorf("store: load workspace %s: %w", workspaceID, err)
		}
		out[k] = b
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: load workspace %s: %w", workspaceID, err)
	}
	return out, nil
}

// WorkspaceExists reports whether the workspace has any document stored,
// without reading them: the sandbox pages ask it before drawing a
// workspace, so that a visit stores nothing until the first API call. It
// returns an error only when the query fails.
func (db *DB) WorkspaceExists(ctx context.Context, workspaceID string) (bool, error) {
	var one int
	err := db.r.QueryRowContext(ctx, `SELECT 1 FROM ws_docs WHERE workspace_id = ? LIMIT 1`, workspaceID).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("store: workspace exists %s: %w", workspaceID, err)
	}
	return true, nil
}

func putDocs(ctx context.Context, tx *sql.Tx, workspaceID string, puts map[string][]byte) error {
	if len(puts) == 0 {
		return nil
	}
	stmt, err := tx.PrepareContext(ctx, `INSERT INTO ws_docs (workspace_id, doc_key, body, updated_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (workspace_id, doc_key) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at`)
	if err != nil {
		return err
	}
	defer stmt.Close()
	now := ms(time.Now())
	for k, b := range puts {
		if _, err := stmt.ExecContext(ctx, workspaceID, k, b, now); err != nil {
			return err
		}
	}
	return nil
}

// SaveWorkspace writes puts and removes deletes for one workspace in a
// single transaction: all or nothing. It returns the database error, with
// nothing changed, when a statement or the commit fails.
func (db *DB) SaveWorkspace(ctx context.Context, workspaceID string, puts map[string][]byte, deletes []string) error {
	err := db.tx(ctx, func(tx *sql.Tx) error {
		for _, k := range deletes {
			if _, err := tx.ExecContext(ctx, `DELETE FROM ws_docs WHERE workspace_id = ? AND doc_key = ?`, workspaceID, k); err != nil {
				return err
			}
		}
		return putDocs(ctx, tx, workspaceID, puts)
	})
	if err != nil {
		return fmt.Errorf("store: save workspace %s: %w", workspaceID, err)
	}
	return nil
}

// ReplaceWorkspace drops every document of the workspace and stores docs
// instead, in one transaction (used to seed and to reset). It returns the
// database error, with nothing changed, when a statement or the commit
// fails.
func (db *DB) ReplaceWorkspace(ctx context.Context, workspaceID string, docs map[string][]byte) error {
	err := db.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM ws_docs WHERE workspace_id = ?`, workspaceID); err != nil {
			return err
		}
		return putDocs(ctx, tx, workspaceID, docs)
	})
	if err != nil {
		return fmt.Errorf("store: replace workspace %s: %w", workspaceID, err)
	}
	return nil
}
