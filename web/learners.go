package web

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/jobs-api-trainer/trainer/store"
	"github.com/jobs-api-trainer/trainer/workspace"
)

// learnerCache keeps learner rows in memory: every page request needs the
// learner, and they change only through this server (display names), so a
// read per request is wasted work on the hot drill path. A server sharing
// its database with another process would see stale names until restart;
// the trainer runs one process per database.
type learnerCache struct {
	db *store.DB
	mu sync.RWMutex
	m  map[int64]store.Learner
}

func newLearnerCache(db *store.DB) *learnerCache {
	return &learnerCache{db: db, m: map[int64]store.Learner{}}
}

// get returns the learner, from memory when it has been seen before;
// store.ErrNotFound when there is no such learner.
func (c *learnerCache) get(ctx context.Context, id int64) (store.Learner, error) {
	c.mu.RLock()
	l, ok := c.m[id]
	c.mu.RUnlock()
	if ok {
		return l, nil
	}
	l, err := c.db.Learner(ctx, id)
	if err != nil {
		return store.Learner{}, err
	}
	c.put(l)
	return l, nil
}

func (c *learnerCache) put(l store.Learner) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.m) >= 100_000 { // bound memory; a refill is one query per learner
		clear(c.m)
	}
	c.m[l.ID] = l
}

// setDisplayName renames the learner in the database, then in memory.
func (c *learnerCache) setDisplayName(ctx context.Context, id int64, name string) error {
	if err := c.db.SetDisplayName(ctx, id, name); err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if l, ok := c.m[id]; ok {
		l.DisplayName = name
		c.m[id] = l
	}
	return nil
}

// bumpSessionGen moves the learner to a new session generation in the
// database, then in memory, and returns it; store.ErrNotFound when there
// is no such learner.
func (c *learnerCache) bumpSessionGen(ctx context.Context, id int64) (int64, error) {
	gen, err := c.db.BumpSessionGen(ctx, id)
	if err != nil {
		return 0, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if l, ok := c.m[id]; ok {
		l.SessionGen = gen
		c.m[id] = l
	}
	return gen, nil
}

// forget drops learners from memory (they were deleted).
func (c *learnerCache) forget(ids []int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, id := range ids {
		delete(c.m, id)
	}
}

// idleLearnerAge is how long a learner who left nothing behind (their one
// action stored nothing, such as switching live mode off) is kept.
const idleLearnerAge = 24 * time.Hour

// pruneEvery is how often creating a learner also prunes idle ones: only
// creation adds them, so this bounds them without a background job.
const pruneEvery = time.Hour

// pruneIdle deletes idle learners when the last pruning is pruneEvery ago,
// and forgets them here, so their cookies count as no cookie. A failure
// is logged and retried at the next due time: it costs nothing but space.
func (s *server) pruneIdle(ctx context.Context) {
	now := s.now()
	s.pruneMu.Lock()
	if now.Before(s.nextPrune) {
		s.pruneMu.Unlock()
		return
	}
	s.nextPrune = now.Add(pruneEvery)
	s.pruneMu.Unlock()
	ids, err := s.db.PruneIdleLearners(ctx, now.Add(-idleLearnerAge))
	if err != nil {
		s.log.Warn("prune idle learners", "err", err)
		return
	}
	s.learners.forget(ids)
	if len(ids) > 0 {
		s.log.Info("pruned idle learners", "count", len(ids))
	}
}

// TokenResolver is the rule from a Bearer token to a sandbox workspace, for
// workspace.Options.Resolve: each of the fixed tokens (-sandbox-token)
// opens the one shared workspace; a learner's sandbox token opens that
// learner's workspace (store.WorkspaceOf); a workshop seat's token opens
// the seat's race workspace (store.WorkshopWorkspaceOf) while the seat is
// not kicked. An unknown token is
// workspace.ErrUnknownToken; a store failure is returned as it is (a 500).
func TokenResolver(db *store.DB, fixed []string) func(context.Context, string) (workspace.Identity, error) {
	shared := map[string]bool{}
	for _, t := range fixed {
		shared[t] = true
	}
	return func(ctx context.Context, token string) (workspace.Identity, error) {
		if shared[token] {
			return workspace.Identity{WorkspaceID: "shared", UserName: "sandbox@example.com"}, nil
		}
		id, err := db.ResolveSandboxToken(ctx, token)
		if errors.Is(err, store.ErrNotFound) {
			return seatIdentity(ctx, db, token)
		}
		if err != nil {
			return workspace.Identity{}, err
		}
		return workspace.Identity{WorkspaceID: store.WorkspaceOf(id), UserName: fmt.Sprintf("learner-%d@sandbox.example", id)}, nil
	}
}

// seatIdentity resolves a workshop seat's race token: ErrUnknownToken when
// it is none.
func seatIdentity(ctx context.Context, db *store.DB, token string) (workspace.Identity, error) {
	wid, seat, err := db.ResolveSeatToken(ctx, token)
	if errors.Is(err, store.ErrNotFound) {
		return workspace.Identity{}, workspace.ErrUnknownToken
	}
	if err != nil {
		return workspace.Identity{}, err
	}
	return workspace.Identity{WorkspaceID: store.WorkshopWorkspaceOf(wid, seat),
		UserName: fmt.Sprintf("workshop-%d-seat-%d@sandbox.example", wid, seat)}, nil
}
