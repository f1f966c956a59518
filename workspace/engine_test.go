package workspace

import (
	"strings"
	"testing"
	"time"
)

// at advances the fake clock to base+d and fetches the run.
func (e *env) runAt(tok string, id int64, base time.Time, d time.Duration) map[string]any {
	e.t.Helper()
	e.clk.mu.Lock()
	e.clk.t = base.Add(d)
	e.clk.mu.Unlock()
	return e.ok(tok, "GET", "/api/2.2/jobs/runs/get?run_id="+itoa(id), nil)
}

func (e *env) runNow(tok string, body map[string]any) (int64, time.Time) {
	e.t.Helper()
	start := e.clk.Now()
	e.clk.mu.Lock()
	e.clk.t = start
	e.clk.mu.Unlock()
	return num(e.ok(tok, "POST", "/api/2.2/jobs/run-now", body)["run_id"]), start
}

func life(run map[string]any) string   { return str(get(run, "state.life_cycle_state")) }
func result(run map[string]any) string { return str(get(run, "state.result_state")) }

func TestDAGOrder(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil, false)
	id := e.createJob(tokA, map[string]any{"name": "dag", "tasks": []any{nb("a", nil, nil), nb("b", []string{"a"}, nil), nb("c", []string{"a"}, nil), nb("d", []string{"b", "c"}, nil)}})
	rid, t0 := e.runNow(tokA, map[string]any{"job_id": id})
	want := []struct {
		at   time.Duration
		life string
		st   map[string]string
	}{
		{0, "PENDING", map[string]string{"a": "PENDING", "d": "PENDING"}},
		{500 * time.Millisecond, "RUNNING", map[string]string{"a": "RUNNING", "b": "BLOCKED", "d": "BLOCKED"}},
		{1500 * time.Millisecond, "RUNNING", map[string]string{"a": "SUCCESS", "b": "RUNNING", "c": "RUNNING", "d": "BLOCKED"}},
		{2500 * time.Millisecond, "RUNNING", map[string]string{"b": "SUCCESS", "c": "SUCCESS", "d": "RUNNING"}},
		{3500 * time.Millisecond, "TERMINATED", map[string]string{"a": "SUCCESS", "b": "SUCCESS", "c": "SUCCESS", "d": "SUCCESS"}},
	}
	for _, w := range want {
		run := e.runAt(tokA, rid, t0, w.at)
		if life(run) != w.life {
			t.Errorf("at %v: life %s, want %s", w.at, life(run), w.life)
		}
		got := taskStates(run)
		for k, v := range w.st {
			if got[k] != v {
				t.Errorf("at %v: task %s = %s, want %s", w.at, k, got[k], v)
			}
		}
		if get(run, "status.state") == nil {
			t.Errorf("at %v: no status", w.at)
		}
	}
	run := e.runAt(tokA, rid, t0, time.Hour)
	if result(run) != "SUCCESS" || num(run["end_time"]) == 0 {
		t.Fatalf("final %v", run["state"])
	}
}

