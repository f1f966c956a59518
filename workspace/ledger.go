package workspace

import "github.com/jobs-api-trainer/trainer/jobsapi"

// Support levels in the fidelity ledger (jobsapi.Support as text).
const (
	Emulated    = string(jobsapi.Emulated)
	Partial     = string(jobsapi.Partial)
	NotEmulated = string(jobsapi.NotEmulated)
)

// LedgerEntry says how faithfully one endpoint is emulated.
type LedgerEntry struct {
	Method  string
	Path    string
	Support string // Emulated, Partial or NotEmulated
	Note    string // what is missing or different
}

// ledgerNotes says, per catalogue endpoint (jobsapi.Endpoint.Name), what
// the emulator does and leaves out. TestLedgerCoversCatalogue checks that
// every endpoint has one.
var ledgerNotes = map[string]string{
	"workspace/config":   "Answers workspace_id 900800700600 and oidc_endpoint without a token, so clients stay quiet.",
	"jobs/create":        "Defaults, validation of task keys, depends_on, cycles, task type and job clusters. Compute rule (also on update and reset; models a serverless-enabled workspace): spark_jar_task and spark_submit_task need one of job_cluster_key, new_cluster or existing_cluster_id; notebook, spark_python, python_wheel, sql, dbt, pipeline, run_job, condition and for_each tasks need none. Not checked: cluster specs, notebook paths, git sources, policies, tags limits.",
	"jobs/get":           "tasks, job_clusters, environments and parameters paged at 100 with next_page_token (2.1: whole arrays). trigger_state is not returned.",
	"jobs/list":          "limit 1-100, name (exact, case-insensitive), expand_tasks, offset, opaque keyset page tokens (next_page_token, and prev_page_token after the first page); a token sent with another name filter is a 400; newest job first.",
	"jobs/update":        "Top-level replace, tasks/job_clusters/environments merged by key, fields_to_remove (\"tasks/<key>\"). Active runs keep their settings (timeout changes are not applied to them).",
	"jobs/reset":         "Replaces the settings; an omitted run_as is kept.",
	"jobs/delete":        "The job goes; its runs stay listable (runs/list, runs/get). Active runs are not cancelled.",
	"jobs/run-now":       "job_parameters (with defaults), only (+key/key+), idempotency_token, queue; legacy *_params are echoed in overriding_parameters but only simulate_<task> job parameters change behaviour. undeclared job_parameters (names not in the job's parameters) are accepted and listed after the declared ones, with an empty default (unverified against the real service, which may reject them). performance_target and pipeline_params are ignored.",
	"runs/submit":        "Tasks run like job tasks. Same compute rule as jobs/create (serverless-enabled workspace): spark_jar_task and spark_submit_task need new_cluster or existing_cluster_id, other task types need none; job_cluster_key and job_clusters are rejected (no shared job clusters in submit). Notifications, git_source, environments are accepted and ignored.",
	"runs/list":          "limit 1-25, job_id, active_only/completed_only, run_type, start_time_from/to, expand_tasks, page tokens (next_page_token, and prev_page_token after the first page); a token sent with other filters is a 400; newest first.",
	"runs/get":           "Runs advance with the clock: QUEUED, PENDING, RUNNING (DAG order, run_if, retries, timeouts), TERMINATING, terminal. include_history gives repair_history. A task run id is refused with a 400 that names its run (use get-output for task runs). for_each iterations and include_resolved_values are not emulated.",
	"runs/get-output":    "Task runs only (multi-task job runs get the real 400). notebook_output.result comes from the exit_value base parameter; logs and error are canned.",
	"runs/cancel":        "Async: TERMINATING, then TERMINATED/CANCELED. A task run id cancels its whole run.",
	"runs/cancel-all":    "A job's active runs, or with all_queued_runs every queued run.",
	"runs/delete":        "Inactive runs only.",
	"runs/export":        "A small HTML view of a task run's notebook; no real notebook source or dashboards.",
	"runs/repair":        "rerun_tasks xor rerun_all_failed_tasks, rerun_dependent_tasks, latest_repair_id checked, job_parameters; new task run ids inside the same run; repairs use the job's current task definitions.",
	"permissions/get":    "Creator is IS_OWNER; admins inherit CAN_MANAGE. One entry per principal: a direct grant and an inherited one share all_permissions. Permissions are recorded but not enforced (one user per workspace).",
	"permissions/set":    "Replaces the list; the owner is kept when none is named.",
	"permissions/update": "Merges by principal.",
	"permissions/levels": "CAN_VIEW, CAN_MANAGE_RUN, IS_OWNER, CAN_MANAGE.",
	"scim/me":            "userName from the token, for `databricks current-user me`; no groups or entitlements.",
}

// ledgerAfter are rows that are not one endpoint: each goes after the
// catalogue endpoint named by its key ("" = at the end).
var ledgerAfter = []struct {
	after string
	entry LedgerEntry
}{
	{"runs/repair", LedgerEntry{"*", "/api/2.1/jobs/*", Emulated, "Same verbs with 2.1 shapes: whole arrays, root has_more on lists, queue off by default on create."}},
	{"", LedgerEntry{"-", "schedules, triggers, continuous jobs", NotEmulated, "Stored, validated and echoed, but schedules never fire, PAUSED or UNPAUSED (nor do triggers or continuous jobs): runs start only from run-now, submit and repair. The PERIODIC past runs of the nightly-etl fixture were seeded, not fired."}},
	{"", LedgerEntry{"-", "for_each_task, run_job_task, sql/pipeline/dbt tasks", Partial, "Accepted; they run like a notebook task (no iterations, no child job runs)."}},
	{"", LedgerEntry{"*", "/api/2.0/clusters, workspace, dbfs, pipelines, sql, repos, secrets, unity-catalog, jobs 2.0 ...", NotEmulated, "501 NOT_IMPLEMENTED. Any other /api path is 404 ENDPOINT_NOT_FOUND."}},
}

// Ledger returns the fidelity ledger, derived from the Jobs API catalogue:
// one row per endpoint (with its 2.2 path, its support level and a note),
// plus rows for what is not one endpoint, for /sandbox/fidelity and for
// anyone asking what the sandbox can do.
func Ledger() []LedgerEntry {
	var out []LedgerEntry
	add := func(after string) {
		for _, x := range ledgerAfter {
			if x.after == after {
				out = append(out, x.entry)
			}
		}
	}
	all := jobsapi.All()
	// The unauthenticated workspace call comes first, as clients make it.
	for _, e := range all {
		if e.Name == "workspace/config" {
			out = append(out, LedgerEntry{e.Method, e.Path, string(e.Support), ledgerNotes[e.Name]})
		}
	}
	for _, e := range all {
		if e.Name == "workspace/config" {
			continue
		}
		out = append(out, LedgerEntry{e.Method, e.Path, string(e.Support), ledgerNotes[e.Name]})
		add(e.Name)
	}
	add("")
	return out
}
