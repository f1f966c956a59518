package workspace

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"
)

// format1 is testdata/format1_workspace.json: a workspace saved by the
// sandbox before run documents had format 2 (runs of several jobs,
// queued, retried, repaired, cancelled, a task cancelled, a one-time run,
// a deleted run, runs still active), the time it was saved at, and what
// the API answered then.
type format1 struct {
	Now   int64                      `json:"now_ms"`
	Docs  map[string]json.RawMessage `json:"docs"`
	Calls []struct {
		Path string          `json:"path"`
		Want json.RawMessage `json:"want"`
	} `json:"calls"`
}

func loadFormat1(t *testing.T) format1 {
	t.Helper()
	b, err := os.ReadFile("testdata/format1_workspace.json")
	if err != nil {
		t.Fatal(err)
	}
	var f format1
	if err := json.Unmarshal(b, &f); err != nil {
		t.Fatal(err)
	}
	return f
}

// pageTokens matches the page tokens of a body: they are sealed afresh.
var pageTokens = regexp.MustCompile(`"(next|prev)_page_token":"[^"]*"`)

// sameAnswers checks that e answers every call of f as the old sandbox did,
// byte for byte but for page tokens.
func sameAnswers(t *testing.T, e *env, f format1) {
	t.Helper()
	for _, c := range f.Calls {
		_, got := e.raw(tokA, "GET", c.Path, nil)
		var want bytes.Buffer
		if err := json.Compact(&want, c.Want); err != nil {
			t.Fatal(err)
		}
		g, w := pageTokens.ReplaceAll(got, nil), pageTokens.ReplaceAll(want.Bytes(), nil)
		if !bytes.Equal(g, w) {
			t.Errorf("GET %s:\n got %.600s\nwant %.600s", c.Path, g, w)
		}
	}
}

// envAt is newEnv on st with the clock at ms.
func envAt(t *testing.T, st Store, ms int64) *env {
	t.Helper()
	e := newEnv(t, st, true)
	e.clk.t = time.UnixMilli(ms).UTC()
	return e
}

// TestFormat1WorkspaceLoads: a workspace stored in the first format loads,
// answers exactly as before, is written back in format 2 (runs name
// shared task sets and no longer copy them), and answers the same after
// another restart.
func TestFormat1WorkspaceLoads(t *testing.T) {
	t.Parallel()
	f := loadFormat1(t)
	st := openStore(t, "")
	docs := map[string][]byte{}
	for k, v := range f.Docs {
		docs[k] = v
	}
	if err := st.ReplaceWorkspace(context.Background(), "learner-1", docs); err != nil {
		t.Fatal(err)
	}
	sameAnswers(t, envAt(t, st, f.Now), f)

	stored, err := st.LoadWorkspace(context.Background(), "learner-1")
	if err != nil {
		t.Fatal(err)
	}
	var runs, sets, oldSize, runSize, setSize int
	for k, b := range stored {
		switch {
		case strings.HasPrefix(k, "run/"):
			runs++
			runSize += len(b)
			oldSize += len(f.Docs[k])
			var d runJSON
			if err := json.Unmarshal(b, &d); err != nil {
				t.Fatal(err)
			}
			if d.V != runFormat {
				t.Errorf("%s: format %d after the first load, want %d", k, d.V, runFormat)
			}
			for _, sg := range d.Segments {
				if len(sg.Tasks) > 0 || sg.TaskSet == "" {
					t.Errorf("%s: a segment copies its tasks (%d) or names no task set", k, len(sg.Tasks))
				} else if _, ok := stored[tasksKey(sg.TaskSet)]; !ok {
					t.Errorf("%s names task set %s, which is not stored", k, sg.TaskSet)
				}
			}
		case strings.HasPrefix(k, "tasks/"):
			sets++
			setSize += len(b)
		}
	}
	if runs != 12 {
		t.Errorf("%d runs stored, want 12", runs)
	}
	if sets == 0 || runSize*2 > oldSize || runSize+setSize >= oldSize {
		t.Errorf("format 2 holds the runs in %d bytes and %d task sets in %d, format 1 in %d", runSize, sets, setSize, oldSize)
	}
	sameAnswers(t, envAt(t, st, f.Now), f)
}

