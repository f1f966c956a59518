package workspace

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"
)

// errDisk stands for a store failure whose text must never reach a client.
var errDisk = errors.New("sqlite: disk I/O error (/var/lib/trainer/trainer.db)")

// wantInternal is the only body a client may see for a 500.
const wantInternal = `{"error_code":"INTERNAL_ERROR","message":"Internal error in the sandbox workspace; it has been logged."}`

// memStore is an in-memory Store that can fail, count calls and hold a
// workspace's load until the test lets it go.
type memStore struct {
	mu       sync.Mutex
	docs     map[string]map[string][]byte
	loadErrs []error // returned by the next LoadWorkspace calls, in order (nil = succeed)
	saveErr  error
	seedErr  error
	loads    map[string]int
	seeds    map[string]int
	hold     map[string]chan struct{} // LoadWorkspace(id) waits until hold[id] is closed
	entered  chan string              // when set, LoadWorkspace sends its workspace id on entry
}

func newMemStore() *memStore {
	return &memStore{docs: map[string]map[string][]byte{}, loads: map[string]int{}, seeds: map[string]int{}, hold: map[string]chan struct{}{}}
}

func (s *memStore) LoadWorkspace(ctx context.Context, id string) (map[string][]byte, error) {
	s.mu.Lock()
	s.loads[id]++
	hold, entered := s.hold[id], s.entered
	var err error
	if len(s.loadErrs) > 0 {
		err, s.loadErrs = s.loadErrs[0], s.loadErrs[1:]
	}
	s.mu.Unlock()
	if entered != nil {
		entered <- id
	}
	if hold != nil {
		<-hold
	}
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[string][]byte{}
	for k, v := range s.docs[id] {
		out[k] = v
	}
	return out, nil
}

func (s *memStore) SaveWorkspace(ctx context.Context, id string, puts map[string][]byte, deletes []string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.saveErr != nil {
		return s.saveErr
	}
	if s.docs[id] == nil {
		s.docs[id] = map[string][]byte{}
	}
	for k, v := range puts {
		s.docs[id][k] = v
	}
	for _, k := range deletes {
		delete(s.docs[id], k)
	}
	return nil
}

func (s *memStore) ReplaceWorkspace(ctx context.Context, id string, docs map[string][]byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.seeds[id]++
	if s.seedErr != nil {
		return s.seedErr
	}
	s.docs[id] = map[string][]byte{}
	for k, v := range docs {
		s.docs[id][k] = v
	}
	return nil
}

// counts returns how often workspace id was loaded and seeded.
func (s *memStore) counts(id string) (loads, seeds int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.loads[id], s.seeds[id]
}

func (s *memStore) set(f func(s *memStore)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f(s)
}

// errLog collects what Options.OnError receives.
type errLog struct {
	mu   sync.Mutex
	errs []error
}

func (l *errLog) add(err error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.errs = append(l.errs, err)
}

func (l *errLog) all() []error {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]error(nil), l.errs...)
}

// newFailEnv is newEnv with a memStore, a Resolve that can fail, and an
// OnError hook that records.
func newFailEnv(t *testing.T, st *memStore, resolve func(context.Context, string) (Identity, error)) (*env, *errLog) {
	t.Helper()
	log := &errLog{}
	clk := newClock()
	if resolve == nil {
		resolve = resolver
	}
	m, err := NewManager(Options{Now: clk.Now, TaskDuration: time.Second, Store: st, Resolve: resolve,
		Fixtures: fixtures(t), OnError: log.add})
	if err != nil {
		t.Fatal(err)
	}
	return &env{t: t, m: m, clk: clk, h: m.Handler()}, log
}

// checkInternal asserts a generic 500 and exactly one OnError report that
// wraps cause and names the request.
func checkInternal(t *testing.T, code int, raw []byte, log *errLog, cause error, method, path string) {
	t.Helper()
	if code != http.StatusInternalServerError || string(raw) != wantInternal {
		t.Errorf("answer = %d %s, want 500 %s", code, raw, wantInternal)
	}
	errs := log.all()
	if len(errs) != 1 {
		t.Fatalf("OnError got %d errors (%v), want 1", len(errs), errs)
	}
	if !errors.Is(errs[0], cause) {
		t.Errorf("OnError(%v) does not wrap %v", errs[0], cause)
	}
	if want := method + " " + path; !strings.Contains(errs[0].Error(), want) {
		t.Errorf("OnError(%v) does not name %q", errs[0], want)
	}
}

