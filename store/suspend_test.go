package store_test

import (
	"context"
	"maps"
	"slices"
	"testing"
	"time"

	"github.com/jobs-api-trainer/trainer/store/storetest"
)

func TestSuspend(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := storetest.New(t)
	me, other := newLearner(t, db), newLearner(t, db)
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	if got, err := db.Suspended(ctx, me); err != nil || len(got) != 0 {
		t.Fatalf("none yet: %v %v", got, err)
	}
	for _, id := range []string{"a", "b", "a"} { // twice is fine
		if err := db.Suspend(ctx, me, id, now); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.Suspend(ctx, other, "c", now); err != nil {
		t.Fatal(err)
	}
	if err := db.Unsuspend(ctx, me, "b"); err != nil {
		t.Fatal(err)
	}
	if err := db.Unsuspend(ctx, me, "never"); err != nil {
		t.Fatal(err)
	}
	got, err := db.Suspended(ctx, me)
	if err != nil || !slices.Equal(slices.Sorted(maps.Keys(got)), []string{"a"}) {
		t.Fatalf("suspended %v (%v), want [a]", got, err)
	}
	if err := db.Suspend(ctx, 99999, "a", now); err == nil {
		t.Error("suspend for an unknown learner succeeded")
	}
	if got, err := db.Suspended(ctx, 99999); err != nil || len(got) != 0 {
		t.Errorf("unknown learner: %v %v", got, err)
	}
}
