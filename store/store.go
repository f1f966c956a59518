// Package store keeps everything the trainer remembers in one SQLite file:
// learners, settings, sandbox tokens and workspace state, drill attempts and
// cards. Migrations are embedded and applied at Open.
package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync/atomic"
	"time"

	"golang.org/x/sync/singleflight"
	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// ErrNotFound is returned by every lookup that finds no row.
var ErrNotFound = errors.New("not found")

//go:embed migrations/*.sql
var migrations embed.FS

// DB is the trainer's database: one writer connection and a small pool of
// read-only connections on the same file.
type DB struct {
	w    *sql.DB
	r    *sql.DB
	path string
	dsn  string // the writer's DSN, for Backup's own connection
	// stmts are the drill's hot statements, prepared once at Open (drill.go).
	stmts *drillStmts
	// pages are the page reads' statements, prepared once at Open (stmts.go).
	pages *pageStmts
	// answers group-commits concurrent RecordAnswer calls (drill.go).
	// cache keeps each learner's hot reads (learner_cache.go).
	cache *learnerCache
	// tallyReads shares a learner's history read among views arriving at
	// once (DrillTallies).
	tallyReads singleflight.Group
	answers    answerBatcher
	// observer is told about every write transaction (SetWriteObserver).
	observer atomic.Pointer[WriteObserver]
}

// WriteObserver is told about each write transaction once it has
// committed or failed: its kind ("answers" for a group commit of drill
// answers, "tx" for any other), how many answers it held (0 for "tx"), how
// long it took (BEGIN to COMMIT) and whether it failed.
type WriteObserver func(kind string, answers int, took time.Duration, failed bool)

// SetWriteObserver makes fn the observer of every later write
// transaction (nil: none). It is safe to call while the database is in
// use. It returns nothing and cannot fail.
func (db *DB) SetWriteObserver(fn WriteObserver) {
	if fn == nil {
		db.observer.Store(nil)
		return
	}
	db.observer.Store(&fn)
}

// Open opens (creating if needed) the SQLite database at path and applies
// every pending migration. It returns an error, never panics, when the
// directory does not exist, the file is not a SQLite database, or a
// migration fails.
func Open(ctx context.Context, path string) (*DB, error) {
	if path == "" {
		return nil, errors.New("store: open: empty database path")
	}
	dir := filepath.Dir(path) // "." for a bare file name, never ""
	if st, err := os.Stat(dir); err != nil {
		return nil, fmt.Errorf("store: open %s: directory %s: %w", path, dir, err)
	} else if !st.IsDir() {
		return nil, fmt.Errorf("store: open %s: %s is not a directory", path, dir)
	}
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		return nil, fmt.Errorf("store: open %s: is a directory", path)
	}
	dsn := "file:" + (&url.URL{Path: path}).EscapedPath() +
		"?_pragma=busy_timeout(5000)&_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)" +
		"&_pragma=synchronous(NORMAL)&_txlock=immediate"
	w, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	w.SetMaxOpenConns(1)
	w.SetConnMaxIdleTime(0)
	db := &DB{w: w, path: path, dsn: dsn, cache: newLearnerCache()}
	if err := w.PingContext(ctx); err != nil {
		w.Close()
		return nil, fmt.Errorf("store: open %s: %w", path, explain(err))
	}
	if err := db.migrate(ctx); err != nil {
		w.Close()
		return nil, err
	}
	r, err := sql.Open("sqlite", dsn+"&_pragma=query_only(1)")
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("store: open reader %s: %w", path, err)
	}
	r.SetMaxOpenConns(4)
	db.r = r
	if db.stmts, err = prepareDrill(ctx, w, r); err != nil {
		db.Close()
		return nil, err
	}
	if db.pages, err = preparePages(ctx, r); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// explain turns SQLite's terse complaint about a foreign file into a message
// a person can act on.
func explain(err error) error {
	if strings.Contains(err.Error(), "file is not a database") || strings.Contains(err.Error(), "(26)") {
		return fmt.Errorf("not a SQLite database (%w)", err)
	}
	return err
}

