// Package jobsapi is the one catalogue of the Databricks Jobs API that the
// trainer knows: each endpoint's method, path, API versions, whether it is a
// verb on a job, a run or a job's permissions, its request fields, the
// `databricks jobs` command (CLI v1.12.1) and Go SDK method (v0.175.0) that
// call it, and how far the sandbox emulates it. The emulator's routes, the
// question-bank lint, the CLI parser, the sandbox console's picker, live
// mode's allow list and the fidelity ledger all derive from it, so an
// endpoint is added in one place.
//
// Sources: ../shared/reference/jobs-api.md sections 3 and 7, the Jobs API
// 2.2 reference (docs.databricks.com/api/workspace/jobs), the CLI's
// cmd/workspace/jobs/jobs.go and the SDK's service/jobs/api.go.
//
// The package imports nothing but the standard library.
package jobsapi

import (
	"slices"
	"strings"
)

// Side says what an endpoint is a verb on: the job (the definition) or a
// run (one execution); Permissions, Files and Workspace are the rest.
type Side string

// The sides of the Jobs API.
const (
	Job         Side = "job"
	Run         Side = "run"
	Permissions Side = "permissions" // a job's access control list
	Workspace   Side = "workspace"   // not the Jobs API: what clients ask a workspace first
	// Files are the Workspace API's file and folder calls (not the Jobs
	// API) that `databricks bundle` makes to upload its files and keep its
	// deployment state and lock (shared reference, section 10).
	Files Side = "files"
)

// Support is how far the sandbox emulates an endpoint.
type Support string

// The support levels of the fidelity ledger.
const (
	Emulated    Support = "emulated"
	Partial     Support = "partial"
	NotEmulated Support = "not emulated"
)

// Endpoint is one endpoint of the catalogue.
type Endpoint struct {
	// Name is the short name used everywhere in the trainer ("jobs/create",
	// "runs/get", "permissions/set"): route keys, CLI endpoint, picker.
	Name   string
	Method string
	// Path is the newest version's path; path parameters are in braces
	// ("/api/2.0/permissions/jobs/{job_id}").
	Path string
	// Versions lists the API versions that serve it ("2.1", "2.2"), oldest
	// first; the others' paths differ from Path only in the version.
	Versions []string
	Side     Side
	// Fields are the request's top-level fields (query parameters for GET,
	// body fields otherwise; path parameters are in Path).
	Fields []string
	// CLI is the `databricks jobs` subcommand of CLI v1.12.1 ("" if none).
	CLI string
	// SDK is the Go SDK method on WorkspaceClient.Jobs ("" if none), and
	// SDKRequest its request struct in package jobs.
	SDK, SDKRequest string
	Support         Support
	// RawBody says the request body is the bytes of a file, not a JSON
	// object (workspace-files/import-file); the emulator then skips its
	// JSON checks and caps the body at the workspace's file size limit.
	RawBody bool
}

// Paths returns the endpoint's path under each version, oldest first.
func (e Endpoint) Paths() []string {
	out := make([]string, 0, len(e.Versions))
	for _, v := range e.Versions {
		out = append(out, VersionPath(e.Path, v))
	}
	return out
}

// VersionPath rewrites an /api/X.Y/ path to version v.
func VersionPath(path, v string) string {
	if !strings.HasPrefix(path, "/api/") {
		return path
	}
	rest := path[len("/api/"):]
	_, tail, _ := strings.Cut(rest, "/")
	return "/api/" + v + "/" + tail
}

// Pattern is the endpoint's net/http ServeMux pattern for version v:
// "POST /api/2.2/jobs/create".
func (e Endpoint) Pattern(v string) string { return e.Method + " " + VersionPath(e.Path, v) }

// Jobs reports whether the endpoint is part of the Jobs API proper (a job,
// run or permissions verb), as opposed to the workspace calls clients make
// first and the workspace files bundles use. Live mode, the console's
// picker and the bank lint take only these.
func (e Endpoint) Jobs() bool { return e.Side == Job || e.Side == Run || e.Side == Permissions }

const (
	v2122 = "2.1,2.2"
	jobs  = "/api/2.2/jobs/"
	perms = "/api/2.0/permissions/jobs/{job_id}"
	ws    = "/api/2.0/workspace/"
	wsf   = "/api/2.0/workspace-files/"
)

var runParams = []string{"dbt_commands", "jar_params", "notebook_params", "performance_target", "pipeline_params",
	"python_named_params", "python_params", "spark_submit_params", "sql_params"}

