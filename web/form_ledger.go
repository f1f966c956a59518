package web

import (
	"crypto/rand"
	"encoding/hex"
	"strconv"
	"sync"

	lru "github.com/hashicorp/golang-lru/v2"
)

// formLedger makes a form that creates something (a drill session, a
// workshop) idempotent: the form carries a random form id (newFormID),
// and a second POST with the same id from the same learner (a double
// click, a resent or replayed form) gets what the first one created, a T,
// instead of creating another. It lives in memory and forgets the least
// recently used ids past maxFormIDs; the zero value is ready to use.
type formLedger[T any] struct {
	mu   sync.Mutex // held while create runs, so a racing duplicate waits for it
	seen *lru.Cache[string, T]
}

// maxFormIDs bounds the ids a ledger remembers.
const maxFormIDs = 4096

// newFormID is a fresh id for a form.
func newFormID() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// validFormID reports whether id looks like one newFormID made.
func validFormID(id string) bool {
	if len(id) != 24 {
		return false
	}
	_, err := hex.DecodeString(id)
	return err == nil
}

// once returns what was already created for (learner, formID), or calls
// create and remembers what it returns (not its errors: a failed attempt
// may be tried again). create runs under the ledger's lock.
func (l *formLedger[T]) once(learner int64, formID string, create func() (T, error)) (T, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.seen == nil {
		l.seen, _ = lru.New[string, T](maxFormIDs) // only fails for a size <= 0
	}
	key := strconv.FormatInt(learner, 10) + "/" + formID
	if v, ok := l.seen.Get(key); ok {
		return v, nil
	}
	v, err := create()
	if err != nil {
		return v, err
	}
	l.seen.Add(key, v)
	return v, nil
}