// TestFormat1WorkspaceInMemory: the first format loads without a store
// write, too (the write back failing changes nothing).
func TestFormat1WorkspaceInMemory(t *testing.T) {
	t.Parallel()
	f := loadFormat1(t)
	st := newMemStore()
	st.docs["learner-1"] = map[string][]byte{}
	for k, v := range f.Docs {
		st.docs["learner-1"][k] = v
	}
	st.saveErr = errDisk
	e, _ := newFailEnv(t, st, nil)
	e.clk.t = time.UnixMilli(f.Now).UTC()
	sameAnswers(t, e, f)
	if _, ok := st.docs["learner-1"]["run/1001"]; !ok {
		t.Fatal("run/1001 is gone")
	}
	var d runJSON
	_ = json.Unmarshal(st.docs["learner-1"]["run/1001"], &d)
	if d.V != 0 {
		t.Errorf("a failed write back changed run/1001 to format %d", d.V)
	}
}

// TestRestartKeepsEveryRun: runs of every kind survive a restart with the
// same answers, stored in format 2, and pruning deletes the task sets no
// run names any more.
func TestRestartKeepsEveryRun(t *testing.T) {
	t.Parallel()
	st := openStore(t, "")
	e := newEnv(t, st, true)
	id := e.createJob(tokA, map[string]any{"name": "r", "max_concurrent_runs": 1, "queue": map[string]any{"enabled": true},
		"tasks": []any{nb("a", nil, nil), nb("b", []string{"a"}, sim("fail_once"))}})
	var ids []int64
	for i := range 6 {
		body := map[string]any{"job_id": id}
		if i == 2 {
			body["only"] = []string{"a"}
		}
		ids = append(ids, num(e.ok(tokA, "POST", "/api/2.2/jobs/run-now", body)["run_id"]))
		if i < 4 {
			e.clk.Add(300 * time.Millisecond) // queued behind each other
		} else {
			e.clk.Add(time.Minute)
		}
	}
	// A new version of the job: later runs name another task set.
	e.ok(tokA, "POST", "/api/2.2/jobs/update", map[string]any{"job_id": id, "new_settings": map[string]any{"tasks": []any{nb("c", nil, nil)}}})
	ids = append(ids, num(e.ok(tokA, "POST", "/api/2.2/jobs/run-now", map[string]any{"job_id": id})["run_id"]))
	ids = append(ids, num(e.ok(tokA, "POST", "/api/2.2/jobs/runs/submit", map[string]any{"tasks": []any{nb("x", nil, nil)}})["run_id"]))
	e.ok(tokA, "POST", "/api/2.2/jobs/runs/cancel", map[string]any{"run_id": ids[5]})
	e.clk.Add(time.Minute)
	e.ok(tokA, "POST", "/api/2.2/jobs/runs/repair", map[string]any{"run_id": ids[0], "rerun_tasks": []string{"b"}})
	e.clk.Add(500 * time.Millisecond)

	paths := []string{"/api/2.2/jobs/runs/list?limit=25&expand_tasks=true", "/api/2.2/jobs/runs/list?active_only=true"}
	for _, id := range ids {
		paths = append(paths, "/api/2.2/jobs/runs/get?run_id="+itoa(id), "/api/2.1/jobs/runs/get?run_id="+itoa(id))
	}
	before := map[string][]byte{}
	for _, p := range paths {
		_, before[p] = e.raw(tokA, "GET", p, nil)
	}
	e2 := newEnv(t, st, true)
	e2.clk.t = e.clk.t
	for _, p := range paths {
		if _, got := e2.raw(tokA, "GET", p, nil); !bytes.Equal(pageTokens.ReplaceAll(got, nil), pageTokens.ReplaceAll(before[p], nil)) {
			t.Errorf("GET %s after a restart:\n got %.400s\nwant %.400s", p, got, before[p])
		}
	}

	docs, _ := st.LoadWorkspace(context.Background(), "learner-1")
	sets := func(docs map[string][]byte) (n int) {
		for k := range docs {
			if strings.HasPrefix(k, "tasks/") {
				n++
			}
		}
		return n
	}
	// the fixtures' runs (2 sets), the job's two versions, the only-run's
	// set is the job's, the one-time run, the repair of b
	if got := sets(docs); got != 6 {
		t.Errorf("%d task sets stored, want 6", got)
	}
	// Keep at most 6 runs: the old ones go (but for the four queued behind
	// each other), and with them the task sets only they named (the
	// fixtures' runs').
	e2.m.opts.Limits.MaxRuns = 6
	e2.clk.Add(time.Hour)
	e2.ok(tokA, "POST", "/api/2.2/jobs/run-now", map[string]any{"job_id": id})
	docs, _ = st.LoadWorkspace(context.Background(), "learner-1")
	if got := sets(docs); got != 4 {
		t.Errorf("%d task sets stored after pruning, want 4 (the job's two versions, the repair's, the one-time run's)", got)
	}
	e3 := newEnv(t, st, true)
	e3.clk.t = e2.clk.t
	if got := len(e3.ok(tokA, "GET", "/api/2.2/jobs/runs/list", nil)["runs"].([]any)); got != 6 {
		t.Errorf("%d runs after pruning and a restart, want 6", got)
	}
}

