package workspace

import (
	"context"
	"encoding/json"
	"fmt"
	"runtime/debug"
	"strings"
	"sync"
	"sync/atomic"
)

// writeQueue orders a workspace's writes to the store and commits them in
// groups. A request changes memory and queues its documents under the
// workspace's mutex (persist), releases the mutex, and only then waits for
// the store (settle): the first waiter writes everything queued so far in
// one transaction, and the requests that queued meanwhile wait for it and
// are written together next. So many requests to one workspace share one
// transaction instead of each holding the workspace through its own, and
// still no request is answered before what it changed (or saw) is stored:
// a run the API answered survives a crash.
//
// A failed write fails every write queued with or after it, and the
// workspace is dropped from memory (with its mutex held, so no request uses
// it afterwards): the next request reloads it from the store, which holds
// exactly the writes that were answered.
type writeQueue struct {
	mu      sync.Mutex
	cond    sync.Cond // signalled when done moves; uses mu
	pending []queuedWrite
	writing bool // a request is writing a group
	// enq is the sequence number of the last write queued, done that of
	// the last one settled (stored or failed). Both only grow; they are
	// changed under mu and read without it on the fast paths.
	enq, done atomic.Uint64
	err       error       // the failure every write from errFrom on gets; guarded by mu
	errFrom   uint64      // guarded by mu
	failed    atomic.Bool // err != nil, for the fast path
}

// queuedWrite is one persist call's documents.
type queuedWrite struct {
	seq     uint64
	puts    map[string][]byte
	deletes []string
}

// queue appends a write and returns its sequence number, or the error of
// an earlier failed write (the workspace is being dropped: nothing more
// may be queued on top of it). The caller holds the space's mutex, which
// keeps the queue in the order memory changed.
func (q *writeQueue) queue(puts map[string][]byte, deletes []string) (uint64, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.err != nil {
		return 0, q.err
	}
	seq := q.enq.Load() + 1
	q.pending = append(q.pending, queuedWrite{seq: seq, puts: puts, deletes: deletes})
	q.enq.Store(seq)
	return seq, nil
}

// busy reports whether writes are queued or being written.
func (q *writeQueue) busy() bool { return q.done.Load() != q.enq.Load() }

// settle waits until write seq (and every write before it) is stored,
// writing queued groups itself when no other request is, and returns the
// store's error if seq failed. failed is called once, by the request whose
// group failed, to drop the workspace.
func (q *writeQueue) settle(ctx context.Context, seq uint64, write func(ctx context.Context, puts map[string][]byte, deletes []string) error, failed func()) error {
	if seq == 0 || q.done.Load() >= seq {
		return q.result(seq)
	}
	ctx = context.WithoutCancel(ctx) // the group is other requests' writes too
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.cond.L == nil {
		q.cond.L = &q.mu
	}
	for q.done.Load() < seq {
		if q.writing || len(q.pending) == 0 {
			q.cond.Wait()
			continue
		}
		group := q.pending
		q.pending, q.writing = nil, true
		puts, deletes := merge(group)
		q.mu.Unlock()
		err := safeWrite(ctx, write, puts, deletes)
		q.mu.Lock()
		q.writing = false
		last := group[len(group)-1].seq
		if err != nil && q.err == nil {
			q.err, q.errFrom = err, group[0].seq
			q.failed.Store(true)
			// what was queued behind the group was built on it
			if n := len(q.pending); n > 0 {
				last = q.pending[n-1].seq
				q.pending = nil
			}
			q.done.Store(last)
			q.cond.Broadcast()
			q.mu.Unlock()
			failed()
			q.mu.Lock()
			continue
		}
		q.done.Store(last)
		q.cond.Broadcast()
	}
	return q.resultLocked(seq)
}

// safeWrite calls write, turning a panic into an error: the group's
// requests get their 500, and the queue's mutex is never left unlocked
// twice or locked forever.
func safeWrite(ctx context.Context, write func(ctx context.Context, puts map[string][]byte, deletes []string) error,
	puts map[string][]byte, deletes []string) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("workspace: store panicked: %v\n%s", v, debug.Stack())
		}
	}()
	return write(ctx, puts, deletes)
}

