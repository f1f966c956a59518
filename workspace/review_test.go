package workspace

import (
	"fmt"
	"net/http/httptest"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestWrongTypeMessages: a wrong-type field gets a MALFORMED_REQUEST that
// says precisely what was expected and what was found, and never
// "Expected number ..., found NUMBER".
func TestWrongTypeMessages(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil, true)
	const pre = "Could not parse request object: "
	cases := []struct {
		name, method, path, body, want string
	}{
		{"fraction for int", "POST", "/api/2.2/jobs/create", `{"name":"x","max_concurrent_runs":1.5}`,
			"Expected int64 for field 'max_concurrent_runs', found 1.5"},
		{"int out of range", "POST", "/api/2.2/jobs/create", `{"name":"x","max_concurrent_runs":99999999999999999999}`,
			"Expected int64 for field 'max_concurrent_runs', found 99999999999999999999 (value out of range)"},
		{"negative out of range", "POST", "/api/2.2/jobs/create", `{"name":"x","timeout_seconds":-99999999999999999999}`,
			"Expected int64 for field 'timeout_seconds', found -99999999999999999999 (value out of range)"},
		{"exponent for int", "POST", "/api/2.2/jobs/create", `{"name":"x","timeout_seconds":1e400}`,
			"Expected int64 for field 'timeout_seconds', found 1e400"},
		{"string for int", "POST", "/api/2.2/jobs/create", `{"name":"x","max_concurrent_runs":"3"}`,
			"Expected int64 for field 'max_concurrent_runs', found STRING"},
		{"bool for int", "POST", "/api/2.2/jobs/create", `{"name":"x","max_concurrent_runs":true}`,
			"Expected int64 for field 'max_concurrent_runs', found BOOLEAN"},
		{"number for string", "POST", "/api/2.2/jobs/create", `{"name":5}`,
			"Expected string for field 'name', found NUMBER"},
		{"array for object", "POST", "/api/2.2/jobs/create", `{"name":"x","queue":[]}`,
			"Expected object for field 'queue', found ARRAY"},
		{"task field", "POST", "/api/2.2/jobs/create", `{"name":"x","tasks":[{"task_key":"a","notebook_task":{"notebook_path":"/a"},"max_retries":2.5}]}`,
			"Expected int64 for field 'tasks.max_retries', found 2.5"},
		{"update names new_settings", "POST", "/api/2.2/jobs/update", `{"job_id":101,"new_settings":{"max_concurrent_runs":1.5}}`,
			"Expected int64 for field 'new_settings.max_concurrent_runs', found 1.5"},
		{"reset names new_settings", "POST", "/api/2.2/jobs/reset", `{"job_id":101,"new_settings":{"max_concurrent_runs":99999999999999999999}}`,
			"Expected int64 for field 'new_settings.max_concurrent_runs', found 99999999999999999999 (value out of range)"},
		{"run-now job_id fraction", "POST", "/api/2.2/jobs/run-now", `{"job_id":101.5}`,
			"Expected int64 for field 'job_id', found 101.5"},
		{"run-now job_id range", "POST", "/api/2.2/jobs/run-now", `{"job_id":99999999999999999999}`,
			"Expected int64 for field 'job_id', found 99999999999999999999 (value out of range)"},
		{"run-now map", "POST", "/api/2.2/jobs/run-now", `{"job_id":101,"notebook_params":"x"}`,
			"Expected object for field 'notebook_params', found STRING"},
		{"submit timeout", "POST", "/api/2.2/jobs/runs/submit", `{"timeout_seconds":0.5,"tasks":[]}`,
			"Expected int64 for field 'timeout_seconds', found 0.5"},
		{"query fraction", "GET", "/api/2.2/jobs/runs/list?limit=1.5", "",
			"Expected int64 for field 'limit', found '1.5'"},
		{"query out of range", "GET", "/api/2.2/jobs/get?job_id=99999999999999999999", "",
			"Expected int64 for field 'job_id', found '99999999999999999999' (value out of range)"},
	}
	contradiction := regexp.MustCompile(`(?i)Expected (\w+) for field '[^']*', found '?(\w+)'?$`)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var body any
			if c.body != "" {
				body = c.body
			}
			code, out := e.call(tokA, c.method, c.path, body)
			msg := str(out["message"])
			if code != 400 || out["error_code"] != "MALFORMED_REQUEST" || msg != pre+c.want {
				t.Fatalf("got %d %v\nwant 400 MALFORMED_REQUEST %q", code, out, pre+c.want)
			}
			if m := contradiction.FindStringSubmatch(msg); m != nil && strings.EqualFold(m[1], m[2]) {
				t.Fatalf("message contradicts itself: %q", msg)
			}
		})
	}
}

