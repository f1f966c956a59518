package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/jobs-api-trainer/trainer/quiz"
	"github.com/jobs-api-trainer/trainer/store"
	"github.com/jobs-api-trainer/trainer/store/storetest"
)

func newExam(learner int64) store.Exam {
	return store.Exam{
		LearnerID: learner, Seed: 1<<63 + 5, PassPercent: 70, StartedAt: t0, Deadline: t0.Add(6 * time.Minute),
		Questions: []quiz.ExamQuestion{
			{ItemID: "a-classify", Topic: "job-vs-run"},
			{ItemID: "a-endpoint", Topic: "job-vs-run"},
			{ItemID: "b-concept", Topic: "pagination"},
		},
	}
}

func TestExamLifecycle(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := storetest.New(t)
	me, other := newLearner(t, db), newLearner(t, db)

	e, started, err := db.StartExam(ctx, newExam(me))
	if err != nil || !started || e.ID == 0 || e.Size != 3 {
		t.Fatalf("start: %+v, %v, %v", e, started, err)
	}
	// One exam in progress per learner: a second start returns the first.
	again, started, err := db.StartExam(ctx, newExam(me))
	if err != nil || started || again.ID != e.ID {
		t.Fatalf("second start: id %d (first %d), started %v, %v", again.ID, e.ID, started, err)
	}
	if open, err := db.OpenExam(ctx, me); err != nil || open.ID != e.ID || open.Seed != 1<<63+5 {
		t.Fatalf("open exam: %+v, %v", open, err)
	}
	if _, err := db.OpenExam(ctx, other); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("other learner's open exam: %v", err)
	}

	// Answers and flags, changed until submit.
	at := t0.Add(time.Minute)
	if err := db.SaveExamAnswer(ctx, me, e.ID, 1, []string{"job"}, false, at); err != nil {
		t.Fatal(err)
	}
	if err := db.SaveExamAnswer(ctx, me, e.ID, 1, []string{"run"}, true, at); err != nil {
		t.Fatal(err)
	}
	if err := db.SaveExamAnswer(ctx, me, e.ID, 3, nil, true, at); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name    string
		learner int64
		pos     int
		at      time.Time
		want    error
	}{
		{"another learner's exam", other, 1, at, store.ErrNotFound},
		{"a question not in the exam", me, 4, at, store.ErrNotFound},
		{"position zero", me, 0, at, store.ErrNotFound},
		{"at the deadline", me, 2, e.Deadline, store.ErrExamClosed},
	} {
		if err := db.SaveExamAnswer(ctx, tt.learner, e.ID, tt.pos, []string{"run"}, false, tt.at); !errors.Is(err, tt.want) {
			t.Errorf("%s: %v, want %v", tt.name, err, tt.want)
		}
	}
	got, err := db.Exam(ctx, me, e.ID)
	if err != nil {
		t.Fatal(err)
	}
	if q := got.Questions; len(q) != 3 || q[0].Chosen[0] != "run" || !q[0].Flagged || q[1].Answered() || !q[2].Flagged || q[2].Answered() {
		t.Fatalf("questions after answering: %+v", q)
	}
	if _, err := db.Exam(ctx, other, e.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("another learner reads the exam: %v", err)
	}

	// Submit: one result, attempts and cards written in the same tx.
	submitAt := t0.Add(5 * time.Minute)
	calls := 0
	decide := func(ex store.Exam) store.ExamSubmission {
		calls++
		if ex.Questions[0].Chosen[0] != "run" {
			t.Errorf("decide saw %+v", ex.Questions[0])
		}
		return store.ExamSubmission{
			Right: []bool{true, false, false}, Correct: 1, Scored: 3,
			Attempts: []quiz.Attempt{{LearnerID: me, ShowingID: "exam-1-1", ItemID: "a-classify", Kind: quiz.Classify, Topic: "job-vs-run", Chosen: []string{"run"}, Correct: true, AnsweredAt: submitAt}},
			Cards:    map[string]quiz.Card{"a-classify": quiz.Review(quiz.Card{}, quiz.Good, submitAt, time.Time{})},
		}
	}
	done, submitted, err := db.SubmitExam(ctx, me, e.ID, submitAt, decide)
	if err != nil || !submitted || done.Correct != 1 || !done.SubmittedAt.Equal(submitAt) {
		t.Fatalf("submit: %+v, %v, %v", done, submitted, err)
	}
	if _, submitted, err := db.SubmitExam(ctx, me, e.ID, submitAt.Add(time.Second), decide); err != nil || submitted || calls != 1 {
		t.Fatalf("second submit: submitted %v, decide called %d times, %v", submitted, calls, err)
	}
	if _, _, err := db.SubmitExam(ctx, other, e.ID, submitAt, decide); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("another learner submits: %v", err)
	}
	if err := db.SaveExamAnswer(ctx, me, e.ID, 2, []string{"run"}, false, submitAt); !errors.Is(err, store.ErrExamClosed) {
		t.Errorf("answer after submit: %v", err)
	}
	if _, err := db.OpenExam(ctx, me); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("open exam after submit: %v", err)
	}
	if c, err := db.Card(ctx, me, "a-classify"); err != nil || !c.Seen() {
		t.Errorf("card after submit: %+v, %v", c, err)
	}
	n := 0
	if err := db.Attempts(ctx, me, func(a quiz.Attempt) error {
		if a.ShowingID != "exam-1-1" || a.SessionID != 0 || !a.Correct {
			t.Errorf("attempt %+v", a)
		}
		n++
		return nil
	}); err != nil || n != 1 {
		t.Errorf("%d attempts after submit, want 1 (%v)", n, err)
	}

	// History: newest first, with questions; a new exam may start now.
	next, started, err := db.StartExam(ctx, newExam(me))
	if err != nil || !started || next.ID == e.ID {
		t.Fatalf("start after submit: %+v, %v, %v", next, started, err)
	}
	hist, err := db.ExamHistory(ctx, me, 10)
	if err != nil || len(hist) != 1 || hist[0].ID != e.ID || len(hist[0].Questions) != 3 || hist[0].Correct != 1 {
		t.Fatalf("history: %+v, %v", hist, err)
	}
	if hist, _ := db.ExamHistory(ctx, other, 10); len(hist) != 0 {
		t.Errorf("other learner's history: %+v", hist)
	}
}

// TestExamKeepsLearner: a learner who started an exam is not pruned as idle.
func TestExamKeepsLearner(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := storetest.New(t)
	me := newLearner(t, db)
	if _, _, err := db.StartExam(ctx, newExam(me)); err != nil {
		t.Fatal(err)
	}
	ids, err := db.PruneIdleLearners(ctx, t0.Add(48*time.Hour))
	if err != nil || len(ids) != 0 {
		t.Errorf("pruned %v, %v", ids, err)
	}
}
