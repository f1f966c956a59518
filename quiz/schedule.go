package quiz

import (
	"cmp"
	"math"
	"slices"
	"time"

	fsrs "github.com/open-spaced-repetition/go-fsrs/v4"
)

// State is an FSRS card state.
type State = fsrs.State

// The FSRS card states.
const (
	StateNew        = fsrs.New
	StateLearning   = fsrs.Learning
	StateReview     = fsrs.Review
	StateRelearning = fsrs.Relearning
)

// LeechMisses is how many wrong answers make an item a leech.
const LeechMisses = 4

// SolidRetrievability is the predicted recall at the exam date below which
// an item is "not solid yet".
const SolidRetrievability = 0.9

// MasteryStability is the stability, in days, from which an item counts
// as mastered on the progress page (Counts.Solid).
const MasteryStability = 21.0

// DefaultQueueSize is the session size when QueueOptions.Size is zero.
const DefaultQueueSize = 20

// scheduler has the default FSRS-6 parameters (retention 0.9, short-term
// learning steps, no fuzz, so schedules are deterministic). It is never
// modified, and FSRS copies its parameters per call, so sharing is safe.
var scheduler = fsrs.NewFSRS(fsrs.DefaultParam())

// Card is one learner's FSRS memory state for one item, plus how many
// times they answered it wrong. The zero Card is an item never seen.
type Card struct {
	fsrs.Card
	Misses int // wrong answers, ever; LeechMisses or more makes a leech
}

// Seen reports whether the card has been reviewed at least once.
func (c Card) Seen() bool { return c.Reps > 0 || c.State != StateNew }

// IsLeech reports whether the item was missed LeechMisses times or more.
// A leech shows its explanation before the question.
func (c Card) IsLeech() bool { return c.Misses >= LeechMisses }

// Retrievability returns the predicted chance of recall at t, 0 for a card
// never seen or not a valid FSRS card. It is the scheduler's own forgetting
// curve (go-fsrs v4 fsrs.go Retrievability, parameters.go ForgettingCurve:
// R = (1 + factor*days/S)^decay over whole elapsed days) with the decay
// and factor worked out once: the library works them out again, with a
// check of every weight and a pow, on every call, which was half the cost
// of the readiness panel. TestRetrievabilityMatchesFSRS holds it to the
// library's value, bit for bit.
func (c Card) Retrievability(t time.Time) float64 {
	if !c.Seen() || c.State == fsrs.New || c.LastReview.IsZero() {
		return 0
	}
	if c.State < fsrs.Learning || c.State > fsrs.Relearning {
		return 0 // the library's "invalid card state"
	}
	s := c.Stability
	if math.IsNaN(s) || math.IsInf(s, 0) || s <= 0 {
		return 0 // the library's "invalid stability"
	}
	days := math.Max(0, math.Floor(t.Sub(c.LastReview).Hours()/24))
	s = min(max(s, 0.001), 36500.0) // the library's constrainStability
	return math.Pow(1+curveFactor*days/s, curveDecay)
}

// curveDecay and curveFactor are the scheduler's forgetting-curve
// constants (go-fsrs v4 arithmetic.go decayAndFactor).
var curveDecay, curveFactor = func() (float64, float64) {
	decay := -scheduler.Parameters.W[20]
	return decay, math.Pow(0.9, 1.0/decay) - 1.0
}()

// Review applies one answer rated rating at now and returns the new card.
// An Again counts as a miss. With a non-zero examDate after now, the next
// due date is capped so the item comes back before the exam: at the latest
// a day before it, or, within the last day, halfway to it. A card the FSRS
// library rejects as corrupt (stability not a number, say) starts again
// as new.
func Review(c Card, rating Rating, now, examDate time.Time) Card {
	if rating == Again {
		c.Misses++
	}
	if !c.LastReview.IsZero() && c.LastReview.After(now) {
		now = c.LastReview // a clock that stepped back must not fail the answer
	}
	info, err := scheduler.Next(c.Card, now, rating)
	if err != nil {
		info, _ = scheduler.Next(fsrs.NewCard(now), now, rating)
	}
	c.Card = info.Card
	if latest, ok := examCap(now, examDate); ok && c.Due.After(latest) {
		c.Due = latest
		c.ScheduledDays = uint64(latest.Sub(now) / (24 * time.Hour))
	}
	return c
}

// examCap is the latest due date for a review at now before examDate, and
// whether exam-date mode applies.
func examCap(now, examDate time.Time) (time.Time, bool) {
	if examDate.IsZero() || !examDate.After(now) {
		return time.Time{}, false
	}
	latest := examDate.Add(-24 * time.Hour)
	if !latest.After(now) {
		latest = now.Add(examDate.Sub(now) / 2)
	}
	return latest, true
}

