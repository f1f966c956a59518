package store_test

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/jobs-api-trainer/trainer/quiz"
	"github.com/jobs-api-trainer/trainer/store"
	"github.com/jobs-api-trainer/trainer/store/storetest"
)

// recompute counts learnerID's attempts per UTC day from since on, the
// way /progress did before the daily totals existed.
func recompute(t *testing.T, db *store.DB, learnerID int64, since time.Time, loc *time.Location) []store.DayStats {
	t.Helper()
	var out []store.DayStats
	err := db.Attempts(context.Background(), learnerID, func(a quiz.Attempt) error {
		if a.AnsweredAt.Before(since) {
			return nil
		}
		at := a.AnsweredAt.In(loc)
		day := time.Date(at.Year(), at.Month(), at.Day(), 0, 0, 0, 0, loc)
		if len(out) == 0 || !out[len(out)-1].Day.Equal(day) {
			out = append(out, store.DayStats{Day: day})
		}
		d := &out[len(out)-1]
		d.Answered++
		if a.Correct {
			d.Correct++
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// recordRandom records n answers for learner spread over the 40 days
// before t0, concurrently (so several land in one batch), with a few
// double submits and a forged session that must not count.
func recordRandom(t *testing.T, db *store.DB, learner, other int64, n int, seed uint64) {
	t.Helper()
	ctx := context.Background()
	sess, err := db.StartDrillSession(ctx, learner, "", n, t0.Add(-41*day))
	if err != nil {
		t.Fatal(err)
	}
	foreign, err := db.StartDrillSession(ctx, other, "", 5, t0)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(seed, 1))
	var wg sync.WaitGroup
	for i := range n {
		at := t0.Add(-time.Duration(rng.Int64N(int64(40 * day))))
		a := attempt(learner, sess.ID, fmt.Sprintf("s%d-%d", seed, i), fmt.Sprintf("item-%d", i), rng.IntN(3) > 0, at)
		if i%10 == 0 {
			a.SessionID = 0 // an answer outside any session counts too
		}
		wg.Go(func() {
			if _, err := db.RecordAnswer(ctx, a, quiz.Card{}); err != nil {
				t.Error(err)
			}
			if i%7 == 0 { // a double submit records nothing
				if rec, err := db.RecordAnswer(ctx, a, quiz.Card{}); err != nil || rec {
					t.Errorf("double submit: recorded=%v err=%v", rec, err)
				}
			}
			if i%11 == 0 { // another learner's session: refused, not counted
				f := a
				f.ShowingID += "-forged"
				f.SessionID = foreign.ID
				if _, err := db.RecordAnswer(ctx, f, quiz.Card{}); err == nil {
					t.Error("answer in another learner's session recorded")
				}
			}
		})
	}
	wg.Wait()
}

func TestAnswerDaysMatchAttempts(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := storetest.New(t)
	alice, bob := newLearner(t, db), newLearner(t, db)
	recordRandom(t, db, alice, bob, 300, 1)
	recordRandom(t, db, bob, alice, 50, 2)
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		paris = time.FixedZone("UTC+1", 3600)
	}
	tests := []struct {
		name    string
		learner int64
		since   time.Time
		loc     *time.Location
	}{
		{"all history", alice, t0.Add(-60 * day), time.UTC},
		{"last 30 days from midnight", alice, time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC), time.UTC},
		{"since mid-day", alice, t0.Add(-10*day + 3*time.Hour), time.UTC},
		{"other learner", bob, t0.Add(-60 * day), time.UTC},
		{"another location", alice, t0.Add(-20 * day), paris},
		{"nil location is UTC", alice, t0.Add(-20 * day), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			loc := tt.loc
			if loc == nil {
				loc = time.UTC
			}
			want := recompute(t, db, tt.learner, tt.since, loc)
			got, err := db.DailyAccuracy(ctx, tt.learner, tt.since, tt.loc)
			if err != nil {
				t.Fatal(err)
			}
			if len(want) == 0 {
				t.Fatal("no days to compare: the fixture is wrong")
			}
			if !slices.EqualFunc(got, want, func(a, b store.DayStats) bool {
				return a.Day.Equal(b.Day) && a.Answered == b.Answered && a.Correct == b.Correct
			}) {
				t.Errorf("DailyAccuracy =\n%v\nrecomputed from attempts =\n%v", got, want)
			}
		})
	}
}

