package store_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jobs-api-trainer/trainer/quiz"
	"github.com/jobs-api-trainer/trainer/store"
	"github.com/jobs-api-trainer/trainer/store/storetest"
)

var t0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

func newLearner(t testing.TB, db *store.DB) int64 {
	t.Helper()
	l, err := db.CreateLearner(context.Background(), t0)
	if err != nil {
		t.Fatal(err)
	}
	return l.ID
}

func attempt(learner, session int64, showing, item string, correct bool, at time.Time) quiz.Attempt {
	return quiz.Attempt{
		LearnerID: learner, SessionID: session, ShowingID: showing, ItemID: item,
		Kind: quiz.Concept, Topic: "pagination", Chosen: []string{"100 tasks", "a, \"quoted\" one"},
		Correct: correct, Took: 4321 * time.Millisecond, AnsweredAt: at,
	}
}

func TestRecordAnswer(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := storetest.New(t)
	alice, bob := newLearner(t, db), newLearner(t, db)
	sess, err := db.StartDrillSession(ctx, alice, "pagination", 20, t0)
	if err != nil {
		t.Fatal(err)
	}
	card := quiz.Review(quiz.Card{}, quiz.Good, t0, time.Time{})

	ok, err := db.RecordAnswer(ctx, attempt(alice, sess.ID, "s1", "pag-1", true, t0), card)
	if err != nil || !ok {
		t.Fatalf("first record = %v, %v", ok, err)
	}
	t.Run("double submit records once", func(t *testing.T) {
		other := quiz.Review(card, quiz.Again, t0.Add(time.Minute), time.Time{})
		ok, err := db.RecordAnswer(ctx, attempt(alice, sess.ID, "s1", "pag-1", false, t0.Add(time.Minute)), other)
		if err != nil || ok {
			t.Fatalf("repeat record = %v, %v; want false, nil", ok, err)
		}
		got, err := db.Card(ctx, alice, "pag-1")
		if err != nil {
			t.Fatal(err)
		}
		if got.Reps != card.Reps || got.Misses != 0 {
			t.Errorf("card changed by a repeated showing: %+v", got)
		}
		as, _ := db.SessionAttempts(ctx, alice, sess.ID)
		if len(as) != 1 {
			t.Errorf("%d attempts, want 1", len(as))
		}
	})
	t.Run("forged session records nothing", func(t *testing.T) {
		for _, session := range []int64{sess.ID, 9999} {
			_, err := db.RecordAnswer(ctx, attempt(bob, session, fmt.Sprintf("forged-%d", session), "pag-1", true, t0), card)
			if !errors.Is(err, store.ErrNotFound) {
				t.Errorf("session %d: err = %v, want ErrNotFound", session, err)
			}
		}
		cards, err := db.Cards(ctx, bob)
		if err != nil || len(cards) != 0 {
			t.Errorf("bob's cards = %v, %v", cards, err)
		}
	})
	t.Run("no session", func(t *testing.T) {
		ok, err := db.RecordAnswer(ctx, attempt(bob, 0, "lesson-1", "pag-1", true, t0), card)
		if err != nil || !ok {
			t.Errorf("record without session = %v, %v", ok, err)
		}
	})
	t.Run("empty showing id", func(t *testing.T) {
		if _, err := db.RecordAnswer(ctx, attempt(bob, 0, "", "pag-1", true, t0), card); err == nil {
			t.Error("no error")
		}
	})
	t.Run("card round trip", func(t *testing.T) {
		c := quiz.Review(card, quiz.Again, t0.Add(time.Hour), time.Time{})
		c = quiz.Review(c, quiz.Good, t0.Add(2*time.Hour), time.Time{})
		// A later session: one item is answered once per session.
		later, err := db.StartDrillSession(ctx, alice, "pagination", 20, t0.Add(2*time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.RecordAnswer(ctx, attempt(alice, later.ID, "s2", "pag-1", true, t0.Add(2*time.Hour)), c); err != nil {
			t.Fatal(err)
		}
		cards, err := db.Cards(ctx, alice)
		if err != nil {
			t.Fatal(err)
		}
		got := cards["pag-1"]
		if !got.Due.Equal(c.Due) || !got.LastReview.Equal(c.LastReview) || got.Stability != c.Stability ||
			got.Difficulty != c.Difficulty || got.Reps != c.Reps || got.Lapses != c.Lapses || got.State != c.State ||
			got.ScheduledDays != c.ScheduledDays || got.RemainingSteps != c.RemainingSteps || got.Misses != 1 {
			t.Errorf("card round trip:\ngot  %+v\nwant %+v", got, c)
		}
		if _, err := db.Card(ctx, alice, "never"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("Card(never) err = %v", err)
		}
	})
}

func TestDrillSessions(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := storetest.New(t)
	alice, bob := newLearner(t, db), newLearner(t, db)
	s, err := db.StartDrillSession(ctx, alice, "", 20, t0)
	if err != nil {
		t.Fatal(err)
	}
	got, err := db.DrillSession(ctx, alice, s.ID)
	if err != nil || got != s {
		t.Errorf("DrillSession = %+v, %v; want %+v", got, err, s)
	}
	if _, err := db.DrillSession(ctx, bob, s.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("other learner's session: err = %v", err)
	}
	if _, err := db.StartDrillSession(ctx, 9999, "", 20, t0); err == nil {
		t.Error("session for a missing learner")
	}
	for _, at := range []time.Time{t0.Add(time.Hour), t0.Add(2 * time.Hour)} {
		if err := db.EndDrillSession(ctx, alice, s.ID, at); err != nil {
			t.Fatal(err)
		}
	}
	if got, _ := db.DrillSession(ctx, alice, s.ID); !got.EndedAt.Equal(t0.Add(time.Hour)) {
		t.Errorf("EndedAt = %v, want the first end", got.EndedAt)
	}
	if err := db.EndDrillSession(ctx, bob, s.ID, t0); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("ending another's session: err = %v", err)
	}

	s2, _ := db.StartDrillSession(ctx, alice, "repair", 10, t0.Add(day))
	for i, correct := range []bool{true, false, true} {
		if _, err := db.RecordAnswer(ctx, attempt(alice, s2.ID, fmt.Sprint("r", i), fmt.Sprint("x", i), correct, t0.Add(day)), quiz.Card{}); err != nil {
			t.Fatal(err)
		}
	}
	recent, err := db.RecentSessions(ctx, alice, 5)
	if err != nil {
		t.Fatal(err)
	}
	if len(recent) != 2 || recent[0].ID != s2.ID || recent[0].Answered != 3 || recent[0].Correct != 2 ||
		recent[0].Took != 3*4321*time.Millisecond || recent[1].Answered != 0 || recent[0].Topic != "repair" {
		t.Errorf("RecentSessions = %+v", recent)
	}
}

const day = 24 * time.Hour

func TestAttemptsAndProgress(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := storetest.New(t)
	alice, bob := newLearner(t, db), newLearner(t, db)
	answers := []struct {
		at      time.Time
		correct bool
	}{
		{t0.Add(-3 * day), true},
		{t0.Add(-1 * day), true},
		{t0.Add(-1*day + time.Hour), false},
		{t0, false},
		{t0.Add(time.Minute), true},
	}
	for i, a := range answers {
		if _, err := db.RecordAnswer(ctx, attempt(alice, 0, fmt.Sprint("a", i), fmt.Sprint("item-", i), a.correct, a.at), quiz.Card{}); err != nil {
			t.Fatal(err)
		}
	}
	db.RecordAnswer(ctx, attempt(bob, 0, "b0", "item-0", true, t0), quiz.Card{})

	var all []quiz.Attempt
	if err := db.Attempts(ctx, alice, func(a quiz.Attempt) error { all = append(all, a); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(all) != len(answers) {
		t.Fatalf("%d attempts, want %d", len(all), len(answers))
	}
	first := all[0]
	want := attempt(alice, 0, "a0", "item-0", true, t0.Add(-3*day))
	want.ID = first.ID
	if fmt.Sprint(first) != fmt.Sprint(want) {
		t.Errorf("attempt round trip:\ngot  %+v\nwant %+v", first, want)
	}
	stop := errors.New("stop")
	n := 0
	if err := db.Attempts(ctx, alice, func(quiz.Attempt) error { n++; return stop }); err != stop || n != 1 {
		t.Errorf("Attempts did not stop at the callback's error: %v after %d", err, n)
	}

	days, err := db.DailyAccuracy(ctx, alice, t0.Add(-2*day), nil)
	if err != nil {
		t.Fatal(err)
	}
	wantDays := []store.DayStats{
		{Day: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), Answered: 2, Correct: 1},
		{Day: time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC), Answered: 2, Correct: 1},
	}
	if !slices.Equal(days, wantDays) {
		t.Errorf("DailyAccuracy = %+v, want %+v", days, wantDays)
	}
	if days[0].Accuracy() != 0.5 {
		t.Errorf("Accuracy = %v", days[0].Accuracy())
	}

	tests := []struct {
		name string
		now  time.Time
		want int
	}{
		{"answered today", t0.Add(time.Hour), 2},
		{"not yet today", t0.Add(day), 2},
		{"gap of a day", t0.Add(2 * day), 0},
		{"before any", t0.Add(-10 * day), 0},
	}
	for _, tt := range tests {
		t.Run("streak "+tt.name, func(t *testing.T) {
			got, err := db.Streak(ctx, alice, tt.now, time.UTC)
			if err != nil || got != tt.want {
				t.Errorf("Streak = %d, %v; want %d", got, err, tt.want)
			}
		})
	}
}

func TestExamDate(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := storetest.New(t)
	alice := newLearner(t, db)
	if got, err := db.ExamDate(ctx, alice); err != nil || !got.IsZero() {
		t.Errorf("unset ExamDate = %v, %v", got, err)
	}
	exam := time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)
	for _, d := range []time.Time{exam.Add(-day), exam} {
		if err := db.SetExamDate(ctx, alice, d); err != nil {
			t.Fatal(err)
		}
	}
	if got, err := db.ExamDate(ctx, alice); err != nil || !got.Equal(exam) {
		t.Errorf("ExamDate = %v, %v; want %v", got, err, exam)
	}
	if err := db.SetExamDate(ctx, alice, time.Time{}); err != nil {
		t.Fatal(err)
	}
	if got, _ := db.ExamDate(ctx, alice); !got.IsZero() {
		t.Errorf("cleared ExamDate = %v", got)
	}
	if err := db.SetExamDate(ctx, 9999, exam); err == nil {
		t.Error("exam date for a missing learner")
	}
}

