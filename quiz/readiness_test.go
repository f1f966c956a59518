package quiz_test

import (
	"math"
	"testing"
	"time"

	"github.com/jobs-api-trainer/trainer/quiz"
)

// history builds a learner's record in one topic of the real bank: right
// and wrong drill answers (newest at now), cards for the first seen items
// reviewed so that their recall is high, and optional exam results.
type history struct {
	right, wrong int
	age          time.Duration // how old the drill answers are
	seen         float64       // share of the topic's items with a card
	examRight    int
	examTotal    int
	lapsed       bool // the cards were last reviewed long ago (low recall)
}

func (h history) input(t *testing.T, b *quiz.Bank, topic string, now time.Time) quiz.ReadinessInput {
	t.Helper()
	in := quiz.ReadinessInput{Now: now, Cards: map[string]quiz.Card{}}
	var attempts []quiz.Attempt
	var ids []string
	for _, it := range b.Items() {
		if it.Topic == topic {
			ids = append(ids, it.ID)
		}
	}
	at := now.Add(-h.age)
	for i := 0; i < h.right+h.wrong; i++ {
		attempts = append(attempts, quiz.Attempt{ItemID: ids[i%len(ids)], Topic: topic, Correct: i < h.right, AnsweredAt: at, ShowingID: "drill"})
	}
	n := int(h.seen * float64(len(ids)))
	for _, id := range ids[:n] {
		start := now.Add(-40 * 24 * time.Hour)
		if h.lapsed {
			start = now.Add(-400 * 24 * time.Hour)
		}
		c := quiz.Card{}
		for _, d := range []time.Duration{0, 24 * time.Hour, 4 * 24 * time.Hour, 14 * 24 * time.Hour} {
			c = quiz.Review(c, quiz.Good, start.Add(d), time.Time{})
		}
		in.Cards[id] = c
	}
	if h.examTotal > 0 {
		in.Exams = []quiz.ExamOutcome{{SubmittedAt: now.Add(-time.Hour), Topics: []quiz.TopicScore{{Topic: topic, Correct: h.examRight, Total: h.examTotal}}}}
	}
	// Exam answers reach the attempts too (ExamFeed); readiness must not
	// count them twice.
	for i := 0; i < h.examTotal; i++ {
		attempts = append(attempts, quiz.Attempt{ItemID: ids[i%len(ids)], Topic: topic, Correct: true, AnsweredAt: now, ShowingID: "exam-1-1"})
	}
	in.Drills = quiz.TallyAttempts(attempts)
	return in
}

func TestReadinessLabels(t *testing.T) {
	t.Parallel()
	b, _ := realContent(t)
	bp := quiz.Blueprint{Topics: []quiz.BlueprintTopic{{Topic: "pagination", Weight: 100}}}
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	tests := []struct {
		name   string
		h      history
		exam   time.Time
		want   quiz.Level
		reason string
		action quiz.ActionKind
	}{
		{name: "nothing done", h: history{}, want: quiz.Below, reason: "too few answers to judge", action: quiz.ActDrillNew},
		{name: "three right answers are too few", h: history{right: 3, seen: 0.2}, want: quiz.Below, reason: "too few answers to judge", action: quiz.ActDrillNew},
		{name: "mostly wrong", h: history{right: 4, wrong: 8, seen: 0.9}, want: quiz.Below, reason: "under 60 % right", action: quiz.ActRead},
		{name: "right but narrow", h: history{right: 20, seen: 0.3}, want: quiz.Below, reason: "under 40 % of its items seen", action: quiz.ActDrillNew},
		{name: "good drills, half covered", h: history{right: 20, wrong: 2, seen: 0.5}, want: quiz.Near, reason: "under 80 % of its items seen", action: quiz.ActDrillNew},
		{name: "70 % right", h: history{right: 14, wrong: 6, seen: 0.9}, want: quiz.Near, reason: "under 80 % right", action: quiz.ActDrillMore},
		{name: "ready on drills alone: confirm with an exam", h: history{right: 18, wrong: 2, seen: 0.9}, want: quiz.Ready, action: quiz.ActExam},
		{name: "ready with an exam", h: history{right: 18, wrong: 2, seen: 0.9, examRight: 4, examTotal: 4}, want: quiz.Ready, action: quiz.ActKeep},
		{name: "a failed exam pulls good drills down", h: history{right: 18, wrong: 2, seen: 0.9, examRight: 1, examTotal: 10}, want: quiz.Below, reason: "under 60 % right", action: quiz.ActRead},
		{name: "old misses weigh less than new rights", h: history{right: 9, wrong: 0, seen: 0.9}, want: quiz.Near, reason: "not enough answers yet to call it ready", action: quiz.ActDrillMore},
		{name: "forgotten by the exam date", h: history{right: 18, wrong: 2, seen: 0.9, lapsed: true}, exam: now.Add(60 * 24 * time.Hour), want: quiz.Near, reason: "predicted recall on your exam date under 80 %", action: quiz.ActDrillDue},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := tt.h.input(t, b, "pagination", now)
			in.ExamDate = tt.exam
			r := quiz.ComputeReadiness(b, bp, in)
			if len(r.Topics) != 1 {
				t.Fatalf("%d topics", len(r.Topics))
			}
			got := r.Topics[0]
			if got.Level != tt.want || got.Reason != tt.reason || got.Action != tt.action {
				t.Errorf("got %s (%q, action %d), want %s (%q, action %d); figures: %+v",
					got.Level, got.Reason, got.Action, tt.want, tt.reason, tt.action, got)
			}
			if got.Answers != tt.h.right+tt.h.wrong {
				t.Errorf("%d drill answers counted, want %d (exam answers excluded)", got.Answers, tt.h.right+tt.h.wrong)
			}
			if r.Level != got.Level {
				t.Errorf("overall %s with one topic %s", r.Level, got.Level)
			}
		})
	}
}

