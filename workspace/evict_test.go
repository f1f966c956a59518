package workspace

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"
)

// TestEvictionLosesNothing runs six workspaces through a manager that may
// keep only two in memory, with concurrent writers: every job created must
// be there afterwards, with unique ids, and memory stays bounded.
func TestEvictionLosesNothing(t *testing.T) {
	t.Parallel()
	db := openStore(t, "")
	clk := newClock()
	m, err := NewManager(Options{
		Now: clk.Now, TaskDuration: time.Second, Store: db, MaxLoaded: 2,
		Resolve: func(_ context.Context, tok string) (Identity, error) {
			return Identity{WorkspaceID: "ws-" + tok, UserName: tok + "@sandbox.example"}, nil
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, m: m, clk: clk, h: m.Handler()}
	const spaces, writers, perWriter = 6, 3, 5
	var wg sync.WaitGroup
	for w := range spaces {
		for g := range writers {
			wg.Go(func() {
				for i := range perWriter {
					code, raw := e.raw(fmt.Sprint("t", w), "POST", "/api/2.2/jobs/create",
						map[string]any{"name": fmt.Sprintf("job-%d-%d", g, i)})
					if code != 200 {
						t.Errorf("create in ws %d: %d %s", w, code, raw)
					}
				}
			})
		}
	}
	wg.Wait()
	// Spaces busy during a lookup are skipped; the next lookup, with all
	// of them idle, brings memory back under the bound.
	e.call("t0", "GET", "/api/2.2/jobs/list", nil)
	m.mu.Lock()
	loaded := len(m.spaces)
	m.mu.Unlock()
	if loaded > 2 {
		t.Errorf("%d workspaces in memory, want at most 2", loaded)
	}
	for w := range spaces {
		code, out := e.call(fmt.Sprint("t", w), "GET", "/api/2.2/jobs/list?limit=100", nil)
		jobs, _ := out["jobs"].([]any)
		ids := map[float64]bool{}
		for _, j := range jobs {
			ids[j.(map[string]any)["job_id"].(float64)] = true
		}
		if code != 200 || len(jobs) != writers*perWriter || len(ids) != len(jobs) {
			t.Errorf("ws %d after eviction: status %d, %d jobs, %d distinct ids; want %d", w, code, len(jobs), len(ids), writers*perWriter)
		}
	}
}

// TestNoEvictionWithoutStore: an in-memory manager never drops a workspace
// (it would lose it).
func TestNoEvictionWithoutStore(t *testing.T) {
	t.Parallel()
	clk := newClock()
	m, err := NewManager(Options{Now: clk.Now, MaxLoaded: 1,
		Resolve: func(_ context.Context, tok string) (Identity, error) {
			return Identity{WorkspaceID: "ws-" + tok, UserName: "u"}, nil
		}})
	if err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, m: m, clk: clk, h: m.Handler()}
	for w := range 3 {
		if code, raw := e.raw(fmt.Sprint("t", w), "POST", "/api/2.2/jobs/create", map[string]any{"name": "x"}); code != 200 {
			t.Fatalf("create: %d %s", code, raw)
		}
	}
	for w := range 3 {
		_, out := e.call(fmt.Sprint("t", w), "GET", "/api/2.2/jobs/list", nil)
		if jobs, _ := out["jobs"].([]any); len(jobs) != 1 {
			t.Errorf("ws %d lost its job without a store", w)
		}
	}
}