// effectiveDue is when c is due for queueing: its due date, or the
// exam-date cap for a card last reviewed before the exam date was set.
func effectiveDue(c Card, now, examDate time.Time) time.Time {
	if examDate.IsZero() || !examDate.After(now) {
		return c.Due
	}
	latest := examDate.Add(-24 * time.Hour)
	if c.Due.After(latest) && c.LastReview.Before(latest) {
		return latest
	}
	return c.Due
}

// QueueOptions shape one drill session.
type QueueOptions struct {
	Topic    string    // only items of this topic ("" for all); pair partners come along
	Size     int       // items per session; 0 means DefaultQueueSize
	ExamDate time.Time // zero when the learner has none
	// Suspended items are never queued, seen or not; a pair partner of a
	// suspended item still comes alone.
	Suspended map[string]bool
}

// Queue returns the item ids for a session at now: due cards first, most
// overdue first, then items never seen: in lesson order within one topic,
// and interleaved across topics (one topic after another, each in lesson
// order) for an all-topics session, since mixing topics helps learners tell
// them apart. A classify item
// and the endpoint item of its scenario always run back to back, classify
// first, placed where the earlier of the two would be; so the queue may
// run one over Size rather than split a pair. Cards for ids not in the
// bank are ignored.
func Queue(b *Bank, cards map[string]Card, now time.Time, opt QueueOptions) []string {
	size := opt.Size
	if size <= 0 {
		size = DefaultQueueSize
	}
	var out []string
	walkQueue(b, cards, now, opt, func(group []string) bool {
		out = append(out, group...)
		return len(out) < size
	})
	return out
}

// walkQueue calls yield with Queue's order (without its size cap), one
// group at a time (an item, or a classify item and its endpoint partner),
// until yield returns false. The group slice is reused between calls.
func walkQueue(b *Bank, cards map[string]Card, now time.Time, opt QueueOptions, yield func(group []string) bool) {
	type due struct {
		i         int
		sec, nsec int64 // the due time: cheaper to compare than time.Time
	}
	dues := make([]due, 0, len(b.items))
	fresh := make([]int, 0, len(b.items))
	for i, it := range b.items {
		if opt.Topic != "" && it.Topic != opt.Topic || opt.Suspended[it.ID] {
			continue
		}
		c, ok := cards[it.ID]
		switch {
		case !ok || !c.Seen():
			fresh = append(fresh, i)
		default:
			if d := effectiveDue(c, now, opt.ExamDate); !d.After(now) {
				dues = append(dues, due{i, d.Unix(), int64(d.Nanosecond())})
			}
		}
	}
	// Oldest due first, bank order among equals (i breaks every tie, so
	// the unstable sort gives one order).
	slices.SortFunc(dues, func(a, b due) int { return cmp.Or(cmp.Compare(a.sec, b.sec), cmp.Compare(a.nsec, b.nsec), a.i-b.i) })
	order := make([]int, 0, len(dues)+len(fresh))
	for _, d := range dues {
		order = append(order, d.i)
	}
	if opt.Topic == "" {
		fresh = interleave(b, fresh)
	}
	order = append(order, fresh...)

	taken := make([]bool, len(b.items))
	ids := make([]string, 0, 2)
	for _, i := range order {
		if taken[i] {
			continue
		}
		group := []int{i}
		if p := b.partner(i); p >= 0 && !taken[p] && !opt.Suspended[b.items[p].ID] {
			group = []int{i, p}
			if b.items[i].Kind == Endpoint {
				group = []int{p, i}
			}
		}
		ids = ids[:0]
		for _, g := range group {
			taken[g] = true
			ids = append(ids, b.items[g].ID)
		}
		if !yield(ids) {
			return
		}
	}
}

// interleave reorders item indexes round-robin by topic: the first item of
// each topic (topics in order of first appearance), then the second of
// each, and so on; within a topic the order is kept.
func interleave(b *Bank, idx []int) []int {
	var topics []string
	by := map[string][]int{}
	for _, i := range idx {
		t := b.items[i].Topic
		if _, ok := by[t]; !ok {
			topics = append(topics, t)
		}
		by[t] = append(by[t], i)
	}
	out := make([]int, 0, len(idx))
	for round := 0; len(out) < len(idx); round++ {
		for _, t := range topics {
			if round < len(by[t]) {
				out = append(out, by[t][round])
			}
		}
	}
	return out
}

// Accuracy returns the share of correct attempts, 0 when there are none.
func Accuracy(attempts []Attempt) float64 {
	if len(attempts) == 0 {
		return 0
	}
	n := 0
	for _, a := range attempts {
		if a.Correct {
			n++
		}
	}
	return float64(n) / float64(len(attempts))
}