func TestRunIf(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil, false)
	both := []string{"ok", "bad"}
	tasks := []any{nb("ok", nil, nil), nb("bad", nil, sim("fail"))}
	want := map[string]string{"ok": "SUCCESS", "bad": "FAILED"}
	for runIf, res := range map[string]string{
		"ALL_SUCCESS": "UPSTREAM_FAILED", "ALL_DONE": "SUCCESS", "NONE_FAILED": "UPSTREAM_FAILED",
		"AT_LEAST_ONE_SUCCESS": "SUCCESS", "AT_LEAST_ONE_FAILED": "SUCCESS", "ALL_FAILED": "EXCLUDED",
	} {
		tasks = append(tasks, nb("t_"+runIf, both, map[string]any{"run_if": runIf}))
		want["t_"+runIf] = res
	}
	tasks = append(tasks, nb("only_bad", []string{"bad"}, map[string]any{"run_if": "ALL_FAILED"}))
	want["only_bad"] = "SUCCESS"
	tasks = append(tasks, nb("only_ok", []string{"ok"}, map[string]any{"run_if": "NONE_FAILED"}))
	want["only_ok"] = "SUCCESS"
	tasks = append(tasks, nb("off", nil, map[string]any{"disabled": true}))
	want["off"] = "DISABLED"
	// A disabled parent does not satisfy ALL_SUCCESS or NONE_FAILED (the
	// child is disabled too); ALL_DONE treats it as done.
	for runIf, res := range map[string]string{"ALL_SUCCESS": "DISABLED", "NONE_FAILED": "DISABLED", "ALL_DONE": "SUCCESS", "AT_LEAST_ONE_FAILED": "DISABLED"} {
		tasks = append(tasks, nb("after_off_"+runIf, []string{"off"}, map[string]any{"run_if": runIf}))
		want["after_off_"+runIf] = res
	}
	tasks = append(tasks, nb("off_or_ok", []string{"off", "ok"}, map[string]any{"run_if": "AT_LEAST_ONE_SUCCESS"}))
	want["off_or_ok"] = "SUCCESS"
	// An excluded dependency counts as a success; a task whose
	// dependencies were all excluded is excluded whatever its run_if.
	tasks = append(tasks, nb("guard", []string{"ok"}, map[string]any{"run_if": "AT_LEAST_ONE_FAILED"}))
	want["guard"] = "EXCLUDED"
	tasks = append(tasks, nb("after_guard", []string{"guard", "ok"}, nil))
	want["after_guard"] = "SUCCESS"
	tasks = append(tasks, nb("only_guard", []string{"guard"}, map[string]any{"run_if": "ALL_DONE"}))
	want["only_guard"] = "EXCLUDED"
	id := e.createJob(tokA, map[string]any{"name": "runif", "tasks": tasks})
	rid, t0 := e.runNow(tokA, map[string]any{"job_id": id})
	run := e.runAt(tokA, rid, t0, time.Hour)
	got := taskStates(run)
	for k, v := range want {
		if got[k] != v {
			t.Errorf("task %s = %s, want %s", k, got[k], v)
		}
	}
	if life(run) != "INTERNAL_ERROR" || result(run) != "FAILED" ||
		str(get(run, "state.state_message")) != "Task bad failed with message: Workload failed, see run output for details." ||
		str(get(run, "status.termination_details.code")) != "RUN_EXECUTION_ERROR" {
		t.Fatalf("run state %v status %v", run["state"], run["status"])
	}
}

func TestSuccessWithFailures(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil, false)
	id := e.createJob(tokA, map[string]any{"name": "swf", "tasks": []any{nb("bad", nil, sim("fail")), nb("leaf", []string{"bad"}, map[string]any{"run_if": "ALL_DONE"})}})
	rid, t0 := e.runNow(tokA, map[string]any{"job_id": id})
	run := e.runAt(tokA, rid, t0, time.Hour)
	if life(run) != "TERMINATED" || result(run) != "SUCCESS_WITH_FAILURES" {
		t.Fatalf("state %v", run["state"])
	}
}

func TestRetries(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil, false)
	id := e.createJob(tokA, map[string]any{"name": "retry", "tasks": []any{
		nb("a", nil, map[string]any{"max_retries": 2, "min_retry_interval_millis": 2000,
			"notebook_task": map[string]any{"notebook_path": "/x", "base_parameters": map[string]any{"simulate": "fail_once"}}})}})
	rid, t0 := e.runNow(tokA, map[string]any{"job_id": id})
	first := e.runAt(tokA, rid, t0, 800*time.Millisecond)
	firstID := num(get(first, "tasks.0.run_id"))
	// attempt 0: 0.333..1.333 fails; waits until 3.333; attempt 1 runs 3.333..4.333
	wait := e.runAt(tokA, rid, t0, 2*time.Second)
	if s := str(get(wait, "tasks.0.state.life_cycle_state")); s != "WAITING_FOR_RETRY" || str(get(wait, "tasks.0.status.state")) != "WAITING" {
		t.Fatalf("between attempts: %s", s)
	}
	if life(wait) != "RUNNING" {
		t.Fatalf("run during retry wait: %s", life(wait))
	}
	again := e.runAt(tokA, rid, t0, 3500*time.Millisecond)
	if n := num(get(again, "tasks.0.attempt_number")); n != 1 {
		t.Fatalf("attempt_number = %d", n)
	}
	if num(get(again, "tasks.0.original_attempt_run_id")) != firstID || num(get(again, "tasks.0.run_id")) == firstID {
		t.Fatalf("retry ids: %v", get(again, "tasks.0"))
	}
	done := e.runAt(tokA, rid, t0, time.Hour)
	if result(done) != "SUCCESS" {
		t.Fatalf("final %v", done["state"])
	}
	// get-output of the failed first attempt still answers
	out := e.ok(tokA, "GET", "/api/2.2/jobs/runs/get-output?run_id="+itoa(firstID), nil)
	if str(get(out, "metadata.state.result_state")) != "FAILED" {
		t.Fatalf("first attempt output %v", out)
	}
}

