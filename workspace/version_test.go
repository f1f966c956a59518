package workspace

import (
	"context"
	"testing"
)

// TestVersionMovesOnEveryChange: Version reads memory only (an unused
// workspace stays unseeded and unloaded), moves on every write whoever
// made it, stays put on reads, and a reload after eviction never repeats
// a version seen before it.
func TestVersionMovesOnEveryChange(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := newMemStore()
	e := newEnv(t, st, true)
	if v, err := e.m.Version(ctx, "learner-1"); err != nil || v != 0 {
		t.Fatalf("unused workspace: version %d, %v; want 0", v, err)
	}
	if loads, seeds := st.counts("learner-1"); loads != 0 || seeds != 0 {
		t.Fatalf("Version loaded (%d) or seeded (%d) the workspace", loads, seeds)
	}
	e.ok(tokA, "GET", "/api/2.2/jobs/list", nil)
	v1, _ := e.m.Version(ctx, "learner-1")
	if v1 == 0 {
		t.Fatal("loaded workspace has version 0")
	}
	e.ok(tokA, "GET", "/api/2.2/jobs/runs/list", nil)
	if v, _ := e.m.Version(ctx, "learner-1"); v != v1 {
		t.Fatalf("a read moved the version %d -> %d", v1, v)
	}
	ov, err := e.m.Peek(ctx, "learner-1", Window{Jobs: 1})
	if err != nil || ov.Version != v1 {
		t.Fatalf("Peek's version %d (%v), want %d", ov.Version, err, v1)
	}
	jobID := e.createJob(tokA, oneTask("v"))
	v2, _ := e.m.Version(ctx, "learner-1")
	if v2 == v1 {
		t.Fatal("create did not move the version")
	}
	e.ok(tokA, "POST", "/api/2.2/jobs/run-now", map[string]any{"job_id": jobID})
	v3, _ := e.m.Version(ctx, "learner-1")
	if v3 == v2 {
		t.Fatal("run-now did not move the version")
	}
	if other, _ := e.m.Version(ctx, "learner-2"); other != 0 {
		t.Fatalf("another workspace: version %d", other)
	}
	// Evicted and reloaded: a new generation, above everything seen.
	e.m.mu.Lock()
	sp := e.m.spaces["learner-1"]
	sp.tryEvict()
	delete(e.m.spaces, "learner-1")
	e.m.mu.Unlock()
	if v, _ := e.m.Version(ctx, "learner-1"); v != 0 {
		t.Fatalf("evicted workspace: version %d, want 0", v)
	}
	e.ok(tokA, "GET", "/api/2.2/jobs/list", nil)
	if v, _ := e.m.Version(ctx, "learner-1"); v <= v3 {
		t.Fatalf("reloaded version %d not above %d", v, v3)
	}
}
