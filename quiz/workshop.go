package quiz

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Scoring is how a workshop question scores a right answer.
type Scoring string

// The workshop scoring rules.
const (
	// ScoreCorrect gives MaxPoints for every right answer, whatever its time.
	ScoreCorrect Scoring = "correct"
	// ScoreSpeed gives a right answer between MinSpeedPoints (at the
	// deadline) and MaxPoints (at once), by the server's receive time.
	ScoreSpeed Scoring = "speed"
)

// MaxPoints is what the best right answer (or the fastest race solve) earns.
const MaxPoints = 1000

// MinSpeedPoints is what a right answer earns at the very deadline under
// ScoreSpeed: being right always counts for half.
const MinSpeedPoints = 500

// Points is what an answer earns: nothing when wrong; under ScoreSpeed,
// MaxPoints scaled down linearly to MinSpeedPoints over limit (untimed
// questions, limit <= 0, earn MaxPoints); under ScoreCorrect, MaxPoints.
// elapsed is from the question's opening to the server receiving the answer.
func Points(s Scoring, correct bool, elapsed, limit time.Duration) int {
	if !correct {
		return 0
	}
	if s != ScoreSpeed || limit <= 0 {
		return MaxPoints
	}
	frac := 1 - float64(max(elapsed, 0))/float64(limit)
	frac = min(max(frac, 0), 1)
	return MinSpeedPoints + int(float64(MaxPoints-MinSpeedPoints)*frac+0.5)
}

// RacePoints is what solving a sandbox race earns: races always score time,
// so it is Points under ScoreSpeed.
func RacePoints(elapsed, limit time.Duration) int {
	return Points(ScoreSpeed, true, elapsed, limit)
}

// Entry is one participant's totals, the input of Rank.
type Entry struct {
	Seat    int64  // seat id: lower joined earlier
	Name    string // display name
	Score   int    // points
	Correct int    // right answers and race solves
	TimeMS  int64  // summed answer times of the right answers
}

// Placed is an Entry with its position on the leaderboard (1 = first).
type Placed struct {
	Entry
	Rank int
}

// Rank orders a leaderboard: more points first; on equal points, more right
// answers; then the smaller total time spent on the right answers; then
// whoever joined first (the lower seat). Positions are distinct: the
// tie-break always decides.
func Rank(es []Entry) []Placed {
	s := slices.Clone(es)
	slices.SortStableFunc(s, func(a, b Entry) int {
		return cmp.Or(
			cmp.Compare(b.Score, a.Score),
			cmp.Compare(b.Correct, a.Correct),
			cmp.Compare(a.TimeMS, b.TimeMS),
			cmp.Compare(a.Seat, b.Seat),
		)
	})
	out := make([]Placed, len(s))
	for i, e := range s {
		out[i] = Placed{Entry: e, Rank: i + 1}
	}
	return out
}

// Response is one answer to a workshop question, the input of Difficulty.
type Response struct {
	Choice    string
	Correct   bool
	ElapsedMS int64
}

// QuestionStats is how a workshop question went.
type QuestionStats struct {
	Answered    int
	Right       int
	RightShare  int   // percent of answers that were right (0 when none)
	AvgMS       int64 // mean answer time (0 when none)
	Counts      []int // answers per option, in the item's option order
	CommonWrong string
}

// Difficulty summarises the responses to a question with the given
// options: the share right, the mean time, the distribution and the most
// common wrong answer ("" when nobody was wrong; on a tie, the option
// listed first).
func Difficulty(options []string, rs []Response) QuestionStats {
	st := QuestionStats{Counts: make([]int, len(options))}
	var total int64
	for _, r := range rs {
		st.Answered++
		total += r.ElapsedMS
		if r.Correct {
			st.Right++
		}
		if i := slices.Index(options, r.Choice); i >= 0 {
			st.Counts[i]++
		}
	}
	if st.Answered > 0 {
		st.RightShare = st.Right * 100 / st.Answered
		st.AvgMS = total / int64(st.Answered)
	}
	best := 0
	wrong := map[string]int{}
	for _, r := range rs {
		if !r.Correct {
			wrong[r.Choice]++
		}
	}
	for _, o := range options {
		if n := wrong[o]; n > best {
			best, st.CommonWrong = n, o
		}
	}
	return st
}

// JoinCodeAlphabet is the join codes' letters and digits: none that read
// alike on a projector or a phone (no 0/O/Q/D, 1/I/L, 2/Z, 5/S, 8/B, 6/G).
const JoinCodeAlphabet = "ACEFHJKMNPRTUVWXY3479"

