package web

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/jobs-api-trainer/trainer/jobsapi"
	"github.com/jobs-api-trainer/trainer/workspace"
)

// The console's endpoint catalog: every Jobs API endpoint with its form
// parameters, example bodies and the links that preselect it.

// consoleParam is one query (or path) parameter of an endpoint's form.
type consoleParam struct {
	name     string
	kind     string // job, run, taskrun, bool, int, text, enum
	enum     []string
	required bool
	help     string
}

// consoleEndpoint is one endpoint in the console's picker.
type consoleEndpoint struct {
	key         string // form value and ?ep= / ?try=
	name        string // as cli.Endpoint.Name: "runs/get"
	group       string // job, run, perm
	method      string
	path        string // permissions paths hold {job_id}
	summary     string
	params      []consoleParam
	pathID      bool // the job_id goes in the path (permissions)
	destructive bool // needs confirmation in live mode
	example     func(ex exampleIDs) string
}

func (e *consoleEndpoint) hasBody() bool { return e.method != "GET" }

// numeric reports whether the parameter takes a whole number (an ID or a
// count).
func (p consoleParam) numeric() bool {
	switch p.kind {
	case "job", "run", "taskrun", "int":
		return true
	}
	return false
}

// exampleIDs are IDs from the learner's workspace for example bodies.
type exampleIDs struct {
	job, run       int64 // nightly-etl (or the first job) and its newest run
	failedRun      int64 // the newest finished run that failed (0 if none)
	latestRepairID int64 // of failedRun
}

var (
	pJobID    = consoleParam{name: "job_id", kind: "job", required: true}
	pRunID    = consoleParam{name: "run_id", kind: "run", required: true}
	pPage     = consoleParam{name: "page_token", kind: "text", help: "next_page_token from the previous response."}
	pExpand   = consoleParam{name: "expand_tasks", kind: "bool"}
	pOffset   = consoleParam{name: "offset", kind: "int", help: "Deprecated; use page_token."}
	exCompute = `"existing_cluster_id": "0101-sandbox"`
)

// pickerGroups maps a catalogue side to the picker's group.
var pickerGroups = map[jobsapi.Side]string{jobsapi.Job: "job", jobsapi.Run: "run", jobsapi.Permissions: "perm"}

// fromCatalogue fills each picker entry's group, method and path from the
// Jobs API catalogue (package jobsapi), matched by name; the console test
// checks that every catalogue Jobs endpoint is in the picker.
func fromCatalogue(es []*consoleEndpoint) []*consoleEndpoint {
	for _, e := range es {
		if c, ok := jobsapi.Lookup(e.name); ok {
			e.group, e.method, e.path = pickerGroups[c.Side], c.Method, c.Path
			e.pathID = strings.Contains(c.Path, "{job_id}")
		}
	}
	return es
}