// TestPermissionsFold: one entry per principal; a direct grant to the admins
// group and its inherited CAN_MANAGE share one entry.
func TestPermissionsFold(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil, true)
	check := func(label string, p map[string]any, wantAdmins []any) {
		t.Helper()
		acl, _ := p["access_control_list"].([]any)
		seen := map[string]bool{}
		var admins map[string]any
		for _, x := range acl {
			en := x.(map[string]any)
			who := str(en["user_name"]) + "|" + str(en["group_name"]) + "|" + str(en["service_principal_name"])
			if seen[who] {
				t.Fatalf("%s: principal %s listed twice: %v", label, who, acl)
			}
			seen[who] = true
			if en["group_name"] == "admins" {
				admins = en
			}
		}
		if admins == nil || !reflect.DeepEqual(admins["all_permissions"], wantAdmins) {
			t.Fatalf("%s: admins entry %v, want all_permissions %v", label, admins, wantAdmins)
		}
	}
	inherited := map[string]any{"permission_level": "CAN_MANAGE", "inherited": true, "inherited_from_object": []any{"/jobs/"}}
	check("fixture", e.ok(tokA, "GET", "/api/2.0/permissions/jobs/101", nil), []any{inherited})

	p := e.ok(tokA, "PATCH", "/api/2.0/permissions/jobs/101", map[string]any{"access_control_list": []any{
		map[string]any{"group_name": "admins", "permission_level": "CAN_VIEW"},
		map[string]any{"user_name": "ana@example.com", "permission_level": "CAN_MANAGE_RUN"}}})
	direct := map[string]any{"permission_level": "CAN_VIEW", "inherited": false}
	check("patch", p, []any{direct, inherited})
	if n := len(p["access_control_list"].([]any)); n != 3 {
		t.Fatalf("patch: %d entries, want owner, admins, ana", n)
	}
	check("get after patch", e.ok(tokA, "GET", "/api/2.0/permissions/jobs/101", nil), []any{direct, inherited})

	// a second PATCH of admins replaces its direct level, still one entry
	p = e.ok(tokA, "PATCH", "/api/2.0/permissions/jobs/101", map[string]any{"access_control_list": []any{
		map[string]any{"group_name": "admins", "permission_level": "CAN_MANAGE"}}})
	check("patch again", p, []any{map[string]any{"permission_level": "CAN_MANAGE", "inherited": false}, inherited})

	// PUT naming the same user twice: one entry listing both levels
	p = e.ok(tokA, "PUT", "/api/2.0/permissions/jobs/101", map[string]any{"access_control_list": []any{
		map[string]any{"user_name": "bo@example.com", "permission_level": "CAN_VIEW"},
		map[string]any{"user_name": "bo@example.com", "permission_level": "CAN_MANAGE_RUN"}}})
	check("put", p, []any{inherited})
	var bo map[string]any
	for _, x := range p["access_control_list"].([]any) {
		if get(x, "user_name") == "bo@example.com" {
			bo = x.(map[string]any)
		}
	}
	if bo == nil || len(bo["all_permissions"].([]any)) != 2 {
		t.Fatalf("put: bo folded wrongly: %v", p["access_control_list"])
	}
}

