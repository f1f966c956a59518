package cli

import (
	"net/url"
	"reflect"
	"strings"
	"testing"
)

func mustParse(t *testing.T, line string) Call {
	t.Helper()
	p, err := Parse(line)
	if err != nil {
		t.Fatalf("Parse(%q): %v", line, err)
	}
	return p.Call
}

func sameCall(a, b Call) bool {
	return a.Method == b.Method && a.Path == b.Path && a.Endpoint == b.Endpoint &&
		string(a.Body) == string(b.Body) && reflect.DeepEqual(a.Query, b.Query)
}

// roundTrip lists one call per endpoint (several for the tricky ones).
var roundTrip = []string{
	"databricks jobs list",
	"databricks jobs list --expand-tasks --name 'nightly etl' --page-size 25 --offset 3 --page-token p2",
	"databricks jobs get 101 --include-trigger-state --page-token tasks-p2",
	`databricks jobs create --json '{"name":"it'\''s","tasks":[{"task_key":"a","depends_on":[{"task_key":"b"}]}]}'`,
	`databricks jobs reset --json '{"job_id":103,"new_settings":{"name":"z"}}'`,
	`databricks jobs update --json '{"fields_to_remove":["schedule"],"job_id":103,"new_settings":{"max_concurrent_runs":2}}'`,
	"databricks jobs update 103",
	"databricks jobs delete 103",
	"databricks jobs run-now 101",
	"databricks jobs run-now 101 --idempotency-token tok-1",
	`databricks jobs run-now --json '{"job_id":101,"job_parameters":{"env":"dev"}}'`,
	`databricks jobs run-now --json '{"job_id":101,"idempotency_token":""}'`,
	`databricks jobs submit --json '{"run_name":"one-off","tasks":[{"task_key":"a","notebook_task":{"notebook_path":"/Users/t/a"}}]}'`,
	"databricks jobs submit --run-name x --timeout-seconds 60",
	"databricks jobs list-runs --job-id 101 --active-only --expand-tasks --run-type JOB_RUN --page-size 5 --start-time-from 1",
	"databricks jobs get-run 555 --include-history",
	"databricks jobs get-run-output 1555",
	"databricks jobs cancel-run 555",
	"databricks jobs cancel-all-runs --job-id 101",
	"databricks jobs cancel-all-runs --all-queued-runs",
	"databricks jobs cancel-all-runs",
	"databricks jobs delete-run 554",
	"databricks jobs export-run 1555 --views-to-export ALL",
	"databricks jobs repair-run 555 --rerun-all-failed-tasks --latest-repair-id 777",
	`databricks jobs repair-run --json '{"run_id":555,"rerun_tasks":["b"],"rerun_dependent_tasks":true}'`,
	"databricks jobs get-permissions 101",
	`databricks jobs set-permissions 101 --json '{"access_control_list":[{"user_name":"a@b.c","permission_level":"CAN_MANAGE"}]}'`,
	"databricks jobs set-permissions 101",
	`databricks jobs update-permissions 101 --json '{"access_control_list":[{"group_name":"users","permission_level":"CAN_VIEW"}]}'`,
	"databricks jobs get-permission-levels 101",
}

func TestRoundTrip(t *testing.T) {
	t.Parallel()
	seen := map[string]bool{}
	for _, line := range roundTrip {
		t.Run(line, func(t *testing.T) {
			c := mustParse(t, line)
			seen[c.Endpoint] = true
			cur, legacy := CLI(c)
			if got := mustParse(t, cur); !sameCall(got, c) {
				t.Errorf("Parse(CLI(c).current = %q) = %+v, want %+v", cur, got, c)
			}
			checkLegacyParse(t, legacy, c)
			// The same call, as the page would have sent it, renders the same.
			fr, err := FromRequest(c.Method, c.Path, c.Query, c.Body)
			if err != nil || !sameCall(fr, c) {
				t.Errorf("FromRequest = %+v, %v; want %+v", fr, err, c)
			}
			if GoSDK(c) == "" || strings.Contains(GoSDK(c), "unknown endpoint") {
				t.Errorf("GoSDK(%+v) = %q", c, GoSDK(c))
			}
		})
	}
	for _, e := range Endpoints() {
		if !seen[e.Name] {
			t.Errorf("no round trip for %s", e.Name)
		}
	}
}

