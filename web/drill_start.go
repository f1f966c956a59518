package web

import (
	"crypto/rand"
	"encoding/hex"
	"strconv"
	"sync"
)

// startLedger makes starting a drill idempotent: each start form carries a
// random start_id, and a second POST with the same id (a double click, a
// resent form) gets the session the first one created instead of a new
// one. It lives in memory and forgets the oldest ids past maxStarts; the
// zero value is ready to use.
type startLedger struct {
	mu    sync.Mutex // held while a session is created, so a racing duplicate waits for it
	ids   map[string]int64
	order []string
}

// maxStarts bounds the ids the ledger remembers.
const maxStarts = 4096

// newStartID is a fresh id for a start form.
func newStartID() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// validStartID reports whether id looks like one newStartID made.
func validStartID(id string) bool {
	if len(id) != 24 {
		return false
	}
	_, err := hex.DecodeString(id)
	return err == nil
}

// once returns the session already started for (learner, startID), or
// calls create and remembers what it returns. create runs under the
// ledger's lock.
func (l *startLedger) once(learner int64, startID string, create func() (int64, error)) (int64, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	key := strconv.FormatInt(learner, 10) + "/" + startID
	if id, ok := l.ids[key]; ok {
		return id, nil
	}
	id, err := create()
	if err != nil {
		return 0, err
	}
	if l.ids == nil {
		l.ids = map[string]int64{}
	}
	l.ids[key] = id
	l.order = append(l.order, key)
	if len(l.order) > maxStarts {
		delete(l.ids, l.order[0])
		l.order = l.order[1:]
	}
	return id, nil
}
