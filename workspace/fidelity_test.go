package workspace

import (
	"encoding/json"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"time"
)

// TestOffsetLimits: the deprecated offset is refused past each list
// endpoint's real cap (jobs/list 1,000: terraform-provider-databricks#2807;
// runs/list 10,000: databricks-sdk-py#278) with 400 INVALID_PARAMETER_VALUE
// pointing to page_token, on 2.1 and 2.2; at the cap it is still a page.
func TestOffsetLimits(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil, true)
	tests := []struct {
		path     string
		wantCode int
		wantMsg  string
	}{
		{"/api/2.2/jobs/list?limit=25&offset=1025", 400, "The supplied offset 1025 has exceeded the value of 1000 allowed for this parameter.Please use the page_token parameter to paginate: https://docs.databricks.com/api/workspace/jobs/list."},
		{"/api/2.1/jobs/list?limit=25&offset=1001", 400, "The supplied offset 1001 has exceeded the value of 1000"},
		{"/api/2.2/jobs/list?offset=1000", 200, ""},
		{"/api/2.2/jobs/runs/list?offset=10020", 400, "The supplied offset 10020 has exceeded the value of 10000 allowed for this parameter.Please use the page_token parameter to paginate: https://docs.databricks.com/api/workspace/jobs/listruns."},
		{"/api/2.1/jobs/runs/list?offset=10001", 400, "page_token"},
		{"/api/2.2/jobs/runs/list?offset=10000", 200, ""},
	}
	for _, tt := range tests {
		code, out := e.call(tokA, "GET", tt.path, nil)
		if code != tt.wantCode {
			t.Errorf("%s: status %d, want %d (%v)", tt.path, code, tt.wantCode, out)
			continue
		}
		if tt.wantCode == 400 && (out["error_code"] != "INVALID_PARAMETER_VALUE" || !strings.Contains(str(out["message"]), tt.wantMsg)) {
			t.Errorf("%s: %v, want INVALID_PARAMETER_VALUE %q", tt.path, out, tt.wantMsg)
		}
	}
}

// TestLinksUseTheCalledHost: run_page_url (runs, task runs, one-time runs)
// and the host metadata's oidc_endpoint are built from the host the client
// called; X-Forwarded-Host and -Proto count only with TrustProxy
// (-trust-proxy), and a forged host that is not a plain host[:port] is
// ignored.
func TestLinksUseTheCalledHost(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		trust     bool
		host, xfh string
		xfp       string
		want      string
	}{
		{"direct", false, "trainer.example:8080", "", "", "http://trainer.example:8080/"},
		{"forwarded, not trusted", false, "10.0.0.5:8080", "jobs.example.org", "https", "http://10.0.0.5:8080/"},
		{"forwarded, trusted", true, "10.0.0.5:8080", "jobs.example.org, inner.proxy", "https", "https://jobs.example.org/"},
		{"forged host, trusted", true, "10.0.0.5:8080", "evil.example/x?", "", "http://10.0.0.5:8080/"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clk := newClock()
			m, err := NewManager(Options{Now: clk.Now, TaskDuration: time.Second, Resolve: resolver, TrustProxy: tt.trust,
				PageTokenKey: []byte("workspace tests page token key")})
			if err != nil {
				t.Fatal(err)
			}
			do := func(method, path, body string) map[string]any {
				t.Helper()
				r := httptest.NewRequest(method, "http://"+tt.host+path, strings.NewReader(body))
				r.Header.Set("Authorization", "Bearer "+tokA)
				if tt.xfh != "" {
					r.Header.Set("X-Forwarded-Host", tt.xfh)
				}
				if tt.xfp != "" {
					r.Header.Set("X-Forwarded-Proto", tt.xfp)
				}
				w := httptest.NewRecorder()
				m.Handler().ServeHTTP(w, r)
				var out map[string]any
				if err := json.Unmarshal(w.Body.Bytes(), &out); err != nil || w.Code != 200 {
					t.Fatalf("%s %s: %d %s", method, path, w.Code, w.Body.String())
				}
				return out
			}
			if got := str(do("GET", "/.well-known/databricks-config", "")["oidc_endpoint"]); got != tt.want+"oidc" {
				t.Errorf("oidc_endpoint %q, want %q", got, tt.want+"oidc")
			}
			sub := do("POST", "/api/2.2/jobs/runs/submit", `{"tasks":[{"task_key":"a","notebook_task":{"notebook_path":"/a"}}]}`)
			run := do("GET", "/api/2.2/jobs/runs/get?run_id="+itoa(num(sub["run_id"])), "")
			for _, u := range []string{str(run["run_page_url"]), str(get(run, "tasks.0.run_page_url"))} {
				if !strings.HasPrefix(u, tt.want+"?o=") {
					t.Errorf("run_page_url %q, want it under %q", u, tt.want)
				}
			}
		})
	}
}

