package quiz

import (
	"slices"
	"testing"
	"time"
)

var t0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

const day = 24 * time.Hour

// reviewed returns a card reviewed in order with ratings, one review a
// day starting at start.
func reviewed(start time.Time, ratings ...Rating) Card {
	var c Card
	at := start
	for _, r := range ratings {
		c = Review(c, r, at, time.Time{})
		at = at.Add(day)
	}
	return c
}

func TestReview(t *testing.T) {
	t.Parallel()
	t.Run("new card", func(t *testing.T) {
		c := Review(Card{}, Good, t0, time.Time{})
		if !c.Seen() || c.Reps != 1 || c.Misses != 0 || !c.Due.After(t0) || !c.LastReview.Equal(t0) {
			t.Errorf("after Good: %+v", c)
		}
	})
	t.Run("ratings order intervals", func(t *testing.T) {
		base := reviewed(t0, Good, Good)
		now := base.Due
		var dues []time.Time
		for _, r := range []Rating{Again, Hard, Good, Easy} {
			dues = append(dues, Review(base, r, now, time.Time{}).Due)
		}
		if !slices.IsSortedFunc(dues, func(a, b time.Time) int { return a.Compare(b) }) || dues[0].Equal(dues[3]) {
			t.Errorf("due dates for Again..Easy not increasing: %v", dues)
		}
	})
	t.Run("leech after four misses", func(t *testing.T) {
		var c Card
		at := t0
		for i := 1; i <= LeechMisses; i++ {
			if c.IsLeech() {
				t.Fatalf("leech after %d misses", i-1)
			}
			c = Review(c, Again, at, time.Time{})
			c = Review(c, Good, at.Add(time.Hour), time.Time{}) // right answers do not clear misses
			at = at.Add(day)
		}
		if c.Misses != LeechMisses || !c.IsLeech() {
			t.Errorf("after %d misses: Misses=%d IsLeech=%v", LeechMisses, c.Misses, c.IsLeech())
		}
	})
	t.Run("clock stepped back", func(t *testing.T) {
		c := reviewed(t0, Good)
		got := Review(c, Good, t0.Add(-time.Hour), time.Time{})
		if got.Reps != 2 {
			t.Errorf("review with an earlier clock not applied: %+v", got)
		}
	})

	long := reviewed(t0, Easy, Easy, Easy, Easy) // a long next interval
	now := t0.Add(4 * day)
	free := Review(long, Easy, now, time.Time{})
	if free.Due.Sub(now) < 20*day {
		t.Fatalf("test needs a long interval, got %v", free.Due.Sub(now))
	}
	tests := []struct {
		name    string
		exam    time.Time
		wantDue time.Time
	}{
		{"no exam", time.Time{}, free.Due},
		{"exam passed", now.Add(-day), free.Due},
		{"exam after the interval", free.Due.Add(day), free.Due},
		{"exam in 10 days: day before", now.Add(10 * day), now.Add(9 * day)},
		{"exam in 12 hours: halfway", now.Add(12 * time.Hour), now.Add(6 * time.Hour)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Review(long, Easy, now, tt.exam)
			if !got.Due.Equal(tt.wantDue) {
				t.Errorf("due = %v, want %v", got.Due, tt.wantDue)
			}
			if !tt.exam.IsZero() && tt.exam.After(now) && !got.Due.Before(tt.exam) {
				t.Errorf("due %v not before exam %v", got.Due, tt.exam)
			}
		})
	}
}

