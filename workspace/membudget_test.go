package workspace

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"
)

// budgetEnv is a manager on the real store whose workspaces are small
// (1 MiB of documents, 256 KiB per file) and whose loaded set may hold
// budget bytes, so a test passes the budget with a handful of files.
func budgetEnv(t *testing.T, budget int64) *env {
	t.Helper()
	clk := newClock()
	m, err := NewManager(Options{
		Now: clk.Now, TaskDuration: time.Second, Store: openStore(t, ""), Fixtures: fixtures(t),
		MaxLoadedBytes: budget,
		Limits:         Limits{MaxBytes: 1 << 20, MaxFileBytes: 256 << 10, MaxFilesBytes: 512 << 10},
		Resolve: func(_ context.Context, tok string) (Identity, error) {
			return Identity{WorkspaceID: "ws-" + tok, UserName: tok + "@sandbox.example"}, nil
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	return &env{t: t, m: m, clk: clk, h: m.Handler()}
}

// loadedSum adds up the stored bytes of the loaded workspaces the slow
// way, to check the running total against.
func loadedSum(m *Manager) (n int64, spaces int) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, sp := range m.spaces {
		sp.mu.Lock()
		n += sp.bytes
		sp.mu.Unlock()
	}
	return n, len(m.spaces)
}

// fileBody is n bytes that differ per workspace and file.
func fileBody(w, f, n int) string {
	unit := fmt.Sprintf("ws %d file %d;", w, f)
	return strings.Repeat(unit, n/len(unit)+1)[:n]
}

// TestLoadedBytesBudget fills twelve workspaces with files, about 7 MB of
// documents in all, through a manager that may hold 2 MiB: after every
// call the loaded workspaces hold at most the budget (the running total
// agreeing with their sum), and every file and job is there, byte for
// byte, when each workspace is read back after its eviction.
func TestLoadedBytesBudget(t *testing.T) {
	t.Parallel()
	const budget = 2 << 20
	e := budgetEnv(t, budget)
	check := func(step string) {
		t.Helper()
		sum, n := loadedSum(e.m)
		if got := e.m.LoadedBytes(); got != sum || got > budget {
			t.Fatalf("%s: loaded bytes %d (sum of the %d loaded workspaces %d), want them equal and at most %d", step, got, n, sum, budget)
		}
	}
	const spaces, files, size = 12, 2, 200 << 10
	for w := range spaces {
		tok := fmt.Sprint("t", w)
		e.createJob(tok, map[string]any{"name": fmt.Sprint("job-of-", w)})
		check(fmt.Sprintf("ws %d job", w))
		for f := range files {
			p := fmt.Sprintf("/Users/%s@sandbox.example/f%d.txt", tok, f)
			if code, out := e.importFile(tok, p, fileBody(w, f, size), true); code != 200 {
				t.Fatalf("import %s: %d %v", p, code, out)
			}
			check(fmt.Sprintf("ws %d file %d", w, f))
		}
	}
	if e.m.Loaded() >= spaces {
		t.Fatalf("all %d workspaces still loaded: nothing was evicted", spaces)
	}
	for w := range spaces {
		tok := fmt.Sprint("t", w)
		for f := range files {
			p := fmt.Sprintf("/Users/%s@sandbox.example/f%d.txt", tok, f)
			code, raw := e.raw(tok, "GET", "/api/2.0/workspace/export?direct_download=true&path="+url.QueryEscape(p), nil)
			if code != 200 || string(raw) != fileBody(w, f, size) {
				t.Errorf("ws %d file %d after eviction: status %d, %d bytes, want the %d imported", w, f, code, len(raw), size)
			}
			check(fmt.Sprintf("read ws %d file %d", w, f))
		}
		out := e.ok(tok, "GET", "/api/2.2/jobs/list?name="+fmt.Sprint("job-of-", w), nil)
		if jobs, _ := out["jobs"].([]any); len(jobs) != 1 {
			t.Errorf("ws %d after eviction: %d jobs named job-of-%d, want 1", w, len(jobs), w)
		}
	}
}

// TestBudgetNeverEvictsInUse: a workspace whose mutex a request holds
// stays loaded, and usable, however far other workspaces push the loaded
// bytes past the budget.
func TestBudgetNeverEvictsInUse(t *testing.T) {
	t.Parallel()
	e := budgetEnv(t, 2<<20)
	e.createJob("held", map[string]any{"name": "x"})
	err := e.m.withSpace(context.Background(), "ws-held", func(held *space) error {
		for w := range 8 {
			tok := fmt.Sprint("t", w)
			p := fmt.Sprintf("/Users/%s@sandbox.example/big.txt", tok)
			if code, out := e.importFile(tok, p, fileBody(w, 0, 250<<10), true); code != 200 {
				return fmt.Errorf("import %s: %d %v", p, code, out)
			}
		}
		if held.evicted || !e.m.loaded("ws-held") {
			return fmt.Errorf("the workspace in use was evicted")
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestBudgetNoThrash: a budget below what one full workspace holds is
// raised to twice Limits.MaxBytes, so a nearly full workspace used in turn
// with small ones stays loaded: after the first round nothing is loaded
// again.
func TestBudgetNoThrash(t *testing.T) {
	t.Parallel()
	e := budgetEnv(t, 100<<10) // far below one workspace's 1 MiB
	if got, want := e.m.opts.MaxLoadedBytes, int64(2<<20); got != want {
		t.Fatalf("budget %d, want it raised to twice MaxBytes, %d", got, want)
	}
	big := "big"
	for f := range 2 {
		p := fmt.Sprintf("/Users/%s@sandbox.example/f%d.txt", big, f)
		if code, out := e.importFile(big, p, fileBody(0, f, 250<<10), true); code != 200 {
			t.Fatalf("import %s: %d %v", p, code, out)
		}
	}
	round := func() {
		for _, tok := range []string{big, "s1", big, "s2", big, "s3"} {
			e.ok(tok, "GET", "/api/2.2/jobs/list", nil)
		}
	}
	round()
	e.m.mu.Lock()
	loads := e.m.loads
	e.m.mu.Unlock()
	for range 5 {
		round()
	}
	e.m.mu.Lock()
	defer e.m.mu.Unlock()
	if e.m.loads != loads {
		t.Errorf("%d workspace loads after the first round, want none", e.m.loads-loads)
	}
}
