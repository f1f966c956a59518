package cli

import (
	"sort"
	"strings"

	"github.com/jobs-api-trainer/trainer/jobsapi"
)

type flagKind int

const (
	kBool flagKind = iota
	kInt
	kString
	kEnum
	kDuration
)

// flagSpec is one command flag. field is the query or body key it sets;
// special flags (json, limit, wait) have none.
type flagSpec struct {
	name  string
	field string
	kind  flagKind
	enum  []string
	usage string
}

// command is one `databricks jobs` subcommand of CLI v1.12.1 (reference §7).
type command struct {
	name     string
	endpoint string
	method   string
	path     string // with {id} for permissions
	idName   string // JOB_ID or RUN_ID: the positional argument, if any
	idField  string // job_id or run_id
	idInPath bool   // permissions: the ID is a path parameter, positional even with --json
	json     bool   // takes --json
	jsonOnly bool   // create, reset: --json is required
	wait     bool   // --no-wait and --timeout
	paged    bool   // --limit is a client-side cap
	sdkType  string // the SDK request struct (body types are in sdkStructs)
	summary  string
	flags    []flagSpec
}

var (
	runTypes   = []string{"JOB_RUN", "SUBMIT_RUN", "WORKFLOW_RUN"}
	views      = []string{"ALL", "CODE", "DASHBOARDS"}
	perfTarget = []string{"PERFORMANCE_OPTIMIZED", "STANDARD"}
)

// fromCatalogue fills each command's endpoint, method, path and SDK
// request type from the Jobs API catalogue (package jobsapi), matched by
// subcommand name; TestCommandsMatchCatalogue checks that every catalogue
// CLI command has a command here and the other way round.
func fromCatalogue(cs []*command) []*command {
	for _, c := range cs {
		for _, e := range jobsapi.CLICommands() {
			if e.CLI == c.name {
				c.endpoint, c.method, c.sdkType = e.Name, e.Method, e.SDKRequest
				c.path = strings.Replace(e.Path, "{job_id}", "{id}", 1)
			}
		}
	}
	return cs
}

// commands lists every subcommand, in the order `databricks jobs --help`
// shows them (alphabetical).
var commands = fromCatalogue([]*command{
	{name: "cancel-all-runs", json: true,
		summary: "Cancel all runs of a job (or all queued runs).",
		flags: []flagSpec{
			{name: "all-queued-runs", field: "all_queued_runs", kind: kBool, usage: "Optional boolean parameter to cancel all queued runs."},
			{name: "job-id", field: "job_id", kind: kInt, usage: "The canonical identifier of the job to cancel all runs of."},
		}},
	{name: "cancel-run", idName: "RUN_ID", idField: "run_id", json: true, wait: true,
		summary: "Cancel a run."},
	{name: "create", json: true, jsonOnly: true,
		summary: "Create a new job."},
	{name: "delete", idName: "JOB_ID", idField: "job_id", json: true,
		summary: "Delete a job."},
	{name: "delete-run", idName: "RUN_ID", idField: "run_id", json: true,
		summary: "Delete a job run."},
	{name: "export-run", idName: "RUN_ID", idField: "run_id",
		summary: "Export and retrieve a job run.",
		flags: []flagSpec{
			{name: "views-to-export", field: "views_to_export", kind: kEnum, enum: views, usage: "Which views to export."},
		}},
	{name: "get", idName: "JOB_ID", idField: "job_id",
		summary: "Get a single job.",
		flags: []flagSpec{
			{name: "include-trigger-state", field: "include_trigger_state", kind: kBool, usage: "Whether to include trigger state information in the response."},
			{name: "page-token", field: "page_token", kind: kString, usage: "Use next_page_token returned from the previous GetJob response to request the next page."},
		}},
	{name: "get-permission-levels", idName: "JOB_ID", idField: "job_id", idInPath: true,
		summary: "Get job permission levels."},
	{name: "get-permissions", idName: "JOB_ID", idField: "job_id", idInPath: true,
		summary: "Get job permissions."},
	{name: "get-run", idName: "RUN_ID", idField: "run_id",
		summary: "Get a single job run.",
		flags: []flagSpec{
			{name: "include-history", field: "include_history", kind: kBool, usage: "Whether to include the repair history in the response."},
			{name: "include-resolved-values", field: "include_resolved_values", kind: kBool, usage: "Whether to include resolved parameter values in the response."},
			{name: "page-token", field: "page_token", kind: kString, usage: "Use next_page_token returned from the previous GetRun response to request the next page."},
		}},
	{name: "get-run-output", idName: "RUN_ID", idField: "run_id",
		summary: "Get the output for a single run."},
	{name: "list", paged: true,
		summary: "List jobs.",
		flags: []flagSpec{
			{name: "expand-tasks", field: "expand_tasks", kind: kBool, usage: "Whether to include task and cluster details in the response."},
			{name: "name", field: "name", kind: kString, usage: "A filter on the list based on the exact (case insensitive) job name."},
			{name: "offset", field: "offset", kind: kInt, usage: "The offset of the first job to return, relative to the most recently created job."},
			{name: "page-token", field: "page_token", kind: kString, usage: "Use next_page_token or prev_page_token returned from the previous request to list the next or previous page of jobs respectively."},
		}},
	{name: "list-runs", paged: true,
		summary: "List job runs.",
		flags: []flagSpec{
			{name: "active-only", field: "active_only", kind: kBool, usage: "If active_only is true, only active runs are included in the results."},
			{name: "completed-only", field: "completed_only", kind: kBool, usage: "If completed_only is true, only completed runs are included in the results."},
			{name: "expand-tasks", field: "expand_tasks", kind: kBool, usage: "Whether to include task and cluster details in the response."},
			{name: "job-id", field: "job_id", kind: kInt, usage: "The job for which to list runs."},
			{name: "offset", field: "offset", kind: kInt, usage: "The offset of the first run to return, relative to the most recent run."},
			// Not in reference §7's table, but the generated command exposes
			// every ListRunsRequest field, and the page's "next page" needs it.
			{name: "page-token", field: "page_token", kind: kString, usage: "Use next_page_token or prev_page_token returned from the previous request to list the next or previous page of runs respectively."},
			{name: "run-type", field: "run_type", kind: kEnum, enum: runTypes, usage: "The type of runs to return."},
			{name: "start-time-from", field: "start_time_from", kind: kInt, usage: "Show runs that started at or after this value (epoch milliseconds)."},
			{name: "start-time-to", field: "start_time_to", kind: kInt, usage: "Show runs that started at or before this value (epoch milliseconds)."},
		}},
	{name: "repair-run", idName: "RUN_ID", idField: "run_id", json: true, wait: true,
		summary: "Repair a job run.",
		flags: []flagSpec{
			{name: "latest-repair-id", field: "latest_repair_id", kind: kInt, usage: "The ID of the latest repair."},
			{name: "rerun-all-failed-tasks", field: "rerun_all_failed_tasks", kind: kBool, usage: "If true, repair all failed tasks."},
			{name: "rerun-dependent-tasks", field: "rerun_dependent_tasks", kind: kBool, usage: "If true, repair all tasks that depend on the tasks in rerun_tasks, even if they were previously successful."},
		}},
	{name: "reset", json: true, jsonOnly: true,
		summary: "Update all job settings (reset)."},
	{name: "run-now", idName: "JOB_ID", idField: "job_id", json: true, wait: true,
		summary: "Trigger a new job run.",
		flags: []flagSpec{
			{name: "idempotency-token", field: "idempotency_token", kind: kString, usage: "An optional token to guarantee the idempotency of job run requests."},
			{name: "performance-target", field: "performance_target", kind: kEnum, enum: perfTarget, usage: "The performance mode on a serverless job."},
		}},
	{name: "set-permissions", idName: "JOB_ID", idField: "job_id", idInPath: true, json: true,
		summary: "Set job permissions."},
	{name: "submit", json: true, wait: true,
		summary: "Create and trigger a one-time run.",
		flags: []flagSpec{
			{name: "idempotency-token", field: "idempotency_token", kind: kString, usage: "An optional token that can be used to guarantee the idempotency of job run requests."},
			{name: "run-name", field: "run_name", kind: kString, usage: "An optional name for the run."},
			{name: "timeout-seconds", field: "timeout_seconds", kind: kInt, usage: "An optional timeout applied to each run of this job."},
		}},
	{name: "update", idName: "JOB_ID", idField: "job_id", json: true,
		summary: "Update job settings partially."},
	{name: "update-permissions", idName: "JOB_ID", idField: "job_id", idInPath: true, json: true,
		summary: "Update job permissions."},
})