func TestStoreFailureIsGeneric500(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		breakStore func(s *memStore) // applied after the workspace is loaded, unless load is set
		load       bool              // break the store before the first request
		method     string
		path       string
		body       any
	}{
		{name: "load", load: true, breakStore: func(s *memStore) { s.loadErrs = []error{errDisk} },
			method: "GET", path: "/api/2.2/jobs/list"},
		{name: "seed", load: true, breakStore: func(s *memStore) { s.seedErr = errDisk },
			method: "GET", path: "/api/2.2/jobs/get"},
		{name: "create", breakStore: func(s *memStore) { s.saveErr = errDisk },
			method: "POST", path: "/api/2.2/jobs/create", body: map[string]any{"name": "x", "tasks": []any{nb("a", nil, nil)}}},
		{name: "update", breakStore: func(s *memStore) { s.saveErr = errDisk },
			method: "POST", path: "/api/2.2/jobs/update", body: map[string]any{"job_id": 101, "new_settings": map[string]any{"name": "y"}}},
		{name: "reset", breakStore: func(s *memStore) { s.saveErr = errDisk },
			method: "POST", path: "/api/2.1/jobs/reset", body: map[string]any{"job_id": 101, "new_settings": map[string]any{"name": "y", "tasks": []any{nb("a", nil, nil)}}}},
		{name: "delete", breakStore: func(s *memStore) { s.saveErr = errDisk },
			method: "POST", path: "/api/2.2/jobs/delete", body: map[string]any{"job_id": 101}},
		{name: "run-now", breakStore: func(s *memStore) { s.saveErr = errDisk },
			method: "POST", path: "/api/2.2/jobs/run-now", body: map[string]any{"job_id": 101}},
		{name: "permissions", breakStore: func(s *memStore) { s.saveErr = errDisk },
			method: "PATCH", path: "/api/2.0/permissions/jobs/101",
			body: map[string]any{"access_control_list": []any{map[string]any{"user_name": "b@x", "permission_level": "CAN_VIEW"}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := newMemStore()
			e, log := newFailEnv(t, st, nil)
			if tt.load {
				st.set(tt.breakStore)
			} else {
				e.ok(tokA, "GET", "/api/2.2/jobs/get?job_id=101", nil) // loads and seeds
				st.set(tt.breakStore)
			}
			path := tt.path
			if tt.method == "GET" {
				path += "?job_id=101"
			}
			code, raw := e.raw(tokA, tt.method, path, tt.body)
			checkInternal(t, code, raw, log, errDisk, tt.method, tt.path)
			if strings.Contains(string(raw), "sqlite") {
				t.Errorf("the answer leaks the store's text: %s", raw)
			}
		})
	}
}

// TestStoreFailureChangesNothing: a create whose write fails leaves no job
// behind, in memory or in the store.
func TestStoreFailureChangesNothing(t *testing.T) {
	t.Parallel()
	st := newMemStore()
	e, _ := newFailEnv(t, st, nil)
	before := e.ok(tokA, "GET", "/api/2.2/jobs/list?name=ghost", nil)
	st.set(func(s *memStore) { s.saveErr = errDisk })
	if code, _ := e.raw(tokA, "POST", "/api/2.2/jobs/create", map[string]any{"name": "ghost", "tasks": []any{nb("a", nil, nil)}}); code != 500 {
		t.Fatalf("create with a broken store: status %d, want 500", code)
	}
	st.set(func(s *memStore) { s.saveErr = nil })
	if got := e.ok(tokA, "GET", "/api/2.2/jobs/list?name=ghost", nil); len(got) != len(before) || got["jobs"] != nil {
		t.Errorf("jobs/list after the failed create = %v, want %v", got, before)
	}
	// A fresh Manager on the same store sees the same.
	e2, _ := newFailEnv(t, st, nil)
	if got := e2.ok(tokA, "GET", "/api/2.2/jobs/list?name=ghost", nil); got["jobs"] != nil {
		t.Errorf("the store kept the failed create: %v", got)
	}
}

func TestResolveErrors(t *testing.T) {
	t.Parallel()
	errDB := errors.New("store: resolve sandbox token: database is locked")
	tests := []struct {
		name      string
		err       error
		wantCode  int
		wantCause error // nil: OnError must not be called
	}{
		{name: "unknown token", err: ErrUnknownToken, wantCode: 403},
		{name: "wrapped unknown token", err: fmt.Errorf("main: resolve: %w", ErrUnknownToken), wantCode: 403},
		{name: "database failure", err: errDB, wantCode: 500, wantCause: errDB},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, log := newFailEnv(t, newMemStore(), func(context.Context, string) (Identity, error) {
				return Identity{}, tt.err
			})
			code, raw := e.raw(tokA, "GET", "/api/2.2/jobs/list", nil)
			if tt.wantCause != nil {
				checkInternal(t, code, raw, log, tt.wantCause, "GET", "/api/2.2/jobs/list")
				if strings.Contains(string(raw), "locked") {
					t.Errorf("the answer leaks the resolver's text: %s", raw)
				}
				return
			}
			if want := `{"error_code":"403","message":"Invalid access token."}`; code != tt.wantCode || string(raw) != want {
				t.Errorf("answer = %d %s, want %d %s", code, raw, tt.wantCode, want)
			}
			if errs := log.all(); len(errs) != 0 {
				t.Errorf("OnError got %v for a client error", errs)
			}
		})
	}
}

