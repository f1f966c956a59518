package store_test

import (
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/jobs-api-trainer/trainer/quiz"
	"github.com/jobs-api-trainer/trainer/store"
	"github.com/jobs-api-trainer/trainer/store/storetest"
)

func dayTotal(t *testing.T, db *store.DB, learner int64) (answered, correct int) {
	t.Helper()
	days, err := db.DailyAccuracy(context.Background(), learner, t0.Add(-60*day), time.UTC)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range days {
		answered += d.Answered
		correct += d.Correct
	}
	return answered, correct
}

func card(due time.Time, stab, diff float64, sched, reps, lapses uint64, state quiz.State, last time.Time, steps, misses int) quiz.Card {
	var c quiz.Card
	c.Due, c.Stability, c.Difficulty, c.ScheduledDays = due, stab, diff, sched
	c.Reps, c.Lapses, c.State, c.LastReview = reps, lapses, state, last
	c.RemainingSteps, c.Misses = steps, misses
	return c
}

func mustCard(t *testing.T, db *store.DB, learner int64, item string) quiz.Card {
	t.Helper()
	c, err := db.Card(context.Background(), learner, item)
	if err != nil {
		t.Fatalf("card %s: %v", item, err)
	}
	return c
}

func TestUndoLastAnswer(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := storetest.New(t)
	alice, bob := newLearner(t, db), newLearner(t, db)
	record := func(a quiz.Attempt, c quiz.Card) {
		t.Helper()
		if rec, err := db.RecordAnswer(ctx, a, c); err != nil || !rec {
			t.Fatalf("record %s: recorded=%v err=%v", a.ShowingID, rec, err)
		}
	}
	// y has a card from an answer outside any session, with floats that
	// would not survive a 15-digit round trip.
	c0 := card(t0.Add(-time.Hour), 1.0/3, 5.123456789012345678, 2, 3, 1, quiz.StateReview, t0.Add(-3*day), 1, 2)
	record(attempt(alice, 0, "before", "y", true, t0.Add(-day)), c0)
	before := mustCard(t, db, alice, "y")

	sess, err := db.StartDrillSession(ctx, alice, "", 10, t0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.UndoLastAnswer(ctx, alice, sess.ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("undo with no answers: %v, want ErrNotFound", err)
	}
	record(attempt(alice, sess.ID, "sx", "x", false, t0.Add(time.Minute)),
		card(t0.Add(10*time.Minute), 0.4, 7.2, 0, 1, 0, quiz.StateLearning, t0, 1, 1))
	record(attempt(alice, sess.ID, "sy", "y", true, t0.Add(2*time.Minute)),
		card(t0.Add(9*day), 9.87, 4.4, 9, 4, 1, quiz.StateReview, t0, 0, 2))
	if n, c := dayTotal(t, db, alice); n != 3 || c != 2 {
		t.Fatalf("before undo: %d answered, %d correct", n, c)
	}

	if _, err := db.UndoLastAnswer(ctx, bob, sess.ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("undo in another learner's session: %v, want ErrNotFound", err)
	}

	a, err := db.UndoLastAnswer(ctx, alice, sess.ID)
	if err != nil {
		t.Fatal(err)
	}
	if a.ShowingID != "sy" || a.ItemID != "y" {
		t.Fatalf("undid %s (%s), want sy (y)", a.ShowingID, a.ItemID)
	}
	if got := mustCard(t, db, alice, "y"); got != before {
		t.Errorf("card y after undo =\n%+v\nwant as before the answer\n%+v", got, before)
	}
	if n, c := dayTotal(t, db, alice); n != 2 || c != 1 {
		t.Errorf("after one undo: %d answered, %d correct, want 2, 1", n, c)
	}
	left, err := db.SessionAttempts(ctx, alice, sess.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(left) != 1 || left[0].ShowingID != "sx" {
		t.Fatalf("session attempts after one undo: %+v", left)
	}

	// The second undo takes x back: it had no card before.
	if a, err := db.UndoLastAnswer(ctx, alice, sess.ID); err != nil || a.ShowingID != "sx" {
		t.Fatalf("second undo: %s, %v", a.ShowingID, err)
	}
	if _, err := db.Card(ctx, alice, "x"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("card x after undo: %v, want none", err)
	}
	if n, c := dayTotal(t, db, alice); n != 1 || c != 1 {
		t.Errorf("after two undos: %d answered, %d correct, want 1, 1", n, c)
	}
	// Answers outside the session are not the session's to undo.
	if _, err := db.UndoLastAnswer(ctx, alice, sess.ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("third undo: %v, want ErrNotFound", err)
	}
	if got := mustCard(t, db, alice, "y"); got != before {
		t.Errorf("card y changed by a refused undo: %+v", got)
	}

	// The item can be answered again in the session.
	record(attempt(alice, sess.ID, "sy2", "y", false, t0.Add(3*time.Minute)), card(t0.Add(day), 1, 6, 0, 4, 2, quiz.StateRelearning, t0, 1, 3))

	// An ended session's answers stay.
	if err := db.EndDrillSession(ctx, alice, sess.ID, t0.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if _, err := db.UndoLastAnswer(ctx, alice, sess.ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("undo in an ended session: %v, want ErrNotFound", err)
	}
}

// An answer recorded before migration 0014 has no prior card: undo refuses
// it and changes nothing.
func TestUndoLastAnswerWithoutPriorCard(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.db")
	db, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	alice := newLearner(t, db)
	sess, err := db.StartDrillSession(ctx, alice, "", 10, t0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.RecordAnswer(ctx, attempt(alice, sess.ID, "old", "x", true, t0), card(t0.Add(day), 2.5, 5, 1, 1, 0, quiz.StateReview, t0, 0, 0)); err != nil {
		t.Fatal(err)
	}
	db.Close()
	raw, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	_, err = raw.ExecContext(ctx, `UPDATE attempts SET prior_card = NULL`)
	raw.Close()
	if err != nil {
		t.Fatal(err)
	}
	db, err = store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.UndoLastAnswer(ctx, alice, sess.ID); !errors.Is(err, store.ErrNoPriorCard) {
		t.Fatalf("undo: %v, want ErrNoPriorCard", err)
	}
	if got, err := db.SessionAttempts(ctx, alice, sess.ID); err != nil || len(got) != 1 {
		t.Errorf("attempts after refused undo: %d, %v", len(got), err)
	}
	if c, err := db.Card(ctx, alice, "x"); err != nil || c.Reps != 1 {
		t.Errorf("card after refused undo: %+v, %v", c, err)
	}
	if n, _ := dayTotal(t, db, alice); n != 1 {
		t.Errorf("day total after refused undo: %d, want 1", n)
	}
}
