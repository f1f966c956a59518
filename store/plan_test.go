package store

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
)

// TestSessionAttemptsUseTheSessionIndex: a drill page reads its session's
// answers by session; with the learner index SQLite would walk every answer
// the learner ever gave (issue 13: 70 µs per view at 5,000 answers, for an
// empty session).
func TestSessionAttemptsUseTheSessionIndex(t *testing.T) {
	t.Parallel()
	db, err := Open(context.Background(), filepath.Join(t.TempDir(), "plan.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	rows, err := db.r.QueryContext(context.Background(), `EXPLAIN QUERY PLAN `+sessionAttemptsSQL, 1, 1)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatal(err)
		}
		plan = append(plan, detail)
	}
	if got := strings.Join(plan, "; "); !strings.Contains(got, "INDEX attempts_session") {
		t.Errorf("plan: %s; want a search of attempts_session", got)
	}
}
