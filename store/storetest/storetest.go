// Package storetest opens real SQLite databases for tests.
package storetest

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/jobs-api-trainer/trainer/store"
)

// New opens a fresh database file in t.TempDir() and closes it when the test ends.
//
// The file starts as a copy of a database migrated once per test process
// (store.Open on it then finds every migration applied): applying the
// migrations is most of the cost of opening a new database, and packages
// open one per test.
func New(t testing.TB) *store.DB {
	t.Helper()
	return OpenAt(t, filepath.Join(t.TempDir(), "test.db"))
}

// OpenAt opens the database file at path, first copying the migrated
// database there (as New does) when there is no file yet, and closes it
// when the test ends. Tests that reopen one file (a restart) call it
// again with the same path.
func OpenAt(t testing.TB, path string) *store.DB {
	t.Helper()
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		b, err := migrated()
		if err != nil {
			t.Fatalf("storetest: %v", err)
		}
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatalf("storetest: %v", err)
		}
	}
	db, err := store.Open(context.Background(), path)
	if err != nil {
		t.Fatalf("storetest: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

var (
	migratedOnce  sync.Once
	migratedBytes []byte
	migratedErr   error
)

// migrated returns the bytes of a newly created, fully migrated database
// file, made once: opened, closed (which checkpoints the write-ahead log
// into the file and removes it) and read back.
func migrated() ([]byte, error) {
	migratedOnce.Do(func() {
		dir, err := os.MkdirTemp("", "storetest-")
		if err != nil {
			migratedErr = err
			return
		}
		defer os.RemoveAll(dir)
		path := filepath.Join(dir, "template.db")
		db, err := store.Open(context.Background(), path)
		if err != nil {
			migratedErr = err
			return
		}
		if err := db.Close(); err != nil {
			migratedErr = err
			return
		}
		if _, err := os.Stat(path + "-wal"); err == nil {
			migratedErr = fmt.Errorf("template database %s kept its write-ahead log after close", path)
			return
		}
		migratedBytes, migratedErr = os.ReadFile(path)
	})
	return migratedBytes, migratedErr
}
