package cli

import (
	"sort"
	"strings"
	"testing"

	"github.com/jobs-api-trainer/trainer/jobsapi"
)

// pySignature writes m as the SDK declares it: name(params sorted,
// annotated as in databricks/sdk/service/jobs.py).
func pySignature(m pyMethod) string {
	var ps []string
	for name, kind := range m.params {
		k := string(kind)
		ann := map[string]string{"int": "int", "str": "str", "bool": "bool", "dict": "Dict[str,str]", "list": "List[str]"}[k]
		switch {
		case strings.HasPrefix(k, "objs:"):
			ann = "List[" + strings.TrimPrefix(k, "objs:") + "]"
		case strings.HasPrefix(k, "obj:"):
			ann = strings.TrimPrefix(k, "obj:")
		case strings.HasPrefix(k, "enum:"):
			ann = strings.TrimPrefix(k, "enum:")
		}
		ps = append(ps, name+": "+ann)
	}
	sort.Strings(ps)
	s := m.name + "(" + strings.Join(ps, ", ") + ")"
	if m.wait {
		s += " -> Wait[Run]"
	}
	return s
}

// TestPySDKMethodsMatchTheSDK pins the Python rendering to the public
// source of databricks-sdk-py (databricks/sdk/service/jobs.py, class
// JobsAPI): each endpoint's method name, its parameters with their types,
// and which methods return a Wait[Run] waiter.
func TestPySDKMethodsMatchTheSDK(t *testing.T) {
	t.Parallel()
	want := map[string]string{
		"jobs/create": "create(access_control_list: List[JobAccessControlRequest], budget_policy_id: str, continuous: Continuous, " +
			"deployment: JobDeployment, description: str, edit_mode: JobEditMode, email_notifications: JobEmailNotifications, " +
			"environments: List[JobEnvironment], format: Format, git_source: GitSource, health: JobsHealthRules, " +
			"job_clusters: List[JobCluster], max_concurrent_runs: int, name: str, notification_settings: JobNotificationSettings, " +
			"parameters: List[JobParameterDefinition], performance_target: PerformanceTarget, queue: QueueSettings, run_as: JobRunAs, " +
			"schedule: CronSchedule, tags: Dict[str,str], tasks: List[Task], timeout_seconds: int, trigger: TriggerSettings, " +
			"usage_policy_id: str, webhook_notifications: WebhookNotifications)",
		"jobs/get":    "get(job_id: int, page_token: str)",
		"jobs/list":   "list(expand_tasks: bool, limit: int, name: str, offset: int, page_token: str)",
		"jobs/update": "update(fields_to_remove: List[str], job_id: int, new_settings: JobSettings)",
		"jobs/reset":  "reset(job_id: int, new_settings: JobSettings)",
		"jobs/delete": "delete(job_id: int)",
		"jobs/run-now": "run_now(dbt_commands: List[str], idempotency_token: str, jar_params: List[str], job_id: int, " +
			"job_parameters: Dict[str,str], notebook_params: Dict[str,str], only: List[str], performance_target: PerformanceTarget, " +
			"pipeline_params: PipelineParams, python_named_params: Dict[str,str], python_params: List[str], queue: QueueSettings, " +
			"spark_submit_params: List[str], sql_params: Dict[str,str]) -> Wait[Run]",
		"runs/list": "list_runs(active_only: bool, completed_only: bool, expand_tasks: bool, job_id: int, limit: int, offset: int, " +
			"page_token: str, run_type: RunType, start_time_from: int, start_time_to: int)",
		"runs/get":        "get_run(include_history: bool, include_resolved_values: bool, page_token: str, run_id: int)",
		"runs/get-output": "get_run_output(run_id: int)",
		"runs/export":     "export_run(run_id: int, views_to_export: ViewsToExport)",
		"runs/submit": "submit(access_control_list: List[JobAccessControlRequest], budget_policy_id: str, email_notifications: JobEmailNotifications, " +
			"environments: List[JobEnvironment], git_source: GitSource, health: JobsHealthRules, idempotency_token: str, " +
			"notification_settings: JobNotificationSettings, queue: QueueSettings, run_as: JobRunAs, run_name: str, tasks: List[SubmitTask], " +
			"timeout_seconds: int, usage_policy_id: str, webhook_notifications: WebhookNotifications) -> Wait[Run]",
		"runs/repair": "repair_run(dbt_commands: List[str], jar_params: List[str], job_parameters: Dict[str,str], " +
			"latest_repair_id: int, notebook_params: Dict[str,str], performance_target: PerformanceTarget, " +
			"pipeline_params: PipelineParams, python_named_params: Dict[str,str], python_params: List[str], " +
			"rerun_all_failed_tasks: bool, rerun_dependent_tasks: bool, rerun_tasks: List[str], run_id: int, " +
			"spark_submit_params: List[str], sql_params: Dict[str,str]) -> Wait[Run]",
		"runs/cancel":        "cancel_run(run_id: int) -> Wait[Run]",
		"runs/cancel-all":    "cancel_all_runs(all_queued_runs: bool, job_id: int)",
		"runs/delete":        "delete_run(run_id: int)",
		"permissions/get":    "get_permissions(job_id: str)",
		"permissions/levels": "get_permission_levels(job_id: str)",
		"permissions/set":    "set_permissions(access_control_list: List[JobAccessControlRequest], job_id: str)",
		"permissions/update": "update_permissions(access_control_list: List[JobAccessControlRequest], job_id: str)",
	}
	for ep, w := range want {
		t.Run(ep, func(t *testing.T) {
			m, ok := pyMethods[ep]
			if !ok {
				t.Fatalf("no Python method for %s", ep)
			}
			if got := pySignature(m); got != w {
				t.Errorf("%s:\n got %s\nwant %s", ep, got, w)
			}
		})
	}
	if len(pyMethods) != len(want) {
		t.Errorf("%d Python methods, %d pinned", len(pyMethods), len(want))
	}
	// Every Jobs API endpoint the CLI knows has its Python method.
	for _, e := range jobsapi.CLICommands() {
		if _, ok := pyMethods[e.Name]; !ok {
			t.Errorf("catalogue endpoint %s has no Python method", e.Name)
		}
	}
}