// TestLightTimelines: the summaries admission keeps (from a template, for
// runs shaped only by their tasks) agree with planning every task, for
// runs of every fixture and test job, and answers do not change when the
// whole timelines were dropped.
func TestLightTimelines(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil, true)
	id := e.createJob(tokA, map[string]any{"name": "m", "max_concurrent_runs": 2, "queue": map[string]any{"enabled": true},
		"timeout_seconds": 3,
		"tasks": []any{nb("a", nil, nil), nb("b", []string{"a"}, map[string]any{"max_retries": 2,
			"notebook_task": map[string]any{"notebook_path": "/x", "base_parameters": map[string]any{"simulate": "fail"}}}),
			nb("c", []string{"b"}, map[string]any{"run_if": "ALL_DONE"})}})
	var ids []int64
	for _, job := range []int64{101, 102, 103, id} {
		for i := range 4 {
			body := map[string]any{"job_id": job}
			if i == 3 {
				body["job_parameters"] = map[string]any{"simulate_a": "slow"}
			}
			ids = append(ids, num(e.ok(tokA, "POST", "/api/2.2/jobs/run-now", body)["run_id"]))
			e.clk.Add(700 * time.Millisecond)
		}
	}
	var views [][]byte
	for _, id := range ids {
		_, b := e.raw(tokA, "GET", "/api/2.2/jobs/runs/get?run_id="+itoa(id), nil)
		views = append(views, b)
	}
	err := e.m.withSpace(context.Background(), "learner-1", func(sp *space) error {
		for _, rid := range sp.runIDs {
			r := sp.runs[rid]
			light := sp.timelineOf(r)
			full := buildTimeline(r, light.start, light.skipped)
			if len(light.segs) != len(full.segs) {
				t.Fatalf("run %d: %d segments, want %d", rid, len(light.segs), len(full.segs))
			}
			for i, ls := range light.segs {
				fs := *full.segs[i]
				ls2 := *ls
				fs.tasks, fs.taskRunIDs, ls2.tasks, ls2.taskRunIDs = nil, nil, nil, nil
				if !reflect.DeepEqual(ls2, fs) {
					t.Errorf("run %d segment %d: kept %+v, planned %+v", rid, i, ls2, fs)
				}
			}
			lighten(r.tl)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for i, id := range ids {
		if _, b := e.raw(tokA, "GET", "/api/2.2/jobs/runs/get?run_id="+itoa(id), nil); !bytes.Equal(b, views[i]) {
			t.Errorf("run %d after its timeline was made light:\n got %.300s\nwant %.300s", id, b, views[i])
		}
	}
}

// TestRunsReadOnFirstUse: after a restart, calls on jobs, permissions and
// files leave the run documents unread; the first call that needs runs
// (an API call or the overview) reads them all, and nothing is lost in
// between (ids keep counting, runs started after that are kept too).
func TestRunsReadOnFirstUse(t *testing.T) {
	t.Parallel()
	st := openStore(t, "")
	e := newEnv(t, st, true)
	for range 3 {
		e.ok(tokA, "POST", "/api/2.2/jobs/run-now", map[string]any{"job_id": 101})
	}
	unread := func(e *env) (n int, runs int) {
		t.Helper()
		_ = e.m.withSpace(context.Background(), "learner-1", func(sp *space) error {
			n, runs = len(sp.undecoded), len(sp.runs)
			return nil
		})
		return n, runs
	}
	e2 := newEnv(t, st, true)
	e2.clk.t = e.clk.t
	e2.ok(tokA, "GET", "/api/2.2/jobs/get?job_id=101", nil)
	e2.ok(tokA, "GET", "/api/2.2/jobs/list", nil)
	e2.ok(tokA, "GET", "/api/2.0/permissions/jobs/101", nil)
	id := e2.createJob(tokA, map[string]any{"name": "n", "tasks": []any{nb("a", nil, nil)}})
	if n, runs := unread(e2); n != 5 || runs != 0 {
		t.Fatalf("after calls on jobs: %d run documents unread, %d runs read; want 5, 0", n, runs)
	}
	rid := num(e2.ok(tokA, "POST", "/api/2.2/jobs/run-now", map[string]any{"job_id": id})["run_id"])
	if n, runs := unread(e2); n != 0 || runs != 6 {
		t.Fatalf("after run-now: %d run documents unread, %d runs read; want 0, 6", n, runs)
	}
	if got := len(e2.ok(tokA, "GET", "/api/2.2/jobs/runs/list", nil)["runs"].([]any)); got != 6 {
		t.Errorf("%d runs listed, want 6", got)
	}
	e3 := newEnv(t, st, true)
	e3.clk.t = e.clk.t
	ov, err := e3.m.Overview(context.Background(), "learner-1", 10)
	if err != nil {
		t.Fatal(err)
	}
	total := len(ov.SubmitRuns)
	for _, j := range ov.Jobs {
		total += j.TotalRuns
	}
	if total != 6 {
		t.Errorf("the overview after a restart shows %d runs, want 6", total)
	}
	if got := str(get(e3.ok(tokA, "GET", "/api/2.2/jobs/runs/get?run_id="+itoa(rid), nil), "run_name")); got != "n" {
		t.Errorf("run %d after a restart: run_name %q", rid, got)
	}
}

// TestBigRunsShareTasks: runs of the 150-task job store their task
// definitions once, whatever their number: each run document stays small.
func TestBigRunsShareTasks(t *testing.T) {
	t.Parallel()
	st := openStore(t, "")
	e := newEnv(t, st, true)
	e.ok(tokA, "POST", "/api/2.2/jobs/update", map[string]any{"job_id": 102, "new_settings": map[string]any{"max_concurrent_runs": 100}})
	var ids []int64
	for range 20 {
		ids = append(ids, num(e.ok(tokA, "POST", "/api/2.2/jobs/run-now", map[string]any{"job_id": 102})["run_id"]))
	}
	docs, err := st.LoadWorkspace(context.Background(), "learner-1")
	if err != nil {
		t.Fatal(err)
	}
	named := map[string]bool{}
	for _, id := range ids {
		b := docs[runKey(id)]
		if len(b) > 1024 {
			t.Errorf("run %d of the 150-task job is stored in %d bytes", id, len(b))
		}
		var d runJSON
		_ = json.Unmarshal(b, &d)
		named[d.Segments[0].TaskSet] = true
	}
	if len(named) != 1 {
		t.Errorf("the 20 runs name %d task sets, want 1", len(named))
	}
	for h := range named {
		if len(docs[tasksKey(h)]) < 150*100 {
			t.Errorf("task set %s holds %d bytes, not 150 tasks", h, len(docs[tasksKey(h)]))
		}
	}
}