// TestRecordAnswerConcurrent submits answers from many goroutines, each
// showing several times at once (double clicks, retries): every showing is
// recorded exactly once and the state survives a reopen.
func TestRecordAnswerConcurrent(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "t.db")
	db, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	const learners, showings, repeats = 8, 25, 3
	ids := make([]int64, learners)
	for i := range ids {
		ids[i] = newLearner(t, db)
	}
	var recorded atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, learners*showings*repeats)
	for _, id := range ids {
		for s := range showings {
			for range repeats {
				wg.Go(func() {
					a := attempt(id, 0, fmt.Sprintf("%d-%d", id, s), fmt.Sprint("item-", s), s%2 == 0, t0.Add(time.Duration(s)*time.Second))
					ok, err := db.RecordAnswer(ctx, a, quiz.Review(quiz.Card{}, quiz.Good, a.AnsweredAt, time.Time{}))
					if err != nil {
						errs <- err
					}
					if ok {
						recorded.Add(1)
					}
				})
			}
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if got := recorded.Load(); got != learners*showings {
		t.Errorf("recorded %d, want %d", got, learners*showings)
	}
	db.Close()

	db, err = store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, id := range ids {
		n := 0
		db.Attempts(ctx, id, func(quiz.Attempt) error { n++; return nil })
		cards, err := db.Cards(ctx, id)
		if err != nil || n != showings || len(cards) != showings {
			t.Errorf("learner %d after reopen: %d attempts, %d cards, %v", id, n, len(cards), err)
		}
	}
}

// BenchmarkRecordAnswer records answers from 200 concurrent learners
// (GOMAXPROCS x parallelism goroutines, each its own learner) against two
// baselines in the same run: a trivial read (SELECT 1) and a one-statement
// write. Run: go test -run '^$' -bench RecordAnswer -benchtime 3s ./store/
func BenchmarkRecordAnswer(b *testing.B) {
	ctx := context.Background()
	db := storetest.New(b)
	const learners = 200
	ids := make([]int64, learners)
	sessions := make([]int64, learners)
	for i := range ids {
		ids[i] = newLearner(b, db)
		s, err := db.StartDrillSession(ctx, ids[i], "", 20, t0)
		if err != nil {
			b.Fatal(err)
		}
		sessions[i] = s.ID
	}
	card := quiz.Review(quiz.Card{}, quiz.Good, t0, time.Time{})
	var showing atomic.Int64

	run := func(b *testing.B, op func(learner int) error) {
		b.Helper()
		par := max(1, learners/max(1, runtimeProcs()))
		b.SetParallelism(par)
		var next atomic.Int64
		var mu sync.Mutex
		var lat []time.Duration
		b.ResetTimer()
		b.RunParallel(func(pb *testing.PB) {
			learner := int(next.Add(1)-1) % learners
			var mine []time.Duration
			for pb.Next() {
				start := time.Now()
				if err := op(learner); err != nil {
					b.Error(err)
					return
				}
				mine = append(mine, time.Since(start))
			}
			mu.Lock()
			lat = append(lat, mine...)
			mu.Unlock()
		})
		b.StopTimer()
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "ops/s")
		if len(lat) > 0 {
			sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
			b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
		}
	}
	b.Run("baseline-select1", func(b *testing.B) {
		run(b, func(int) error { return db.Ping(ctx) })
	})
	b.Run("baseline-write", func(b *testing.B) {
		run(b, func(l int) error { return db.SetExamDate(ctx, ids[l], t0) })
	})
	b.Run("record", func(b *testing.B) {
		run(b, func(l int) error {
			n := showing.Add(1)
			a := attempt(ids[l], sessions[l], fmt.Sprint("bench-", n), fmt.Sprint("item-", n%200), n%3 != 0, t0)
			ok, err := db.RecordAnswer(ctx, a, card)
			if err == nil && !ok {
				err = errors.New("not recorded")
			}
			return err
		})
	})
}