// TestComputeRule: one rule for create/update/reset and runs/submit in a
// serverless-enabled workspace.
func TestComputeRule(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil, true)
	const needCluster = "One of job_cluster_key, new_cluster, or existing_cluster_id must be specified."
	const noShared = "Shared job cluster feature is not supported in runs/submit API."
	types := map[string]map[string]any{
		"notebook_task":     {"notebook_path": "/a"},
		"spark_python_task": {"python_file": "/a.py"},
		"python_wheel_task": {"package_name": "p", "entry_point": "main"},
		"sql_task":          {"warehouse_id": "w1", "query": map[string]any{"query_id": "q1"}},
		"dbt_task":          {"commands": []string{"dbt run"}},
		"pipeline_task":     {"pipeline_id": "p1"},
		"run_job_task":      {"job_id": 103},
		"condition_task":    {"left": "1", "op": "EQUAL_TO", "right": "1"},
		"for_each_task":     {"inputs": "[1,2]", "task": map[string]any{"task_key": "inner", "notebook_task": map[string]any{"notebook_path": "/a"}}},
		"spark_jar_task":    {"main_class_name": "com.example.Main"},
		"spark_submit_task": {"parameters": []string{"--class", "x"}},
	}
	for kind, body := range types {
		for _, compute := range []string{"none", "existing_cluster_id", "new_cluster", "job_cluster_key", "environment_key"} {
			task := map[string]any{"task_key": "t", kind: body}
			job := map[string]any{"name": "compute", "tasks": []any{task}}
			switch compute {
			case "existing_cluster_id":
				task["existing_cluster_id"] = "0101-abc"
			case "new_cluster":
				task["new_cluster"] = map[string]any{"spark_version": "15.4.x-scala2.12", "num_workers": 1}
			case "job_cluster_key":
				task["job_cluster_key"] = "c"
				job["job_clusters"] = []any{map[string]any{"job_cluster_key": "c", "new_cluster": map[string]any{"num_workers": 1}}}
			case "environment_key":
				task["environment_key"] = "default"
			}
			needs := kind == "spark_jar_task" || kind == "spark_submit_task"
			wantJob := ""
			if needs && (compute == "none" || compute == "environment_key") {
				wantJob = needCluster
			}
			wantSubmit := wantJob
			if compute == "job_cluster_key" {
				wantSubmit = noShared
			}
			name := kind + "/" + compute
			expect := func(path, want string, code int, out map[string]any) {
				t.Helper()
				if want == "" && code != 200 {
					t.Errorf("%s %s: %d %v, want 200", name, path, code, out)
				}
				if want != "" && (code != 400 || out["error_code"] != "INVALID_PARAMETER_VALUE" || out["message"] != want) {
					t.Errorf("%s %s: %d %v, want 400 %q", name, path, code, out, want)
				}
			}
			code, out := e.call(tokA, "POST", "/api/2.2/jobs/create", job)
			expect("create", wantJob, code, out)
			code, out = e.call(tokA, "POST", "/api/2.2/jobs/reset", map[string]any{"job_id": 103, "new_settings": job})
			expect("reset", wantJob, code, out)
			upd := map[string]any{"tasks": job["tasks"]}
			if jc, ok := job["job_clusters"]; ok {
				upd["job_clusters"] = jc
			}
			code, out = e.call(tokA, "POST", "/api/2.2/jobs/update", map[string]any{"job_id": 101, "new_settings": upd})
			expect("update", wantJob, code, out)
			if code == 200 { // put nightly-etl back together for the next case
				e.ok(tokA, "POST", "/api/2.2/jobs/update", map[string]any{"job_id": 101, "fields_to_remove": []string{"tasks/t"}})
			}
			code, out = e.call(tokA, "POST", "/api/2.2/jobs/runs/submit", map[string]any{"run_name": name, "tasks": []any{task}})
			expect("submit", wantSubmit, code, out)
		}
	}
	// top-level job_clusters in submit stay refused
	code, out := e.call(tokA, "POST", "/api/2.2/jobs/runs/submit", map[string]any{
		"job_clusters": []any{map[string]any{"job_cluster_key": "c"}}, "tasks": []any{nb("a", nil, nil)}})
	if code != 400 || out["message"] != noShared {
		t.Fatalf("submit job_clusters: %d %v", code, out)
	}
	// a serverless submit run runs to the end
	id := num(e.ok(tokA, "POST", "/api/2.2/jobs/runs/submit", map[string]any{"tasks": []any{
		map[string]any{"task_key": "a", "notebook_task": map[string]any{"notebook_path": "/a"}}}})["run_id"])
	e.clk.Add(time.Hour)
	if run := e.ok(tokA, "GET", "/api/2.2/jobs/runs/get?run_id="+itoa(id), nil); result(run) != "SUCCESS" {
		t.Fatalf("serverless submit: %v", run["state"])
	}
	// the Ledger states the rule where it applies
	for _, l := range Ledger() {
		if (l.Path == "/api/2.2/jobs/create" || l.Path == "/api/2.2/jobs/runs/submit") && !strings.Contains(l.Text(), "spark_jar_task") {
			t.Errorf("ledger %s does not state the compute rule: %q", l.Path, l.Note)
		}
	}
}