// checkLegacyParse checks what the CLI box does with a legacy 0.x line:
// `jobs get --job-id N` and `jobs run-now --job-id N` run as the same call
// with a note; every other legacy form is refused, as CLI v1.12 refuses it,
// and `databricks runs ...` gets a hint naming today's command.
func checkLegacyParse(t *testing.T, legacy string, c Call) {
	t.Helper()
	if legacy == "" {
		return
	}
	p, err := Parse(legacy)
	switch {
	case strings.HasPrefix(legacy, "databricks jobs get --job-id "), strings.HasPrefix(legacy, "databricks jobs run-now --job-id ") && !strings.Contains(legacy, "-params"):
		if err != nil || !sameCall(p.Call, c) {
			t.Errorf("Parse(legacy %q) = %+v, %v; want %+v", legacy, p.Call, err, c)
		}
		if !strings.Contains(strings.Join(p.Notes, "\n"), "`--job-id` is the legacy CLI's spelling") {
			t.Errorf("Parse(legacy %q) notes = %q", legacy, p.Notes)
		}
	case strings.HasPrefix(legacy, "databricks jobs list "):
		// The same flags exist in v1.12, but --limit is a client-side cap
		// there (0.x sent it), so the call differs.
		if err != nil || strings.Contains(legacy, "--limit") && (p.ClientLimit == 0 || p.Call.Query.Has("limit")) {
			t.Errorf("Parse(legacy %q) = %+v, %v", legacy, p, err)
		}
	case err == nil:
		t.Errorf("Parse(legacy %q) accepted it; CLI v1.12 rejects it", legacy)
	case strings.HasPrefix(legacy, "databricks runs "):
		cur, _ := CLI(c)
		cmd := strings.Join(strings.Fields(cur)[:3], " ")
		if h := err.(*Error).Hint; !strings.Contains(h, "today it is: "+cmd) {
			t.Errorf("Parse(legacy %q) hint %q does not name %q", legacy, h, cmd)
		}
	}
}

// TestLegacy pins the 0.x rendering of every call: only the commands the
// legacy databricks-cli had, in its syntax.
func TestLegacy(t *testing.T) {
	t.Parallel()
	tests := []struct{ line, legacy string }{
		{"jobs list", ""}, // the same text in both CLIs
		{"jobs list --expand-tasks --offset 3 --page-size 5", "databricks jobs list --expand-tasks --limit 5 --offset 3"},
		{"jobs list --name etl", ""}, // 0.x had no --name
		{"jobs list --page-token p2", ""},
		{"jobs get 101", "databricks jobs get --job-id 101"},
		{"jobs get --job-id 101", "databricks jobs get --job-id 101"},
		{"jobs get 101 --page-token tasks-p2", ""},
		{`jobs create --json '{"name":"x"}'`, ""}, // the same text in both CLIs
		{`jobs reset --json '{"job_id":103,"new_settings":{"name":"z","max_concurrent_runs":2}}'`, `databricks jobs reset --job-id 103 --json '{"max_concurrent_runs":2,"name":"z"}'`},
		{`jobs reset --json '{"job_id":103}'`, ""},
		{"jobs delete 103", "databricks jobs delete --job-id 103"},
		{"jobs update 103", ""},
		{`jobs update --json '{"job_id":103,"new_settings":{"max_concurrent_runs":2}}'`, ""},
		{"jobs run-now 101", "databricks jobs run-now --job-id 101"},
		{"jobs run-now 101 --idempotency-token tok-1", "databricks jobs run-now --job-id 101 --idempotency-token tok-1"},
		{`jobs run-now --json '{"job_id":101,"notebook_params":{"env":"dev"},"jar_params":["a"],"python_params":["b"],"spark_submit_params":["--x"]}'`,
			`databricks jobs run-now --job-id 101 --jar-params '["a"]' --notebook-params '{"env":"dev"}' --python-params '["b"]' --spark-submit-params '["--x"]'`},
		{`jobs run-now --json '{"job_id":101,"job_parameters":{"env":"dev"}}'`, ""}, // job_parameters came after 0.x
		{"jobs run-now 101 --performance-target STANDARD", ""},
		{"jobs list-runs", "databricks runs list"},
		{"jobs list-runs --job-id 12 --active-only", "databricks runs list --active-only --job-id 12"},
		{"jobs list-runs --job-id 12 --completed-only --offset 20 --page-size 5 --expand-tasks", "databricks runs list --completed-only --expand-tasks --job-id 12 --limit 5 --offset 20"},
		{"jobs list-runs --job-id 12 --run-type JOB_RUN", ""},
		{"jobs list-runs --job-id 12 --page-token runs-p2", ""},
		{"jobs get-run 1013", "databricks runs get --run-id 1013"},
		{"jobs get-run 1013 --include-history", ""},
		{"jobs get-run-output 1555", "databricks runs get-output --run-id 1555"},
		{"jobs cancel-run 555", "databricks runs cancel --run-id 555"},
		{"jobs submit --run-name x", `databricks runs submit --json '{"run_name":"x"}'`},
		{"jobs repair-run 1013 --rerun-all-failed-tasks", ""},
		{`jobs repair-run --json '{"run_id":1013,"rerun_tasks":["b"]}'`, ""},
		{"jobs cancel-all-runs --job-id 101", ""},
		{"jobs delete-run 554", ""},
		{"jobs export-run 1555", ""},
		{"jobs get-permissions 101", ""},
		{"jobs set-permissions 101", ""},
		{`jobs update-permissions 101 --json '{"access_control_list":[]}'`, ""},
		{"jobs get-permission-levels 101", ""},
	}
	for _, tt := range tests {
		c := mustParse(t, tt.line)
		if _, legacy := CLI(c); legacy != tt.legacy {
			t.Errorf("CLI(%q) legacy =\n %q\nwant\n %q", tt.line, legacy, tt.legacy)
		}
		checkLegacyParse(t, tt.legacy, c)
	}
	// The 2.1 paths render the same.
	if got := Legacy(Call{Method: "GET", Path: "/api/2.1/jobs/runs/get", Query: url.Values{"run_id": {"7"}}}); got != "databricks runs get --run-id 7" {
		t.Errorf("Legacy(2.1 runs/get) = %q", got)
	}
	if got := Legacy(Call{Method: "GET", Path: "/api/2.0/clusters/list"}); got != "" {
		t.Errorf("Legacy(non-jobs) = %q", got)
	}
}