// Endpoint describes one Jobs API endpoint and the CLI command that calls it.
type Endpoint struct {
	Name    string // e.g. "runs/get"
	Method  string
	Path    string // 2.2 path; permissions paths contain {id}
	Command string // e.g. "jobs get-run"
	IDParam string // "job_id", "run_id" or "" when the command takes no positional ID
	Summary string
}

// Endpoints returns every Jobs API endpoint this package knows, sorted by
// Name. It never fails.
func Endpoints() []Endpoint {
	out := make([]Endpoint, 0, len(commands))
	for _, c := range commands {
		out = append(out, Endpoint{Name: c.endpoint, Method: c.method, Path: c.path, Command: "jobs " + c.name, IDParam: c.idField, Summary: c.summary})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

func findCommand(name string) *command {
	for _, c := range commands {
		if c.name == name {
			return c
		}
	}
	return nil
}

func commandByEndpoint(ep string) *command {
	for _, c := range commands {
		if c.endpoint == ep {
			return c
		}
	}
	return nil
}

func (c *command) flag(name string) *flagSpec {
	for i := range c.flags {
		if c.flags[i].name == name {
			return &c.flags[i]
		}
	}
	return nil
}

func (c *command) flagForField(field string) *flagSpec {
	for i := range c.flags {
		if c.flags[i].field == field {
			return &c.flags[i]
		}
	}
	return nil
}

// acceptsLegacyID reports whether Parse runs the command given the legacy
// --job-id flag (with a note): only `jobs get` and `jobs run-now`, which the
// legacy databricks-cli 0.x had under the same names.
func (c *command) acceptsLegacyID() bool {
	return c.name == "get" || c.name == "run-now"
}

// legacyFlag is the old-style ID flag: --job-id or --run-id.
func (c *command) legacyFlag() string {
	if c.idField == "" {
		return ""
	}
	return strings.ReplaceAll(c.idField, "_", "-")
}

func (c *command) use() string {
	u := "databricks jobs " + c.name
	if c.idName != "" {
		u += " " + c.idName
	}
	return u + " [flags]"
}

// allFlagNames lists the command's flags as --help shows them.
func (c *command) allFlagNames() []string {
	var out []string
	for _, f := range c.flags {
		out = append(out, "--"+f.name)
	}
	if c.json {
		out = append(out, "--json")
	}
	if c.paged {
		out = append(out, "--limit")
	}
	if c.wait {
		out = append(out, "--no-wait", "--timeout")
	}
	sort.Strings(out)
	return out
}

func commandNames() []string {
	var out []string
	for _, c := range commands {
		out = append(out, c.name)
	}
	return out
}