// TestOriginalAttemptRunID: every task run carries original_attempt_run_id,
// its own run_id on a first attempt, whatever its result.
func TestOriginalAttemptRunID(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil, false)
	id := e.createJob(tokA, map[string]any{"name": "oar", "queue": map[string]any{"enabled": false}, "tasks": []any{
		nb("fails", nil, sim("fail")),
		nb("upstream", []string{"fails"}, nil),                                      // UPSTREAM_FAILED
		nb("off", nil, map[string]any{"disabled": true}),                            // DISABLED
		nb("ok", nil, nil),                                                          // SUCCESS
		nb("cond", []string{"ok"}, map[string]any{"run_if": "AT_LEAST_ONE_FAILED"}), // EXCLUDED
		nb("retried", nil, map[string]any{"max_retries": 1, "notebook_task": map[string]any{"notebook_path": "/r", "base_parameters": map[string]any{"simulate": "fail_once"}}}),
		nb("left_out", nil, nil), // EXCLUDED by only
	}})
	rid, t0 := e.runNow(tokA, map[string]any{"job_id": id, "only": []string{"fails", "upstream", "off", "ok", "cond", "retried"}})
	// a second run while the first is active, queue off: SKIPPED
	skipped := num(e.ok(tokA, "POST", "/api/2.2/jobs/run-now", map[string]any{"job_id": id})["run_id"])
	run := e.runAt(tokA, rid, t0, time.Hour)
	want := map[string]string{"fails": "FAILED", "upstream": "UPSTREAM_FAILED", "off": "DISABLED", "ok": "SUCCESS",
		"cond": "EXCLUDED", "retried": "SUCCESS", "left_out": "EXCLUDED"}
	if got := taskStates(run); !reflect.DeepEqual(got, want) {
		t.Fatalf("task results %v, want %v", got, want)
	}
	checkTasks := func(label string, tasks []any) {
		t.Helper()
		for _, x := range tasks {
			tr := x.(map[string]any)
			oar, ok := tr["original_attempt_run_id"]
			if !ok {
				t.Errorf("%s: task %s (%s) has no original_attempt_run_id", label, tr["task_key"], get(tr, "state.result_state"))
				continue
			}
			if num(tr["attempt_number"]) > 0 {
				if num(oar) == num(tr["run_id"]) || num(oar) == 0 {
					t.Errorf("%s: retry of %s: run %v original %v", label, tr["task_key"], tr["run_id"], oar)
				}
				continue
			}
			if num(oar) != num(tr["run_id"]) {
				t.Errorf("%s: task %s: original_attempt_run_id %v != run_id %v", label, tr["task_key"], oar, tr["run_id"])
			}
		}
	}
	checkTasks("runs/get", run["tasks"].([]any))
	if get(run, "tasks.5.task_key") != "retried" || num(get(run, "tasks.5.attempt_number")) != 1 {
		t.Fatalf("retried task: %v", get(run, "tasks.5"))
	}
	list := e.ok(tokA, "GET", "/api/2.2/jobs/runs/list?expand_tasks=true&job_id="+itoa(id), nil)
	for _, r := range list["runs"].([]any) {
		checkTasks("runs/list", get(r, "tasks").([]any))
	}
	sk := e.ok(tokA, "GET", "/api/2.2/jobs/runs/get?run_id="+itoa(skipped), nil)
	if life(sk) != "SKIPPED" {
		t.Fatalf("second run: %v", sk["state"])
	}
	checkTasks("skipped run", sk["tasks"].([]any))
	for _, x := range run["tasks"].([]any) {
		out := e.ok(tokA, "GET", "/api/2.2/jobs/runs/get-output?run_id="+itoa(num(get(x, "run_id"))), nil)
		if get(out, "metadata.original_attempt_run_id") == nil {
			t.Errorf("get-output of %v: no original_attempt_run_id", get(x, "task_key"))
		}
	}
}

