package workspace

import (
	"bytes"
	"context"
	"encoding/json"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jobs-api-trainer/trainer/data"
	"github.com/jobs-api-trainer/trainer/store"
	"github.com/jobs-api-trainer/trainer/store/storetest"
)

// clock is a fake clock tests move by hand (or on every request).
type clock struct {
	mu   sync.Mutex
	t    time.Time
	step time.Duration // added after every Now() call when > 0
}

func newClock() *clock {
	return &clock{t: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	t := c.t
	c.t = c.t.Add(c.step)
	return t
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

const (
	tokA      = "dapi-learner-a"
	tokB      = "dapi-learner-b"
	tokShared = "dapi-shared"
)

func resolver(_ context.Context, tok string) (Identity, error) {
	switch tok {
	case tokA:
		return Identity{"learner-1", "learner-1@sandbox.example"}, nil
	case tokB:
		return Identity{"learner-2", "learner-2@sandbox.example"}, nil
	case tokShared:
		return Identity{"shared", "sandbox@example.com"}, nil
	}
	return Identity{}, ErrUnknownToken
}

func fixtures(t testing.TB) fs.FS {
	t.Helper()
	sub, err := fs.Sub(data.FS, "workspace")
	if err != nil {
		t.Fatal(err)
	}
	return sub
}

// openStore opens the real SQLite store at path (a new file in
// t.TempDir() when path is ""), migrated; reopening a path is a restart.
func openStore(t testing.TB, path string) *store.DB {
	t.Helper()
	if path == "" {
		return storetest.New(t)
	}
	return storetest.OpenAt(t, path)
}

type env struct {
	t   testing.TB
	m   *Manager
	clk *clock
	h   http.Handler
}

// newEnv builds a Manager on a real SQLite store with a 1s task duration.
func newEnv(t testing.TB, st Store, withFixtures bool) *env {
	t.Helper()
	clk := newClock()
	opts := Options{Now: clk.Now, TaskDuration: time.Second, Store: st, Resolve: resolver,
		PageTokenKey: []byte("workspace tests page token key")}
	if withFixtures {
		opts.Fixtures = fixtures(t)
	}
	m, err := NewManager(opts)
	if err != nil {
		t.Fatal(err)
	}
	return &env{t: t, m: m, clk: clk, h: m.Handler()}
}

// call sends a request and decodes the JSON answer into a generic value.
func (e *env) call(tok, method, path string, body any) (int, map[string]any) {
	e.t.Helper()
	code, raw := e.raw(tok, method, path, body)
	var out map[string]any
	if err := json.Unmarshal(raw, &out); err != nil {
		e.t.Fatalf("%s %s: bad JSON %q: %v", method, path, raw, err)
	}
	return code, out
}

func (e *env) raw(tok, method, path string, body any) (int, []byte) {
	e.t.Helper()
	var rd *bytes.Reader
	switch b := body.(type) {
	case nil:
		rd = bytes.NewReader(nil)
	case string:
		rd = bytes.NewReader([]byte(b))
	default:
		j, _ := json.Marshal(b)
		rd = bytes.NewReader(j)
	}
	req := httptest.NewRequest(method, "http://sandbox.test"+path, rd)
	if tok != "" {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	rec := httptest.NewRecorder()
	e.h.ServeHTTP(rec, req)
	return rec.Code, rec.Body.Bytes()
}

// ok calls and fails the test unless the status is 200.
func (e *env) ok(tok, method, path string, body any) map[string]any {
	e.t.Helper()
	code, out := e.call(tok, method, path, body)
	if code != 200 {
		e.t.Fatalf("%s %s: status %d: %v", method, path, code, out)
	}
	return out
}

func num(v any) int64 {
	f, _ := v.(float64)
	return int64(f)
}

func str(v any) string { s, _ := v.(string); return s }

// get walks a generic JSON value by keys and indexes ("state.life_cycle_state", "tasks.0.run_id").
func get(v any, path string) any {
	for _, p := range strings.Split(path, ".") {
		switch x := v.(type) {
		case map[string]any:
			v = x[p]
		case []any:
			i := 0
			for _, c := range p {
				i = i*10 + int(c-'0')
			}
			if i >= len(x) {
				return nil
			}
			v = x[i]
		default:
			return nil
		}
	}
	return v
}

// createJob creates a job in the workspace of tok and returns its id.
func (e *env) createJob(tok string, settings map[string]any) int64 {
	e.t.Helper()
	return num(e.ok(tok, "POST", "/api/2.2/jobs/create", settings)["job_id"])
}

func nb(key string, deps []string, extra map[string]any) map[string]any {
	t := map[string]any{"task_key": key, "existing_cluster_id": "0101-abc",
		"notebook_task": map[string]any{"notebook_path": "/Users/t/" + key}}
	if len(deps) > 0 {
		var ds []map[string]any
		for _, d := range deps {
			ds = append(ds, map[string]any{"task_key": d})
		}
		t["depends_on"] = ds
	}
	for k, v := range extra {
		t[k] = v
	}
	return t
}

func sim(v string) map[string]any {
	return map[string]any{"notebook_task": map[string]any{"notebook_path": "/Users/t/x", "base_parameters": map[string]any{"simulate": v}}}
}

// taskStates maps task_key -> result_state (or life_cycle_state when active).
func taskStates(run map[string]any) map[string]string {
	out := map[string]string{}
	ts, _ := run["tasks"].([]any)
	for _, t := range ts {
		st := str(get(t, "state.result_state"))
		if st == "" {
			st = str(get(t, "state.life_cycle_state"))
		}
		out[str(get(t, "task_key"))] = st
	}
	return out
}

func itoa(n int64) string        { return strconvItoa(n) }
func strconvItoa(n int64) string { return strconv.FormatInt(n, 10) }

func stringsReader(s string) *strings.Reader { return strings.NewReader(s) }