func TestTimeouts(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil, false)
	id := e.createJob(tokA, map[string]any{"name": "to", "tasks": []any{
		nb("a", nil, map[string]any{"timeout_seconds": 2, "notebook_task": map[string]any{"notebook_path": "/x", "base_parameters": map[string]any{"simulate": "slow"}}}),
		nb("b", []string{"a"}, nil)}})
	rid, t0 := e.runNow(tokA, map[string]any{"job_id": id})
	run := e.runAt(tokA, rid, t0, time.Hour)
	if got := taskStates(run); got["a"] != "TIMEDOUT" || got["b"] != "UPSTREAM_FAILED" {
		t.Fatalf("tasks %v", got)
	}
	if result(run) != "TIMEDOUT" {
		t.Fatalf("run %v", run["state"])
	}
	// job-level timeout
	id2 := e.createJob(tokA, map[string]any{"name": "to2", "timeout_seconds": 1, "tasks": []any{nb("a", nil, sim("slow"))}})
	rid2, t1 := e.runNow(tokA, map[string]any{"job_id": id2})
	run2 := e.runAt(tokA, rid2, t1, time.Hour)
	if life(run2) != "TERMINATED" || result(run2) != "TIMEDOUT" || get(run2, "state.user_cancelled_or_timedout") != true {
		t.Fatalf("job timeout %v", run2["state"])
	}
	// Each task says whose timeout ended it (the job's cut task said it
	// timed out "after 0 seconds").
	if msg := str(get(run, "tasks.0.state.state_message")); msg != "Task timed out after 2 seconds." {
		t.Errorf("task timeout message %q", msg)
	}
	if msg := str(get(run2, "tasks.0.state.state_message")); msg != "Timed out: the job's timeout_seconds was reached." {
		t.Errorf("job timeout's task message %q", msg)
	}
}

func TestQueueing(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil, false)
	id := e.createJob(tokA, map[string]any{"name": "q", "tasks": []any{nb("a", nil, nil)}})
	r1, t0 := e.runNow(tokA, map[string]any{"job_id": id})
	r2 := num(e.ok(tokA, "POST", "/api/2.2/jobs/run-now", map[string]any{"job_id": id})["run_id"])
	q := e.runAt(tokA, r2, t0, 500*time.Millisecond)
	if life(q) != "QUEUED" || str(get(q, "status.queue_details.code")) != "MAX_CONCURRENT_RUNS_REACHED" {
		t.Fatalf("second run %v %v", q["state"], q["status"])
	}
	active := e.ok(tokA, "GET", "/api/2.2/jobs/runs/list?active_only=true&job_id="+itoa(id), nil)
	if n := len(active["runs"].([]any)); n != 2 {
		t.Fatalf("active runs = %d", n)
	}
	r1v := e.runAt(tokA, r1, t0, 2*time.Second)
	q = e.runAt(tokA, r2, t0, 2*time.Second)
	if result(r1v) != "SUCCESS" || life(q) == "QUEUED" {
		t.Fatalf("after first: %s / %s", result(r1v), life(q))
	}
	done := e.runAt(tokA, r2, t0, time.Hour)
	if result(done) != "SUCCESS" || num(done["queue_duration"]) <= 0 {
		t.Fatalf("queued run final %v queue_duration %v", done["state"], done["queue_duration"])
	}
	// queue off (2.1 default): SKIPPED
	id21 := num(e.ok(tokA, "POST", "/api/2.1/jobs/create", map[string]any{"name": "noq", "tasks": []any{nb("a", nil, nil)}})["job_id"])
	_, t1 := e.runNow(tokA, map[string]any{"job_id": id21})
	s2 := num(e.ok(tokA, "POST", "/api/2.1/jobs/run-now", map[string]any{"job_id": id21})["run_id"])
	sk := e.runAt(tokA, s2, t1, 100*time.Millisecond)
	if life(sk) != "SKIPPED" || get(sk, "status.state") != "TERMINATED" {
		t.Fatalf("queue off: %v", sk["state"])
	}
}