func TestCLIRender(t *testing.T) {
	t.Parallel()
	tests := []struct {
		line, cur, legacy string
	}{
		{"jobs get --job-id 101", "databricks jobs get 101", "databricks jobs get --job-id 101"},
		{"jobs repair-run 555 --rerun-all-failed-tasks --latest-repair-id 777", "databricks jobs repair-run 555 --latest-repair-id 777 --rerun-all-failed-tasks", ""},
		{`jobs run-now --json '{"job_id":101,"job_parameters":{"env":"dev"}}'`, `databricks jobs run-now --json '{"job_id":101,"job_parameters":{"env":"dev"}}'`, ""},
		{"jobs run-now 101", "databricks jobs run-now 101", "databricks jobs run-now --job-id 101"},
		{"jobs list --name 'a b'", "databricks jobs list --name 'a b'", ""},
		{"jobs list-runs --job-id 12 --active-only", "databricks jobs list-runs --active-only --job-id 12", "databricks runs list --active-only --job-id 12"},
		{"jobs get-run 101", "databricks jobs get-run 101", "databricks runs get --run-id 101"},
		{"jobs get-permissions 101", "databricks jobs get-permissions 101", ""},
	}
	for _, tt := range tests {
		cur, legacy := CLI(mustParse(t, tt.line))
		if cur != tt.cur || legacy != tt.legacy {
			t.Errorf("CLI(%q) =\n %q\n %q\nwant\n %q\n %q", tt.line, cur, legacy, tt.cur, tt.legacy)
		}
	}
	// A query parameter with no flag is shown as a comment.
	cur, _ := CLI(Call{Method: "GET", Path: "/api/2.1/jobs/list", Query: url.Values{"foo": {"1"}}})
	if cur != "databricks jobs list  # not settable with the CLI: foo=1" {
		t.Errorf("CLI with unknown query = %q", cur)
	}
	if cur, _ := CLI(Call{Method: "GET", Path: "/api/2.0/clusters/list"}); !strings.HasPrefix(cur, "# not a Jobs API call") {
		t.Errorf("CLI(non-jobs) = %q", cur)
	}
}