// TestFixtures: the fixture workspace is consistent: nightly-etl's past
// PERIODIC runs come from its schedule, the rest is as other code expects.
func TestFixtures(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil, true)
	list := e.ok(tokA, "GET", "/api/2.2/jobs/list?expand_tasks=true", nil)
	jobsByName := map[string]map[string]any{}
	for _, j := range list["jobs"].([]any) {
		jobsByName[str(get(j, "settings.name"))] = j.(map[string]any)
	}
	ids := map[string]int64{"nightly-etl": 101, "customer-360": 102, "hourly-report": 103}
	for name, id := range ids {
		if num(jobsByName[name]["job_id"]) != id {
			t.Fatalf("%s has id %v, want %d", name, jobsByName[name]["job_id"], id)
		}
	}
	etl := e.ok(tokA, "GET", "/api/2.2/jobs/get?job_id=101", nil)
	sched := get(etl, "settings.schedule")
	if get(sched, "quartz_cron_expression") != "0 0 2 * * ?" || get(sched, "timezone_id") != "UTC" || get(sched, "pause_status") == nil {
		t.Fatalf("nightly-etl schedule: %v", sched)
	}
	var keys []string
	for _, x := range get(etl, "settings.tasks").([]any) {
		keys = append(keys, str(get(x, "task_key")))
		if get(x, "task_key") == "quality_check" && get(x, "notebook_task.base_parameters.simulate") != "fail_once" {
			t.Fatal("quality_check lost fail_once")
		}
	}
	if strings.Join(keys, ",") != "ingest,transform,quality_check,publish" {
		t.Fatalf("nightly-etl tasks: %v", keys)
	}
	// 150 tasks: only 2.2 serves them, in two pages
	c360 := e.ok(tokA, "GET", "/api/2.2/jobs/get?job_id=102", nil)
	tasks := get(c360, "settings.tasks").([]any)
	c360 = e.ok(tokA, "GET", "/api/2.2/jobs/get?job_id=102&page_token="+str(c360["next_page_token"]), nil)
	tasks = append(tasks, get(c360, "settings.tasks").([]any)...)
	if len(tasks) != 150 || get(tasks[148], "task_key") != "build_profile" || len(get(tasks[148], "depends_on").([]any)) != 37 {
		t.Fatalf("customer-360: %d tasks, task 149 = %v", len(tasks), get(tasks[148], "task_key"))
	}
	if get(e.ok(tokA, "GET", "/api/2.2/jobs/get?job_id=103", nil), "settings.schedule.pause_status") != "PAUSED" {
		t.Fatal("hourly-report schedule is not paused")
	}
	runs := e.ok(tokA, "GET", "/api/2.2/jobs/runs/list?job_id=101", nil)["runs"].([]any)
	if len(runs) != 2 || result(runs[0].(map[string]any)) != "SUCCESS" || result(runs[1].(map[string]any)) != "FAILED" {
		t.Fatalf("nightly-etl past runs: %v", runs)
	}
	for _, r := range runs {
		if get(r, "trigger") != "PERIODIC" || !reflect.DeepEqual(get(r, "schedule"), sched) {
			t.Fatalf("past run %v: trigger %v schedule %v, want PERIODIC from %v", get(r, "run_id"), get(r, "trigger"), get(r, "schedule"), sched)
		}
	}
	// a run-now is ONE_TIME and carries no schedule
	rid := num(e.ok(tokA, "POST", "/api/2.2/jobs/run-now", map[string]any{"job_id": 101})["run_id"])
	r := e.ok(tokA, "GET", "/api/2.2/jobs/runs/get?run_id="+itoa(rid), nil)
	if r["trigger"] != "ONE_TIME" || r["schedule"] != nil {
		t.Fatalf("run-now: trigger %v schedule %v", r["trigger"], r["schedule"])
	}
	var note string
	for _, l := range Ledger() {
		note += l.Path + ": " + l.Text() + "\n"
	}
	if !strings.Contains(note, "never fire") {
		t.Fatal("the Ledger does not say schedules never fire")
	}
	if !regexp.MustCompile(`run-now: [^\n]*undeclared job_parameters[^\n]*unverified`).MatchString(note) {
		t.Fatal("the Ledger does not note that undeclared job_parameters are accepted (unverified)")
	}
}

// TestRunsGetTaskRunID: runs/get refuses a task run id with a message that
// says what to do, and still says "does not exist" for unknown ids.
func TestRunsGetTaskRunID(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil, true)
	run := e.ok(tokA, "GET", "/api/2.2/jobs/runs/get?run_id=1001", nil)
	for _, x := range run["tasks"].([]any) {
		tid := num(get(x, "run_id"))
		for _, v := range []string{"2.2", "2.1"} {
			code, out := e.call(tokA, "GET", "/api/"+v+"/jobs/runs/get?run_id="+itoa(tid), nil)
			want := fmt.Sprintf("Run %d is a task run of run 1001; runs/get takes the run_id of a job run or submit run (use runs/get-output for a task run).", tid)
			if code != 400 || out["error_code"] != "INVALID_PARAMETER_VALUE" || out["message"] != want {
				t.Fatalf("%s runs/get?run_id=%d: %d %v", v, tid, code, out)
			}
		}
	}
	// a skipped run's task runs too
	id := e.createJob(tokA, map[string]any{"name": "q", "queue": map[string]any{"enabled": false}, "tasks": []any{nb("a", nil, nil)}})
	e.ok(tokA, "POST", "/api/2.2/jobs/run-now", map[string]any{"job_id": id})
	sk := num(e.ok(tokA, "POST", "/api/2.2/jobs/run-now", map[string]any{"job_id": id})["run_id"])
	skRun := e.ok(tokA, "GET", "/api/2.2/jobs/runs/get?run_id="+itoa(sk), nil)
	tid := num(get(skRun, "tasks.0.run_id"))
	if _, out := e.call(tokA, "GET", "/api/2.2/jobs/runs/get?run_id="+itoa(tid), nil); !strings.HasPrefix(str(out["message"]), fmt.Sprintf("Run %d is a task run of run %d;", tid, sk)) {
		t.Fatalf("skipped run's task run: %v", out)
	}
	// unknown ids, and task runs of a deleted run, do not exist
	if _, out := e.call(tokA, "GET", "/api/2.2/jobs/runs/get?run_id=987654", nil); out["message"] != "Run 987654 does not exist." {
		t.Fatalf("unknown: %v", out)
	}
	e.ok(tokA, "POST", "/api/2.2/jobs/runs/delete", map[string]any{"run_id": 1001})
	tid = num(get(run, "tasks.0.run_id"))
	if _, out := e.call(tokA, "GET", "/api/2.2/jobs/runs/get?run_id="+itoa(tid), nil); out["message"] != fmt.Sprintf("Run %d does not exist.", tid) {
		t.Fatalf("task run of a deleted run: %v", out)
	}
}