func TestCancel(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil, false)
	id := e.createJob(tokA, map[string]any{"name": "c", "tasks": []any{nb("a", nil, nil), nb("b", []string{"a"}, nil)}})
	rid, t0 := e.runNow(tokA, map[string]any{"job_id": id})
	e.runAt(tokA, rid, t0, 500*time.Millisecond)
	e.ok(tokA, "POST", "/api/2.2/jobs/runs/cancel", map[string]any{"run_id": rid})
	if run := e.runAt(tokA, rid, t0, 520*time.Millisecond); life(run) != "TERMINATING" {
		t.Fatalf("right after cancel: %s", life(run))
	}
	run := e.runAt(tokA, rid, t0, time.Hour)
	if life(run) != "TERMINATED" || result(run) != "CANCELED" || taskStates(run)["b"] != "UPSTREAM_CANCELED" {
		t.Fatalf("cancelled: %v %v", run["state"], taskStates(run))
	}
	// runs/delete of an active run is refused; of a finished one works
	r2, t1 := e.runNow(tokA, map[string]any{"job_id": id})
	if code, _ := e.call(tokA, "POST", "/api/2.2/jobs/runs/delete", map[string]any{"run_id": r2}); code != 400 {
		t.Fatalf("delete active: %d", code)
	}
	e.runAt(tokA, r2, t1, time.Hour)
	e.ok(tokA, "POST", "/api/2.2/jobs/runs/delete", map[string]any{"run_id": r2})
	if code, _ := e.call(tokA, "GET", "/api/2.2/jobs/runs/get?run_id="+itoa(r2), nil); code != 400 {
		t.Fatalf("deleted run still visible")
	}
	// cancel-all
	r3, t2 := e.runNow(tokA, map[string]any{"job_id": id})
	e.ok(tokA, "POST", "/api/2.2/jobs/runs/cancel-all", map[string]any{"job_id": id})
	if run := e.runAt(tokA, r3, t2, time.Hour); result(run) != "CANCELED" {
		t.Fatalf("cancel-all: %v", run["state"])
	}
}

func TestRepair(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil, false)
	id := e.createJob(tokA, map[string]any{"name": "rep", "tasks": []any{
		nb("a", nil, nil),
		nb("b", []string{"a"}, map[string]any{"notebook_task": map[string]any{"notebook_path": "/b", "base_parameters": map[string]any{"simulate": "fail_once"}}}),
		nb("c", []string{"b"}, nil), nb("d", []string{"a"}, nil)}})
	rid, t0 := e.runNow(tokA, map[string]any{"job_id": id})
	if code, out := e.call(tokA, "POST", "/api/2.2/jobs/runs/repair", map[string]any{"run_id": rid, "rerun_all_failed_tasks": true}); code != 400 || out["error_code"] != "INVALID_STATE" {
		t.Fatalf("repair active: %d %v", code, out)
	}
	run := e.runAt(tokA, rid, t0, time.Hour)
	if got := taskStates(run); got["b"] != "FAILED" || got["c"] != "UPSTREAM_FAILED" || got["d"] != "SUCCESS" {
		t.Fatalf("before repair %v", got)
	}
	oldB := num(get(run, "tasks.1.run_id"))
	if code, _ := e.call(tokA, "POST", "/api/2.2/jobs/runs/repair", map[string]any{"run_id": rid, "rerun_all_failed_tasks": true, "rerun_tasks": []string{"b"}}); code != 400 {
		t.Fatal("both selectors accepted")
	}
	rep := e.ok(tokA, "POST", "/api/2.2/jobs/runs/repair", map[string]any{"run_id": rid, "rerun_tasks": []string{"b"}, "rerun_dependent_tasks": true})
	repID := num(rep["repair_id"])
	t1 := e.clk.Now()
	run = e.runAt(tokA, rid, t1, 100*time.Millisecond)
	if life(run) != "PENDING" {
		t.Fatalf("repair pending: %s", life(run))
	}
	run = e.runAt(tokA, rid, t1, time.Hour)
	got := taskStates(run)
	if result(run) != "SUCCESS" || got["b"] != "SUCCESS" || got["c"] != "SUCCESS" {
		t.Fatalf("after repair %v %v", run["state"], got)
	}
	if num(get(run, "tasks.1.run_id")) == oldB {
		t.Fatal("rerun task kept its run_id")
	}
	h := e.ok(tokA, "GET", "/api/2.2/jobs/runs/get?include_history=true&run_id="+itoa(rid), nil)
	hist := h["repair_history"].([]any)
	if len(hist) != 2 || get(hist[0], "type") != "ORIGINAL" || num(get(hist[1], "id")) != repID || get(hist[0], "state.result_state") != "FAILED" {
		t.Fatalf("history %v", hist)
	}
	// second repair: latest_repair_id missing, stale, then right
	code, out := e.call(tokA, "POST", "/api/2.2/jobs/runs/repair", map[string]any{"run_id": rid, "rerun_tasks": []string{"a"}})
	if code != 400 || out["message"] != "The latest repair ID needs to be provided in order to create a new repair" {
		t.Fatalf("missing latest_repair_id: %d %v", code, out)
	}
	if code, _ := e.call(tokA, "POST", "/api/2.2/jobs/runs/repair", map[string]any{"run_id": rid, "rerun_tasks": []string{"a"}, "latest_repair_id": repID - 1}); code != 400 {
		t.Fatal("stale latest_repair_id accepted")
	}
	e.ok(tokA, "POST", "/api/2.2/jobs/runs/repair", map[string]any{"run_id": rid, "rerun_tasks": []string{"a"}, "latest_repair_id": repID})
}

