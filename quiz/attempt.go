package quiz

import "time"

// Attempt is one answer to one showing of an item. Attempts are appended,
// never changed.
type Attempt struct {
	ID         int64 // set by the store
	LearnerID  int64
	SessionID  int64 // drill session; 0 for an answer outside a session
	ShowingID  string
	ItemID     string
	Kind       Kind
	Topic      string
	Chosen     []string // option texts chosen
	Correct    bool
	Took       time.Duration
	AnsweredAt time.Time
}

// MaxTook caps an answer's recorded time: a question left open over lunch
// says nothing about recall.
const MaxTook = time.Hour

// Answer is one answer to grade: the learner and the showing it answers,
// what was chosen, and the item's card before it.
type Answer struct {
	LearnerID int64
	SessionID int64 // drill session; 0 outside a session
	ShowingID string
	Item      Item
	Chosen    []string
	Card      Card      // the item's card before this answer
	ShownAt   time.Time // when the question was shown
	Now       time.Time
	ExamDate  time.Time // zero without one
}

// Decide grades a and returns the attempt to record (kind and topic copied
// from the item, which may change in a later bank; time taken clamped to
// [0, MaxTook]) and the card after it (rated by Rate, scheduled by
// Review). It returns ErrBadAnswer when the choice is not a possible answer
// of the item (none, several for a single-answer item, or an unknown text).
func Decide(a Answer) (Attempt, Card, error) {
	correct, err := Grade(a.Item, a.Chosen)
	if err != nil {
		return Attempt{}, Card{}, err
	}
	took := min(max(a.Now.Sub(a.ShownAt), 0), MaxTook)
	card := Review(a.Card, Rate(a.Item, correct, took), a.Now, a.ExamDate)
	return Attempt{
		LearnerID:  a.LearnerID,
		SessionID:  a.SessionID,
		ShowingID:  a.ShowingID,
		ItemID:     a.Item.ID,
		Kind:       a.Item.Kind,
		Topic:      a.Item.Topic,
		Chosen:     a.Chosen,
		Correct:    correct,
		Took:       took,
		AnsweredAt: a.Now,
	}, card, nil
}

// Session is what a drill session's next question is decided from.
type Session struct {
	Topic     string // "" for all topics
	Size      int    // questions asked, not counting a classify item's endpoint twin
	Attempts  []Attempt
	Cards     map[string]Card // the learner's cards by item id
	ExamDate  time.Time
	Suspended map[string]bool // items never asked (the learner suspended them)
}

// Next picks the session's next item: the endpoint half of a classify
// item just answered (the pair runs back to back), else the first item of
// the queue (Queue: due first, then new) not answered in this session. It
// reports false when the session is done.
func Next(b *Bank, s Session, now time.Time) (Item, bool) {
	answered := make(map[string]bool, len(s.Attempts))
	for _, a := range s.Attempts {
		answered[a.ItemID] = true
	}
	if n := len(s.Attempts); n > 0 && s.Attempts[n-1].Kind == Classify {
		if it, ok := b.Item(s.Attempts[n-1].ItemID); ok {
			if _, ep, ok := b.Pair(it.Scenario); ok && !answered[ep.ID] && !s.Suspended[ep.ID] {
				return ep, true
			}
		}
	}
	if len(s.Attempts) >= s.Size {
		return Item{}, false
	}
	// The whole order, so that items answered earlier in the session can
	// be skipped; the session's own size bounds what is asked.
	next := ""
	walkQueue(b, s.Cards, now, QueueOptions{Topic: s.Topic, ExamDate: s.ExamDate, Suspended: s.Suspended}, func(group []string) bool {
		for _, id := range group {
			if !answered[id] {
				next = id
				return false
			}
		}
		return true
	})
	if next == "" {
		return Item{}, false
	}
	return b.Item(next)
}

// Summary is the end-of-session report.
type Summary struct {
	Answered int
	Correct  int
	Accuracy float64       // Correct / Answered, 0 with no answers
	Took     time.Duration // total answer time
	Review   []string      // ids answered wrong, first time order, no repeats
	NextDue  time.Time     // earliest due card; zero when none seen
	NotSolid int           // items not solid for the exam date; 0 without one
}

// Summarize reports a session's attempts against the learner's cards
// (after the session) and optional exam date.
func Summarize(b *Bank, cards map[string]Card, attempts []Attempt, examDate time.Time) Summary {
	s := Summary{Answered: len(attempts), Accuracy: Accuracy(attempts)}
	wrong := map[string]bool{}
	for _, a := range attempts {
		s.Took += a.Took
		if a.Correct {
			s.Correct++
		} else if !wrong[a.ItemID] {
			wrong[a.ItemID] = true
			s.Review = append(s.Review, a.ItemID)
		}
	}
	s.NextDue, _ = NextDue(b, cards)
	if !examDate.IsZero() {
		s.NotSolid = len(NotSolid(b, cards, examDate))
	}
	return s
}