// consoleEndpoints lists every Jobs API endpoint, in picker order.
var consoleEndpoints = fromCatalogue([]*consoleEndpoint{
	{key: "jobs-list", name: "jobs/list",
		summary: "The workspace's jobs, newest first, optionally by exact name.",
		params: []consoleParam{{name: "name", kind: "text", help: "Exact name, case-insensitive."}, pExpand,
			{name: "limit", kind: "int", help: "1 to 100 per page (default 20)."}, pOffset, pPage}},
	{key: "jobs-get", name: "jobs/get",
		summary: "One job's definition (settings: tasks, clusters, schedule). 100 tasks per page on 2.2.",
		params:  []consoleParam{pJobID, {name: "include_trigger_state", kind: "bool"}, pPage}},
	{key: "jobs-create", name: "jobs/create",
		summary: "Creates a job from its settings and returns its job_id.",
		example: func(exampleIDs) string {
			return `{
  "name": "my-first-job",
  "max_concurrent_runs": 1,
  "tasks": [
    {
      "task_key": "extract",
      "notebook_task": {"notebook_path": "/Workspace/Users/me/extract"},
      ` + exCompute + `
    },
    {
      "task_key": "load",
      "depends_on": [{"task_key": "extract"}],
      "notebook_task": {"notebook_path": "/Workspace/Users/me/load"},
      ` + exCompute + `
    }
  ]
}`
		}},
	{key: "jobs-update", name: "jobs/update",
		summary: "Merges changes into the job's settings: what you leave out stays.",
		example: func(ex exampleIDs) string {
			return fmt.Sprintf(`{
  "job_id": %d,
  "new_settings": {
    "max_concurrent_runs": 2
  }
}`, ex.job)
		}},
	{key: "jobs-reset", name: "jobs/reset", destructive: true,
		summary: "Replaces the job's whole settings: what you leave out is gone.",
		example: func(ex exampleIDs) string {
			return fmt.Sprintf(`{
  "job_id": %d,
  "new_settings": {
    "name": "nightly-etl",
    "tasks": [
      {
        "task_key": "ingest",
        "notebook_task": {"notebook_path": "/Workspace/Shared/etl/01_ingest"},
        `+exCompute+`
      }
    ]
  }
}`, ex.job)
		}},
	{key: "jobs-delete", name: "jobs/delete", destructive: true,
		summary: "Deletes the job. Its past runs stay listable.",
		example: func(ex exampleIDs) string { return fmt.Sprintf(`{"job_id": %d}`, ex.job) }},
	{key: "run-now", name: "jobs/run-now",
		summary: "Starts a new run of an existing job and returns its run_id.",
		example: func(ex exampleIDs) string {
			return fmt.Sprintf(`{
  "job_id": %d,
  "job_parameters": {"env": "dev"}
}`, ex.job)
		}},
	{key: "runs-list", name: "runs/list",
		summary: "Runs, newest first, each with its state: the overview.",
		params: []consoleParam{{name: "job_id", kind: "job"}, {name: "active_only", kind: "bool"}, {name: "completed_only", kind: "bool"},
			pExpand, {name: "run_type", kind: "enum", enum: []string{"JOB_RUN", "SUBMIT_RUN", "WORKFLOW_RUN"}},
			{name: "limit", kind: "int", help: "1 to 25 per page (default 20)."}, pOffset, pPage,
			{name: "start_time_from", kind: "int", help: "Epoch milliseconds."}, {name: "start_time_to", kind: "int", help: "Epoch milliseconds."}}},
	{key: "runs-get", name: "runs/get",
		summary: "One run in detail: state, task runs, timings. Takes a run_id, not a job_id.",
		params:  []consoleParam{pRunID, {name: "include_history", kind: "bool", help: "Adds repair_history."}, {name: "include_resolved_values", kind: "bool"}, pPage}},
	{key: "runs-get-output", name: "runs/get-output",
		summary: "The output of one task run (a task's own run_id, from runs/get's tasks).",
		params:  []consoleParam{{name: "run_id", kind: "taskrun", required: true}}},
	{key: "runs-export", name: "runs/export",
		summary: "Exports a task run's notebook views.",
		params:  []consoleParam{{name: "run_id", kind: "taskrun", required: true}, {name: "views_to_export", kind: "enum", enum: []string{"CODE", "DASHBOARDS", "ALL"}}}},
	{key: "runs-submit", name: "runs/submit",
		summary: "A one-time run without a job: the tasks travel in the body.",
		example: func(exampleIDs) string {
			return `{
  "run_name": "one-off backfill",
  "tasks": [
    {
      "task_key": "backfill",
      "notebook_task": {"notebook_path": "/Workspace/Shared/etl/backfill"},
      ` + exCompute + `
    }
  ]
}`
		}},
	{key: "runs-repair", name: "runs/repair",
		summary: "Reruns failed (or chosen) tasks inside the same run. latest_repair_id is needed after the first repair.",
		example: func(ex exampleIDs) string {
			run := ex.failedRun
			if run == 0 {
				run = ex.run
			}
			if ex.latestRepairID != 0 {
				return fmt.Sprintf(`{
  "run_id": %d,
  "rerun_all_failed_tasks": true,
  "latest_repair_id": %d
}`, run, ex.latestRepairID)
			}
			return fmt.Sprintf(`{
  "run_id": %d,
  "rerun_all_failed_tasks": true
}`, run)
		}},
	{key: "runs-cancel", name: "runs/cancel",
		summary: "Stops an active run (asynchronously).",
		example: func(ex exampleIDs) string { return fmt.Sprintf(`{"run_id": %d}`, ex.run) }},
	{key: "runs-cancel-all", name: "runs/cancel-all", destructive: true,
		summary: "Cancels every active run of a job (or, with all_queued_runs, every queued run).",
		example: func(ex exampleIDs) string { return fmt.Sprintf(`{"job_id": %d}`, ex.job) }},
	{key: "runs-delete", name: "runs/delete", destructive: true,
		summary: "Deletes a finished run.",
		example: func(ex exampleIDs) string { return fmt.Sprintf(`{"run_id": %d}`, ex.run) }},
	{key: "permissions-get", name: "permissions/get",
		summary: "Who may view, run or manage the job.", params: []consoleParam{pJobID}},
	{key: "permissions-levels", name: "permissions/levels",
		summary: "The permission levels a job has.", params: []consoleParam{pJobID}},
	{key: "permissions-set", name: "permissions/set",
		summary: "Replaces the job's access control list.", params: []consoleParam{pJobID},
		example: func(exampleIDs) string {
			return `{
  "access_control_list": [
    {"user_name": "analyst@example.com", "permission_level": "CAN_VIEW"}
  ]
}`
		}},
	{key: "permissions-update", name: "permissions/update",
		summary: "Adds to the job's access control list.", params: []consoleParam{pJobID},
		example: func(exampleIDs) string {
			return `{
  "access_control_list": [
    {"user_name": "analyst@example.com", "permission_level": "CAN_MANAGE_RUN"}
  ]
}`
		}},
})