func TestCurl(t *testing.T) {
	t.Parallel()
	got := Curl(mustParse(t, `jobs create --json '{"name":"it'\''s"}'`), "dbc-1.cloud.databricks.com/", "")
	want := `curl -X POST "https://dbc-1.cloud.databricks.com/api/2.2/jobs/create" \
  -H "Authorization: Bearer $DATABRICKS_TOKEN" \
  -H "Content-Type: application/json" \
  -d '{"name":"it'\''s"}'`
	if got != want {
		t.Errorf("Curl =\n%s\nwant\n%s", got, want)
	}
	got = Curl(mustParse(t, "jobs list-runs --job-id 12 --active-only"), "http://127.0.0.1:8080", "dapi…abcd")
	want = `curl "http://127.0.0.1:8080/api/2.2/jobs/runs/list?active_only=true&job_id=12" \
  -H "Authorization: Bearer dapi…abcd"`
	if got != want {
		t.Errorf("Curl =\n%s\nwant\n%s", got, want)
	}
	got = Curl(mustParse(t, "jobs get-permissions 101"), "", "")
	want = `curl "$DATABRICKS_HOST/api/2.0/permissions/jobs/101" \
  -H "Authorization: Bearer $DATABRICKS_TOKEN"`
	if got != want {
		t.Errorf("Curl =\n%s\nwant\n%s", got, want)
	}
	got = Curl(mustParse(t, `jobs list --name 'a"$b'`), "h", "")
	if !strings.Contains(got, `name=a%22%24b`) {
		t.Errorf("Curl did not encode the query: %s", got)
	}
}

func TestGoSDK(t *testing.T) {
	t.Parallel()
	tests := []struct{ line, want string }{
		{"jobs get 101", `job, err := w.Jobs.Get(ctx, jobs.GetJobRequest{JobId: 101})`},
		{"jobs list-runs --job-id 101", `runs, err := w.Jobs.ListRunsAll(ctx, jobs.ListRunsRequest{JobId: 101})`},
		{"jobs list --expand-tasks --name etl", `all, err := w.Jobs.ListAll(ctx, jobs.ListJobsRequest{ExpandTasks: true, Name: "etl"})`},
		{"jobs get-permissions 101", `perms, err := w.Jobs.GetPermissions(ctx, jobs.GetJobPermissionsRequest{JobId: "101"})`},
		{"jobs delete-run 554", `err := w.Jobs.DeleteRun(ctx, jobs.DeleteRun{RunId: 554})`},
		{"jobs cancel-run 555", `wait, err := w.Jobs.CancelRun(ctx, jobs.CancelRun{RunId: 555})`},
		{"jobs export-run 1 --views-to-export ALL", `jobs.ExportRunRequest{RunId: 1, ViewsToExport: jobs.ViewsToExportAll}`},
		{"jobs list-runs --run-type SUBMIT_RUN", `jobs.ListRunsRequest{RunType: jobs.RunTypeSubmitRun}`},
	}
	for _, tt := range tests {
		if got := GoSDK(mustParse(t, tt.line)); !strings.Contains(got, tt.want) {
			t.Errorf("GoSDK(%q) =\n%s\nwant it to contain\n%s", tt.line, got, tt.want)
		}
		if got := GoSDK(mustParse(t, tt.line)); strings.Contains(got, "GetByJobId(") {
			t.Errorf("GoSDK uses GetByJobId")
		}
	}

	got := GoSDK(mustParse(t, `jobs run-now --json '{"job_id":101,"job_parameters":{"env":"dev"}}'`))
	want := `wait, err := w.Jobs.RunNow(ctx, jobs.RunNow{
	JobId:         101,
	JobParameters: map[string]string{"env": "dev"},
})
if err != nil {
	return err
}
fmt.Println(wait.Response.RunId) // known right after the POST
// Get polls runs/get until TERMINATED or SKIPPED (default timeout 20 min).
run, err := wait.Get()
if err != nil {
	return err
}
fmt.Println(run.State.ResultState)`
	if got != want {
		t.Errorf("GoSDK(run-now) =\n%s\nwant\n%s", got, want)
	}

	got = GoSDK(mustParse(t, `jobs repair-run --json '{"run_id":555,"rerun_tasks":["b"],"rerun_dependent_tasks":true}'`))
	if !strings.Contains(got, "RerunDependentTasks: true,\n\tRerunTasks:          []string{\"b\"},\n\tRunId:               555,") {
		t.Errorf("GoSDK(repair) =\n%s", got)
	}

	got = GoSDK(mustParse(t, `jobs create --json '{"name":"x","tasks":[{"task_key":"a","new_cluster":{"num_workers":1}}]}'`))
	if !strings.Contains(got, `// import "github.com/databricks/databricks-sdk-go/service/compute"`) || !strings.Contains(got, "&compute.ClusterSpec{NumWorkers: 1}") {
		t.Errorf("GoSDK(create) =\n%s", got)
	}

	// A field the SDK lacks (the page sends raw bodies): decode at run time.
	c, err := FromRequest("POST", "/api/2.1/jobs/run-now", nil, []byte(`{"job_id":1,"bogus":true}`))
	if err != nil {
		t.Fatal(err)
	}
	got = GoSDK(c)
	if !strings.Contains(got, "var req jobs.RunNow") || !strings.Contains(got, "json.Unmarshal([]byte(`{\"bogus\":true,\"job_id\":1}`), &req)") || !strings.Contains(got, "w.Jobs.RunNow(ctx, req)") {
		t.Errorf("GoSDK(bogus) =\n%s", got)
	}
	// Invalid JSON too.
	c, _ = FromRequest("PUT", "/api/2.0/permissions/jobs/7", nil, []byte(`{"access_control_list":`))
	if got := GoSDK(c); !strings.Contains(got, `req.JobId = "7"`) {
		t.Errorf("GoSDK(invalid perms) =\n%s", got)
	}
}