// TestReadinessRecency: the same answers count less with age, so a topic
// whose misses are old and rights are recent scores higher than the
// reverse.
func TestReadinessRecency(t *testing.T) {
	t.Parallel()
	b, _ := realContent(t)
	bp := quiz.Blueprint{Topics: []quiz.BlueprintTopic{{Topic: "cli", Weight: 100}}}
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	mk := func(oldCorrect bool) float64 {
		var in quiz.ReadinessInput
		in.Now = now
		var attempts []quiz.Attempt
		for i := 0; i < 10; i++ {
			attempts = append(attempts,
				quiz.Attempt{Topic: "cli", Correct: oldCorrect, AnsweredAt: now.Add(-60 * 24 * time.Hour)},
				quiz.Attempt{Topic: "cli", Correct: !oldCorrect, AnsweredAt: now})
		}
		in.Drills = quiz.TallyAttempts(attempts)
		return quiz.ComputeReadiness(b, bp, in).Topics[0].Accuracy
	}
	recentRight, recentWrong := mk(false), mk(true)
	if recentRight <= 0.9 || recentWrong >= 0.1 {
		t.Errorf("accuracy with recent rights %.2f, with recent misses %.2f", recentRight, recentWrong)
	}
}

func TestReadinessOverall(t *testing.T) {
	t.Parallel()
	b, bp := realContent(t)
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	r := quiz.ComputeReadiness(b, bp, quiz.ReadinessInput{Now: now})
	if r.Level != quiz.Below || r.Below != len(bp.Topics) || r.Items != b.Len() {
		t.Errorf("a new learner: %s, %d below of %d, %d items", r.Level, r.Below, len(bp.Topics), r.Items)
	}
	// The next action is the heaviest Below topic's.
	if r.Next.Topic != "job-vs-run" || r.Next.Action != quiz.ActDrillNew || r.Next.Count != r.Next.Items {
		t.Errorf("next = %+v", r.Next)
	}
}

// TestAnswerTallyMatchesAgeWeights: a tally built one answer at a time
// gives the accuracy of weighting each answer by 0.5^(age/half-life) now,
// whatever the order the answers come in, and survives answers decades
// apart (the rescale) without overflowing.
func TestAnswerTallyMatchesAgeWeights(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)
	direct := func(as []quiz.Attempt) float64 {
		var all, right float64
		for _, a := range as {
			w := math.Pow(0.5, float64(now.Sub(a.AnsweredAt))/float64(quiz.AccuracyHalfLife))
			all += w
			if a.Correct {
				right += w
			}
		}
		return right / all
	}
	var as []quiz.Attempt
	for i := range 60 {
		as = append(as, quiz.Attempt{Topic: "runs", Correct: i%3 != 0, AnsweredAt: now.Add(-time.Duration((i*37)%90) * 24 * time.Hour)})
	}
	got := quiz.TallyAttempts(as)["runs"]
	if got.Answers != 60 || math.Abs(got.Accuracy()-direct(as)) > 1e-12 {
		t.Errorf("tally: %d answers, accuracy %.15f; want 60, %.15f", got.Answers, got.Accuracy(), direct(as))
	}
	// Old wrong answers, then right ones 30 years later: the old ones
	// weigh nothing, and nothing overflows.
	var far quiz.AnswerTally
	far.Add(quiz.Attempt{AnsweredAt: now.AddDate(-30, 0, 0)})
	far.Add(quiz.Attempt{Correct: true, AnsweredAt: now})
	if a := far.Accuracy(); math.IsNaN(a) || a < 0.999999 {
		t.Errorf("answers 30 years apart: accuracy %v, want ~1", a)
	}
	if (quiz.AnswerTally{}).Accuracy() != 0 {
		t.Error("empty tally has an accuracy")
	}
	if n := len(quiz.TallyAttempts([]quiz.Attempt{{Topic: "runs", ShowingID: "exam-3-1"}})); n != 0 {
		t.Errorf("exam answers tallied: %d topics", n)
	}
}
