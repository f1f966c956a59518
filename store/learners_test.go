package store_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/jobs-api-trainer/trainer/store"
	"github.com/jobs-api-trainer/trainer/store/storetest"
)

// TestPruneIdleLearnersKeepsAnyTrace: only learners older than the cutoff
// with nothing stored anywhere are pruned; one trace of any kind keeps a
// learner.
func TestPruneIdleLearnersKeepsAnyTrace(t *testing.T) {
	t.Parallel()
	db := storetest.New(t)
	ctx := context.Background()
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	traces := []struct {
		name  string
		leave func(id int64) error
	}{
		{"nothing", func(int64) error { return nil }},
		{"display name", func(id int64) error { return db.SetDisplayName(ctx, id, "Ada") }},
		{"sandbox token", func(id int64) error { _, err := db.IssueSandboxToken(ctx, id); return err }},
		{"drill session", func(id int64) error { _, err := db.StartDrillSession(ctx, id, "", 5, t0); return err }},
		{"exam date", func(id int64) error { return db.SetExamDate(ctx, id, t0.AddDate(0, 1, 0)) }},
		{"sandbox call", func(id int64) error {
			_, err := db.AddSandboxCall(ctx, store.SandboxCall{LearnerID: id, At: t0, Target: "sandbox", Method: "GET", Path: "/api/2.2/jobs/list", Status: 200})
			return err
		}},
		{"challenge", func(id int64) error { _, err := db.StartChallenge(ctx, id, "two-task-job", "", t0); return err }},
		{"workspace", func(id int64) error {
			return db.SaveWorkspace(ctx, store.WorkspaceOf(id), map[string][]byte{"meta": []byte(`{}`)}, nil)
		}},
	}
	ids := map[string]int64{}
	for _, tr := range traces {
		l, err := db.CreateLearner(ctx, t0)
		if err != nil {
			t.Fatal(err)
		}
		if err := tr.leave(l.ID); err != nil {
			t.Fatalf("%s: %v", tr.name, err)
		}
		ids[tr.name] = l.ID
	}
	recent, err := db.CreateLearner(ctx, t0.Add(2*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	pruned, err := db.PruneIdleLearners(ctx, t0.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(pruned, []int64{ids["nothing"]}) {
		t.Fatalf("pruned %v, want only %d", pruned, ids["nothing"])
	}
	for name, id := range ids {
		_, err := db.Learner(ctx, id)
		if gone := errors.Is(err, store.ErrNotFound); gone != (name == "nothing") {
			t.Errorf("%s: gone = %v", name, gone)
		}
	}
	if _, err := db.Learner(ctx, recent.ID); err != nil {
		t.Errorf("a learner newer than the cutoff was pruned: %v", err)
	}
}

// TestSessionGenerations: a new learner starts at a random generation, and
// bumping moves it on; a missing learner is ErrNotFound.
func TestSessionGenerations(t *testing.T) {
	t.Parallel()
	db := storetest.New(t)
	ctx := context.Background()
	a, err := db.CreateLearner(ctx, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	b, err := db.CreateLearner(ctx, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if a.SessionGen == b.SessionGen || a.SessionGen <= 0 {
		t.Errorf("generations %d and %d: want distinct random positive values", a.SessionGen, b.SessionGen)
	}
	gen, err := db.BumpSessionGen(ctx, a.ID)
	if err != nil || gen != a.SessionGen+1 {
		t.Fatalf("bump: %d %v, want %d", gen, err, a.SessionGen+1)
	}
	if l, err := db.Learner(ctx, a.ID); err != nil || l.SessionGen != gen {
		t.Errorf("stored generation %d (%v), want %d", l.SessionGen, err, gen)
	}
	if _, err := db.BumpSessionGen(ctx, 999); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("bump a missing learner: %v", err)
	}
}
