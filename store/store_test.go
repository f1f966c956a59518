package store_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jobs-api-trainer/trainer/store"
	"github.com/jobs-api-trainer/trainer/store/storetest"
)

func TestOpenMigratesOnceAndReopens(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "trainer.db")
	for i := 0; i < 2; i++ {
		db, err := store.Open(ctx, path)
		if err != nil {
			t.Fatalf("open #%d: %v", i+1, err)
		}
		if i == 0 {
			if _, err := db.CreateLearner(ctx, time.Now()); err != nil {
				t.Fatal(err)
			}
		} else if _, err := db.Learner(ctx, 1); err != nil {
			t.Fatalf("learner after reopen: %v", err)
		}
		if err := db.Close(); err != nil {
			t.Fatal(err)
		}
	}
}

func TestOpenRefusesBadFiles(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	notDB := filepath.Join(dir, "notes.txt")
	if err := os.WriteFile(notDB, []byte(strings.Repeat("this is not a database\n", 200)), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, path, want string
	}{
		{"not sqlite", notDB, "not a SQLite database"},
		{"missing directory", filepath.Join(dir, "nope", "x.db"), "directory"},
		{"a directory", dir, "is a directory"},
		{"empty path", "", "empty database path"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db, err := store.Open(context.Background(), tt.path)
			if err == nil {
				db.Close()
				t.Fatal("Open succeeded, want error")
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %q does not mention %q", err, tt.want)
			}
		})
	}
}

func TestLearners(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := storetest.New(t)
	now := time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC)
	l, err := db.CreateLearner(ctx, now)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.SetDisplayName(ctx, l.ID, "Ada"); err != nil {
		t.Fatal(err)
	}
	got, err := db.Learner(ctx, l.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.DisplayName != "Ada" || !got.CreatedAt.Equal(now) {
		t.Fatalf("got %+v", got)
	}
	if _, err := db.Learner(ctx, 999); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("missing learner: %v, want ErrNotFound", err)
	}
	if err := db.SetDisplayName(ctx, 999, "x"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("rename missing learner: %v, want ErrNotFound", err)
	}
}

func TestSettingOrCreateKeepsFirstValue(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := storetest.New(t)
	calls := 0
	mk := func() ([]byte, error) { calls++; return []byte{byte(calls)}, nil }
	a, err := db.SettingOrCreate(ctx, "k", mk)
	if err != nil {
		t.Fatal(err)
	}
	b, err := db.SettingOrCreate(ctx, "k", mk)
	if err != nil {
		t.Fatal(err)
	}
	if string(a) != string(b) || calls != 1 {
		t.Fatalf("a=%v b=%v calls=%d", a, b, calls)
	}
	if _, err := db.Setting(ctx, "other"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("missing setting: %v", err)
	}
}