func fields(f ...[]string) []string {
	var out []string
	for _, x := range f {
		out = append(out, x...)
	}
	return out
}

// catalogue is the list, in the order the lesson teaches it: job verbs,
// run verbs, permissions, then the workspace calls and the workspace files
// that bundles use (in the order `databricks bundle deploy` first calls
// them: databricks/cli v1.12.1 libs/filer/workspace_files_client.go and
// bundle/deploy/filer.go).
var catalogue = []Endpoint{
	{Name: "jobs/create", Method: "POST", Path: jobs + "create", Versions: split(v2122), Side: Job,
		Fields: []string{"access_control_list", "budget_policy_id", "continuous", "deployment", "description", "edit_mode",
			"email_notifications", "environments", "format", "git_source", "health", "job_clusters", "max_concurrent_runs",
			"name", "notification_settings", "parameters", "parent_path", "performance_target", "queue", "run_as", "schedule",
			"tags", "tasks", "timeout_seconds", "trigger", "triggers", "usage_policy_id", "webhook_notifications"},
		CLI: "create", SDK: "Create", SDKRequest: "CreateJob", Support: Partial},
	{Name: "jobs/get", Method: "GET", Path: jobs + "get", Versions: split(v2122), Side: Job,
		Fields: []string{"job_id", "include_trigger_state", "page_token"},
		CLI:    "get", SDK: "Get", SDKRequest: "GetJobRequest", Support: Emulated},
	{Name: "jobs/list", Method: "GET", Path: jobs + "list", Versions: split(v2122), Side: Job,
		Fields: []string{"expand_tasks", "limit", "name", "offset", "page_token"},
		CLI:    "list", SDK: "ListAll", SDKRequest: "ListJobsRequest", Support: Emulated},
	{Name: "jobs/update", Method: "POST", Path: jobs + "update", Versions: split(v2122), Side: Job,
		Fields: []string{"fields_to_remove", "job_id", "new_settings"},
		CLI:    "update", SDK: "Update", SDKRequest: "UpdateJob", Support: Emulated},
	{Name: "jobs/reset", Method: "POST", Path: jobs + "reset", Versions: split(v2122), Side: Job,
		Fields: []string{"job_id", "new_settings"},
		CLI:    "reset", SDK: "Reset", SDKRequest: "ResetJob", Support: Emulated},
	{Name: "jobs/delete", Method: "POST", Path: jobs + "delete", Versions: split(v2122), Side: Job,
		Fields: []string{"job_id"},
		CLI:    "delete", SDK: "Delete", SDKRequest: "DeleteJob", Support: Emulated},
	{Name: "jobs/run-now", Method: "POST", Path: jobs + "run-now", Versions: split(v2122), Side: Job,
		Fields: fields([]string{"idempotency_token", "job_id", "job_parameters", "only", "queue"}, runParams),
		CLI:    "run-now", SDK: "RunNow", SDKRequest: "RunNow", Support: Partial},
	{Name: "runs/submit", Method: "POST", Path: jobs + "runs/submit", Versions: split(v2122), Side: Run,
		Fields: []string{"access_control_list", "budget_policy_id", "email_notifications", "environments", "git_source",
			"health", "idempotency_token", "notification_settings", "performance_target", "queue", "run_as", "run_name",
			"tasks", "timeout_seconds", "usage_policy_id", "webhook_notifications"},
		CLI: "submit", SDK: "Submit", SDKRequest: "SubmitRun", Support: Partial},
	{Name: "runs/list", Method: "GET", Path: jobs + "runs/list", Versions: split(v2122), Side: Run,
		Fields: []string{"active_only", "completed_only", "expand_tasks", "job_id", "limit", "offset", "page_token",
			"run_type", "start_time_from", "start_time_to"},
		CLI: "list-runs", SDK: "ListRunsAll", SDKRequest: "ListRunsRequest", Support: Emulated},
	{Name: "runs/get", Method: "GET", Path: jobs + "runs/get", Versions: split(v2122), Side: Run,
		Fields: []string{"run_id", "include_history", "include_resolved_values", "page_token"},
		CLI:    "get-run", SDK: "GetRun", SDKRequest: "GetRunRequest", Support: Partial},
	{Name: "runs/get-output", Method: "GET", Path: jobs + "runs/get-output", Versions: split(v2122), Side: Run,
		Fields: []string{"run_id"},
		CLI:    "get-run-output", SDK: "GetRunOutput", SDKRequest: "GetRunOutputRequest", Support: Partial},
	{Name: "runs/cancel", Method: "POST", Path: jobs + "runs/cancel", Versions: split(v2122), Side: Run,
		Fields: []string{"run_id"},
		CLI:    "cancel-run", SDK: "CancelRun", SDKRequest: "CancelRun", Support: Emulated},
	{Name: "runs/cancel-all", Method: "POST", Path: jobs + "runs/cancel-all", Versions: split(v2122), Side: Run,
		Fields: []string{"all_queued_runs", "job_id"},
		CLI:    "cancel-all-runs", SDK: "CancelAllRuns", SDKRequest: "CancelAllRuns", Support: Emulated},
	{Name: "runs/delete", Method: "POST", Path: jobs + "runs/delete", Versions: split(v2122), Side: Run,
		Fields: []string{"run_id"},
		CLI:    "delete-run", SDK: "DeleteRun", SDKRequest: "DeleteRun", Support: Emulated},
	{Name: "runs/export", Method: "GET", Path: jobs + "runs/export", Versions: split(v2122), Side: Run,
		Fields: []string{"run_id", "views_to_export"},
		CLI:    "export-run", SDK: "ExportRun", SDKRequest: "ExportRunRequest", Support: Partial},
	{Name: "runs/repair", Method: "POST", Path: jobs + "runs/repair", Versions: split(v2122), Side: Run,
		Fields: fields([]string{"job_parameters", "latest_repair_id", "rerun_all_failed_tasks", "rerun_dependent_tasks",
			"rerun_tasks", "run_id"}, runParams),
		CLI: "repair-run", SDK: "RepairRun", SDKRequest: "RepairRun", Support: Emulated},
	{Name: "permissions/get", Method: "GET", Path: perms, Versions: []string{"2.0"}, Side: Permissions,
		CLI: "get-permissions", SDK: "GetPermissions", SDKRequest: "GetJobPermissionsRequest", Support: Emulated},
	{Name: "permissions/set", Method: "PUT", Path: perms, Versions: []string{"2.0"}, Side: Permissions,
		Fields: []string{"access_control_list"},
		CLI:    "set-permissions", SDK: "SetPermissions", SDKRequest: "JobPermissionsRequest", Support: Emulated},
	{Name: "permissions/update", Method: "PATCH", Path: perms, Versions: []string{"2.0"}, Side: Permissions,
		Fields: []string{"access_control_list"},
		CLI:    "update-permissions", SDK: "UpdatePermissions", SDKRequest: "JobPermissionsRequest", Support: Emulated},
	{Name: "permissions/levels", Method: "GET", Path: perms + "/permissionLevels", Versions: []string{"2.0"}, Side: Permissions,
		CLI: "get-permission-levels", SDK: "GetPermissionLevels", SDKRequest: "GetJobPermissionLevelsRequest", Support: Emulated},
	{Name: "workspace/config", Method: "GET", Path: "/.well-known/databricks-config", Side: Workspace, Support: Emulated},
	{Name: "scim/me", Method: "GET", Path: "/api/2.0/preview/scim/v2/Me", Versions: []string{"2.0"}, Side: Workspace,
		Support: Partial},
	{Name: "telemetry", Method: "POST", Path: "/telemetry-ext", Side: Workspace, Support: Partial},
	{Name: "workspace/get-status", Method: "GET", Path: ws + "get-status", Versions: []string{"2.0"}, Side: Files,
		Fields: []string{"path", "return_export_info"}, Support: Emulated},
	{Name: "workspace/mkdirs", Method: "POST", Path: ws + "mkdirs", Versions: []string{"2.0"}, Side: Files,
		Fields: []string{"path"}, Support: Emulated},
	{Name: "workspace-files/import-file", Method: "POST", Path: wsf + "import-file/{path...}", Versions: []string{"2.0"}, Side: Files,
		Fields: []string{"overwrite"}, Support: Partial, RawBody: true},
	{Name: "workspace-files/read", Method: "GET", Path: wsf + "{path...}", Versions: []string{"2.0"}, Side: Files,
		Support: Emulated},
	{Name: "workspace/export", Method: "GET", Path: ws + "export", Versions: []string{"2.0"}, Side: Files,
		Fields: []string{"path", "format", "direct_download"}, Support: Partial},
	{Name: "workspace/list", Method: "GET", Path: ws + "list", Versions: []string{"2.0"}, Side: Files,
		Fields: []string{"path", "notebooks_modified_after"}, Support: Emulated},
	{Name: "workspace/delete", Method: "POST", Path: ws + "delete", Versions: []string{"2.0"}, Side: Files,
		Fields: []string{"path", "recursive"}, Support: Emulated},
}