// TestAnswerDaysBackfill drops the daily totals and the migration's record,
// then reopens: the migration must rebuild exactly what the answers kept.
func TestAnswerDaysBackfill(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "backfill.db")
	db, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	alice, bob := newLearner(t, db), newLearner(t, db)
	recordRandom(t, db, alice, bob, 120, 3)
	since := t0.Add(-60 * day)
	kept, err := db.DailyAccuracy(ctx, alice, since, time.UTC)
	if err != nil {
		t.Fatal(err)
	}
	streak, err := db.Streak(ctx, alice, t0, time.UTC)
	if err != nil {
		t.Fatal(err)
	}
	db.Close()

	db = reopenAfter(t, path, `DROP TABLE answer_days`, `DELETE FROM schema_migrations WHERE name = '0010_answer_days.sql'`)
	got, err := db.DailyAccuracy(ctx, alice, since, time.UTC)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got, kept) || !slices.Equal(got, recompute(t, db, alice, since, time.UTC)) {
		t.Errorf("backfilled = %v\nkept with each answer = %v", got, kept)
	}
	if s, err := db.Streak(ctx, alice, t0, time.UTC); err != nil || s != streak {
		t.Errorf("Streak after backfill = %d, %v; want %d", s, err, streak)
	}
}

// TestStreakMatchesAttempts compares the streak from the daily totals with
// the one counted from the attempts (a location other than UTC reads
// those) on the same days.
func TestStreakMatchesAttempts(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := storetest.New(t)
	alice := newLearner(t, db)
	// Answers on days -6..-2 and today, none on day -1 or -7.
	for i, d := range []int{0, -2, -3, -4, -5, -6, -6} {
		at := t0.Add(time.Duration(d) * day)
		if _, err := db.RecordAnswer(ctx, attempt(alice, 0, fmt.Sprint("k", i), fmt.Sprint("i", i), true, at), quiz.Card{}); err != nil {
			t.Fatal(err)
		}
	}
	sameAsUTC := time.FixedZone("also-utc", 0)
	for _, now := range []time.Time{t0, t0.Add(day), t0.Add(-day), t0.Add(-2 * day), t0.Add(-8 * day), t0.Add(3 * day)} {
		got, err1 := db.Streak(ctx, alice, now, time.UTC)
		want, err2 := db.Streak(ctx, alice, now, sameAsUTC)
		if err1 != nil || err2 != nil || got != want {
			t.Errorf("now %v: Streak from daily totals = %d (%v), from attempts = %d (%v)", now, got, err1, want, err2)
		}
	}
}

// submitExamAt starts and submits an exam for learner whose answers
// (right[i] for question i+1) are attempts answered at at.
func submitExamAt(t *testing.T, db *store.DB, learner int64, at time.Time, right ...bool) {
	t.Helper()
	ctx := context.Background()
	ex := newExam(learner)
	ex.StartedAt, ex.Deadline = at.Add(-time.Minute), at.Add(time.Hour)
	e, started, err := db.StartExam(ctx, ex)
	if err != nil || !started {
		t.Fatalf("start exam: %v, started %v", err, started)
	}
	_, submitted, err := db.SubmitExam(ctx, learner, e.ID, at, func(store.Exam) store.ExamSubmission {
		sub := store.ExamSubmission{Right: right, Scored: len(right)}
		for i, r := range right {
			q := e.Questions[i]
			sub.Attempts = append(sub.Attempts, quiz.Attempt{LearnerID: learner, ShowingID: fmt.Sprintf("exam-%d-%d", e.ID, i+1),
				ItemID: q.ItemID, Kind: quiz.Classify, Topic: q.Topic, Chosen: []string{"run"}, Correct: r, AnsweredAt: at})
			if r {
				sub.Correct++
			}
		}
		return sub
	})
	if err != nil || !submitted {
		t.Fatalf("submit exam: %v, submitted %v", err, submitted)
	}
}