var groupTitles = []struct{ key, title string }{
	{"job", "On the job"},
	{"run", "On runs"},
	{"perm", "Permissions"},
}

func endpointByKey(key string) *consoleEndpoint {
	for _, e := range consoleEndpoints {
		if e.key == key {
			return e
		}
	}
	return nil
}

func endpointByName(name string) *consoleEndpoint {
	for _, e := range consoleEndpoints {
		if e.name == name {
			return e
		}
	}
	return nil
}

// tryEndpoint maps a lesson "try it" value (an endpoint key, "cli", or a
// drill topic id) to the endpoint to preselect and whether the CLI box is
// meant.
func tryEndpoint(try string) (key string, cliBox bool) {
	if tc, ok := tryCalls[try]; ok {
		return tc.ep, tc.cli != ""
	}
	if endpointByKey(try) != nil {
		return try, false
	}
	return "", false
}

// tryCall is the call a lesson section's (or a topic's) "Try it" link
// opens: the one that shows the section's point, with the job it is about
// and, for a POST, a body made for it.
type tryCall struct {
	ep   string
	job  string // name of the job whose id fills job_id
	body string // request body; {job:NAME} stands for that job's id
	cli  string // a CLI line for the CLI box instead; {job:NAME} as in body
}

// tryCalls maps each lesson section (and drill topic) to its call.
var tryCalls = map[string]tryCall{
	// jobs-api: a job is a definition; its verbs; a run's verbs.
	"job-vs-run":    {ep: "jobs-get", job: "nightly-etl"},
	"job-endpoints": {ep: "jobs-list"},
	"run-endpoints": {ep: "runs-list", job: "nightly-etl"},
	"repair":        {ep: "runs-repair"},
	"repair-run":    {ep: "runs-repair"},
	// Paging shows only on a job with more than 100 tasks.
	"pagination": {ep: "jobs-get", job: "customer-360"},
	"four-ways":  {ep: "runs-list", cli: "databricks jobs run-now {job:nightly-etl} --no-wait"},
	"cli":        {ep: "runs-list", cli: "databricks jobs get {job:nightly-etl}"},
	"bundles":    {ep: "runs-list", cli: "databricks jobs list-runs --job-id {job:nightly-etl} --limit 5"},
	// jobs-orchestration: one-time runs that show the behaviour at once.
	"dependencies": {ep: "runs-submit", body: `{
  "run_name": "run_if demo: transform fails, cleanup still runs",
  "tasks": [
    {"task_key": "ingest", "notebook_task": {"notebook_path": "/Jobs/ingest"}, ` + exCompute + `},
    {"task_key": "transform", "depends_on": [{"task_key": "ingest"}],
     "notebook_task": {"notebook_path": "/Jobs/transform", "base_parameters": {"simulate": "fail"}}, ` + exCompute + `},
    {"task_key": "report", "depends_on": [{"task_key": "transform"}],
     "notebook_task": {"notebook_path": "/Jobs/report"}, ` + exCompute + `},
    {"task_key": "cleanup", "depends_on": [{"task_key": "transform"}], "run_if": "ALL_DONE",
     "notebook_task": {"notebook_path": "/Jobs/cleanup"}, ` + exCompute + `}
  ]
}`},
	"retries": {ep: "runs-submit", body: `{
  "run_name": "retry demo: the first attempt fails, the retry succeeds",
  "tasks": [
    {"task_key": "flaky", "max_retries": 1, "min_retry_interval_millis": 1000,
     "notebook_task": {"notebook_path": "/Jobs/flaky", "base_parameters": {"simulate": "fail_once"}}, ` + exCompute + `}
  ]
}`},
	"parameters": {ep: "run-now", body: `{
  "job_id": {job:nightly-etl},
  "job_parameters": {"run_date": "2024-01-31"}
}`},
	"triggers":    {ep: "jobs-get", job: "hourly-report"},
	"permissions": {ep: "permissions-get", job: "nightly-etl"},
	"compute":     {ep: "jobs-get", job: "nightly-etl"},
	"run-history": {ep: "runs-list", job: "nightly-etl"},
}

