package quiz

import (
	"cmp"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"time"
)

// RecentExams is how many of the learner's latest exams Draw avoids
// repeating items from, where the bank allows.
const RecentExams = 3

// ExamQuestion is one question of a mock exam and the learner's answer so
// far. An exam is a slice of them in the order shown (position = index+1).
type ExamQuestion struct {
	ItemID  string
	Topic   string   // copied from the item when drawn
	Chosen  []string // option texts; empty while unanswered
	Flagged bool     // marked "review before submitting"
}

// Answered reports whether the question has an answer.
func (q ExamQuestion) Answered() bool { return len(q.Chosen) > 0 }

// ErrDraw is returned by Draw when the bank cannot fill the exam.
var ErrDraw = errors.New("quiz: cannot draw exam")

// Quotas splits n questions over the blueprint's topics by weight, by
// largest remainder: each topic gets the floor of its exact share, and the
// questions left go to the largest fractional parts (ties: file order).
// The quotas add up to n; topics of weight 0 are absent.
func Quotas(bp Blueprint, n int) map[string]int {
	type share struct {
		topic string
		rem   int // remainder of weight*n / 100, in hundredths
		order int
	}
	out := map[string]int{}
	var shares []share
	given := 0
	for i, t := range bp.Topics {
		if t.Weight <= 0 {
			continue
		}
		out[t.Topic] = t.Weight * n / 100
		given += out[t.Topic]
		shares = append(shares, share{t.Topic, t.Weight * n % 100, i})
	}
	slices.SortStableFunc(shares, func(a, b share) int { return cmp.Or(b.rem-a.rem, a.order-b.order) })
	for i := 0; given < n && len(shares) > 0; i++ {
		out[shares[i%len(shares)].topic]++
		given++
	}
	return out
}

// Draw draws an exam of n questions from b by the blueprint's weights
// (Quotas), seeded so the same seed draws the same exam. Items in recent
// (those of the learner's last exams) are drawn only when a topic has too
// few others. A classify item and the endpoint item of its scenario are
// drawn together, count as two questions and stay adjacent, classify
// first. A topic whose quota is odd and whose unused items are all pairs
// is topped up from the topic furthest below its quota. It returns ErrDraw
// when the bank has fewer than n items to give.
func Draw(b *Bank, bp Blueprint, n int, recent map[string]bool, seed uint64) ([]ExamQuestion, error) {
	if n < 1 {
		return nil, fmt.Errorf("%w: %d questions", ErrDraw, n)
	}
	r := rand.New(rand.NewPCG(seed, 0x65_78_61_6d)) // "exam"
	quota := Quotas(bp, n)
	units := map[string][][]int{} // topic -> unused units (a pair or a single item)
	for _, t := range bp.Topics {
		if quota[t.Topic] == 0 && t.Weight == 0 {
			continue
		}
		var us [][]int
		for _, i := range b.topicItems(t.Topic) {
			it := b.items[i]
			p := b.partner(i)
			switch {
			case p >= 0 && it.Kind == Endpoint:
				continue // drawn with its classify item
			case p >= 0:
				us = append(us, []int{i, p})
			default:
				us = append(us, []int{i})
			}
		}
		r.Shuffle(len(us), func(x, y int) { us[x], us[y] = us[y], us[x] })
		isRecent := func(u []int) int {
			for _, i := range u {
				if recent[b.items[i].ID] {
					return 1
				}
			}
			return 0
		}
		slices.SortStableFunc(us, func(x, y []int) int { return isRecent(x) - isRecent(y) })
		units[t.Topic] = us
	}
	got := map[string]int{}
	var picked [][]int
	total := 0
	take := func(topic string, k int) {
		u := units[topic][k]
		units[topic] = slices.Delete(units[topic], k, k+1)
		picked = append(picked, u)
		got[topic] += len(u)
		total += len(u)
	}
	// fit finds the first unused unit of topic of at most room questions.
	fit := func(topic string, room int) int {
		return slices.IndexFunc(units[topic], func(u []int) bool { return len(u) <= room })
	}
	for _, t := range bp.Topics {
		for got[t.Topic] < quota[t.Topic] {
			k := fit(t.Topic, quota[t.Topic]-got[t.Topic])
			if k < 0 {
				break
			}
			take(t.Topic, k)
		}
	}
	for total < n {
		// Top up from the topic furthest below its quota (then the
		// heavier, then file order) that has a unit that fits.
		order := slices.Clone(bp.Topics)
		slices.SortStableFunc(order, func(x, y BlueprintTopic) int {
			return cmp.Or((quota[y.Topic]-got[y.Topic])-(quota[x.Topic]-got[x.Topic]), y.Weight-x.Weight)
		})
		done := true
		for _, t := range order {
			if t.Weight == 0 {
				continue
			}
			if k := fit(t.Topic, n-total); k >= 0 {
				take(t.Topic, k)
				done = false
				break
			}
		}
		if done {
			return nil, fmt.Errorf("%w: the bank has %d of the %d questions the blueprint's topics need", ErrDraw, total, n)
		}
	}
	r.Shuffle(len(picked), func(x, y int) { picked[x], picked[y] = picked[y], picked[x] })
	out := make([]ExamQuestion, 0, n)
	for _, u := range picked {
		for _, i := range u {
			out = append(out, ExamQuestion{ItemID: b.items[i].ID, Topic: b.items[i].Topic})
		}
	}
	return out, nil
}

