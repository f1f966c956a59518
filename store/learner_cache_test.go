package store_test

import (
	"context"
	"fmt"
	"path/filepath"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/jobs-api-trainer/trainer/quiz"
	"github.com/jobs-api-trainer/trainer/store"
)

// learnerView is every read the learner cache serves.
type learnerView struct {
	Cards     map[string]quiz.Card
	Suspended map[string]bool
	ExamDate  time.Time
	Tallies   map[string]quiz.AnswerTally
	Days      []store.DayStats
	Streak    int
	Recent    []store.SessionStats
	Exams     []store.Exam
	Calls     []store.SandboxCall
	Session   store.DrillSession
	Answers   []quiz.Attempt
	Guesses   map[int]string
}

// readView reads every cached read of learner; with a session id, that
// session and its answers too.
func readView(t *testing.T, db *store.DB, learner int64, now time.Time, session ...int64) learnerView {
	t.Helper()
	ctx := context.Background()
	var v learnerView
	var err error
	must := func(what string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	v.Cards, err = db.Cards(ctx, learner)
	must("cards", err)
	v.Suspended, err = db.Suspended(ctx, learner)
	must("suspended", err)
	v.ExamDate, err = db.ExamDate(ctx, learner)
	must("exam date", err)
	v.Tallies, err = db.DrillTallies(ctx, learner)
	must("tallies", err)
	v.Days, err = db.DailyAccuracy(ctx, learner, now.AddDate(0, 0, -60), time.UTC)
	must("days", err)
	v.Streak, err = db.Streak(ctx, learner, now, time.UTC)
	must("streak", err)
	v.Recent, err = db.RecentSessions(ctx, learner, 10)
	must("recent", err)
	v.Exams, err = db.ExamHistory(ctx, learner, 5)
	must("exams", err)
	v.Calls, err = db.SandboxCalls(ctx, learner, store.SandboxHistoryLimit)
	must("sandbox calls", err)
	v.Guesses, err = db.Predictions(ctx, learner, "jobs-api")
	must("predictions", err)
	for _, sid := range session {
		v.Session, err = db.DrillSession(ctx, learner, sid)
		must("drill session", err)
		v.Answers, err = db.SessionAttempts(ctx, learner, sid)
		must("session attempts", err)
	}
	return v
}

// sameView compares a view read through the cached handle with one read
// by a fresh handle on the same file (an empty cache: the database's
// truth). Tallies are compared by answers and accuracy (their reference
// time may differ).
func sameView(t *testing.T, step string, got, want learnerView) {
	t.Helper()
	gt, wt := got.Tallies, want.Tallies
	got.Tallies, want.Tallies = nil, nil
	gv, wv := reflect.ValueOf(got), reflect.ValueOf(want)
	for i := range gv.NumField() {
		if g, w := gv.Field(i).Interface(), wv.Field(i).Interface(); !reflect.DeepEqual(g, w) {
			t.Errorf("after %s: cached %s differs from the database:\n got  %.600v\n want %.600v", step, gv.Type().Field(i).Name, g, w)
		}
	}
	if len(gt) != len(wt) {
		t.Errorf("after %s: %d tallied topics, want %d", step, len(gt), len(wt))
	}
	for topic, w := range wt {
		g := gt[topic]
		if g.Answers != w.Answers || fmt.Sprintf("%.12f", g.Accuracy()) != fmt.Sprintf("%.12f", w.Accuracy()) {
			t.Errorf("after %s: tally %s = %d answers %.12f, want %d %.12f", step, topic, g.Answers, g.Accuracy(), w.Answers, w.Accuracy())
		}
	}
}

// TestLearnerCacheFollowsEveryWrite: the learner reads (cards, suspended
// items, exam date, tallies, days, streak, recent sessions, exam history)
// are cached per learner; after each kind of write they must equal what a
// fresh handle on the same file reads.
func TestLearnerCacheFollowsEveryWrite(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "cache.db")
	db, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	alice, bob := newLearner(t, db), newLearner(t, db)
	now := t0.Add(10 * day)
	var sid []int64 // the session, once started
	check := func(step string) {
		t.Helper()
		got := readView(t, db, alice, now, sid...)
		fresh, err := store.Open(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		defer fresh.Close()
		sameView(t, step, got, readView(t, fresh, alice, now, sid...))
		// Bob's reads are never alice's.
		if c, err := db.Cards(ctx, bob); err != nil || len(c) != 0 {
			t.Errorf("after %s: bob has %d cards (%v)", step, len(c), err)
		}
	}
	check("nothing") // fills the cache with empty reads

	s1, err := db.StartDrillSession(ctx, alice, "pagination", 20, t0)
	if err != nil {
		t.Fatal(err)
	}
	sid = []int64{s1.ID}
	check("a session start")
	for i, item := range []string{"a", "b", "c"} {
		at := t0.Add(time.Duration(i) * day)
		c := card(at.Add(day), 2, 5, 1, 1, 0, quiz.StateReview, at, 0, i)
		if rec, err := db.RecordAnswer(ctx, attempt(alice, s1.ID, fmt.Sprint("s", i), item, i != 1, at), c); err != nil || !rec {
			t.Fatalf("answer %d: %v %v", i, rec, err)
		}
		check(fmt.Sprintf("answer %d", i))
	}
	// A replayed answer changes nothing.
	if rec, err := db.RecordAnswer(ctx, attempt(alice, s1.ID, "s0", "a", false, t0), quiz.Card{Misses: 9}); err != nil || rec {
		t.Fatalf("replay: %v %v", rec, err)
	}
	check("a replayed answer")
	// An answer outside a session, in another topic, and an exam answer.
	out := attempt(alice, 0, "free", "d", true, t0.Add(3*day))
	out.Topic = "cli"
	if _, err := db.RecordAnswer(ctx, out, card(now, 1, 5, 0, 1, 0, quiz.StateLearning, t0.Add(3*day), 1, 0)); err != nil {
		t.Fatal(err)
	}
	check("an answer outside a session")
	if _, err := db.RecordAnswer(ctx, attempt(alice, 0, "exam-9-1", "e", true, t0.Add(3*day)), quiz.Card{}); err != nil {
		t.Fatal(err)
	}
	check("an exam-fed answer")
	if err := db.Suspend(ctx, alice, "b", now); err != nil {
		t.Fatal(err)
	}
	check("suspend")
	if err := db.Unsuspend(ctx, alice, "b"); err != nil {
		t.Fatal(err)
	}
	check("unsuspend")
	if err := db.SetExamDate(ctx, alice, now.AddDate(0, 0, 20)); err != nil {
		t.Fatal(err)
	}
	check("set exam date")
	if _, err := db.UndoLastAnswer(ctx, alice, s1.ID); err != nil {
		t.Fatal(err)
	}
	check("undo")
	if err := db.EndDrillSession(ctx, alice, s1.ID, t0.Add(3*day)); err != nil {
		t.Fatal(err)
	}
	check("a session end")
	if _, err := db.MoveCardsDue(ctx, alice, []string{"a", "z"}, now, card(now, 1, 5, 0, 1, 0, quiz.StateLearning, now, 1, 0)); err != nil {
		t.Fatal(err)
	}
	check("move cards due")
	e, _, err := db.StartExam(ctx, newExam(alice))
	if err != nil {
		t.Fatal(err)
	}
	check("an exam start")
	if _, _, err := db.SubmitExam(ctx, alice, e.ID, t0.Add(time.Minute), func(store.Exam) store.ExamSubmission {
		return store.ExamSubmission{Right: []bool{true, false, true}, Correct: 2, Scored: 3,
			Attempts: []quiz.Attempt{attempt(alice, 0, "exam-1-1", "a-classify", true, t0.Add(time.Minute))},
			Cards:    map[string]quiz.Card{"a-classify": card(now, 3, 4, 2, 2, 0, quiz.StateReview, t0, 0, 0)}}
	}); err != nil {
		t.Fatal(err)
	}
	check("an exam submission")
	for i := range store.SandboxHistoryLimit + 2 { // past the trim
		if _, err := db.AddSandboxCall(ctx, store.SandboxCall{LearnerID: alice, At: t0.Add(time.Duration(i) * time.Second),
			Target: "sandbox", Method: "GET", Path: "/api/2.2/jobs/list", Status: 200}); err != nil {
			t.Fatal(err)
		}
	}
	check("sandbox calls")
	for _, g := range []string{"runs/list", "jobs/get"} { // a guess, then a changed mind
		if err := db.SavePrediction(ctx, alice, "jobs-api", 2, g, now); err != nil {
			t.Fatal(err)
		}
		check("a prediction " + g)
	}
}

// TestLearnerCacheUnderConcurrentWrites: readers filling the cache while
// answers commit never leave it behind the database (run with -race).
func TestLearnerCacheUnderConcurrentWrites(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "race.db")
	db, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	alice := newLearner(t, db)
	s, err := db.StartDrillSession(ctx, alice, "", 200, t0)
	if err != nil {
		t.Fatal(err)
	}
	now := t0.Add(day)
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for range 4 {
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				readView(t, db, alice, now, s.ID)
			}
		})
	}
	var writers sync.WaitGroup
	for w := range 4 {
		writers.Go(func() {
			for i := range 25 {
				item := fmt.Sprintf("w%d-%d", w, i)
				at := t0.Add(time.Duration(w*25+i) * time.Minute)
				if _, err := db.RecordAnswer(ctx, attempt(alice, s.ID, item, item, i%3 != 0, at), card(at, 1, 5, 0, 1, 0, quiz.StateLearning, at, 1, 0)); err != nil {
					t.Error(err)
				}
				if i%10 == 0 {
					if err := db.Suspend(ctx, alice, item, at); err != nil {
						t.Error(err)
					}
				}
			}
		})
	}
	writers.Wait()
	close(stop)
	wg.Wait()
	fresh, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer fresh.Close()
	got := readView(t, db, alice, now, s.ID)
	sameView(t, "concurrent answers", got, readView(t, fresh, alice, now, s.ID))
	if len(got.Cards) != 100 {
		t.Errorf("%d cards, want 100", len(got.Cards))
	}
}