// Close closes the prepared statements and both pools. The WAL is
// checkpointed by SQLite on the last close. It returns every close error,
// joined (errors.Join), or nil.
func (db *DB) Close() error {
	var errs []error
	if db.stmts != nil {
		errs = append(errs, db.stmts.close())
	}
	if db.pages != nil {
		errs = append(errs, db.pages.close())
	}
	if db.r != nil {
		errs = append(errs, db.r.Close())
	}
	errs = append(errs, db.w.Close())
	return errors.Join(errs...)
}

// Path returns the database file path.
func (db *DB) Path() string { return db.path }

// Ping checks that the database answers a query. It returns the wrapped
// error when it does not (a closed DB, say).
func (db *DB) Ping(ctx context.Context) error {
	var one int
	if err := db.r.QueryRowContext(ctx, "SELECT 1").Scan(&one); err != nil {
		return fmt.Errorf("store: ping: %w", err)
	}
	return nil
}

// tx runs fn in one write transaction (BEGIN IMMEDIATE via the DSN),
// committing when fn returns nil.
func (db *DB) tx(ctx context.Context, fn func(*sql.Tx) error) error {
	return db.observedTx(ctx, "tx", 0, fn)
}

// observedTx is tx, reported to the write observer as kind with answers.
func (db *DB) observedTx(ctx context.Context, kind string, answers int, fn func(*sql.Tx) error) (err error) {
	if obs := db.observer.Load(); obs != nil {
		start := time.Now()
		defer func() { (*obs)(kind, answers, time.Since(start), err != nil) }()
	}
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return err
	}
	return tx.Commit()
}

// migrate applies every embedded migration not yet recorded in
// schema_migrations, each in its own transaction, in name order.
func (db *DB) migrate(ctx context.Context) error {
	if _, err := db.w.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		name TEXT PRIMARY KEY, applied_at INTEGER NOT NULL)`); err != nil {
		return fmt.Errorf("store: migrate: %w", explain(err))
	}
	names, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		return fmt.Errorf("store: migrate: %w", err)
	}
	sort.Strings(names)
	// One read of what is applied, so opening an up-to-date database
	// starts no transaction; migrateFile checks again inside its own.
	applied, err := db.appliedMigrations(ctx)
	if err != nil {
		return err
	}
	for _, name := range names {
		if applied[filepath.Base(name)] {
			continue
		}
		if err := db.migrateFile(ctx, name); err != nil {
			return err
		}
	}
	return nil
}

// appliedMigrations returns the names recorded in schema_migrations.
func (db *DB) appliedMigrations(ctx context.Context) (map[string]bool, error) {
	rows, err := db.w.QueryContext(ctx, `SELECT name FROM schema_migrations`)
	if err != nil {
		return nil, fmt.Errorf("store: migrate: %w", explain(err))
	}
	defer rows.Close()
	applied := map[string]bool{}
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, fmt.Errorf("store: migrate: %w", explain(err))
		}
		applied[n] = true
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: migrate: %w", explain(err))
	}
	return applied, nil
}

func (db *DB) migrateFile(ctx context.Context, name string) error {
	base := filepath.Base(name)
	return db.tx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM schema_migrations WHERE name = ?`, base).Scan(&n); err != nil {
			return fmt.Errorf("store: migrate %s: %w", base, err)
		}
		if n > 0 {
			return nil
		}
		body, err := migrations.ReadFile(name)
		if err != nil {
			return fmt.Errorf("store: migrate %s: %w", base, err)
		}
		if _, err := tx.ExecContext(ctx, string(body)); err != nil {
			return fmt.Errorf("store: migrate %s: %w", base, err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (name, applied_at) VALUES (?, ?)`, base, ms(time.Now())); err != nil {
			return fmt.Errorf("store: migrate %s: %w", base, err)
		}
		return nil
	})
}

// ms converts a time to Unix milliseconds, the only time format stored.
func ms(t time.Time) int64 { return t.UnixMilli() }

// fromMS converts stored Unix milliseconds back to a UTC time.
func fromMS(v int64) time.Time { return time.UnixMilli(v).UTC() }
