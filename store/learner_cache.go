package store

import (
	"cmp"
	"maps"
	"slices"
	"sync"
	"time"

	lru "github.com/hashicorp/golang-lru/v2"

	"github.com/jobs-api-trainer/trainer/quiz"
)

// The drill, progress, readiness, lesson and sandbox pages read a
// learner's cards, suspended items, exam date, per-topic drill tallies,
// answer days, recent sessions, exam history, sandbox calls, lesson
// predictions and open drill session on every view; reading the cards
// alone was ~75 % of the CPU of a drill question (issue 13's profile), and
// any SQLite read costs ~30 µs. They change only through this package's
// writes, so they are kept in memory per learner, filled on first read and
// kept true by every write:
//
//   - RecordAnswer (the hot path) updates the cached card, tally, day and
//     session totals in place once its transaction has committed;
//   - every other write of these tables (suspend, exam date, undo, exam
//     submission, MoveCardsDue, session start and end, sandbox calls,
//     predictions, pruning) drops what it changed or forgets the learner,
//     so the next read goes to the database.
//
// A read that raced a write must not install what it read before the
// write committed: each learner has a generation (striped, see gens), a
// write bumps it after its commit, and a fill installs only if the
// generation it saw before reading is still current.
//
// This assumes one process writes the database (main takes a lock on it:
// dblock_unix.go). The values handed out are shared and must not be
// modified by callers. TestLearnerCacheFollowsEveryWrite holds every
// cached read to a fresh handle's after each kind of write.

// learnerCacheSize bounds the learners kept: a learner with every bank
// item seen costs tens of KB, so this is a few tens of MB at most.
const learnerCacheSize = 1024

// genStripes is how many generation counters the learners share: two
// learners in one stripe only cost each other a cache fill now and then.
const genStripes = 256

// learnerState is one learner's cached reads. Each field is filled on its
// own first read; nil means not read yet. A learnerState is never changed
// once stored: updates store a modified copy.
type learnerState struct {
	cards     map[string]quiz.Card
	suspended map[string]bool
	examDate  *time.Time
	tallies   map[string]quiz.AnswerTally
	// days mirrors the learner's answer_days rows, oldest first.
	days []answerDay
	// recent holds the latest recentLimit sessions (RecentSessions), exams
	// the latest examsLimit submitted exams (ExamHistory); a shorter list
	// is all there is.
	recent      []SessionStats
	recentLimit int
	exams       []Exam
	examsLimit  int
	// calls holds the latest callsLimit sandbox calls (SandboxCalls).
	calls      []SandboxCall
	callsLimit int
	// session is the drill session last read (DrillSession), attempts
	// its answers (SessionAttempts) when attemptsOf is its id.
	session    *DrillSession
	attempts   []quiz.Attempt
	attemptsOf int64
	// guesses holds lesson predictions by lesson slug (Predictions).
	guesses map[string]map[int]string
}

// answerDay is one answer_days row: a UTC day number (dayNumber) and its
// totals.
type answerDay struct {
	day               int64
	answered, correct int
}

type learnerCache struct {
	mu   sync.Mutex
	lru  *lru.Cache[int64, *learnerState]
	gens [genStripes]uint64
	// writing counts the writes in flight per stripe that will apply
	// themselves to the cache (begin ... end): no fill may install while
	// one is, or a read made between its commit and its update would
	// already hold the write, and the update would apply it twice.
	writing [genStripes]int
}

func newLearnerCache() *learnerCache {
	c, err := lru.New[int64, *learnerState](learnerCacheSize)
	if err != nil { // only for a size <= 0
		panic(err)
	}
	return &learnerCache{lru: c}
}

// snapshot returns the learner's cached state (nil when none) and the
// generation a fill after a database read must present.
func (c *learnerCache) snapshot(id int64) (*learnerState, uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	st, _ := c.lru.Get(id)
	return st, c.gens[stripe(id)]
}

// fill stores what set writes into a copy of the learner's state, unless
// a write to the learner committed since gen was taken.
func (c *learnerCache) fill(id int64, gen uint64, set func(*learnerState)) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.gens[stripe(id)] != gen || c.writing[stripe(id)] > 0 {
		return
	}
	var next learnerState
	if st, ok := c.lru.Peek(id); ok {
		next = *st
	}
	set(&next)
	c.lru.Add(id, &next)
}

// begin marks writes to ids in flight until end: fills of their stripes
// are refused meanwhile (see writing).
func (c *learnerCache) begin(ids ...int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, id := range ids {
		c.writing[stripe(id)]++
		c.gens[stripe(id)]++
	}
}

// end closes begin's writes, committed or not.
func (c *learnerCache) end(ids ...int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, id := range ids {
		c.writing[stripe(id)]--
		c.gens[stripe(id)]++
	}
}

// update records a committed write: it bumps the learner's generation and,
// when the learner is cached, stores the copy that apply makes of it.
func (c *learnerCache) update(id int64, apply func(*learnerState)) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gens[stripe(id)]++
	if st, ok := c.lru.Peek(id); ok {
		next := *st
		apply(&next)
		c.lru.Add(id, &next)
	}
}

// forget records a committed write that the cache does not apply: the
// learner is read from the database next time.
func (c *learnerCache) forget(ids ...int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, id := range ids {
		c.gens[stripe(id)]++
		c.lru.Remove(id)
	}
}

func stripe(id int64) int { return int(uint64(id) % genStripes) }

// applyAnswer is RecordAnswer's committed answer applied to a cached state:
// the card replaced, the topic's tally grown (exam answers are not drill
// answers: quiz.IsExamAttempt).
func applyAnswer(st *learnerState, a quiz.Attempt, card quiz.Card) {
	// As stored: times in whole milliseconds, UTC, without a monotonic
	// reading (fromMS), so the cache holds what a read would return.
	card.Due, card.LastReview = fromMSOrZero(msOrZero(card.Due)), fromMSOrZero(msOrZero(card.LastReview))
	a.AnsweredAt = fromMS(ms(a.AnsweredAt))
	if st.cards != nil {
		st.cards = maps.Clone(st.cards)
		st.cards[a.ItemID] = card
	}
	if st.tallies != nil && !quiz.IsExamAttempt(a) {
		st.tallies = maps.Clone(st.tallies)
		t := st.tallies[a.Topic]
		t.Add(a)
		st.tallies[a.Topic] = t
	}
	if a.SessionID != 0 && a.SessionID == st.attemptsOf {
		st.attempts, st.attemptsOf = nil, 0 // read again, with the new answer's row id
	}
	if st.days != nil {
		st.days = addToDay(st.days, dayNumber(ms(a.AnsweredAt)), a.Correct)
	}
	if st.recent != nil && a.SessionID != 0 {
		if i := slices.IndexFunc(st.recent, func(s SessionStats) bool { return s.ID == a.SessionID }); i >= 0 {
			st.recent = slices.Clone(st.recent)
			s := &st.recent[i]
			s.Answered++
			if a.Correct {
				s.Correct++
			}
			s.Took += time.Duration(a.Took.Milliseconds()) * time.Millisecond
		}
	}
}

// addToDay is days (oldest first) with one answer added to day, as a new
// slice: what addAnswerDaySQL does to the table.
func addToDay(days []answerDay, day int64, correct bool) []answerDay {
	i, found := slices.BinarySearchFunc(days, day, func(d answerDay, day int64) int { return cmp.Compare(d.day, day) })
	out := slices.Clone(days)
	if !found {
		out = slices.Insert(out, i, answerDay{day: day})
	}
	out[i].answered++
	if correct {
		out[i].correct++
	}
	return out
}
