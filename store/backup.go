package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// ErrBackupExists is returned by Backup when the destination already
// exists: a backup never overwrites a file.
var ErrBackupExists = errors.New("backup file already exists")

// Backup writes a consistent copy of the whole database to path with
// SQLite's VACUUM INTO, while the database stays in use: the copy is one
// read transaction's snapshot, so it holds every write committed before
// the backup started and none of a write still in flight, and writers are
// not blocked meanwhile. The copy is a plain (rollback-journal) database
// file that Open accepts as it is. It is made under a temporary name in
// path's directory and linked to path only when complete, so path is
// never a partial copy and an existing file is never overwritten, even one
// created while the copy was being made.
//
// It returns ErrBackupExists (wrapped) when path exists, an error naming
// the directory when path's directory does not exist, and SQLite's error,
// wrapped, when the copy fails.
func (db *DB) Backup(ctx context.Context, path string) error {
	if path == "" {
		return errors.New("store: backup: empty destination path")
	}
	exists := func() error {
		return fmt.Errorf("store: backup to %s: %w (a backup never overwrites a file; choose a new name)", path, ErrBackupExists)
	}
	if _, err := os.Lstat(path); err == nil {
		return exists()
	} else if !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("store: backup to %s: %w", path, err)
	}
	dir := filepath.Dir(path)
	if st, err := os.Stat(dir); err != nil {
		return fmt.Errorf("store: backup to %s: directory %s: %w", path, dir, err)
	} else if !st.IsDir() {
		return fmt.Errorf("store: backup to %s: %s is not a directory", path, dir)
	}
	tmp, err := tempName(dir, filepath.Base(path))
	if err != nil {
		return fmt.Errorf("store: backup to %s: %w", path, err)
	}
	defer os.Remove(tmp)
	// A connection of its own: VACUUM INTO only reads this database, so
	// the writer stays free for the server while the copy is made, but the
	// read pool is query_only, which refuses VACUUM INTO.
	c, err := sql.Open("sqlite", db.dsn)
	if err != nil {
		return fmt.Errorf("store: backup to %s: %w", path, err)
	}
	defer c.Close()
	if _, err := c.ExecContext(ctx, `VACUUM INTO ?`, tmp); err != nil {
		return fmt.Errorf("store: backup to %s: %w", path, err)
	}
	// link, unlike rename, fails when path exists.
	if err := os.Link(tmp, path); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return exists()
		}
		return fmt.Errorf("store: backup to %s: %w", path, err)
	}
	return nil
}

// tempName returns an unused file name in dir for a backup of base; the
// file does not exist (VACUUM INTO refuses an existing one).
func tempName(dir, base string) (string, error) {
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	return filepath.Join(dir, "."+base+".partial-"+hex.EncodeToString(b[:])), nil
}