func TestQueue(t *testing.T) {
	t.Parallel()
	b := loadGood(t)
	now := t0.Add(30 * day)
	seenDue := func(overdue time.Duration) Card {
		c := reviewed(t0, Good)
		c.Due = now.Add(-overdue)
		return c
	}
	notDue := seenDue(-2 * day)
	// New items, all topics: interleaved across topics (job-vs-run,
	// run-endpoints, job-endpoints, repair, pagination, cli, then the
	// second job-vs-run item...), each pair back to back, classify first.
	allNew := []string{"jr-last-night", "ep-last-night", "jr-notebooks", "ep-notebooks", "rep-fields", "pag-page-size", "cli-get-run", "jr-definition"}

	tests := []struct {
		name  string
		cards map[string]Card
		opt   QueueOptions
		want  []string
	}{
		{"all new: interleaved by topic, pairs back to back", nil, QueueOptions{}, allNew},
		{
			"due first, most overdue first, then new",
			map[string]Card{
				"pag-page-size": seenDue(time.Hour),
				"cli-get-run":   seenDue(3 * day),
				"rep-fields":    notDue,
				"jr-definition": seenDue(0), // due exactly now
			},
			QueueOptions{},
			[]string{"cli-get-run", "pag-page-size", "jr-definition", "jr-last-night", "ep-last-night", "jr-notebooks", "ep-notebooks"},
		},
		{
			"due endpoint brings its classify first",
			map[string]Card{
				"jr-notebooks":  notDue,
				"ep-notebooks":  seenDue(day),
				"pag-page-size": seenDue(2 * day),
			},
			QueueOptions{Size: 3},
			[]string{"pag-page-size", "jr-notebooks", "ep-notebooks"},
		},
		{"size, keeping a pair whole", nil, QueueOptions{Size: 3}, allNew[:4]},
		{"size", nil, QueueOptions{Size: 2}, allNew[:2]},
		{"topic filter", nil, QueueOptions{Topic: "pagination"}, []string{"pag-page-size"}},
		{
			"topic filter keeps pair partners",
			nil, QueueOptions{Topic: "job-vs-run"},
			[]string{"jr-last-night", "ep-last-night", "jr-notebooks", "ep-notebooks", "jr-definition"},
		},
		{"nothing due, nothing new", cardsFor(b, notDue), QueueOptions{}, nil},
		{"unknown topic", nil, QueueOptions{Topic: "nope"}, nil},
		{
			"suspended new item skipped",
			nil, QueueOptions{Suspended: map[string]bool{"pag-page-size": true, "jr-notebooks": true}},
			[]string{"jr-last-night", "ep-last-night", "ep-notebooks", "rep-fields", "cli-get-run", "jr-definition"},
		},
		{
			"suspended due item skipped",
			map[string]Card{"cli-get-run": seenDue(3 * day), "pag-page-size": seenDue(time.Hour)},
			QueueOptions{Size: 2, Suspended: map[string]bool{"cli-get-run": true}},
			[]string{"pag-page-size", "jr-last-night", "ep-last-night"},
		},
		{
			"suspended pair partner does not come along",
			nil, QueueOptions{Topic: "job-vs-run", Suspended: map[string]bool{"ep-last-night": true}},
			[]string{"jr-last-night", "jr-notebooks", "ep-notebooks", "jr-definition"},
		},
		{"everything suspended", nil, QueueOptions{Suspended: map[string]bool{
			"jr-last-night": true, "ep-last-night": true, "jr-notebooks": true, "ep-notebooks": true,
			"rep-fields": true, "pag-page-size": true, "cli-get-run": true, "jr-definition": true,
		}}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Queue(b, tt.cards, now, tt.opt)
			if !slices.Equal(got, tt.want) {
				t.Errorf("Queue:\ngot  %v\nwant %v", got, tt.want)
			}
		})
	}
}

func cardsFor(b *Bank, c Card) map[string]Card {
	out := map[string]Card{}
	for _, it := range b.Items() {
		out[it.ID] = c
	}
	return out
}

// TestQueueExamDate: a card scheduled past the exam before the exam date
// was set comes due the day before the exam.
func TestQueueExamDate(t *testing.T) {
	t.Parallel()
	b := loadGood(t)
	c := reviewed(t0, Easy, Easy, Easy, Easy, Easy)
	cards := cardsFor(b, c)
	exam := c.LastReview.Add(10 * day)
	if !c.Due.After(exam) {
		t.Fatalf("test needs a due date after the exam: due %v", c.Due)
	}
	tests := []struct {
		name string
		now  time.Time
		exam time.Time
		want int
	}{
		{"no exam date", exam.Add(-day / 2), time.Time{}, 0},
		{"two days before the exam", exam.Add(-2 * day), exam, 0},
		{"the day before the exam", exam.Add(-day), exam, 8},
		{"exam passed", exam.Add(day), exam, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Queue(b, cards, tt.now, QueueOptions{ExamDate: tt.exam, Size: 100})
			if len(got) != tt.want {
				t.Errorf("queued %d (%v), want %d", len(got), got, tt.want)
			}
		})
	}
	// Reviewed within the last day, a card is not due again at once.
	last := Review(c, Good, exam.Add(-20*time.Hour), exam)
	if got := Queue(b, map[string]Card{"jr-definition": last}, exam.Add(-19*time.Hour), QueueOptions{ExamDate: exam, Topic: "job-vs-run"}); slices.Contains(got, "jr-definition") {
		t.Errorf("card reviewed an hour ago is due: %v", got)
	}
}

