package store

import (
	"context"
	"errors"
	"regexp"
	"testing"
	"time"

	"path/filepath"
)

func TestSandboxTokens(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := openTest(t)
	l, err := db.CreateLearner(ctx, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	tok, err := db.IssueSandboxToken(ctx, l.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`^dapi[0-9a-f]{32}$`).MatchString(tok) {
		t.Fatalf("token %q: want dapi + 32 hex", tok)
	}
	got, err := db.ResolveSandboxToken(ctx, tok)
	if err != nil || got != l.ID {
		t.Fatalf("resolve = %d, %v; want %d", got, err, l.ID)
	}
	if _, err := db.ResolveSandboxToken(ctx, "dapi00000000000000000000000000000000"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("unknown token: err = %v, want ErrNotFound", err)
	}
	tok2, err := db.IssueSandboxToken(ctx, l.ID)
	if err != nil {
		t.Fatal(err)
	}
	if tok2 == tok {
		t.Fatal("regenerated token equals the old one")
	}
	if _, err := db.ResolveSandboxToken(ctx, tok); !errors.Is(err, ErrNotFound) {
		t.Fatalf("old token after regenerate: err = %v, want ErrNotFound", err)
	}
	if got, err := db.ResolveSandboxToken(ctx, tok2); err != nil || got != l.ID {
		t.Fatalf("new token: %d, %v", got, err)
	}
	if _, err := db.IssueSandboxToken(ctx, 9999); !errors.Is(err, ErrNotFound) {
		t.Fatalf("unknown learner: err = %v, want ErrNotFound", err)
	}
	// Only the hash is stored.
	if n := countRows(t, db, tok2); n != 0 {
		t.Fatalf("plain token found in the database %d times", n)
	}
}

func countRows(t *testing.T, db *DB, tok string) int {
	t.Helper()
	ws, err := db.LoadWorkspace(context.Background(), tok)
	if err != nil {
		t.Fatal(err)
	}
	var n int
	if err := db.r.QueryRow(`SELECT COUNT(*) FROM sandbox_tokens WHERE token_hash = ? OR token_hash LIKE '%' || ? || '%'`, tok, tok[4:]).Scan(&n); err != nil {
		t.Fatal(err)
	}
	var h string
	if err := db.r.QueryRow(`SELECT token_hash FROM sandbox_tokens`).Scan(&h); err != nil || h != hashToken(tok) {
		t.Fatalf("stored hash %q, %v; want sha256 of the token", h, err)
	}
	return len(ws) + n
}

func openTest(t *testing.T) *DB {
	t.Helper()
	db, err := Open(context.Background(), filepath.Join(t.TempDir(), "test.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func TestWorkspaceDocs(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := openTest(t)
	if got, err := db.LoadWorkspace(ctx, "w1"); err != nil || len(got) != 0 {
		t.Fatalf("empty load = %v, %v", got, err)
	}
	if err := db.ReplaceWorkspace(ctx, "w1", map[string][]byte{"meta": []byte(`{}`), "job/1": []byte(`{"a":1}`)}); err != nil {
		t.Fatal(err)
	}
	if err := db.SaveWorkspace(ctx, "w1", map[string][]byte{"job/2": []byte(`{"b":2}`), "job/1": []byte(`{"a":3}`)}, nil); err != nil {
		t.Fatal(err)
	}
	if err := db.SaveWorkspace(ctx, "w2", map[string][]byte{"job/1": []byte(`{"other":true}`)}, nil); err != nil {
		t.Fatal(err)
	}
	if err := db.SaveWorkspace(ctx, "w1", nil, []string{"job/2"}); err != nil {
		t.Fatal(err)
	}
	got, err := db.LoadWorkspace(ctx, "w1")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || string(got["job/1"]) != `{"a":3}` {
		t.Fatalf("w1 = %q", got)
	}
	if err := db.ReplaceWorkspace(ctx, "w1", map[string][]byte{"meta": []byte(`{"x":1}`)}); err != nil {
		t.Fatal(err)
	}
	got, _ = db.LoadWorkspace(ctx, "w1")
	if len(got) != 1 {
		t.Fatalf("after replace: %q", got)
	}
	other, _ := db.LoadWorkspace(ctx, "w2")
	if len(other) != 1 {
		t.Fatalf("w2 touched: %q", other)
	}
}