// CheckExamAnswer checks an answer to an exam question before it is
// saved: nothing chosen is allowed (the question goes back to
// unanswered); otherwise the choice must be possible for the item (Grade's
// rules). It returns ErrBadAnswer otherwise.
func CheckExamAnswer(it Item, chosen []string) error {
	if len(chosen) == 0 {
		return nil
	}
	_, err := Grade(it, chosen)
	return err
}

// TimeUp reports whether an exam with deadline is over at now: the
// deadline is the server's, and an answer at or after it is refused.
func TimeUp(deadline, now time.Time) bool { return !now.Before(deadline) }

// Remaining is the time left before deadline at now, never negative.
func Remaining(deadline, now time.Time) time.Duration { return max(deadline.Sub(now), 0) }

// TopicScore is one topic's part of an exam result.
type TopicScore struct {
	Topic          string
	Correct, Total int
}

// Percent is the topic's share right, rounded down, 0 with no questions.
func (t TopicScore) Percent() int {
	if t.Total == 0 {
		return 0
	}
	return t.Correct * 100 / t.Total
}

// ExamScore is an exam's result.
type ExamScore struct {
	Correct  int
	Total    int // questions whose item is still in the bank
	Answered int
	Percent  int  // Correct / Total, rounded down
	Passed   bool // Correct / Total >= the pass mark, compared exactly
	Topics   []TopicScore
	Right    []bool // per question, in exam order; false for unanswered
}

// ScoreExam grades every question of an exam against b: one point per
// question right, multi items all or nothing (Grade), unanswered questions
// wrong. A question whose item has left the bank is not counted. Topics
// are in the blueprint's order, then any other topic. The pass mark is
// passPercent of Total.
func ScoreExam(b *Bank, bp Blueprint, qs []ExamQuestion, passPercent int) ExamScore {
	s := ExamScore{Right: make([]bool, len(qs))}
	per := map[string]*TopicScore{}
	var order []string
	for _, t := range bp.Topics {
		per[t.Topic] = &TopicScore{Topic: t.Topic}
		order = append(order, t.Topic)
	}
	for i, q := range qs {
		it, ok := b.Item(q.ItemID)
		if !ok {
			continue
		}
		ts := per[it.Topic]
		if ts == nil {
			ts = &TopicScore{Topic: it.Topic}
			per[it.Topic] = ts
			order = append(order, it.Topic)
		}
		s.Total++
		ts.Total++
		if !q.Answered() {
			continue
		}
		s.Answered++
		if right, err := Grade(it, q.Chosen); err == nil && right {
			s.Correct++
			ts.Correct++
			s.Right[i] = true
		}
	}
	for _, t := range order {
		if per[t].Total > 0 {
			s.Topics = append(s.Topics, *per[t])
		}
	}
	if s.Total > 0 {
		s.Percent = s.Correct * 100 / s.Total
		s.Passed = s.Correct*100 >= passPercent*s.Total
	}
	return s
}

// ReviewOrder returns the exam's question indexes in the order the review
// shows them: flagged questions first, then the wrong or unanswered ones,
// then the rest, each group in exam order. right is ExamScore.Right.
func ReviewOrder(qs []ExamQuestion, right []bool) []int {
	group := func(i int) int {
		switch {
		case qs[i].Flagged:
			return 0
		case i >= len(right) || !right[i]:
			return 1
		default:
			return 2
		}
	}
	out := make([]int, len(qs))
	for i := range out {
		out[i] = i
	}
	slices.SortStableFunc(out, func(x, y int) int { return group(x) - group(y) })
	return out
}

// ExamFeed turns a submitted exam's answers into what FSRS learns from
// them: for each answered question still in the bank, an attempt (showing
// id "exam-<examID>-<position>", time taken unknown, so zero) and the
// item's card after it, a wrong answer rated Again (a lapse) and a right
// one Good (a review). Unanswered questions teach nothing and are
// skipped. cards are the learner's cards before the exam; they are not
// changed.
func ExamFeed(b *Bank, learnerID, examID int64, qs []ExamQuestion, cards map[string]Card, now, examDate time.Time) ([]Attempt, map[string]Card) {
	var attempts []Attempt
	after := map[string]Card{}
	for i, q := range qs {
		it, ok := b.Item(q.ItemID)
		if !ok || !q.Answered() {
			continue
		}
		right, err := Grade(it, q.Chosen)
		if err != nil {
			right = false // an option the bank no longer has
		}
		rating := Good
		if !right {
			rating = Again
		}
		c, seen := after[it.ID]
		if !seen {
			c = cards[it.ID]
		}
		after[it.ID] = Review(c, rating, now, examDate)
		attempts = append(attempts, Attempt{
			LearnerID:  learnerID,
			ShowingID:  fmt.Sprintf("exam-%d-%d", examID, i+1),
			ItemID:     it.ID,
			Kind:       it.Kind,
			Topic:      it.Topic,
			Chosen:     slices.Clone(q.Chosen),
			Correct:    right,
			AnsweredAt: now,
		})
	}
	return attempts, after
}