// TestOneTimeRunsHaveAHiddenJob: a runs/submit run reports the id of the
// hidden one-time job it belongs to (not its run_id, not listed by
// jobs/list, never reused by a later job), in runs/get, runs/list and
// get-output, and its run_page_url is #job/<that id>/run/<run_id>
// (flyteorg/flytekit#1935, databricks/databricks-sdk-py#375).
func TestOneTimeRunsHaveAHiddenJob(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil, true)
	for _, v := range []string{"2.2", "2.1"} {
		sub := e.ok(tokA, "POST", "/api/"+v+"/jobs/runs/submit", map[string]any{"run_name": "once", "tasks": []any{nb("a", nil, nil)}})
		runID := num(sub["run_id"])
		run := e.ok(tokA, "GET", "/api/"+v+"/jobs/runs/get?run_id="+itoa(runID), nil)
		jobID := num(run["job_id"])
		if jobID == 0 || jobID == runID {
			t.Fatalf("%s: one-time run %d has job_id %v", v, runID, run["job_id"])
		}
		wantURL := "http://sandbox.test/?o=" + workspaceNumber + "#job/" + itoa(jobID) + "/run/" + itoa(runID)
		if got := str(run["run_page_url"]); got != wantURL {
			t.Errorf("%s: run_page_url %q, want %q", v, got, wantURL)
		}
		taskID := num(get(run, "tasks.0.run_id"))
		if got := str(get(run, "tasks.0.run_page_url")); !strings.Contains(got, "#job/"+itoa(jobID)+"/run/"+itoa(taskID)) {
			t.Errorf("%s: task run_page_url %q", v, got)
		}
		list := e.ok(tokA, "GET", "/api/"+v+"/jobs/runs/list?run_type=SUBMIT_RUN&limit=1", nil)
		if num(get(list, "runs.0.job_id")) != jobID || str(get(list, "runs.0.run_page_url")) != wantURL {
			t.Errorf("%s: runs/list item %v", v, get(list, "runs.0"))
		}
		e.clk.Add(time.Minute)
		out := e.ok(tokA, "GET", "/api/"+v+"/jobs/runs/get-output?run_id="+itoa(taskID), nil)
		if num(get(out, "metadata.job_id")) != jobID {
			t.Errorf("%s: get-output metadata.job_id %v, want %d", v, get(out, "metadata.job_id"), jobID)
		}
		jobs := e.ok(tokA, "GET", "/api/2.2/jobs/list?limit=100", nil)
		for _, j := range jobs["jobs"].([]any) {
			if num(get(j, "job_id")) == jobID {
				t.Errorf("%s: jobs/list lists the hidden job %d", v, jobID)
			}
		}
		if next := e.createJob(tokA, map[string]any{"name": "after", "tasks": []any{nb("a", nil, nil)}}); next == jobID {
			t.Errorf("%s: a new job reused the hidden job id %d", v, jobID)
		}
	}
}