// TestNoOnError: without a hook a 500 is still a generic 500.
func TestNoOnError(t *testing.T) {
	t.Parallel()
	st := newMemStore()
	st.loadErrs = []error{errDisk}
	m, err := NewManager(Options{Now: newClock().Now, Store: st, Resolve: resolver})
	if err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, m: m, h: m.Handler()}
	if code, raw := e.raw(tokA, "GET", "/api/2.2/jobs/list", nil); code != 500 || string(raw) != wantInternal {
		t.Errorf("answer = %d %s, want 500 %s", code, raw, wantInternal)
	}
}

// TestClientErrorsNotReported: 4xx answers never reach OnError.
func TestClientErrorsNotReported(t *testing.T) {
	t.Parallel()
	e, log := newFailEnv(t, newMemStore(), nil)
	for _, c := range []struct{ tok, method, path string }{
		{"", "GET", "/api/2.2/jobs/list"},
		{tokA, "GET", "/api/2.2/jobs/get?job_id=999"},
		{tokA, "DELETE", "/api/2.2/jobs/list"},
		{tokA, "GET", "/api/2.2/jobs/nope"},
	} {
		if code, _ := e.raw(c.tok, c.method, c.path, nil); code < 400 || code >= 500 {
			t.Errorf("%s %s: status %d, want 4xx", c.method, c.path, code)
		}
	}
	if errs := log.all(); len(errs) != 0 {
		t.Errorf("OnError got %v", errs)
	}
}

// TestFirstRequestsLoadOnce: concurrent first requests for one workspace
// share one load and one seed, and end with one workspace.
func TestFirstRequestsLoadOnce(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		st := newMemStore()
		st.hold["learner-1"] = make(chan struct{})
		e, log := newFailEnv(t, st, nil)
		const n = 8
		codes := make([]int, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() { codes[i], _ = e.raw(tokA, "GET", "/api/2.2/jobs/list", nil) })
		}
		synctest.Wait() // every request is now in the load or waiting for it
		if loads, _ := st.counts("learner-1"); loads != 1 {
			t.Errorf("%d loads in flight, want 1", loads)
		}
		close(st.hold["learner-1"])
		wg.Wait()
		for i, c := range codes {
			if c != 200 {
				t.Errorf("request %d: status %d", i, c)
			}
		}
		if loads, seeds := st.counts("learner-1"); loads != 1 || seeds != 1 {
			t.Errorf("loads = %d, seeds = %d, want 1 and 1", loads, seeds)
		}
		if len(e.m.spaces) != 1 || len(e.m.loading) != 0 {
			t.Errorf("spaces = %d, loading = %d, want 1 and 0", len(e.m.spaces), len(e.m.loading))
		}
		if errs := log.all(); len(errs) != 0 {
			t.Errorf("OnError got %v", errs)
		}
	})
}

// TestFailedLoadIsRetried: when the shared load fails, its request gets a
// 500 and the waiting ones load again rather than inherit the failure.
func TestFailedLoadIsRetried(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		st := newMemStore()
		st.loadErrs = []error{errDisk}
		st.hold["learner-1"] = make(chan struct{})
		e, log := newFailEnv(t, st, nil)
		const n = 4
		codes := make([]int, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() { codes[i], _ = e.raw(tokA, "GET", "/api/2.2/jobs/list", nil) })
		}
		synctest.Wait()
		close(st.hold["learner-1"])
		wg.Wait()
		failed := 0
		for _, c := range codes {
			if c == 500 {
				failed++
			} else if c != 200 {
				t.Errorf("status %d", c)
			}
		}
		if failed != 1 || len(log.all()) != 1 {
			t.Errorf("%d requests failed, %d reported; want 1 and 1", failed, len(log.all()))
		}
		if loads, seeds := st.counts("learner-1"); loads != 2 || seeds != 1 {
			t.Errorf("loads = %d, seeds = %d, want 2 and 1", loads, seeds)
		}
	})
}

// TestLoadDoesNotBlockOtherWorkspaces: while one workspace waits on the
// store, another learner's requests are served.
func TestLoadDoesNotBlockOtherWorkspaces(t *testing.T) {
	t.Parallel()
	st := newMemStore()
	hold := make(chan struct{})
	st.hold["learner-1"] = hold
	st.entered = make(chan string, 4)
	e, _ := newFailEnv(t, st, nil)
	aDone := make(chan int)
	go func() {
		code, _ := e.raw(tokA, "GET", "/api/2.2/jobs/list", nil)
		aDone <- code
	}()
	if id := <-st.entered; id != "learner-1" {
		t.Fatalf("first load is %s, want learner-1", id)
	}
	bDone := make(chan int)
	go func() {
		code, _ := e.raw(tokB, "GET", "/api/2.2/jobs/list", nil)
		bDone <- code
	}()
	select {
	case code := <-bDone:
		if code != 200 {
			t.Errorf("learner B: status %d", code)
		}
	case <-time.After(30 * time.Second): // only reached when B is stuck behind A's load
		t.Fatal("learner B waited for learner A's workspace to load")
	}
	close(hold)
	if code := <-aDone; code != 200 {
		t.Errorf("learner A: status %d", code)
	}
}