func TestFromRequest(t *testing.T) {
	t.Parallel()
	tests := []struct {
		method, path, endpoint, err string
	}{
		{"GET", "/api/2.1/jobs/runs/get", "runs/get", ""},
		{"GET", "/api/2.2/jobs/list", "jobs/list", ""},
		{"post", "/api/2.2/jobs/runs/repair", "runs/repair", ""},
		{"GET", "/api/2.0/permissions/jobs/5/permissionLevels", "permissions/levels", ""},
		{"PATCH", "/api/2.0/permissions/jobs/5", "permissions/update", ""},
		{"PUT", "/api/2.0/permissions/jobs/5", "permissions/set", ""},
		{"GET", "/api/2.2/jobs/run-now", "", "cli: GET /api/2.2/jobs/run-now: the endpoint takes POST"},
		{"DELETE", "/api/2.0/permissions/jobs/5", "", "cli: DELETE /api/2.0/permissions/jobs/5: the endpoint takes GET, PUT or PATCH"},
		{"GET", "/api/2.0/clusters/list", "", "cli: GET /api/2.0/clusters/list is not a Jobs API endpoint"},
		{"GET", "/api/2.2/jobs/nope", "", "cli: GET /api/2.2/jobs/nope is not a Jobs API endpoint"},
	}
	for _, tt := range tests {
		c, err := FromRequest(tt.method, tt.path, nil, []byte(`{"b":1, "a":2}`))
		if tt.err != "" {
			if err == nil || err.Error() != tt.err {
				t.Errorf("FromRequest(%s %s) err = %v, want %q", tt.method, tt.path, err, tt.err)
			}
			continue
		}
		if err != nil || c.Endpoint != tt.endpoint || c.Path != tt.path {
			t.Errorf("FromRequest(%s %s) = %+v, %v", tt.method, tt.path, c, err)
		}
		if c.Method == "GET" && c.Body != nil || c.Method != "GET" && string(c.Body) != `{"a":2,"b":1}` {
			t.Errorf("FromRequest(%s %s) body = %q", tt.method, tt.path, c.Body)
		}
	}
	c, _ := FromRequest("POST", "/api/2.2/jobs/create", nil, []byte(`{bad`))
	if string(c.Body) != `{bad` {
		t.Errorf("invalid JSON body = %q, want kept", c.Body)
	}
}

// TestParsedCLIKeepsNoWait: a typed --no-wait survives the round trip to
// the CLI form (it is not part of the call); no --no-wait, none added.
func TestParsedCLIKeepsNoWait(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct{ line, want string }{
		{"databricks jobs run-now 101 --no-wait", "databricks jobs run-now 101 --no-wait"},
		{"databricks jobs run-now 101", "databricks jobs run-now 101"},
		{"databricks jobs cancel-run 555 --no-wait", "databricks jobs cancel-run 555 --no-wait"},
		{"databricks jobs repair-run 555 --rerun-all-failed-tasks --no-wait=false", "databricks jobs repair-run 555 --rerun-all-failed-tasks"},
		{"databricks jobs list-runs --job-id 101", "databricks jobs list-runs --job-id 101"},
	} {
		p, err := Parse(tt.line)
		if err != nil {
			t.Fatalf("%s: %v", tt.line, err)
		}
		if got, _ := p.CLI(); got != tt.want {
			t.Errorf("%s: CLI form %q, want %q", tt.line, got, tt.want)
		}
	}
}