// TestAPI21RefusesLargeJobs: API 2.1 never hands back more than 100 tasks.
// jobs/get and runs/get of a 150-task job or run are a 400 naming 2.2
// (docs: "Jobs with a large number of tasks"), jobs/list and runs/list
// with expand_tasks leave the tasks out (OpenMetadata#33204), and 2.1
// writes of such a job are refused alike; 2.2 serves and pages them all.
func TestAPI21RefusesLargeJobs(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil, false)
	var tasks []any
	for i := range 150 {
		tasks = append(tasks, nb("t"+itoa(int64(i)), nil, nil))
	}
	id := e.createJob(tokA, map[string]any{"name": "big", "tasks": tasks})
	run := e.ok(tokA, "POST", "/api/2.2/jobs/run-now", map[string]any{"job_id": id})
	e.clk.Add(time.Hour)
	refused := func(method, path string, body any) {
		t.Helper()
		code, out := e.call(tokA, method, path, body)
		msg := "Resources with more than 100 tasks can only be handled by API 2.2 and above. Your resource has 150 tasks"
		if code != 400 || out["error_code"] != "INVALID_PARAMETER_VALUE" || str(out["message"]) != msg {
			t.Errorf("%s %s: %d %v, want 400 %q", method, path, code, out, msg)
		}
	}
	refused("GET", "/api/2.1/jobs/get?job_id="+itoa(id), nil)
	refused("GET", "/api/2.1/jobs/runs/get?run_id="+itoa(num(run["run_id"])), nil)
	refused("POST", "/api/2.1/jobs/create", map[string]any{"name": "big2", "tasks": tasks})
	refused("POST", "/api/2.1/jobs/reset", map[string]any{"job_id": id, "new_settings": map[string]any{"name": "big", "tasks": tasks}})
	refused("POST", "/api/2.1/jobs/runs/submit", map[string]any{"tasks": tasks})

	jl := e.ok(tokA, "GET", "/api/2.1/jobs/list?expand_tasks=true", nil)
	if item := get(jl, "jobs.0"); num(get(item, "job_id")) != id || get(item, "settings.tasks") != nil || get(item, "settings.name") != "big" {
		t.Errorf("2.1 jobs/list item of a 150-task job: settings %v", get(item, "settings"))
	}
	rl := e.ok(tokA, "GET", "/api/2.1/jobs/runs/list?expand_tasks=true&job_id="+itoa(id), nil)
	if item := get(rl, "runs.0"); get(item, "tasks") != nil || get(item, "state") == nil {
		t.Errorf("2.1 runs/list item of a 150-task run has tasks")
	}
	// 2.2 serves all of it, 100 at a time
	g := e.ok(tokA, "GET", "/api/2.2/jobs/get?job_id="+itoa(id), nil)
	if n := len(get(g, "settings.tasks").([]any)); n != 100 || g["next_page_token"] == nil {
		t.Errorf("2.2 jobs/get: %d tasks, next_page_token %v", n, g["next_page_token"])
	}
	r := e.ok(tokA, "GET", "/api/2.2/jobs/runs/get?run_id="+itoa(num(run["run_id"])), nil)
	if n := len(r["tasks"].([]any)); n != 100 || r["next_page_token"] == nil {
		t.Errorf("2.2 runs/get: %d tasks", n)
	}
	// a small job is still served whole on 2.1
	small := e.createJob(tokA, map[string]any{"name": "small", "tasks": []any{nb("a", nil, nil)}})
	if n := len(get(e.ok(tokA, "GET", "/api/2.1/jobs/get?job_id="+itoa(small), nil), "settings.tasks").([]any)); n != 1 {
		t.Errorf("2.1 jobs/get of a 1-task job: %d tasks", n)
	}
}