// fillJobs replaces {job:NAME} in s with the id of the job of that name
// in ov (JOB_ID when there is none).
func fillJobs(s string, ov workspace.Overview) string {
	for {
		i := strings.Index(s, "{job:")
		if i < 0 {
			return s
		}
		j := strings.Index(s[i:], "}")
		if j < 0 {
			return s
		}
		id := "JOB_ID"
		if n := jobNamed(ov, s[i+5:i+j]); n != 0 {
			id = strconv.FormatInt(n, 10)
		}
		s = s[:i] + id + s[i+j+1:]
	}
}

// examples picks IDs from the learner's workspace for example bodies.
func examples(ov workspace.Overview) exampleIDs {
	var ex exampleIDs
	for _, j := range ov.Jobs {
		if ex.job == 0 || j.Name == "nightly-etl" {
			ex.job = j.JobID
			if len(j.Runs) > 0 {
				ex.run = j.Runs[0].RunID
			}
		}
	}
	for _, j := range ov.Jobs {
		for _, r := range j.Runs {
			if !r.Active && r.ResultState != "" && r.ResultState != "SUCCESS" && r.RunID > ex.failedRun {
				ex.failedRun, ex.latestRepairID = r.RunID, r.LatestRepairID
			}
		}
	}
	return ex
}

// jobNamed returns the id of the job with the name, or 0.
func jobNamed(ov workspace.Overview, name string) int64 {
	for _, j := range ov.Jobs {
		if strings.EqualFold(j.Name, name) {
			return j.JobID
		}
	}
	return 0
}