func runtimeProcs() int { return runtime.GOMAXPROCS(0) }

// TestRecordAnswerBatchIsolation sends valid answers, forged sessions and
// answers for a learner that does not exist at the same time: group commit
// must give each caller its own result and never let one bad answer undo
// its neighbours.
func TestRecordAnswerBatchIsolation(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := storetest.New(t)
	a := newLearner(t, db)
	b := newLearner(t, db)
	sb, err := db.StartDrillSession(ctx, b, "", 20, t0)
	if err != nil {
		t.Fatal(err)
	}
	const n = 60
	type outcome struct {
		kind string
		ok   bool
		err  error
	}
	out := make(chan outcome, 3*n)
	var wg sync.WaitGroup
	card := quiz.Review(quiz.Card{}, quiz.Good, t0, time.Time{})
	for i := range n {
		wg.Go(func() {
			ok, err := db.RecordAnswer(ctx, attempt(a, 0, fmt.Sprint("good-", i), "item", true, t0), card)
			out <- outcome{"good", ok, err}
		})
		wg.Go(func() { // a's answer claiming b's session
			ok, err := db.RecordAnswer(ctx, attempt(a, sb.ID, fmt.Sprint("forged-", i), "item", true, t0), card)
			out <- outcome{"forged", ok, err}
		})
		wg.Go(func() { // no such learner: a foreign-key failure
			ok, err := db.RecordAnswer(ctx, attempt(99999, 0, fmt.Sprint("ghost-", i), "item", true, t0), card)
			out <- outcome{"ghost", ok, err}
		})
	}
	wg.Wait()
	close(out)
	counts := map[string]int{}
	for o := range out {
		switch o.kind {
		case "good":
			if !o.ok || o.err != nil {
				t.Errorf("good answer: ok=%v err=%v", o.ok, o.err)
			}
		case "forged":
			if o.ok || !errors.Is(o.err, store.ErrNotFound) {
				t.Errorf("forged session: ok=%v err=%v, want ErrNotFound", o.ok, o.err)
			}
		case "ghost":
			if o.ok || o.err == nil {
				t.Errorf("unknown learner: ok=%v err=%v, want an error", o.ok, o.err)
			}
		}
		counts[o.kind]++
	}
	var got int
	if err := db.Attempts(ctx, a, func(quiz.Attempt) error { got++; return nil }); err != nil {
		t.Fatal(err)
	}
	if got != n || counts["good"] != n {
		t.Fatalf("learner a has %d attempts, want %d", got, n)
	}
}