func split(s string) []string { return strings.Split(s, ",") }

// All returns a copy of the catalogue, in teaching order.
func All() []Endpoint {
	out := make([]Endpoint, len(catalogue))
	copy(out, catalogue)
	return out
}

// Lookup returns the endpoint called name ("runs/get").
func Lookup(name string) (Endpoint, bool) {
	for _, e := range catalogue {
		if e.Name == name {
			return e, true
		}
	}
	return Endpoint{}, false
}

// Match returns the Jobs API endpoint (not a Workspace or Files call) that serves
// method on path under any of its versions; a {param} segment matches any
// one non-empty segment. A query string on path is ignored.
func Match(method, path string) (Endpoint, bool) {
	if i := strings.IndexByte(path, '?'); i >= 0 {
		path = path[:i]
	}
	for _, e := range catalogue {
		if e.Method != method || !e.Jobs() {
			continue
		}
		for _, p := range e.Paths() {
			if pathMatch(p, path) {
				return e, true
			}
		}
	}
	return Endpoint{}, false
}

// pathMatch compares a catalogue path with braces against a concrete path;
// a final {name...} matches the rest, one or more non-empty segments.
func pathMatch(pattern, path string) bool {
	ps, xs := strings.Split(pattern, "/"), strings.Split(path, "/")
	if last := ps[len(ps)-1]; strings.HasPrefix(last, "{") && strings.HasSuffix(last, "...}") {
		if len(xs) < len(ps) || strings.Join(xs[len(ps)-1:], "") == "" {
			return false
		}
		ps, xs = ps[:len(ps)-1], xs[:len(ps)-1]
	}
	if len(ps) != len(xs) {
		return false
	}
	for i := range ps {
		if strings.HasPrefix(ps[i], "{") && strings.HasSuffix(ps[i], "}") {
			if xs[i] == "" {
				return false
			}
			continue
		}
		if ps[i] != xs[i] {
			return false
		}
	}
	return true
}