func TestOnlyAndIdempotency(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil, false)
	id := e.createJob(tokA, map[string]any{"name": "only", "tasks": []any{nb("a", nil, nil), nb("b", []string{"a"}, nil), nb("c", []string{"b"}, nil)}})
	rid, t0 := e.runNow(tokA, map[string]any{"job_id": id, "only": []string{"b"}})
	run := e.runAt(tokA, rid, t0, time.Hour)
	if got := taskStates(run); got["a"] != "EXCLUDED" || got["b"] != "SUCCESS" || got["c"] != "EXCLUDED" || result(run) != "SUCCESS" {
		t.Fatalf("only: %v %v", got, run["state"])
	}
	// "+k" runs k and its upstream, "k+" k and its downstream, "+k+" both,
	// also when k is named twice or reached the other way first.
	chain := e.createJob(tokA, map[string]any{"name": "chain", "tasks": []any{nb("a", nil, nil), nb("b", []string{"a"}, nil), nb("c", []string{"b"}, nil), nb("d", []string{"c"}, nil)}})
	for _, tt := range []struct {
		only []string
		ran  string
	}{
		{[]string{"+b+"}, "abcd"},
		{[]string{"c", "b+"}, "bcd"},
		{[]string{"+c"}, "abc"},
		{[]string{"c+"}, "cd"},
		{[]string{"b", "+b"}, "ab"},
		{[]string{"a+", "+d"}, "abcd"},
	} {
		rid, t0 := e.runNow(tokA, map[string]any{"job_id": chain, "only": tt.only})
		got := taskStates(e.runAt(tokA, rid, t0, time.Hour))
		for _, k := range "abcd" {
			want := "EXCLUDED"
			if strings.ContainsRune(tt.ran, k) {
				want = "SUCCESS"
			}
			if got[string(k)] != want {
				t.Errorf("only %v: task %c %s, want %s", tt.only, k, got[string(k)], want)
			}
		}
	}
	// A repair that names a task only left out runs it.
	rid, t0 = e.runNow(tokA, map[string]any{"job_id": chain, "only": []string{"b"}})
	e.runAt(tokA, rid, t0, time.Hour)
	e.ok(tokA, "POST", "/api/2.2/jobs/runs/repair", map[string]any{"run_id": rid, "rerun_tasks": []string{"c"}})
	if got := taskStates(e.runAt(tokA, rid, e.clk.Now(), time.Hour)); got["a"] != "EXCLUDED" || got["b"] != "SUCCESS" || got["c"] != "SUCCESS" || got["d"] != "EXCLUDED" {
		t.Errorf("repair of a task only left out: %v", got)
	}
	r1 := e.ok(tokA, "POST", "/api/2.2/jobs/run-now", map[string]any{"job_id": id, "idempotency_token": "tok-1"})
	r2 := e.ok(tokA, "POST", "/api/2.2/jobs/run-now", map[string]any{"job_id": id, "idempotency_token": "tok-1"})
	if r1["run_id"] != r2["run_id"] {
		t.Fatalf("idempotency: %v vs %v", r1, r2)
	}
	// simulate_<task> job parameter
	rid, t0 = e.runNow(tokA, map[string]any{"job_id": id, "job_parameters": map[string]string{"simulate_c": "fail"}})
	if got := taskStates(e.runAt(tokA, rid, t0, time.Hour)); got["c"] != "FAILED" {
		t.Fatalf("simulate_c: %v", got)
	}
}