// TestPageTokenFilters: a list page token only works with the filters it
// was issued for; limit and expand_tasks may change.
func TestPageTokenFilters(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil, true)
	for i := 0; i < 5; i++ {
		e.createJob(tokA, map[string]any{"name": "foo", "max_concurrent_runs": 50, "tasks": []any{nb("a", nil, nil)}})
	}
	for i := 0; i < 6; i++ {
		e.ok(tokA, "POST", "/api/2.2/jobs/run-now", map[string]any{"job_id": 104})
		e.ok(tokA, "POST", "/api/2.2/jobs/run-now", map[string]any{"job_id": 103})
	}
	e.ok(tokA, "POST", "/api/2.2/jobs/runs/submit", map[string]any{"tasks": []any{nb("a", nil, nil)}})
	const msg = "Invalid page_token: it does not belong to this request (filters changed)."
	tokenOf := func(path string) string {
		t.Helper()
		tok := str(e.ok(tokA, "GET", path, nil)["next_page_token"])
		if tok == "" {
			t.Fatalf("%s: no next_page_token", path)
		}
		return tok
	}
	jl := tokenOf("/api/2.2/jobs/list?limit=2")
	jlFoo := tokenOf("/api/2.2/jobs/list?limit=2&name=foo")
	rl := tokenOf("/api/2.2/jobs/runs/list?limit=2")
	rlJob := tokenOf("/api/2.2/jobs/runs/list?limit=2&job_id=104")
	rlActive := tokenOf("/api/2.2/jobs/runs/list?limit=2&active_only=true&job_id=104")
	rlType := tokenOf("/api/2.2/jobs/runs/list?limit=2&run_type=JOB_RUN")
	rlFrom := tokenOf("/api/2.2/jobs/runs/list?limit=2&start_time_from=1")
	bad := []string{
		"/api/2.2/jobs/list?name=foo&page_token=" + jl,
		"/api/2.2/jobs/list?page_token=" + jlFoo,
		"/api/2.2/jobs/list?name=bar&page_token=" + jlFoo,
		"/api/2.1/jobs/list?name=foo&page_token=" + jl,
		"/api/2.2/jobs/runs/list?job_id=104&page_token=" + rl,
		"/api/2.2/jobs/runs/list?page_token=" + rlJob,
		"/api/2.2/jobs/runs/list?job_id=103&page_token=" + rlJob,
		"/api/2.2/jobs/runs/list?job_id=104&page_token=" + rlActive,
		"/api/2.2/jobs/runs/list?job_id=104&completed_only=true&page_token=" + rlActive,
		"/api/2.2/jobs/runs/list?active_only=true&page_token=" + rl,
		"/api/2.2/jobs/runs/list?run_type=SUBMIT_RUN&page_token=" + rlType,
		"/api/2.2/jobs/runs/list?start_time_from=2&page_token=" + rlFrom,
		"/api/2.2/jobs/runs/list?start_time_to=99999999999999&page_token=" + rl,
		"/api/2.1/jobs/runs/list?job_id=104&page_token=" + rl,
	}
	for _, p := range bad {
		if code, out := e.call(tokA, "GET", p, nil); code != 400 || out["error_code"] != "INVALID_PARAMETER_VALUE" || out["message"] != msg {
			t.Errorf("%s: %d %v", p, code, out)
		}
	}
	// same filters (as the SDK iterators re-send them), other limit or expand_tasks: fine
	good := []string{
		"/api/2.2/jobs/list?page_token=" + jl,
		"/api/2.2/jobs/list?limit=5&expand_tasks=true&page_token=" + jl,
		"/api/2.2/jobs/list?name=FOO&limit=2&page_token=" + jlFoo,
		"/api/2.1/jobs/list?name=foo&page_token=" + jlFoo,
		"/api/2.2/jobs/runs/list?page_token=" + rl,
		"/api/2.2/jobs/runs/list?job_id=104&limit=3&expand_tasks=true&page_token=" + rlJob,
		"/api/2.2/jobs/runs/list?active_only=true&job_id=104&page_token=" + rlActive,
		"/api/2.2/jobs/runs/list?run_type=JOB_RUN&page_token=" + rlType,
		"/api/2.2/jobs/runs/list?start_time_from=1&page_token=" + rlFrom,
	}
	for _, p := range good {
		out := e.ok(tokA, "GET", p, nil)
		if out["jobs"] == nil && out["runs"] == nil {
			t.Errorf("%s: empty page %v", p, out)
		}
	}
	// a jobs/get token still names its job
	p1 := e.ok(tokA, "GET", "/api/2.2/jobs/get?job_id=102", nil)
	if code, out := e.call(tokA, "GET", "/api/2.2/jobs/get?job_id=101&page_token="+str(p1["next_page_token"]), nil); code != 400 || !strings.Contains(str(out["message"]), "belongs to job 102") {
		t.Fatalf("jobs/get other job: %d %v", code, out)
	}
}