func TestPySDK(t *testing.T) {
	t.Parallel()
	tests := []struct{ line, want string }{
		{"jobs get 101", "job = w.jobs.get(job_id=101)\n"},
		{"jobs get 101", "while token:\n    page = w.jobs.get(job_id=job.job_id, page_token=token)"},
		{"jobs list-runs --job-id 101", "for run in w.jobs.list_runs(job_id=101):"},
		{"jobs list --expand-tasks --name etl", `for job in w.jobs.list(expand_tasks=True, name="etl"):`},
		{"jobs get-run 555 --include-history", "run = w.jobs.get_run(run_id=555, include_history=True)"},
		{"jobs get-permissions 101", `perms = w.jobs.get_permissions(job_id="101")`},
		{"jobs get-permission-levels 101", `levels = w.jobs.get_permission_levels(job_id="101")`},
		{"jobs delete-run 554", "w.jobs.delete_run(run_id=554)  # returns None"},
		{"jobs cancel-run 555", "run = w.jobs.cancel_run(run_id=555).result()"},
		{"jobs export-run 1 --views-to-export ALL", "w.jobs.export_run(run_id=1, views_to_export=jobs.ViewsToExport.ALL)"},
		{"jobs list-runs --run-type SUBMIT_RUN", "w.jobs.list_runs(run_type=jobs.RunType.SUBMIT_RUN)"},
		{"jobs get-run-output 9002", "out = w.jobs.get_run_output(run_id=9002)"},
		{`jobs update --json '{"job_id":103,"new_settings":{"max_concurrent_runs":3}}'`,
			"w.jobs.update(\n    job_id=103,\n    new_settings=jobs.JobSettings.from_dict({\"max_concurrent_runs\": 3}),\n)"},
		{`jobs repair-run --json '{"run_id":555,"rerun_tasks":["b"],"rerun_dependent_tasks":true,"latest_repair_id":7}'`,
			"waiter = w.jobs.repair_run(\n    run_id=555,\n    latest_repair_id=7,\n    rerun_dependent_tasks=True,\n    rerun_tasks=[\"b\"],\n)\nprint(waiter.response.repair_id)"},
	}
	for _, tt := range tests {
		if got := PySDK(mustParse(t, tt.line)); !strings.Contains(got, tt.want) {
			t.Errorf("PySDK(%q) =\n%s\nwant it to contain\n%s", tt.line, got, tt.want)
		}
	}

	got := PySDK(mustParse(t, `jobs run-now --json '{"job_id":101,"job_parameters":{"env":"dev"}}'`))
	want := `waiter = w.jobs.run_now(job_id=101, job_parameters={"env": "dev"})
print(waiter.response.run_id)  # known right after the POST
run = waiter.result()  # polls runs/get until TERMINATED or SKIPPED (20 min by default)
print(run.state.result_state)`
	if got != want {
		t.Errorf("PySDK(run-now) =\n%s\nwant\n%s", got, want)
	}

	got = PySDK(mustParse(t, `jobs submit --json '{"run_name":"once","tasks":[{"task_key":"a","notebook_task":{"notebook_path":"/x"},"existing_cluster_id":"c1"}]}'`))
	want = `waiter = w.jobs.submit(
    run_name="once",
    tasks=[jobs.SubmitTask.from_dict(v) for v in [
        {
            "existing_cluster_id": "c1",
            "notebook_task": {"notebook_path": "/x"},
            "task_key": "a",
        },
    ]],
)`
	if !strings.HasPrefix(got, want) {
		t.Errorf("PySDK(submit) =\n%s\nwant it to start\n%s", got, want)
	}

	// Fields the method does not take are named and left out; a body that
	// is not JSON gives no call.
	c, err := FromRequest("POST", "/api/2.1/jobs/run-now", nil, []byte(`{"job_id":1,"bogus":true,"note":null}`))
	if err != nil {
		t.Fatal(err)
	}
	if got := PySDK(c); !strings.HasPrefix(got, "# Not a parameter of w.jobs.run_now, so not sent: bogus, note\nwaiter = w.jobs.run_now(job_id=1)") {
		t.Errorf("PySDK(bogus) =\n%s", got)
	}
	c, _ = FromRequest("PUT", "/api/2.0/permissions/jobs/7", nil, []byte(`{"access_control_list":`))
	if got := PySDK(c); !strings.HasPrefix(got, "# The body is not a JSON object") {
		t.Errorf("PySDK(invalid perms) =\n%s", got)
	}
	c, _ = FromRequest("PATCH", "/api/2.0/permissions/jobs/7", nil, []byte(`{"access_control_list":[{"group_name":"ops","permission_level":"CAN_MANAGE_RUN"}]}`))
	if got := PySDK(c); !strings.Contains(got, `update_permissions(`) || !strings.Contains(got, `job_id="7"`) || !strings.Contains(got, "jobs.JobAccessControlRequest.from_dict(v) for v in") {
		t.Errorf("PySDK(perms update) =\n%s", got)
	}
	// Strings are valid Python literals.
	if got := pyString("a \"b\" <c> \\ é\n"); got != `"a \"b\" <c> \\ é\n"` {
		t.Errorf("pyString = %s", got)
	}
	if got := PySDK(Call{Method: "GET", Path: "/api/2.2/jobs/nope"}); !strings.HasPrefix(got, "# not a Jobs API call") {
		t.Errorf("unknown path: %s", got)
	}
}
