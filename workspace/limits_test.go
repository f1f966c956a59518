package workspace

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// newLimitEnv is newEnv with limits: an empty workspace (no fixtures) on a
// real SQLite store, so counts are the test's own.
func newLimitEnv(t testing.TB, st Store, lim Limits) *env {
	t.Helper()
	clk := newClock()
	m, err := NewManager(Options{Now: clk.Now, TaskDuration: time.Second, Store: st, Resolve: resolver, Limits: lim})
	if err != nil {
		t.Fatal(err)
	}
	return &env{t: t, m: m, clk: clk, h: m.Handler()}
}

// send is raw that also returns the response headers.
func (e *env) send(tok, method, path string, body any) *httptest.ResponseRecorder {
	e.t.Helper()
	b, _ := json.Marshal(body)
	if body == nil {
		b = nil
	}
	req := httptest.NewRequest(method, "http://sandbox.test"+path, bytes.NewReader(b))
	req.Header.Set("Authorization", "Bearer "+tok)
	rec := httptest.NewRecorder()
	e.h.ServeHTTP(rec, req)
	return rec
}

// wantErr checks a Databricks-shaped error answer.
func wantErr(t *testing.T, rec *httptest.ResponseRecorder, status int, code, msgPart string) {
	t.Helper()
	var out map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil {
		t.Fatalf("not JSON (%d): %q", rec.Code, rec.Body.String())
	}
	if rec.Code != status || out["error_code"] != code || !strings.Contains(str(out["message"]), msgPart) {
		t.Fatalf("got %d %v, want %d %s containing %q", rec.Code, out, status, code, msgPart)
	}
	if ct := rec.Header().Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type %q", ct)
	}
}

func oneTask(name string) map[string]any {
	return map[string]any{"name": name, "max_concurrent_runs": 100, "tasks": []any{nb("a", nil, nil)}}
}

// TestJobQuota: job N+1 is refused with the real quota answer, and a
// delete makes room again.
func TestJobQuota(t *testing.T) {
	t.Parallel()
	st := openStore(t, "")
	e := newLimitEnv(t, st, Limits{MaxJobs: 3})
	var ids []int64
	for i := range 3 {
		ids = append(ids, e.createJob(tokA, oneTask(fmt.Sprint("j", i))))
	}
	rec := e.send(tokA, "POST", "/api/2.2/jobs/create", oneTask("j3"))
	wantErr(t, rec, 400, "QUOTA_EXCEEDED", "The quota for the number of jobs has been reached. The current quota is 3.")
	// 2.1 too, and another workspace is not affected.
	wantErr(t, e.send(tokA, "POST", "/api/2.1/jobs/create", oneTask("j3")), 400, "QUOTA_EXCEEDED", "quota is 3")
	e.createJob(tokB, oneTask("other"))
	e.ok(tokA, "POST", "/api/2.2/jobs/delete", map[string]any{"job_id": ids[0]})
	e.createJob(tokA, oneTask("j3"))
	if got := len(e.ok(tokA, "GET", "/api/2.2/jobs/list", nil)["jobs"].([]any)); got != 3 {
		t.Errorf("%d jobs, want 3", got)
	}
}

// TestTaskLimit: more than MaxTasksPerJob tasks is refused on create,
// update, reset and runs/submit.
func TestTaskLimit(t *testing.T) {
	t.Parallel()
	e := newLimitEnv(t, openStore(t, ""), Limits{MaxTasksPerJob: 2})
	three := []any{nb("a", nil, nil), nb("b", nil, nil), nb("c", nil, nil)}
	wantErr(t, e.send(tokA, "POST", "/api/2.2/jobs/create", map[string]any{"name": "x", "tasks": three}),
		400, "INVALID_PARAMETER_VALUE", "at most 2 tasks")
	id := e.createJob(tokA, map[string]any{"name": "x", "tasks": three[:2]})
	wantErr(t, e.send(tokA, "POST", "/api/2.2/jobs/update", map[string]any{"job_id": id, "new_settings": map[string]any{"tasks": three[2:]}}),
		400, "INVALID_PARAMETER_VALUE", "Too many tasks: 3")
	wantErr(t, e.send(tokA, "POST", "/api/2.2/jobs/reset", map[string]any{"job_id": id, "new_settings": map[string]any{"name": "x", "tasks": three}}),
		400, "INVALID_PARAMETER_VALUE", "at most 2 tasks")
	wantErr(t, e.send(tokA, "POST", "/api/2.2/jobs/runs/submit", map[string]any{"tasks": three}),
		400, "INVALID_PARAMETER_VALUE", "at most 2 tasks")
	if got := len(e.ok(tokA, "GET", "/api/2.1/jobs/get?job_id="+itoa(id), nil)["settings"].(map[string]any)["tasks"].([]any)); got != 2 {
		t.Errorf("job has %d tasks after refused writes, want 2", got)
	}
}