// An exam's answers are attempts, so they count in the daily totals the
// UTC chart and streak read, as they do when another location counts the
// attempts themselves (they once did not: see migration 0015).
func TestExamAnswersCountInAnswerDays(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := storetest.New(t)
	alice := newLearner(t, db)
	// A drill answer two days ago, an exam yesterday (the only answers
	// that day), an exam and a drill answer today.
	if _, err := db.RecordAnswer(ctx, attempt(alice, 0, "d1", "i1", true, t0.Add(-2*day)), quiz.Card{}); err != nil {
		t.Fatal(err)
	}
	submitExamAt(t, db, alice, t0.Add(-day), true, false, true)
	submitExamAt(t, db, alice, t0.Add(time.Minute), false, false, true)
	if _, err := db.RecordAnswer(ctx, attempt(alice, 0, "d2", "i2", false, t0.Add(2*time.Minute)), quiz.Card{}); err != nil {
		t.Fatal(err)
	}
	checkDaysAgree(t, db, alice, t0.Add(5*time.Minute), []store.DayStats{
		{Day: midnightUTC(t0.Add(-2 * day)), Answered: 1, Correct: 1},
		{Day: midnightUTC(t0.Add(-day)), Answered: 3, Correct: 2},
		{Day: midnightUTC(t0), Answered: 4, Correct: 1},
	}, 3)
}

// TestAnswerDaysRecount reopens a database whose daily totals miss an
// exam's answers, as databases written before migration 0015 do: the
// migration recounts them from the attempts.
func TestAnswerDaysRecount(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "recount.db")
	db, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	alice, bob := newLearner(t, db), newLearner(t, db)
	recordRandom(t, db, alice, bob, 60, 4)
	submitExamAt(t, db, alice, t0.Add(-day), true, true, false)
	want, err := db.DailyAccuracy(ctx, alice, t0.Add(-60*day), time.UTC)
	if err != nil {
		t.Fatal(err)
	}
	db.Close()

	db = reopenAfter(t, path,
		// the exam's three answers, left out as before the fix
		fmt.Sprintf(`UPDATE answer_days SET answered = answered - 3, correct = correct - 2 WHERE learner_id = %d AND day = %d`, alice, t0.Add(-day).UnixMilli()/86400000),
		`DELETE FROM answer_days WHERE answered = 0`,
		`DELETE FROM schema_migrations WHERE name = '0015_answer_days_recount.sql'`)
	got, err := db.DailyAccuracy(ctx, alice, t0.Add(-60*day), time.UTC)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got, want) || !slices.Equal(got, recompute(t, db, alice, t0.Add(-60*day), time.UTC)) {
		t.Errorf("recounted = %v\nwant %v", got, want)
	}
}

func midnightUTC(at time.Time) time.Time {
	at = at.UTC()
	return time.Date(at.Year(), at.Month(), at.Day(), 0, 0, 0, 0, time.UTC)
}

// checkDaysAgree checks learner's daily totals from since the epoch of the
// test (60 days before t0) and streak at now against want and wantStreak,
// read both from the daily totals (UTC) and from the attempts (a zone
// that is UTC under another name).
func checkDaysAgree(t *testing.T, db *store.DB, learner int64, now time.Time, want []store.DayStats, wantStreak int) {
	t.Helper()
	ctx := context.Background()
	sameAsUTC := time.FixedZone("also-utc", 0)
	for _, loc := range []*time.Location{time.UTC, sameAsUTC} {
		got, err := db.DailyAccuracy(ctx, learner, t0.Add(-60*day), loc)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.EqualFunc(got, want, func(a, b store.DayStats) bool {
			return a.Day.Equal(b.Day) && a.Answered == b.Answered && a.Correct == b.Correct
		}) {
			t.Errorf("DailyAccuracy in %s = %v\nwant %v", loc, got, want)
		}
		if s, err := db.Streak(ctx, learner, now, loc); err != nil || s != wantStreak {
			t.Errorf("Streak in %s = %d, %v; want %d", loc, s, err, wantStreak)
		}
	}
}

// reopenAfter runs queries on the closed database at path, as an older
// version would have left it, then opens it with the store (migrating it)
// until the test ends.
func reopenAfter(t *testing.T, path string, queries ...string) *store.DB {
	t.Helper()
	ctx := context.Background()
	raw, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	for _, q := range queries {
		if _, err := raw.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	if err := raw.Close(); err != nil {
		t.Fatal(err)
	}
	db, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}
