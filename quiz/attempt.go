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

// NewAttempt builds the attempt for chosen answers to it, copying the
// item's kind and topic (which may change in a later bank).
func NewAttempt(learnerID, sessionID int64, showingID string, it Item, chosen []string, correct bool, took time.Duration, at time.Time) Attempt {
	return Attempt{
		LearnerID:  learnerID,
		SessionID:  sessionID,
		ShowingID:  showingID,
		ItemID:     it.ID,
		Kind:       it.Kind,
		Topic:      it.Topic,
		Chosen:     chosen,
		Correct:    correct,
		Took:       took,
		AnsweredAt: at,
	}
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