// TestActiveRunsLimit: past MaxActiveRuns a new run is a 429 with
// Retry-After until the first active run ends; then it goes through.
func TestActiveRunsLimit(t *testing.T) {
	t.Parallel()
	e := newLimitEnv(t, openStore(t, ""), Limits{MaxActiveRuns: 2})
	id := e.createJob(tokA, oneTask("par"))
	e.ok(tokA, "POST", "/api/2.2/jobs/run-now", map[string]any{"job_id": id})
	e.clk.Add(200 * time.Millisecond)
	rid := num(e.ok(tokA, "POST", "/api/2.2/jobs/runs/submit", map[string]any{"tasks": []any{nb("a", nil, nil)}})["run_id"])
	rec := e.send(tokA, "POST", "/api/2.2/jobs/run-now", map[string]any{"job_id": id})
	wantErr(t, rec, 429, "REQUEST_LIMIT_EXCEEDED", "already has 2 active runs")
	// One task of 1s (plus pending and termination): the first run ends
	// within a couple of seconds, and Retry-After says when.
	ra := rec.Header().Get("Retry-After")
	if ra != "1" && ra != "2" {
		t.Errorf("Retry-After %q, want 1 or 2 seconds", ra)
	}
	wantErr(t, e.send(tokA, "POST", "/api/2.2/jobs/runs/submit", map[string]any{"tasks": []any{nb("a", nil, nil)}}), 429, "REQUEST_LIMIT_EXCEEDED", "active runs")
	// Cancelling is always allowed; the canceled run stops counting.
	e.ok(tokA, "POST", "/api/2.2/jobs/runs/cancel", map[string]any{"run_id": rid})
	e.clk.Add(time.Second)
	e.ok(tokA, "POST", "/api/2.2/jobs/run-now", map[string]any{"job_id": id})
	e.clk.Add(time.Hour)
	e.ok(tokA, "POST", "/api/2.2/jobs/run-now", map[string]any{"job_id": id})
	e.ok(tokA, "POST", "/api/2.2/jobs/run-now", map[string]any{"job_id": id})
}

