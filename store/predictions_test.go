package store_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/jobs-api-trainer/trainer/store"
	"github.com/jobs-api-trainer/trainer/store/storetest"
)

func TestPredictions(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := storetest.New(t)
	me, other := newLearner(t, db), newLearner(t, db)
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	if got, err := db.Predictions(ctx, me, "jobs-api"); err != nil || len(got) != 0 {
		t.Fatalf("none yet: %v %v", got, err)
	}
	for _, p := range []struct {
		n     int
		guess string
	}{{1, "a new run_id"}, {3, "UPSTREAM_FAILED"}, {1, "the same run_id"}} {
		if err := db.SavePrediction(ctx, me, "jobs-api", p.n, p.guess, now); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.SavePrediction(ctx, other, "jobs-api", 2, "x", now); err != nil {
		t.Fatal(err)
	}
	if err := db.SavePrediction(ctx, me, "jobs-orchestration", 2, strings.Repeat("y", store.MaxGuessLen+10), now); err != nil {
		t.Fatal(err)
	}
	got, err := db.Predictions(ctx, me, "jobs-api")
	if err != nil || len(got) != 2 || got[1] != "the same run_id" || got[3] != "UPSTREAM_FAILED" {
		t.Fatalf("jobs-api predictions %v (%v): want the newest guess for 1, and 3", got, err)
	}
	if o, _ := db.Predictions(ctx, me, "jobs-orchestration"); len(o[2]) != store.MaxGuessLen {
		t.Errorf("a long guess is kept at %d bytes, want %d", len(o[2]), store.MaxGuessLen)
	}
}