// A repair runs at the sandbox's task duration of its day, not at the one
// its run was made with: the fixture's failed run (4-minute tasks) repaired
// now takes seconds, as a new run would, also after a restart.
func TestRepairOfFixtureRunTakesTodaysDuration(t *testing.T) {
	t.Parallel()
	path := t.TempDir() + "/x.db"
	e := newEnv(t, openStore(t, path), true)
	var failed int64
	for _, r := range e.ok(tokA, "GET", "/api/2.2/jobs/runs/list?completed_only=true", nil)["runs"].([]any) {
		if m := r.(map[string]any); result(m) == "FAILED" {
			failed = num(m["run_id"])
		}
	}
	if failed == 0 {
		t.Fatal("the fixtures have no failed run")
	}
	start := e.clk.Now()
	e.ok(tokA, "POST", "/api/2.2/jobs/runs/repair", map[string]any{"run_id": failed, "rerun_all_failed_tasks": true})
	// 1 s tasks: PENDING a third of a second, then each repaired task
	// (and what depends on it) a second.
	if run := e.runAt(tokA, failed, start, 500*time.Millisecond); life(run) != "RUNNING" {
		t.Errorf("0.5 s after the repair: %s, want RUNNING (the run's own 4-minute tasks would still be PENDING)", life(run))
	}
	if run := e.runAt(tokA, failed, start, 30*time.Second); life(run) != "TERMINATED" || result(run) != "SUCCESS" {
		t.Fatalf("30 s after the repair: %s %s, want TERMINATED SUCCESS", life(run), result(run))
	}
	e2 := newEnv(t, openStore(t, path), true)
	if run := e2.runAt(tokA, failed, start, 30*time.Second); life(run) != "TERMINATED" || result(run) != "SUCCESS" {
		t.Errorf("after a restart: %s %s", life(run), result(run))
	}
}

// TestConditionTaskRun: a condition task's branches follow its outcome
// (string equality: "12.0" is not "12"), the task run reports the outcome
// next to its operands, and a condition task without left or right is
// refused like one without op.
func TestConditionTaskRun(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil, false)
	cond := map[string]any{"task_key": "check", "condition_task": map[string]any{"left": "12.0", "op": "EQUAL_TO", "right": "12"}}
	yes := nb("yes", nil, map[string]any{"depends_on": []any{map[string]any{"task_key": "check", "outcome": "true"}}})
	no := nb("no", nil, map[string]any{"depends_on": []any{map[string]any{"task_key": "check", "outcome": "false"}}})
	id := e.createJob(tokA, map[string]any{"name": "cond", "tasks": []any{cond, yes, no}})
	rid, t0 := e.runNow(tokA, map[string]any{"job_id": id})
	run := e.runAt(tokA, rid, t0, time.Hour)
	if got := taskStates(run); got["check"] != "SUCCESS" || got["yes"] != "EXCLUDED" || got["no"] != "SUCCESS" {
		t.Errorf("branches: %v", got)
	}
	for _, tk := range run["tasks"].([]any) {
		if str(get(tk, "task_key")) == "check" {
			if got := get(tk, "condition_task"); str(get(got, "outcome")) != "false" || str(get(got, "left")) != "12.0" || str(get(got, "op")) != "EQUAL_TO" {
				t.Errorf("check's condition_task: %v", got)
			}
		}
	}
	for _, missing := range []string{"left", "right"} {
		c := map[string]any{"left": "a", "op": "EQUAL_TO", "right": "b"}
		delete(c, missing)
		code, out := e.call(tokA, "POST", "/api/2.2/jobs/create", map[string]any{"name": "bad", "tasks": []any{map[string]any{"task_key": "c", "condition_task": c}}})
		if code != 400 || out["error_code"] != "INVALID_PARAMETER_VALUE" || !strings.Contains(str(out["message"]), "condition_task."+missing) {
			t.Errorf("without %s: %d %v", missing, code, out)
		}
	}
}