// NotSolid returns, in lesson order, the ids of items that are not solid
// for an exam at examDate: never seen, or with predicted retrievability at
// examDate below SolidRetrievability.
func NotSolid(b *Bank, cards map[string]Card, examDate time.Time) []string {
	var out []string
	for _, it := range b.items {
		c, ok := cards[it.ID]
		if !ok || c.Retrievability(examDate) < SolidRetrievability {
			out = append(out, it.ID)
		}
	}
	return out
}

// NextDue returns the earliest due date among the seen cards of items in
// the bank, and false when no card has been seen.
func NextDue(b *Bank, cards map[string]Card) (time.Time, bool) {
	var next time.Time
	for _, it := range b.items {
		c, ok := cards[it.ID]
		if !ok || !c.Seen() {
			continue
		}
		if next.IsZero() || c.Due.Before(next) {
			next = c.Due
		}
	}
	return next, !next.IsZero()
}

// Counts are how a learner's cards stand at one moment over a set of items.
type Counts struct {
	Total    int // items
	New      int // items never seen
	Seen     int // items reviewed at least once
	Solid    int // seen items whose stability is at least MasteryStability days
	DueNow   int // seen items due at or before now
	DueToday int // seen items due before the end of now's calendar day in UTC (DueNow included)
	DueWeek  int // seen items due within seven days of now (DueToday included)
	Leeches  int // items missed LeechMisses times or more
	// Learning, Young and Mature split the seen items as Anki does, so
	// a good session shows at once: Learning cards are in their first
	// (re)learning steps; Young ones are in review with an interval under
	// MatureDays; Mature ones at MatureDays or more.
	Learning int
	Young    int
	Mature   int
}

// MatureDays is the review interval, in days, from which a card is mature
// (Anki's threshold); below it a reviewed card is young.
const MatureDays = 21

// Stage is where a card stands in the Anki sense: new, learning, young
// or mature.
type Stage int

// The card stages, in the order a card moves through them.
const (
	StageNew Stage = iota
	StageLearning
	StageYoung
	StageMature
)

// Stage reports c's stage: never seen is new; the FSRS learning and
// relearning states are learning; in review, an interval (from the last
// review to the due date) under MatureDays is young, else mature.
func (c Card) Stage() Stage {
	switch {
	case !c.Seen():
		return StageNew
	case c.State == StateLearning || c.State == StateRelearning || c.State == StateNew:
		return StageLearning
	case c.Due.Sub(c.LastReview) < MatureDays*24*time.Hour:
		return StageYoung
	}
	return StageMature
}

// Stats counts cards at now over the whole bank (key "") and over each
// topic of Topics (key: the topic id; a topic with no items has zero
// Counts). Due counts use each card's own due date, without the exam-date
// cap that Queue applies. Cards for ids not in the bank are ignored.
func Stats(b *Bank, cards map[string]Card, now time.Time) map[string]Counts {
	now = now.UTC()
	endOfDay := time.Date(now.Year(), now.Month(), now.Day()+1, 0, 0, 0, 0, time.UTC)
	endOfWeek := now.AddDate(0, 0, 7)
	var all Counts
	count := func(n *Counts, c Card, ok bool) {
		n.Total++
		if c.IsLeech() {
			n.Leeches++
		}
		if !ok || !c.Seen() {
			n.New++
			return
		}
		n.Seen++
		if c.Stability >= MasteryStability {
			n.Solid++
		}
		switch c.Stage() {
		case StageLearning:
			n.Learning++
		case StageYoung:
			n.Young++
		case StageMature:
			n.Mature++
		}
		switch {
		case !c.Due.After(now):
			n.DueNow++
			n.DueToday++
			n.DueWeek++
		case c.Due.Before(endOfDay):
			n.DueToday++
			n.DueWeek++
		case c.Due.Before(endOfWeek):
			n.DueWeek++
		}
	}
	out := make(map[string]Counts, len(Topics)+1)
	listed := make(map[string]bool, len(Topics))
	for _, t := range Topics {
		var n Counts
		for _, i := range b.byTopic[t.ID] {
			c, ok := cards[b.items[i].ID]
			count(&n, c, ok)
			count(&all, c, ok)
		}
		out[t.ID] = n
		listed[t.ID] = true
	}
	// A topic Topics does not list counts only in "".
	for topic, idx := range b.byTopic {
		if listed[topic] {
			continue
		}
		for _, i := range idx {
			c, ok := cards[b.items[i].ID]
			count(&all, c, ok)
		}
	}
	out[""] = all
	return out
}

// Leeches returns, in lesson order, the ids of bank items whose card is a leech.
func Leeches(b *Bank, cards map[string]Card) []string {
	var out []string
	for _, it := range b.items {
		if cards[it.ID].IsLeech() {
			out = append(out, it.ID)
		}
	}
	return out
}