// TestPrevPageToken: pages after the first carry prev_page_token (2.2 and
// 2.1), and following prev tokens walks back through the same pages.
func TestPrevPageToken(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil, true)
	for i := 0; i < 9; i++ {
		e.createJob(tokA, map[string]any{"name": fmt.Sprintf("job-%d", i%2), "max_concurrent_runs": 100, "tasks": []any{nb("a", nil, nil)}})
	}
	for i := 0; i < 11; i++ {
		e.ok(tokA, "POST", "/api/2.2/jobs/run-now", map[string]any{"job_id": 104 + int64(i%3)})
	}
	idsOf := func(page map[string]any, field, idField string) []int64 {
		var out []int64
		items, _ := page[field].([]any)
		for _, x := range items {
			out = append(out, num(get(x, idField)))
		}
		return out
	}
	for _, c := range []struct{ base, field, idField string }{
		{"/api/2.2/jobs/list?limit=3", "jobs", "job_id"},
		{"/api/2.1/jobs/list?limit=3", "jobs", "job_id"},
		{"/api/2.2/jobs/list?limit=1&name=job-1", "jobs", "job_id"},
		{"/api/2.2/jobs/runs/list?limit=3", "runs", "run_id"},
		{"/api/2.1/jobs/runs/list?limit=3", "runs", "run_id"},
		{"/api/2.2/jobs/runs/list?limit=1&job_id=105", "runs", "run_id"},
		{"/api/2.1/jobs/runs/list?limit=1&job_id=105&expand_tasks=true", "runs", "run_id"},
	} {
		t.Run(c.base, func(t *testing.T) {
			var pages [][]int64
			page := e.ok(tokA, "GET", c.base, nil)
			if page["prev_page_token"] != nil {
				t.Fatalf("first page has prev_page_token")
			}
			for {
				pages = append(pages, idsOf(page, c.field, c.idField))
				next := str(page["next_page_token"])
				if strings.HasPrefix(c.base, "/api/2.1/") && page["has_more"] != (next != "") {
					t.Fatalf("2.1 has_more %v with next %q", page["has_more"], next)
				}
				if next == "" {
					break
				}
				page = e.ok(tokA, "GET", c.base+"&page_token="+next, nil)
				if page["prev_page_token"] == nil {
					t.Fatalf("page %d has no prev_page_token", len(pages)+1)
				}
			}
			if len(pages) < 3 {
				t.Fatalf("only %d pages", len(pages))
			}
			// walk back from the last page
			for i := len(pages) - 1; i > 0; i-- {
				prev := str(page["prev_page_token"])
				if prev == "" {
					t.Fatalf("page %d: no prev_page_token", i+1)
				}
				page = e.ok(tokA, "GET", c.base+"&page_token="+prev, nil)
				if got := idsOf(page, c.field, c.idField); !reflect.DeepEqual(got, pages[i-1]) {
					t.Fatalf("prev of page %d = %v, want page %d = %v", i+1, got, i, pages[i-1])
				}
				// and its next leads forward again
				if nx := str(page["next_page_token"]); nx == "" {
					t.Fatalf("page %d reached by prev has no next_page_token", i)
				} else if got := idsOf(e.ok(tokA, "GET", c.base+"&page_token="+nx, nil), c.field, c.idField); !reflect.DeepEqual(got, pages[i]) {
					t.Fatalf("next of page %d (reached by prev) = %v, want %v", i, got, pages[i])
				}
			}
			if page["prev_page_token"] != nil {
				t.Fatalf("first page reached by prev has prev_page_token %v", page["prev_page_token"])
			}
		})
	}
}