// TestComeBackTomorrow drills a whole session today and checks that
// tomorrow's queue starts with the items that are due.
func TestComeBackTomorrow(t *testing.T) {
	t.Parallel()
	b := loadGood(t)
	cards := map[string]Card{}
	ids := Queue(b, cards, t0, QueueOptions{Size: 20})
	for i, id := range ids {
		r := Good
		if id == "pag-page-size" {
			r = Again
		}
		cards[id] = Review(cards[id], r, t0.Add(time.Duration(i)*time.Minute), time.Time{})
	}
	tomorrow := t0.Add(day)
	got := Queue(b, cards, tomorrow, QueueOptions{})
	if len(got) == 0 || got[0] != "pag-page-size" {
		t.Errorf("tomorrow's queue = %v, want the missed item first", got)
	}
	for _, id := range got {
		if cards[id].Due.After(tomorrow) {
			t.Errorf("%s queued but due %v", id, cards[id].Due)
		}
	}
}

func TestSummaries(t *testing.T) {
	t.Parallel()
	b := loadGood(t)
	now := t0.Add(10 * day)
	strong := reviewed(t0, Easy, Easy, Easy, Easy, Easy, Easy)
	weak := reviewed(t0, Again)
	leech := Card{Misses: LeechMisses}
	cards := map[string]Card{"jr-last-night": strong, "ep-last-night": weak, "cli-get-run": leech}

	attempts := []Attempt{
		{ItemID: "jr-last-night", Correct: true, Took: 2 * time.Second},
		{ItemID: "ep-last-night", Correct: false, Took: 3 * time.Second},
		{ItemID: "ep-last-night", Correct: false, Took: time.Second},
		{ItemID: "pag-page-size", Correct: true, Took: 4 * time.Second},
	}
	s := Summarize(b, cards, attempts, now.Add(2*day))
	if s.Answered != 4 || s.Correct != 2 || s.Accuracy != 0.5 || s.Took != 10*time.Second {
		t.Errorf("totals: %+v", s)
	}
	if !slices.Equal(s.Review, []string{"ep-last-night"}) {
		t.Errorf("Review = %v", s.Review)
	}
	if !s.NextDue.Equal(weak.Due) {
		t.Errorf("NextDue = %v, want %v", s.NextDue, weak.Due)
	}
	if s.NotSolid != b.Len()-1 {
		t.Errorf("NotSolid = %d, want %d (all but the strong card)", s.NotSolid, b.Len()-1)
	}
	if Summarize(b, cards, attempts, time.Time{}).NotSolid != 0 {
		t.Error("NotSolid without an exam date")
	}
	if got := Accuracy(nil); got != 0 {
		t.Errorf("Accuracy(nil) = %v", got)
	}
	if got := Leeches(b, cards); !slices.Equal(got, []string{"cli-get-run"}) {
		t.Errorf("Leeches = %v", got)
	}
	st := Stats(b, cards, now)
	if jr, pag := st["job-vs-run"], st["pagination"]; jr.Solid != 1 || jr.Total != 3 || pag.Solid != 0 || pag.Total != 1 {
		t.Errorf("mastery: job-vs-run %d of %d, pagination %d of %d; want 1 of 3, 0 of 1", jr.Solid, jr.Total, pag.Solid, pag.Total)
	}
	if _, ok := NextDue(b, nil); ok {
		t.Error("NextDue with no cards")
	}
}