// JoinCodeLen is a join code's length.
const JoinCodeLen = 6

// JoinCode turns JoinCodeLen random bytes into a join code (each byte
// picks a letter of JoinCodeAlphabet). It returns ErrBadCode when random
// is shorter than JoinCodeLen.
func JoinCode(random []byte) (string, error) {
	if len(random) < JoinCodeLen {
		return "", ErrBadCode
	}
	b := make([]byte, JoinCodeLen)
	for i := range b {
		b[i] = JoinCodeAlphabet[int(random[i])%len(JoinCodeAlphabet)]
	}
	return string(b), nil
}

// ErrBadCode is a join code that cannot be one: wrong length or letters.
var ErrBadCode = errors.New("quiz: not a join code")

// NormalizeCode reads a typed join code: case, spaces and dashes do not
// matter. It returns ErrBadCode when the rest is not JoinCodeLen letters
// of JoinCodeAlphabet.
func NormalizeCode(s string) (string, error) {
	var b strings.Builder
	for _, r := range strings.ToUpper(s) {
		if r == ' ' || r == '-' {
			continue
		}
		if !strings.ContainsRune(JoinCodeAlphabet, r) {
			return "", ErrBadCode
		}
		b.WriteRune(r)
	}
	if b.Len() != JoinCodeLen {
		return "", ErrBadCode
	}
	return b.String(), nil
}

// MaxNameLen is the longest display name a participant can take, in
// characters.
const MaxNameLen = 24

// The errors of CleanText, each a reason to show next to the field.
var (
	// ErrBadName is a name or title with nothing printable in it.
	ErrBadName = errors.New("quiz: empty name")
	// ErrNotText is text with bytes that are not UTF-8, or with control or
	// format characters (NUL, escape, zero-width spaces, bidirectional
	// marks; the joiners names need are allowed): they would show raw, or
	// reorder the page around them.
	ErrNotText = errors.New("quiz: not plain text")
)

// The two format characters names need: the zero-width non-joiner (Persian
// and other scripts write names with it) and the zero-width joiner (emoji
// sequences such as 👩‍💻). Every other format character (bidirectional
// overrides, zero-width spaces, byte-order marks) is refused.
const (
	zwnj = '\u200c'
	zwj  = '\u200d'
)

// TooLongError is text longer than Max characters.
type TooLongError struct{ Max int }

func (e TooLongError) Error() string { return fmt.Sprintf("quiz: longer than %d characters", e.Max) }

// CleanText is the rule for every short text a person types to be shown to
// others (a display name, a workshop name, a workshop title): it trims the
// text and folds each run of white space into one space, then refuses it,
// rather than changing it silently, when it is empty (ErrBadName), when it
// is not plain text (ErrNotText) or when it is longer than max characters
// (a TooLongError).
func CleanText(s string, max int) (string, error) {
	if !utf8.ValidString(s) {
		return "", ErrNotText
	}
	s = strings.Join(strings.FieldsFunc(s, unicode.IsSpace), " ")
	for _, r := range s {
		if !unicode.IsPrint(r) && r != ' ' && r != zwnj && r != zwj {
			return "", ErrNotText
		}
	}
	switch n := utf8.RuneCountInString(s); {
	case n == 0:
		return "", ErrBadName
	case n > max:
		return "", TooLongError{Max: max}
	}
	return s, nil
}

// CleanName is CleanText for a participant's name (at most MaxNameLen
// characters).
func CleanName(s string) (string, error) { return CleanText(s, MaxNameLen) }

// NameKey is the form of a display name that must be unique in a
// workshop: "Ada", "ada" and "ADA" clash.
func NameKey(name string) string { return strings.ToLower(name) }

// SuggestName proposes a free name for a clashing one: name with the
// smallest number from 2 up that taken does not report, cut so the
// result stays within MaxNameLen.
func SuggestName(name string, taken func(key string) bool) string {
	for i := 2; ; i++ {
		suffix := " " + strconv.Itoa(i)
		base := name
		for utf8.RuneCountInString(base)+len(suffix) > MaxNameLen {
			_, size := utf8.DecodeLastRuneInString(base)
			base = base[:len(base)-size]
		}
		cand := strings.TrimSpace(base) + suffix
		if !taken(NameKey(cand)) {
			return cand
		}
	}
}