// TestCancelTaskRun: runs/cancel with one task run's id cancels only that
// task (TERMINATING, then CANCELED); its sibling and the run go on, its
// dependents follow their run_if (ALL_SUCCESS: UPSTREAM_CANCELED; ALL_DONE
// and the failure handler AT_LEAST_ONE_FAILED: run). apache/airflow#69442
// (checked on a live workspace); the API reference: "Cancels a job run or a
// task run"; the run_if docs' note: after a task run is cancelled, "tasks
// with a Run if condition that handles failure are run".
func TestCancelTaskRun(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil, false)
	slow := func(key string, deps []string, extra map[string]any) map[string]any {
		task := nb(key, deps, sim("slow"))
		for k, v := range extra {
			task[k] = v
		}
		return task
	}
	id := e.createJob(tokA, map[string]any{"name": "two", "tasks": []any{
		slow("a", nil, nil), slow("b", nil, nil),
		nb("c", []string{"a"}, nil), nb("d", []string{"a"}, map[string]any{"run_if": "ALL_DONE"}),
		nb("e", []string{"a"}, map[string]any{"run_if": "AT_LEAST_ONE_FAILED"})}})
	rid, t0 := e.runNow(tokA, map[string]any{"job_id": id})
	run := e.runAt(tokA, rid, t0, 2*time.Second)
	if got := taskStates(run); got["a"] != "RUNNING" || got["b"] != "RUNNING" {
		t.Fatalf("before the cancel: %v", got)
	}
	taskA := num(get(run, "tasks.0.run_id"))
	e.ok(tokA, "POST", "/api/2.2/jobs/runs/cancel", map[string]any{"run_id": taskA})

	run = e.runAt(tokA, rid, t0, 2*time.Second)
	if got := taskStates(run); life(run) != "RUNNING" || got["a"] != "TERMINATING" || got["b"] != "RUNNING" {
		t.Errorf("just after the cancel: run %s, tasks %v", life(run), got)
	}
	run = e.runAt(tokA, rid, t0, 3*time.Second)
	want := map[string]string{"a": "CANCELED", "b": "RUNNING", "c": "UPSTREAM_CANCELED", "d": "RUNNING", "e": "RUNNING"}
	if got := taskStates(run); life(run) != "RUNNING" || !reflect.DeepEqual(got, want) {
		t.Errorf("after the cancel: run %s, tasks %v, want RUNNING %v", life(run), got, want)
	}
	if get(run, "tasks.0.state.user_cancelled_or_timedout") != true {
		t.Errorf("cancelled task: %v", get(run, "tasks.0.state"))
	}
	run = e.runAt(tokA, rid, t0, time.Hour)
	want = map[string]string{"a": "CANCELED", "b": "SUCCESS", "c": "UPSTREAM_CANCELED", "d": "SUCCESS", "e": "SUCCESS"}
	if got := taskStates(run); life(run) != "TERMINATED" || !reflect.DeepEqual(got, want) {
		t.Errorf("at the end: run %s, tasks %v, want %v", life(run), got, want)
	}
	// cancelling the ended task run again is a no-op; an unknown id is the usual 400
	e.ok(tokA, "POST", "/api/2.2/jobs/runs/cancel", map[string]any{"run_id": taskA})
	if code, out := e.call(tokA, "POST", "/api/2.2/jobs/runs/cancel", map[string]any{"run_id": 999999}); code != 400 || !strings.Contains(str(out["message"]), "does not exist") {
		t.Errorf("unknown run: %d %v", code, out)
	}
	// the cancelled task can be repaired like a failed one
	rep := e.ok(tokA, "POST", "/api/2.2/jobs/runs/repair", map[string]any{"run_id": rid, "rerun_all_failed_tasks": true})
	if num(rep["repair_id"]) == 0 {
		t.Fatalf("repair: %v", rep)
	}
	run = e.runAt(tokA, rid, e.clk.Now(), 2*time.Hour)
	if got := taskStates(run); result(run) != "SUCCESS" || got["a"] != "SUCCESS" || got["c"] != "SUCCESS" {
		t.Errorf("after the repair: %s %v", result(run), got)
	}
}

