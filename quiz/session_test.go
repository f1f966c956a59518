package quiz

import (
	"errors"
	"testing"
	"time"
)

// TestNext: a classify answer is followed by its endpoint twin, answered
// items are skipped, and the session ends at its size.
func TestNext(t *testing.T) {
	t.Parallel()
	b := loadGood(t)
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	var classify Item
	for _, it := range b.Items() {
		if it.Kind == Classify {
			if _, _, ok := b.Pair(it.Scenario); ok {
				classify = it
				break
			}
		}
	}
	if classify.ID == "" {
		t.Fatal("the good bank has no classify/endpoint pair")
	}
	_, twin, _ := b.Pair(classify.Scenario)
	s := Session{Size: 1, Attempts: []Attempt{{ItemID: classify.ID, Kind: Classify}}}
	if got, ok := Next(b, s, now); !ok || got.ID != twin.ID {
		t.Fatalf("after %s: next %s %v, want its twin %s", classify.ID, got.ID, ok, twin.ID)
	}
	// The twin answered, size reached: done.
	s.Attempts = append(s.Attempts, Attempt{ItemID: twin.ID, Kind: Endpoint})
	if got, ok := Next(b, s, now); ok {
		t.Fatalf("session of size 1 went on with %s", got.ID)
	}
	// A larger session never repeats an answered item.
	s.Size = b.Len()
	seen := map[string]bool{classify.ID: true, twin.ID: true}
	for range b.Len() {
		it, ok := Next(b, s, now)
		if !ok {
			break
		}
		if seen[it.ID] {
			t.Fatalf("%s asked twice", it.ID)
		}
		seen[it.ID] = true
		s.Attempts = append(s.Attempts, Attempt{ItemID: it.ID, Kind: it.Kind})
	}
	if len(seen) != b.Len() {
		t.Errorf("asked %d of %d items", len(seen), b.Len())
	}
}

// TestNextSuspended: a suspended item is never asked, not even as the
// endpoint twin of a classify just answered.
func TestNextSuspended(t *testing.T) {
	t.Parallel()
	b := loadGood(t)
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	tests := []struct {
		name      string
		suspended map[string]bool
		attempts  []Attempt
		want      string
	}{
		{"none suspended", nil, nil, "jr-last-night"},
		{"first item suspended", map[string]bool{"jr-last-night": true}, nil, "jr-notebooks"},
		{"twin suspended", map[string]bool{"ep-last-night": true},
			[]Attempt{{ItemID: "jr-last-night", Kind: Classify}}, "jr-notebooks"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := Session{Size: 10, Attempts: tt.attempts, Suspended: tt.suspended}
			got, ok := Next(b, s, now)
			if !ok || got.ID != tt.want {
				t.Errorf("Next = %s %v, want %s", got.ID, ok, tt.want)
			}
		})
	}
}

// TestDecide: grading, the clamp on time taken, the card moving on, and a
// choice that is not an option.
func TestDecide(t *testing.T) {
	t.Parallel()
	b := loadGood(t)
	it := b.Items()[0]
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	in := Answer{LearnerID: 7, SessionID: 3, ShowingID: "s1", Item: it, Chosen: it.Answers(),
		ShownAt: now.Add(-5 * time.Hour), Now: now}
	a, c, err := Decide(in)
	if err != nil {
		t.Fatal(err)
	}
	if !a.Correct || a.Took != MaxTook || a.ItemID != it.ID || a.Kind != it.Kind || a.Topic != it.Topic || a.LearnerID != 7 || a.SessionID != 3 || !a.AnsweredAt.Equal(now) {
		t.Errorf("attempt %+v", a)
	}
	if !c.Seen() || !c.Due.After(now) {
		t.Errorf("card after a right answer: %+v", c)
	}
	in.ShownAt = now.Add(time.Minute) // a clock skew: never negative
	if a, _, _ := Decide(in); a.Took != 0 {
		t.Errorf("took %v for a question shown in the future", a.Took)
	}
	in.Chosen = []string{"not an option"}
	if _, _, err := Decide(in); !errors.Is(err, ErrBadAnswer) {
		t.Errorf("unknown choice: %v", err)
	}
}