func (q *writeQueue) result(seq uint64) error {
	if seq == 0 || !q.failed.Load() {
		return nil // the usual case: no lock shared by every request
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.resultLocked(seq)
}

func (q *writeQueue) resultLocked(seq uint64) error {
	if q.err != nil && seq >= q.errFrom {
		return q.err
	}
	return nil
}

// flush waits until everything queued is stored (or failed), then forgets
// any failure: the caller, holding the space's mutex so that nothing new
// is queued meanwhile, is about to replace the workspace in the store and
// in memory (Reset).
func (q *writeQueue) flush(ctx context.Context, write func(ctx context.Context, puts map[string][]byte, deletes []string) error) {
	_ = q.settle(ctx, q.enq.Load(), write, func() {})
	q.mu.Lock()
	defer q.mu.Unlock()
	q.err, q.errFrom = nil, 0
	q.failed.Store(false)
}

// merge folds a group of writes, in order, into one: a later put or
// delete of a key wins over an earlier one, and no key is both put and
// deleted (a Store may apply either first).
func merge(group []queuedWrite) (map[string][]byte, []string) {
	if len(group) == 1 {
		return group[0].puts, group[0].deletes
	}
	puts := map[string][]byte{}
	dels := map[string]bool{}
	for _, w := range group {
		for _, k := range w.deletes {
			delete(puts, k)
			dels[k] = true
		}
		for k, b := range w.puts {
			puts[k] = b
			delete(dels, k)
		}
	}
	deletes := make([]string, 0, len(dels))
	for k := range dels {
		deletes = append(deletes, k)
	}
	return puts, deletes
}

// persist queues documents for the store once the caller has changed
// memory to match (under sp.mu), and notes the write on rq so that the
// answer waits for it (settle). It returns an error, changing nothing,
// only when an earlier write of the workspace failed; callers answer it
// with internal, a 500.
func (rq *req) persist(puts map[string][]byte, deletes []string) error {
	sp, m := rq.sp, rq.m
	sp.version.Add(1)
	if m.opts.Store == nil {
		sp.account(puts, deletes)
		return nil
	}
	meta, _ := json.Marshal(sp.meta)
	if puts == nil {
		puts = map[string][]byte{}
	}
	puts["meta"] = meta
	if _, err := sp.wq.queue(puts, deletes); err != nil {
		return fmt.Errorf("workspace: save %s: %w", sp.id, err)
	}
	sp.account(puts, deletes)
	for k := range puts {
		if h, ok := strings.CutPrefix(k, "tasks/"); ok {
			sp.ts.stored[h] = true
		}
	}
	for _, k := range deletes {
		if h, ok := strings.CutPrefix(k, "tasks/"); ok {
			delete(sp.ts.stored, h)
		}
	}
	return nil
}

// settle waits for the writes the answer to a request on sp may show
// (every write queued up to seq: its own, and those whose changes it
// read) and returns the store's error if one of them failed.
func (m *Manager) settle(ctx context.Context, sp *space, seq uint64) error {
	err := sp.wq.settle(ctx, seq, m.writer(sp), func() { m.drop(sp) })
	if err != nil {
		return fmt.Errorf("workspace: save %s: %w", sp.id, err)
	}
	return nil
}

// writer writes a group of sp's documents.
func (m *Manager) writer(sp *space) func(ctx context.Context, puts map[string][]byte, deletes []string) error {
	return func(ctx context.Context, puts map[string][]byte, deletes []string) error {
		return m.opts.Store.SaveWorkspace(ctx, sp.id, puts, deletes)
	}
}

// drop forgets sp after a failed write: marked evicted first (requests
// that already hold it reload instead of using it), then removed, so the
// next request loads the workspace as stored.
func (m *Manager) drop(sp *space) {
	sp.mu.Lock()
	sp.evicted = true
	sp.uncharge()
	sp.mu.Unlock()
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.spaces[sp.id] == sp {
		delete(m.spaces, sp.id)
	}
}