// TestRunsListCache: terminal runs are served from the cache, which never
// shows a stale state: active runs move with the clock, repairs and deletes
// invalidate, and the host and item shape are part of the key.
func TestRunsListCache(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil, true)
	id := e.createJob(tokA, map[string]any{"name": "cache", "max_concurrent_runs": 10, "tasks": []any{
		nb("a", nil, nil), nb("b", []string{"a"}, sim("fail_once"))}})
	rid, t0 := e.runNow(tokA, map[string]any{"job_id": id})
	listed := func(path string) map[string]any {
		t.Helper()
		runs, _ := e.ok(tokA, "GET", path, nil)["runs"].([]any)
		for _, r := range runs {
			if num(get(r, "run_id")) == rid {
				return r.(map[string]any)
			}
		}
		return nil
	}
	base := "/api/2.2/jobs/runs/list?job_id=" + itoa(id)
	at := func(d time.Duration) {
		e.clk.mu.Lock()
		e.clk.t = t0.Add(d)
		e.clk.mu.Unlock()
	}
	// An active run's list item is cached between its timeline's
	// boundaries, never across one: PENDING, then RUNNING.
	at(10 * time.Millisecond)
	if r := listed(base); life(r) != "PENDING" {
		t.Fatalf("pending: %v", r["state"])
	}
	at(500 * time.Millisecond)
	if r := listed(base); life(r) != "RUNNING" {
		t.Fatalf("running: %v", r["state"])
	}
	at(time.Hour)
	for i := 0; i < 3; i++ { // computed, then cached: the same answer
		r := listed(base)
		if life(r) != "INTERNAL_ERROR" || result(r) != "FAILED" || r["tasks"] != nil {
			t.Fatalf("call %d: %v", i, r)
		}
		g := e.ok(tokA, "GET", "/api/2.2/jobs/runs/get?run_id="+itoa(rid), nil)
		delete(g, "tasks")
		delete(g, "job_clusters")
		if !reflect.DeepEqual(g, r) {
			t.Fatalf("list item differs from runs/get:\n%v\n%v", r, g)
		}
	}
	if r := listed(base + "&expand_tasks=true"); len(r["tasks"].([]any)) != 2 {
		t.Fatalf("expanded: %v", r)
	}
	// another host gets its own run_page_url
	req := httptest.NewRequest("GET", "http://other.test:9000"+base, nil)
	req.Header.Set("Authorization", "Bearer "+tokA)
	rec := httptest.NewRecorder()
	e.h.ServeHTTP(rec, req)
	if !strings.Contains(rec.Body.String(), `"run_page_url":"http://other.test:9000/?o=`) {
		t.Fatalf("host not in the cache key: %s", rec.Body.String())
	}
	// repair: active again, then SUCCESS
	e.ok(tokA, "POST", "/api/2.2/jobs/runs/repair", map[string]any{"run_id": rid, "rerun_all_failed_tasks": true})
	if r := listed(base); life(r) == "INTERNAL_ERROR" || r["end_time"] != float64(0) {
		t.Fatalf("after repair, list shows the old state: %v", r["state"])
	}
	at(2 * time.Hour)
	if r := listed(base); result(r) != "SUCCESS" {
		t.Fatalf("repaired: %v", r["state"])
	}
	// delete: gone from the list
	e.ok(tokA, "POST", "/api/2.2/jobs/runs/delete", map[string]any{"run_id": rid})
	if r := listed(base); r != nil {
		t.Fatalf("deleted run listed: %v", r)
	}
	// a 150-task run: 2.2 cuts tasks at 100 (has_more), 2.1 leaves them out, cached or not
	big := e.ok(tokA, "POST", "/api/2.2/jobs/run-now", map[string]any{"job_id": 102})
	e.clk.Add(1000 * time.Hour)
	for i := 0; i < 2; i++ {
		l22 := e.ok(tokA, "GET", "/api/2.2/jobs/runs/list?expand_tasks=true&limit=1&job_id=102", nil)["runs"].([]any)[0]
		l21 := e.ok(tokA, "GET", "/api/2.1/jobs/runs/list?expand_tasks=true&limit=1&job_id=102", nil)["runs"].([]any)[0]
		if get(l22, "run_id") != big["run_id"] || len(get(l22, "tasks").([]any)) != 100 || get(l22, "has_more") != true ||
			get(l21, "tasks") != nil || get(l21, "has_more") != nil {
			t.Fatalf("150-task run listed wrongly (call %d)", i)
		}
	}
}