func TestStats(t *testing.T) {
	t.Parallel()
	b := loadGood(t)
	now := t0 // 09:00 UTC
	seen := func(due time.Time, stability float64, misses int) Card {
		var c Card
		c.Due, c.Reps, c.State, c.Stability, c.Misses = due, 1, StateReview, stability, misses
		c.LastReview = due.Add(-time.Duration(stability * float64(day))) // interval = stability
		return c
	}
	cards := map[string]Card{
		"jr-last-night": seen(now, MasteryStability, 0),                     // due now, solid
		"jr-notebooks":  seen(now.Add(10*time.Hour), 3, 0),                  // due later today
		"ep-notebooks":  seen(now.Add(15*time.Hour), 3, 0),                  // due at midnight: tomorrow, this week
		"ep-last-night": seen(now.Add(8*day), MasteryStability-0.1, 0),      // not this week, not quite solid
		"rep-fields":    seen(now.Add(-time.Hour), 1, LeechMisses),          // overdue leech
		"pag-page-size": {},                                                 // a zero card is new
		"not-in-bank":   seen(now.Add(-day), MasteryStability, LeechMisses), // ignored
		// jr-definition and cli-get-run have no card: new
	}
	got := Stats(b, cards, now)
	tests := []struct {
		topic string
		want  Counts
	}{
		{"", Counts{Total: 8, New: 3, Seen: 5, Solid: 1, DueNow: 2, DueToday: 3, DueWeek: 4, Leeches: 1, Young: 4, Mature: 1}},
		{"job-vs-run", Counts{Total: 3, New: 1, Seen: 2, Solid: 1, DueNow: 1, DueToday: 2, DueWeek: 2, Young: 1, Mature: 1}},
		{"job-endpoints", Counts{Total: 1, Seen: 1, DueWeek: 1, Young: 1}},
		{"run-endpoints", Counts{Total: 1, Seen: 1, Young: 1}},
		{"repair", Counts{Total: 1, Seen: 1, DueNow: 1, DueToday: 1, DueWeek: 1, Leeches: 1, Young: 1}},
		{"pagination", Counts{Total: 1, New: 1}},
		{"cli", Counts{Total: 1, New: 1}},
		{"four-ways", Counts{}},
		{"bundles", Counts{}},
	}
	for _, tt := range tests {
		t.Run("topic "+tt.topic, func(t *testing.T) {
			if got[tt.topic] != tt.want {
				t.Errorf("Stats[%q] = %+v, want %+v", tt.topic, got[tt.topic], tt.want)
			}
		})
	}
	if len(got) != len(Topics)+1 {
		t.Errorf("Stats has %d keys, want every topic and \"\" (%d)", len(got), len(Topics)+1)
	}
	// The day ends at midnight UTC whatever the zone of now.
	if n := Stats(b, cards, now.In(time.FixedZone("UTC-10", -10*3600)))[""]; n.DueToday != 3 {
		t.Errorf("DueToday with now in UTC-10 = %d, want 3", n.DueToday)
	}
}

// TestStageMovesAfterAGoodSession: one right answer takes a new card to
// learning (short-term steps), a few more across days to young, and a
// long run of right answers to mature; a lapse goes back to learning.
func TestStageMovesAfterAGoodSession(t *testing.T) {
	t.Parallel()
	var c Card
	if c.Stage() != StageNew {
		t.Fatalf("zero card: stage %d", c.Stage())
	}
	now := t0
	c = Review(c, Good, now, time.Time{})
	if c.Stage() != StageLearning && c.Stage() != StageYoung {
		t.Fatalf("after one Good: stage %d (state %v), want learning or young", c.Stage(), c.State)
	}
	for i := 0; i < 20 && c.Stage() != StageMature; i++ {
		now = c.Due
		c = Review(c, Good, now, time.Time{})
		if c.Stage() == StageNew {
			t.Fatal("a reviewed card is new again")
		}
	}
	if c.Stage() != StageMature || c.Due.Sub(c.LastReview) < MatureDays*day {
		t.Fatalf("after many Goods: stage %d, interval %v", c.Stage(), c.Due.Sub(c.LastReview))
	}
	c = Review(c, Again, c.Due, time.Time{})
	if c.Stage() != StageLearning {
		t.Fatalf("after a lapse: stage %d (state %v), want learning", c.Stage(), c.State)
	}
	// Stats counts them per topic.
	b := loadGood(t)
	young := Review(Card{}, Easy, t0, time.Time{})
	got := Stats(b, map[string]Card{"jr-last-night": Review(Card{}, Good, t0, time.Time{}), "jr-notebooks": young}, t0)["job-vs-run"]
	if got.Learning+got.Young != 2 || got.Mature != 0 {
		t.Fatalf("job-vs-run after two right answers: %+v", got)
	}
}