// NotEmulatedPrefixes are API path prefixes a real workspace serves that
// the sandbox does not (it answers them 501 NOT_IMPLEMENTED, not 404): the
// Jobs API 2.0, policy compliance, the JSON workspace import (bundles use
// workspace-files/import-file, which is emulated), and the other services
// clients and bundles reach for.
var NotEmulatedPrefixes = []string{
	"/api/2.0/jobs/", "/api/2.1/jobs/policy-compliance", "/api/2.2/jobs/policy-compliance",
	"/api/2.0/clusters/", "/api/2.1/clusters/", "/api/2.0/dbfs/", "/api/2.0/workspace/import",
	"/api/2.0/pipelines", "/api/2.0/sql/", "/api/2.0/repos", "/api/2.0/secrets/",
	"/api/2.1/unity-catalog/", "/api/2.0/permissions/", "/api/2.0/preview/scim/",
	"/api/2.0/token/", "/api/2.0/workspace-conf", "/api/2.0/libraries/", "/api/2.0/instance-pools/",
	"/api/2.0/policies/", "/api/2.0/serving-endpoints", "/api/2.0/apps", "/api/2.0/fs/",
}

// CLICommands returns the endpoints that have a `databricks jobs`
// subcommand, sorted by subcommand as `databricks jobs --help` lists them.
func CLICommands() []Endpoint {
	var out []Endpoint
	for _, e := range catalogue {
		if e.CLI != "" {
			out = append(out, e)
		}
	}
	slices.SortFunc(out, func(a, b Endpoint) int { return strings.Compare(a.CLI, b.CLI) })
	return out
}

// Methods lists the methods that Jobs API endpoints serve path with, in
// catalogue order ("GET", "PUT", "PATCH" for a job's permissions); none
// when path is not a Jobs API path.
func Methods(path string) []string {
	var out []string
	for _, e := range catalogue {
		if !e.Jobs() || slices.Contains(out, e.Method) {
			continue
		}
		for _, p := range e.Paths() {
			if pathMatch(p, path) {
				out = append(out, e.Method)
				break
			}
		}
	}
	return out
}
