package quiz

import (
	"math"
	"testing"
	"time"

	fsrs "github.com/open-spaced-repetition/go-fsrs/v4"
)

// TestRetrievabilityMatchesFSRS: Card.Retrievability computes the FSRS
// library's forgetting curve itself, with its constants worked out once; it
// must give the library's value bit for bit, for every state, odd
// stabilities (clamped, invalid) and elapsed times (none, fractions of a
// day, years, before the last review).
func TestRetrievabilityMatchesFSRS(t *testing.T) {
	t.Parallel()
	last := time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC)
	stabilities := []float64{0.0001, 0.001, 0.3, 1, 2.5, 21, 365.25, 36500, 50000, 0, -1, math.NaN(), math.Inf(1)}
	elapsed := []time.Duration{-48 * time.Hour, 0, time.Minute, 23*time.Hour + 59*time.Minute, 24 * time.Hour, 36 * time.Hour, 30 * 24 * time.Hour, 3 * 365 * 24 * time.Hour}
	n := 0
	for _, state := range []fsrs.State{fsrs.New, fsrs.Learning, fsrs.Review, fsrs.Relearning, fsrs.State(9)} {
		for _, reps := range []uint64{0, 3} {
			for _, s := range stabilities {
				for _, e := range elapsed {
					for _, lr := range []time.Time{last, {}} {
						c := Card{}
						c.State, c.Reps, c.Stability, c.LastReview = state, reps, s, lr
						now := last.Add(e)
						want := 0.0
						if c.Seen() {
							if r, err := scheduler.Retrievability(c.Card, now); err == nil {
								want = r
							}
						}
						if got := c.Retrievability(now); math.Float64bits(got) != math.Float64bits(want) {
							t.Errorf("state %v reps %d stability %v elapsed %v last %v: %v, library %v", state, reps, s, e, lr, got, want)
						}
						n++
					}
				}
			}
		}
	}
	if n < 1000 {
		t.Fatalf("only %d cases", n)
	}
}
