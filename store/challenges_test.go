package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/jobs-api-trainer/trainer/store"
	"github.com/jobs-api-trainer/trainer/store/storetest"
)

func TestChallengeLifecycle(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := storetest.New(t)
	me := newLearner(t, db)

	if _, err := db.ChallengeResult(ctx, me, "repair"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("unstarted: %v", err)
	}
	if _, err := db.RevealChallengeHint(ctx, me, "repair", 3); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("hint before start: %v", err)
	}
	if _, err := db.RecordChallengeCheck(ctx, me, "repair", store.ChallengeCheck{}, t0); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("check before start: %v", err)
	}
	if _, err := db.StartChallenge(ctx, 9999, "repair", "", t0); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("start for a missing learner: %v", err)
	}

	c, err := db.StartChallenge(ctx, me, "repair", "103:1", t0)
	if err != nil {
		t.Fatal(err)
	}
	if c.Status != store.ChallengeStarted || !c.StartedAt.Equal(t0) || c.Baseline != "103:1" || c.Score != 0 {
		t.Fatalf("started: %+v", c)
	}
	// Opening again keeps the first start and baseline.
	c, _ = db.StartChallenge(ctx, me, "repair", "103:5", t0.Add(time.Hour))
	if !c.StartedAt.Equal(t0) || c.Baseline != "103:1" {
		t.Fatalf("second open moved the start: %+v", c)
	}

	// Hints count up to the maximum.
	for range 5 {
		c, err = db.RevealChallengeHint(ctx, me, "repair", 3)
		if err != nil {
			t.Fatal(err)
		}
	}
	if c.HintsUsed != 3 {
		t.Fatalf("hints %d, want 3", c.HintsUsed)
	}

	c, err = db.RecordChallengeCheck(ctx, me, "repair", store.ChallengeCheck{Reason: "still failed", Answer: "x", Score: 40}, t0.Add(time.Minute))
	if err != nil || c.Status != store.ChallengeStarted || c.Checks != 1 || c.Score != 0 || !c.SolvedAt.IsZero() {
		t.Fatalf("failed check: %+v %v", c, err)
	}
	solvedAt := t0.Add(2 * time.Minute)
	c, _ = db.RecordChallengeCheck(ctx, me, "repair", store.ChallengeCheck{Passed: true, Reason: "ok", Score: 40}, solvedAt)
	if c.Status != store.ChallengeSolved || c.Score != 40 || !c.SolvedAt.Equal(solvedAt) || c.Checks != 2 {
		t.Fatalf("solved: %+v", c)
	}
	// Best kept: a lower pass does not lower it, a higher one raises it; solved_at stays the first.
	c, _ = db.RecordChallengeCheck(ctx, me, "repair", store.ChallengeCheck{Passed: true, Score: 0}, t0.Add(3*time.Minute))
	if c.Score != 40 || !c.SolvedAt.Equal(solvedAt) {
		t.Fatalf("lower pass: %+v", c)
	}
	c, _ = db.RecordChallengeCheck(ctx, me, "repair", store.ChallengeCheck{Passed: true, Score: 80}, t0.Add(4*time.Minute))
	if c.Score != 80 {
		t.Fatalf("higher pass: %+v", c)
	}

	c, err = db.RevealChallengeSolution(ctx, me, "repair")
	if err != nil || !c.SolutionSeen {
		t.Fatalf("solution: %+v %v", c, err)
	}
	c, err = db.RestartChallenge(ctx, me, "repair", "103:2", t0.Add(time.Hour))
	if err != nil || !c.StartedAt.Equal(t0.Add(time.Hour)) || c.Baseline != "103:2" || c.HintsUsed != 3 || !c.SolutionSeen || c.Score != 80 {
		t.Fatalf("restart: %+v %v", c, err)
	}

	checks, err := db.ChallengeChecks(ctx, me, "repair")
	if err != nil || len(checks) != 4 || checks[0].Passed || checks[0].Reason != "still failed" || checks[0].Answer != "x" || !checks[1].Passed {
		t.Fatalf("checks: %+v %v", checks, err)
	}

	// Results are per learner.
	other := newLearner(t, db)
	if _, err := db.StartChallenge(ctx, other, "submit", "", t0); err != nil {
		t.Fatal(err)
	}
	mine, err := db.ChallengeResults(ctx, me)
	if err != nil || len(mine) != 1 || mine["repair"].Score != 80 {
		t.Fatalf("results: %+v %v", mine, err)
	}
	if _, err := db.RestartChallenge(ctx, other, "repair", "", t0); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("restart of an unstarted challenge: %v", err)
	}
}