// TestRepairActiveRunRefused: repair takes only a run that has ended ("The
// job run ID of the run to repair. The run must not be in progress.", API
// reference, Repair). In every active phase (queued, pending, running,
// waiting for a retry, terminating after a cancel, a repair in progress,
// a task cancelled but its siblings running) it is a 400 INVALID_STATE,
// and the run is left as it was; once ended it is accepted.
func TestRepairActiveRunRefused(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil, false)
	refused := func(rid int64, phase string) {
		t.Helper()
		before := e.ok(tokA, "GET", "/api/2.2/jobs/runs/get?run_id="+itoa(rid), nil)
		for _, v := range []string{"2.2", "2.1"} {
			code, out := e.call(tokA, "POST", "/api/"+v+"/jobs/runs/repair", map[string]any{"run_id": rid, "rerun_tasks": []string{"a"}})
			if code != 400 || out["error_code"] != "INVALID_STATE" {
				t.Errorf("%s, %s: repair answered %d %v, want 400 INVALID_STATE", phase, v, code, out)
			}
		}
		after := e.ok(tokA, "GET", "/api/2.2/jobs/runs/get?run_id="+itoa(rid), nil)
		if !reflect.DeepEqual(before, after) {
			t.Errorf("%s: the refused repair changed the run", phase)
		}
	}
	id := e.createJob(tokA, map[string]any{"name": "r", "max_concurrent_runs": 1, "tasks": []any{
		nb("a", nil, map[string]any{"max_retries": 1, "min_retry_interval_millis": 5000,
			"notebook_task": map[string]any{"notebook_path": "/a", "base_parameters": map[string]any{"simulate": "fail_once"}}}),
		nb("b", nil, sim("slow"))}})
	first, t0 := e.runNow(tokA, map[string]any{"job_id": id})
	queued := num(e.ok(tokA, "POST", "/api/2.2/jobs/run-now", map[string]any{"job_id": id})["run_id"])
	phases := []struct {
		at   time.Duration
		run  int64
		want string // life_cycle_state of the run, or of task a when prefixed "a:"
	}{
		{0, first, "PENDING"},
		{0, queued, "QUEUED"},
		{500 * time.Millisecond, first, "RUNNING"},
		{2 * time.Second, first, "a:WAITING_FOR_RETRY"},
	}
	for _, p := range phases {
		run := e.runAt(tokA, p.run, t0, p.at)
		got := life(run)
		if strings.HasPrefix(p.want, "a:") {
			got = "a:" + str(get(run, "tasks.0.state.life_cycle_state"))
		}
		if got != p.want {
			t.Fatalf("phase %s: got %s", p.want, got)
		}
		refused(p.run, p.want)
	}
	// a task cancelled on its own while b runs on
	run := e.runAt(tokA, first, t0, 3*time.Second)
	e.ok(tokA, "POST", "/api/2.2/jobs/runs/cancel", map[string]any{"run_id": num(get(run, "tasks.0.run_id"))})
	if run := e.runAt(tokA, first, t0, 4*time.Second); life(run) != "RUNNING" || taskStates(run)["a"] != "CANCELED" || taskStates(run)["b"] != "RUNNING" {
		t.Fatalf("after cancelling a: %s %v", life(run), taskStates(run))
	}
	refused(first, "a task cancelled, b running")
	// the whole run cancelled: TERMINATING
	e.ok(tokA, "POST", "/api/2.2/jobs/runs/cancel", map[string]any{"run_id": first})
	if run := e.runAt(tokA, first, t0, 4*time.Second); life(run) != "TERMINATING" {
		t.Fatalf("after cancel: %s", life(run))
	}
	refused(first, "TERMINATING")
	// ended: accepted; while that repair runs, another is refused
	e.runAt(tokA, first, t0, time.Hour)
	e.ok(tokA, "POST", "/api/2.2/jobs/runs/repair", map[string]any{"run_id": first, "rerun_tasks": []string{"a"}})
	refused(first, "repair in progress")
}

// TestOutputNeedsTheTaskRun: since 2.1 runs/get-output and runs/export take
// a task run's id; a job run's id is refused with the real 400 also when
// the job has a single task (apache/airflow PR #25427,
// databricks/databricks-sdk-py#375), and the task run's id answers.
func TestOutputNeedsTheTaskRun(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil, false)
	id := e.createJob(tokA, map[string]any{"name": "one", "tasks": []any{nb("only", nil, nil)}})
	rid, t0 := e.runNow(tokA, map[string]any{"job_id": id})
	run := e.runAt(tokA, rid, t0, time.Hour)
	task := num(get(run, "tasks.0.run_id"))
	for _, v := range []string{"2.1", "2.2"} {
		code, out := e.call(tokA, "GET", "/api/"+v+"/jobs/runs/get-output?run_id="+itoa(rid), nil)
		if code != 400 || out["error_code"] != "INVALID_PARAMETER_VALUE" || !strings.HasPrefix(str(out["message"]), "Retrieving the output of runs with multiple tasks is not supported.") {
			t.Errorf("%s get-output of the job run: %d %v", v, code, out)
		}
		if code, out := e.call(tokA, "GET", "/api/"+v+"/jobs/runs/export?run_id="+itoa(rid), nil); code != 400 || out["error_code"] != "INVALID_PARAMETER_VALUE" {
			t.Errorf("%s export of the job run: %d %v", v, code, out)
		}
		if out := e.ok(tokA, "GET", "/api/"+v+"/jobs/runs/get-output?run_id="+itoa(task), nil); num(get(out, "metadata.run_id")) != task {
			t.Errorf("%s get-output of the task run: %v", v, out)
		}
	}
}