// TestLearnerCacheReadInTheCommitWindow: a page view that reads the
// database after an answer committed but before the cache applied it must
// not leave the answer counted twice (the write observer runs in exactly
// that window). Found by review: tallies, answer days and session totals
// were doubled.
func TestLearnerCacheReadInTheCommitWindow(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "window.db")
	db, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	alice := newLearner(t, db)
	s, err := db.StartDrillSession(ctx, alice, "", 20, t0)
	if err != nil {
		t.Fatal(err)
	}
	now := t0.Add(day)
	// Nothing cached yet: the read in the window fills the cache.
	var once sync.Once
	db.SetWriteObserver(func(kind string, _ int, _ time.Duration, _ bool) {
		if kind == "answers" {
			once.Do(func() { readView(t, db, alice, now, s.ID) })
		}
	})
	if rec, err := db.RecordAnswer(ctx, attempt(alice, s.ID, "x1", "a", true, t0), card(t0.Add(day), 1, 5, 0, 1, 0, quiz.StateLearning, t0, 1, 0)); err != nil || !rec {
		t.Fatalf("answer: %v %v", rec, err)
	}
	db.SetWriteObserver(nil)
	fresh, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer fresh.Close()
	sameView(t, "an answer read in its commit window", readView(t, db, alice, now, s.ID), readView(t, fresh, alice, now, s.ID))
}

// TestLearnerCacheKeepsStoredTimes: the cache holds an answer's times as a
// read returns them (whole milliseconds, UTC), not the caller's
// nanoseconds and monotonic reading.
func TestLearnerCacheKeepsStoredTimes(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "times.db")
	db, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	alice := newLearner(t, db)
	now := time.Now() // nanoseconds and a monotonic reading
	readView(t, db, alice, now)
	if _, err := db.RecordAnswer(ctx, attempt(alice, 0, "n1", "a", true, now), card(now.Add(day), 1, 5, 0, 1, 0, quiz.StateLearning, now, 1, 0)); err != nil {
		t.Fatal(err)
	}
	fresh, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer fresh.Close()
	got, want := readView(t, db, alice, now.Add(time.Hour)), readView(t, fresh, alice, now.Add(time.Hour))
	sameView(t, "an answer at a nanosecond time", got, want)
}