// TestOldRunsPruned: past MaxRuns the oldest finished runs are dropped,
// from memory and from the store, and the kept runs are unchanged.
func TestOldRunsPruned(t *testing.T) {
	t.Parallel()
	st := openStore(t, "")
	e := newLimitEnv(t, st, Limits{MaxRuns: 5})
	id := e.createJob(tokA, oneTask("loop"))
	var rids []int64
	for range 8 {
		rids = append(rids, num(e.ok(tokA, "POST", "/api/2.2/jobs/run-now", map[string]any{"job_id": id})["run_id"]))
		e.clk.Add(time.Minute)
	}
	list := e.ok(tokA, "GET", "/api/2.2/jobs/runs/list?job_id="+itoa(id)+"&limit=25", nil)["runs"].([]any)
	if len(list) != 5 || num(get(list[0], "run_id")) != rids[7] || num(get(list[4], "run_id")) != rids[3] {
		t.Fatalf("runs/list after pruning: %d runs, want the 5 newest %v", len(list), rids[3:])
	}
	for _, r := range rids[:3] {
		wantErr(t, e.send(tokA, "GET", "/api/2.2/jobs/runs/get?run_id="+itoa(r), nil), 400, "INVALID_PARAMETER_VALUE", "does not exist")
	}
	for _, r := range rids[3:] {
		if got := str(get(e.ok(tokA, "GET", "/api/2.2/jobs/runs/get?run_id="+itoa(r), nil), "state.result_state")); got != "SUCCESS" {
			t.Errorf("kept run %d: result %q", r, got)
		}
	}
	docs, err := st.LoadWorkspace(context.Background(), "learner-1")
	if err != nil {
		t.Fatal(err)
	}
	runs := 0
	for k := range docs {
		if strings.HasPrefix(k, "run/") {
			runs++
		}
	}
	if runs != 5 {
		t.Errorf("%d run documents stored, want 5", runs)
	}
	// A restart sees the same five, and the byte count matches the store.
	e2 := newLimitEnv(t, st, Limits{MaxRuns: 5})
	e2.clk.Add(time.Hour)
	if got := len(e2.ok(tokA, "GET", "/api/2.2/jobs/runs/list?limit=25", nil)["runs"].([]any)); got != 5 {
		t.Errorf("after reload: %d runs", got)
	}
	var b1, b2 int64
	_ = e.m.withSpace(context.Background(), "learner-1", func(sp *space) error { b1 = sp.bytes; return nil })
	_ = e2.m.withSpace(context.Background(), "learner-1", func(sp *space) error { b2 = sp.bytes; return nil })
	var stored int64
	for k, b := range docs {
		if k != "meta" {
			stored += int64(len(b))
		}
	}
	if b1 != b2 || b2 != stored+int64(len(docs["meta"])) {
		t.Errorf("byte count %d live, %d reloaded, %d stored", b1, b2, stored+int64(len(docs["meta"])))
	}
}

// TestRunsKeptWhenNoneCanGo: runs still active, or that a later run was
// queued behind, are never dropped; with nothing to drop a new run is a
// 400 QUOTA_EXCEEDED.
func TestRunsKeptWhenNoneCanGo(t *testing.T) {
	t.Parallel()
	e := newLimitEnv(t, openStore(t, ""), Limits{MaxRuns: 2})
	id := e.createJob(tokA, map[string]any{"name": "q", "max_concurrent_runs": 1, "queue": map[string]any{"enabled": true},
		"tasks": []any{nb("a", nil, nil)}})
	first := num(e.ok(tokA, "POST", "/api/2.2/jobs/run-now", map[string]any{"job_id": id})["run_id"])
	e.ok(tokA, "POST", "/api/2.2/jobs/run-now", map[string]any{"job_id": id}) // queued behind the first
	wantErr(t, e.send(tokA, "POST", "/api/2.2/jobs/run-now", map[string]any{"job_id": id}), 400, "QUOTA_EXCEEDED", "at most 2 runs")
	// Both finished: the first still may not go (the second was queued
	// behind it), the second may.
	e.clk.Add(time.Hour)
	third := num(e.ok(tokA, "POST", "/api/2.2/jobs/run-now", map[string]any{"job_id": id})["run_id"])
	if got := str(get(e.ok(tokA, "GET", "/api/2.2/jobs/runs/get?run_id="+itoa(first), nil), "state.result_state")); got != "SUCCESS" {
		t.Errorf("first run: %q", got)
	}
	if third == 0 {
		t.Fatal("no third run")
	}
}

// TestByteLimit: a write that would take the workspace past MaxBytes is
// refused; deletes still work and make room.
func TestByteLimit(t *testing.T) {
	t.Parallel()
	e := newLimitEnv(t, openStore(t, ""), Limits{MaxBytes: 6000})
	big := func(name string) map[string]any {
		return map[string]any{"name": name, "description": strings.Repeat("x", 1500), "tasks": []any{nb("a", nil, nil)}}
	}
	var ids []int64
	var rec *httptest.ResponseRecorder
	for i := range 10 {
		rec = e.send(tokA, "POST", "/api/2.2/jobs/create", big(fmt.Sprint("j", i)))
		if rec.Code != 200 {
			break
		}
		var out map[string]any
		_ = json.Unmarshal(rec.Body.Bytes(), &out)
		ids = append(ids, num(out["job_id"]))
	}
	if len(ids) == 0 || len(ids) == 10 {
		t.Fatalf("%d jobs created under a 6000-byte limit", len(ids))
	}
	wantErr(t, rec, 400, "QUOTA_EXCEEDED", "over its limit of 6000")
	e.ok(tokA, "POST", "/api/2.2/jobs/delete", map[string]any{"job_id": ids[0]})
	e.createJob(tokA, big("again"))
}