// TestRecordAnswerOncePerItemPerSession: two showings of the same item in
// one session (two tabs) record one answer; outside a session both count.
func TestRecordAnswerOncePerItemPerSession(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := storetest.New(t)
	l := newLearner(t, db)
	sess, err := db.StartDrillSession(ctx, l, "", 20, t0)
	if err != nil {
		t.Fatal(err)
	}
	card := quiz.Review(quiz.Card{}, quiz.Good, t0, time.Time{})
	var wg sync.WaitGroup
	var recorded atomic.Int64
	for i := range 10 {
		wg.Go(func() {
			ok, err := db.RecordAnswer(ctx, attempt(l, sess.ID, fmt.Sprint("tab-", i), "same-item", true, t0), card)
			if err != nil {
				t.Error(err)
			}
			if ok {
				recorded.Add(1)
			}
		})
	}
	wg.Wait()
	if got := recorded.Load(); got != 1 {
		t.Fatalf("recorded %d answers to one item in one session, want 1", got)
	}
	for i := range 2 {
		ok, err := db.RecordAnswer(ctx, attempt(l, 0, fmt.Sprint("free-", i), "same-item", true, t0), card)
		if err != nil || !ok {
			t.Fatalf("answer outside a session #%d: ok=%v err=%v", i, ok, err)
		}
	}
}
