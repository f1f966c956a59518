package quiz

import (
	"errors"
	"hash/fnv"
	"math/rand/v2"
	"slices"
	"time"
	"unicode/utf8"

	fsrs "github.com/open-spaced-repetition/go-fsrs/v4"
)

// ErrBadAnswer is returned by Grade for an answer that could not have come
// from the form: an option the item does not have, a repeated option,
// nothing chosen, or several options for a single-answer item.
var ErrBadAnswer = errors.New("quiz: bad answer")

// Grade reports whether chosen (option texts, in any order) is right for
// it. Multi items are all or nothing: exactly the keys. It returns
// ErrBadAnswer when chosen is not a possible answer.
func Grade(it Item, chosen []string) (bool, error) {
	if len(chosen) == 0 {
		return false, ErrBadAnswer
	}
	if it.Kind != Multi && len(chosen) > 1 {
		return false, ErrBadAnswer
	}
	seen := make(map[string]bool, len(chosen))
	for _, c := range chosen {
		if seen[c] || !slices.Contains(it.Options, c) {
			return false, ErrBadAnswer
		}
		seen[c] = true
	}
	keys := it.Answers()
	if len(keys) != len(chosen) {
		return false, nil
	}
	for _, k := range keys {
		if !seen[k] {
			return false, nil
		}
	}
	return true, nil
}

// Rating is the FSRS grade of one review.
type Rating = fsrs.Rating

// The four FSRS ratings.
const (
	Again = fsrs.Again
	Hard  = fsrs.Hard
	Good  = fsrs.Good
	Easy  = fsrs.Easy
)

// PaceThresholds decide how an answer's time turns into an FSRS rating.
// Both thresholds grow by PerRune for every character the learner has to
// read (stem and options), so a long scenario is not rated Hard for being
// long.
type PaceThresholds struct {
	Fast    time.Duration // a right answer in at most this long is Easy
	Slow    time.Duration // a right answer taking longer than this is Hard
	PerRune time.Duration // reading allowance per character of stem and options
}

// DefaultPace returns the answer-time thresholds Rate uses. It is the one
// place they are set; each call returns a fresh value, so no caller can
// change them for everyone else.
func DefaultPace() PaceThresholds {
	return PaceThresholds{Fast: 6 * time.Second, Slow: 25 * time.Second, PerRune: 15 * time.Millisecond}
}

// Rate turns an answer into an FSRS rating with the DefaultPace thresholds:
// wrong is Again, slow right is Hard, fast right is Easy, any other right
// is Good.
func Rate(it Item, correct bool, took time.Duration) Rating {
	return DefaultPace().Rate(it, correct, took)
}

// Rate turns an answer into an FSRS rating with thresholds p.
func (p PaceThresholds) Rate(it Item, correct bool, took time.Duration) Rating {
	if !correct {
		return Again
	}
	fast, slow := p.For(it)
	switch {
	case took <= fast:
		return Easy
	case took > slow:
		return Hard
	default:
		return Good
	}
}

// For returns the fast and slow thresholds for it, reading allowance included.
func (p PaceThresholds) For(it Item) (fast, slow time.Duration) {
	n := utf8.RuneCountInString(it.Stem)
	if it.Kind != Classify {
		for _, o := range it.Options {
			n += utf8.RuneCountInString(o)
		}
	}
	extra := time.Duration(n) * p.PerRune
	return p.Fast + extra, p.Slow + extra
}

// Shuffle returns the item's options in the order to show them for one showing,
// derived only from the item and seed, so the server can re-derive the
// order from the seed it handed out. Every permutation is equally likely
// over seeds, so each position holds the key equally often. Classify items
// are never shuffled: they always show job, then run.
func Shuffle(it Item, seed uint64) []string {
	out := slices.Clone(it.Options)
	if it.Kind == Classify {
		return out
	}
	h := fnv.New64a()
	h.Write([]byte(it.ID))
	r := rand.New(rand.NewPCG(seed, h.Sum64()))
	r.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	return out
}