// TestRequestBudget: a token past its budget gets a 429 with Retry-After
// and a Databricks-shaped body; another token is not affected; when the
// clock has moved on the token is served again.
func TestRequestBudget(t *testing.T) {
	t.Parallel()
	e := newLimitEnv(t, nil, Limits{APIRate: 1, APIBurst: 3})
	for i := range 3 {
		if rec := e.send(tokA, "GET", "/api/2.2/jobs/list", nil); rec.Code != 200 {
			t.Fatalf("call %d: %d %s", i+1, rec.Code, rec.Body)
		}
	}
	rec := e.send(tokA, "GET", "/api/2.2/jobs/list", nil)
	wantErr(t, rec, 429, "REQUEST_LIMIT_EXCEEDED", "1 requests per second (bursts of 3)")
	if ra := rec.Header().Get("Retry-After"); ra != "1" {
		t.Errorf("Retry-After %q, want 1", ra)
	}
	// A refused call costs nothing: still exactly one second to wait.
	e.send(tokA, "GET", "/api/2.2/jobs/list", nil)
	if rec := e.send(tokB, "GET", "/api/2.2/jobs/list", nil); rec.Code != 200 {
		t.Errorf("another token: %d", rec.Code)
	}
	e.clk.Add(time.Second)
	if rec := e.send(tokA, "GET", "/api/2.2/jobs/list", nil); rec.Code != 200 {
		t.Errorf("after a second: %d %s", rec.Code, rec.Body)
	}
	if rec := e.send(tokA, "GET", "/api/2.2/jobs/list", nil); rec.Code != 429 {
		t.Errorf("second call after a second: %d, want 429", rec.Code)
	}
	// An unknown token is refused before any budget is kept for it.
	if rec := e.send("dapi-nobody", "GET", "/api/2.2/jobs/list", nil); rec.Code != 403 {
		t.Errorf("unknown token: %d", rec.Code)
	}
	if n := e.m.budgets.size(); n != 2 {
		t.Errorf("%d budgets kept, want 2", n)
	}
}

// TestDefaultBudgetIsGenerous: with the defaults, a script that sends 300
// calls at once and then 100 a second for ten seconds is never refused.
func TestDefaultBudgetIsGenerous(t *testing.T) {
	t.Parallel()
	b := newBudgets(DefaultLimits())
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	for i := range 300 {
		if d := b.take("tok", now); d != 0 {
			t.Fatalf("burst call %d refused for %v", i, d)
		}
	}
	for i := range 1000 {
		now = now.Add(10 * time.Millisecond)
		if d := b.take("tok", now); d != 0 {
			t.Fatalf("sustained call %d refused for %v", i, d)
		}
	}
	if d := b.take("tok", now); d <= 0 {
		t.Error("a call over 100/s after the burst was spent went through")
	}
}

// TestBudgetsBounded: the limiters kept stay at maxBudgets however many
// tokens call; idle ones go first.
func TestBudgetsBounded(t *testing.T) {
	t.Parallel()
	b := newBudgets(Limits{APIRate: 10, APIBurst: 20})
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	for i := range maxBudgets + 50 {
		b.take(fmt.Sprint("tok-", i), now)
	}
	if n := b.size(); n != maxBudgets {
		t.Errorf("%d limiters, want %d", n, maxBudgets)
	}
	// Two seconds later every one of them has refilled: one new token
	// sweeps them all out.
	b.take("late", now.Add(2*time.Second))
	if n := b.size(); n != 1 {
		t.Errorf("%d limiters after the idle sweep, want 1", n)
	}
}
