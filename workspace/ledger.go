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
	Note    string // what the sandbox does
	// Source is where the real behaviour the Note follows is documented or
	// was observed ("" = unsourced; the page says so).
	Source string
	// Differences are what real workspaces do that the sandbox does not,
	// each with its reason and source.
	Differences []Difference
}

// Difference is one way the sandbox knowingly differs from a real
// workspace: "Real workspaces do Real; the sandbox does Sandbox because
// Why." Source names where the real behaviour is documented or was
// observed; "" means nobody has checked it against a real workspace, and
// /sandbox/fidelity says so.
type Difference struct {
	Real, Sandbox, Why, Source string
}

// Unsourced is how /sandbox/fidelity labels a Difference without a Source.
const Unsourced = "unsourced: not checked against a real workspace or its documentation"

// Text is the entry's note and differences as one string (for search and
// tests).
func (l LedgerEntry) Text() string {
	t := l.Note
	if l.Source != "" {
		t += " Source: " + l.Source + "."
	}
	for _, d := range l.Differences {
		src := d.Source
		if src == "" {
			src = Unsourced
		}
		t += " Real workspaces: " + d.Real + " The sandbox: " + d.Sandbox + " Why: " + d.Why + " Source: " + src + "."
	}
	return t
}

// Sources cited by ledger rows.
const (
	srcRef        = "Jobs API reference (docs.databricks.com/api/workspace/jobs)"
	srcLargeJobs  = "docs.databricks.com/aws/en/jobs/large-jobs (\"Resources with more than 100 tasks can only be handled by API 2.2 and above\")"
	srcOM         = "open-metadata/OpenMetadata#33200 and #33204 (observed on a real workspace)"
	srcUpdates22  = "\"Updating from Jobs API 2.1 to 2.2\" (docs.databricks.com/aws/en/reference/jobs-api-2-2-updates)"
	srcLimits     = "learn.microsoft.com/azure/databricks/resources/limits (Jobs rows)"
	srcCLIFake    = "databricks/cli libs/testserver (its fake workspace, \"measured on serverless\")"
	srcAirflowCxl = "apache/airflow#69442 (checked on a live workspace)"
	srcWSRef      = "Workspace API reference (docs.databricks.com/api/workspace/workspace)"
	srcCLIFiler   = "databricks/cli v1.12.1 libs/filer/workspace_files_client.go and bundle/deploy/filer.go (what the CLI sends and which answers it relies on)"
	srcCLIFakeWS  = "databricks/cli v1.12.1 libs/testserver (its fake workspace's messages follow the real Workspace API wording)"
)

// ledgerNotes says, per catalogue endpoint (jobsapi.Endpoint.Name), what
// the emulator does. TestLedgerCoversCatalogue checks that every endpoint
// has one.
var ledgerNotes = map[string]string{
	"workspace/config":            "Answers workspace_id 900800700600 and oidc_endpoint (under the host the client called) without a token, so clients stay quiet.",
	"jobs/create":                 "Defaults, validation of task keys, depends_on, cycles, task type and job clusters. Compute rule (also on update and reset; models a serverless-enabled workspace): spark_jar_task and spark_submit_task need one of job_cluster_key, new_cluster or existing_cluster_id; notebook, spark_python, python_wheel, sql, dbt, pipeline, run_job, condition and for_each tasks need none. Up to 1,000 tasks on 2.2; on 2.1 a job with more than 100 tasks is refused with the documented \"Resources with more than 100 tasks can only be handled by API 2.2 and above\".",
	"jobs/get":                    "tasks, job_clusters, environments and parameters paged at 100 with next_page_token (2.2). On 2.1 a job with more than 100 tasks is a 400 naming 2.2 (smaller jobs come whole, with no page_token).",
	"jobs/list":                   "limit 1-100, name (exact, case-insensitive), expand_tasks, opaque keyset page tokens (next_page_token, and prev_page_token after the first page); a token sent with another name filter is a 400; newest job first. offset up to 1,000; past it the real 400 pointing to page_token. On 2.1, expand_tasks leaves out the tasks of a job with more than 100 of them.",
	"jobs/update":                 "Top-level replace, tasks/job_clusters/environments merged by key, fields_to_remove (\"tasks/<key>\"). Active runs keep their settings.",
	"jobs/reset":                  "Replaces the settings; an omitted run_as is kept.",
	"jobs/delete":                 "The job goes; its runs stay listable (runs/list, runs/get). Active runs are not cancelled.",
	"jobs/run-now":                "job_parameters (with defaults), only (+key/key+), idempotency_token, queue; legacy *_params are echoed in overriding_parameters but only simulate_<task> job parameters change behaviour. undeclared job_parameters (names not in the job's parameters) are accepted and listed after the declared ones, with an empty default (unverified).",
	"runs/submit":                 "Tasks run like job tasks. Same compute rule as jobs/create (serverless-enabled workspace): spark_jar_task and spark_submit_task need new_cluster or existing_cluster_id, other task types need none; job_cluster_key and job_clusters are rejected (no shared job clusters in submit). The run belongs to a hidden one-time job: runs/get shows that job_id (not listed by jobs/list) and run_page_url is #job/<that id>/run/<run_id>.",
	"runs/list":                   "limit 1-25, job_id, active_only/completed_only, run_type, start_time_from/to, expand_tasks, page tokens (next_page_token, and prev_page_token after the first page); a token sent with other filters is a 400; newest first. offset up to 10,000; past it the real 400 pointing to page_token.",
	"runs/get":                    "Runs advance with the clock: QUEUED, PENDING, RUNNING (DAG order, run_if, retries, timeouts), TERMINATING, terminal. include_history gives repair_history. On 2.2 tasks, job_clusters, job_parameters and repair_history are paged at 100; on 2.1 a run with more than 100 tasks is a 400 naming 2.2.",
	"runs/get-output":             "Task runs only (a job run's id gets the real 400, also when the job has a single task). notebook_output.result comes from the exit_value base parameter.",
	"runs/cancel":                 "Async: TERMINATING, then TERMINATED/CANCELED. A job run's id cancels the whole run; a task run's id cancels only that task (it ends CANCELED), its siblings and the run go on, and its dependents follow their run_if. Ended runs and task runs: a no-op.",
	"runs/cancel-all":             "A job's active runs, or with all_queued_runs every queued run.",
	"runs/delete":                 "Inactive runs only; an active run is a 400 INVALID_STATE.",
	"runs/export":                 "A small HTML view of a task run's notebook.",
	"runs/repair":                 "rerun_tasks xor rerun_all_failed_tasks, rerun_dependent_tasks, latest_repair_id checked, job_parameters; new task run ids inside the same run; repairs use the job's current task definitions. A run in progress (queued, pending, running, terminating, being repaired) is refused with 400 INVALID_STATE.",
	"permissions/get":             "Creator is IS_OWNER; admins inherit CAN_MANAGE. One entry per principal: a direct grant and an inherited one share all_permissions.",
	"permissions/set":             "Replaces the list; the owner is kept when none is named.",
	"permissions/update":          "Merges by principal.",
	"permissions/levels":          "CAN_VIEW, CAN_MANAGE_RUN, IS_OWNER, CAN_MANAGE.",
	"scim/me":                     "userName from the token, for `databricks current-user me`; bundles in development mode take the short name before the @ for the \"[dev <name>]\" prefix of job names.",
	"telemetry":                   "Accepted and dropped: {\"errors\":[],\"numProtoSuccess\":N}, N the logs received. The CLI uploads its usage logs here after each command.",
	"workspace/get-status":        "object_type (DIRECTORY, FILE, NOTEBOOK), path, object_id, size, created_at and modified_at; 404 RESOURCE_DOES_NOT_EXIST \"Path (...) doesn't exist.\" for a missing path, which bundle deploy reads as \"no state yet\". /Workspace/Users/... and /Users/... name the same object; answers echo the form the client used. Every workspace has /, /Users, /Users/<you> and /Shared.",
	"workspace/mkdirs":            "mkdir -p; folders that exist are a no-op; a file on the way is a 400 RESOURCE_ALREADY_EXISTS. Writes go under /Users/<you> or /Shared only (elsewhere 403 PERMISSION_DENIED).",
	"workspace-files/import-file": "The raw body is the file (up to the per-file limit below). The parent folder must exist (404 RESOURCE_DOES_NOT_EXIST: the CLI then calls mkdirs and retries); an existing file with overwrite=false is a 409 RESOURCE_ALREADY_EXISTS, which is how the bundle deploy lock works. An .ipynb, or a .py/.sql/.scala/.r file starting with \"Databricks notebook source\", becomes a NOTEBOOK without its extension.",
	"workspace-files/read":        "The raw bytes of a file or notebook (bundle deploy reads its state this way); a folder is a 400, a missing path a 404.",
	"workspace/export":            "direct_download=true: the raw bytes (the CLI reads the deploy lock this way); otherwise {content (base64), file_type}. Formats SOURCE, AUTO and RAW.",
	"workspace/list":              "The objects directly in a folder, by path ({} for an empty folder); for a file, the file itself; 404 for a missing path.",
	"workspace/delete":            "A file, an empty folder, or with recursive a whole tree (bundle destroy removes the bundle's root this way). A non-empty folder without recursive is a 400 DIRECTORY_NOT_EMPTY; a missing path a 404; /, /Users, /Shared and your home cannot be deleted.",
}

// ledgerSources are, per catalogue endpoint, the sources of what its note
// says real workspaces do ("" or absent = unsourced).
var ledgerSources = map[string]string{
	"workspace/config":            "databricks/cli libs/testserver; probes of the Go SDK v0.175.0 (shared reference, section 1)",
	"jobs/create":                 srcRef + "; " + srcLargeJobs + "; " + srcLimits + " (1,000 tasks)",
	"jobs/get":                    srcRef + "; " + srcUpdates22 + "; " + srcLargeJobs,
	"jobs/list":                   srcRef + "; " + srcOM + " (newest first; tasks left out on 2.1; offset cap 1,000); databricks/terraform-provider-databricks#2807 (the offset message)",
	"jobs/update":                 srcRef,
	"jobs/reset":                  "databricks/cli libs/testserver (an omitted run_as is kept)",
	"jobs/delete":                 "",
	"jobs/run-now":                srcRef,
	"runs/submit":                 srcRef + "; flyteorg/flytekit#1935 (a SUBMIT_RUN's job_id and run_page_url); databricks/databricks-sdk-py#375",
	"runs/list":                   srcRef + "; databricks/databricks-sdk-py#278 (the offset cap of 10,000 and its message)",
	"runs/get":                    srcRef + "; " + srcUpdates22 + "; " + srcLargeJobs,
	"runs/get-output":             srcRef + " (\"Retrieving the output of runs with multiple tasks is not supported\")",
	"runs/cancel":                 srcRef + " (\"Cancels a job run or a task run\"); " + srcAirflowCxl,
	"runs/cancel-all":             srcRef,
	"runs/delete":                 srcRef + " (\"Deletes a non-active run\")",
	"runs/export":                 srcRef,
	"runs/repair":                 srcRef + " (\"The run must not be in progress\"; latest_repair_id); databricks/databricks-sdk-py#157 (the latest-repair message)",
	"permissions/get":             srcRef + " (Permissions API)",
	"permissions/set":             srcRef + " (Permissions API)",
	"permissions/update":          srcRef + " (Permissions API)",
	"permissions/levels":          srcRef + " (Permissions API)",
	"scim/me":                     "",
	"telemetry":                   "databricks/cli v1.12.1 libs/telemetry (the upload and the answer it expects)",
	"workspace/get-status":        srcWSRef + "; " + srcCLIFiler + "; " + srcCLIFakeWS,
	"workspace/mkdirs":            srcWSRef + "; " + srcCLIFakeWS,
	"workspace-files/import-file": srcCLIFiler + "; " + srcCLIFakeWS,
	"workspace-files/read":        srcCLIFiler,
	"workspace/export":            srcWSRef + " (Export, direct_download); the Go SDK's Workspace.Download",
	"workspace/list":              srcWSRef + "; " + srcCLIFiler + " (ReadDir)",
	"workspace/delete":            srcWSRef + "; " + srcCLIFiler + " (DIRECTORY_NOT_EMPTY)",
}

// ledgerDiffs are, per catalogue endpoint, the differences that remain on
// purpose.
var ledgerDiffs = map[string][]Difference{
	"jobs/create": {
		{"check cluster specs, notebook paths, git sources, policies and tag limits.", "checks none of them.", "there are no clusters, notebooks or repos behind the sandbox.", ""},
		{"answer a 2.1 create of a job with more than 100 tasks with an error whose code the docs do not give.", "answers 400 INVALID_PARAMETER_VALUE.", "the documented message is known, the code is not.", srcLargeJobs},
	},
	"jobs/get": {
		{"return trigger_state when include_trigger_state is true (for file-arrival and table triggers).", "accepts the flag and returns no trigger_state.", "triggers never fire in the sandbox.", srcRef},
		{"refuse a 2.1 jobs/get of a job with more than 100 tasks with an error whose code the docs do not give.", "answers 400 INVALID_PARAMETER_VALUE with the documented message.", "only the message is documented.", srcLargeJobs},
	},
	"jobs/update": {
		{"apply a timeout_seconds change to active runs.", "keeps the settings each run started with, timeout included.", "a run's timeline is fixed when it starts, so it stays deterministic.", "shared reference, section 3 (\"Only timeout_seconds changes affect active runs\")"},
	},
	"jobs/delete": {
		{"may cancel the deleted job's active runs.", "lets them finish.", "not known either way.", ""},
	},
	"jobs/run-now": {
		{"may reject job_parameters the job does not declare.", "accepts them (unverified) and lists them after the declared ones with an empty default.", "not known either way; accepting is the gentler guess.", ""},
		{"honour performance_target and pipeline_params.", "ignores them.", "there is no serverless compute or pipeline behind the sandbox.", srcRef},
	},
	"runs/submit": {
		{"act on notifications, git_source and environments.", "accepts and ignores them.", "nothing is sent or checked out in the sandbox.", srcRef},
		{"may list a one-time run under runs/list?job_id=<its hidden job id>.", "lists it only without job_id (or by run_type=SUBMIT_RUN).", "the hidden job is not a job of the workspace in the sandbox.", ""},
	},
	"runs/list": {
		{"may leave out the tasks of a run with more than 100 of them on 2.1 expand_tasks, as 2.1 jobs/list does for such a job.", "leaves them out.", "the sandbox applies the jobs/list rule; runs/list was not checked.", ""},
		{"order runs by end time, newest first (start time for runs not yet ended).", "orders them by run_id, newest first.", "the two orders differ only for runs that end out of start order.", "databricks/databricks-sdk-go/service/jobs/api.go (ListRuns)"},
	},
	"runs/get": {
		{"return for_each iterations and include_resolved_values.", "returns neither; for_each tasks run like one notebook task.", "not emulated.", srcRef},
		{"refuse a task run's id on runs/get.", "refuses it with a 400 that names its run and points to get-output.", "the real message is not known; the sandbox's says what to do.", ""},
		{"retry a failed task at once when min_retry_interval_millis is not set (or is shorter than the attempt).", "waits a tenth of a task's duration after the failure first.", "so that WAITING_FOR_RETRY can be seen at all.", "databricks/databricks-sdk-go/service/jobs/model.go (Task.MinRetryIntervalMillis)"},
		{"retry for ever when max_retries is -1.", "stops after 6 attempts.", "an endless run would hold the workspace.", "databricks/databricks-sdk-go/service/jobs/model.go (Task.MaxRetries)"},
	},
	"runs/get-output": {
		{"return the notebook's real logs and error trace.", "returns canned logs and errors.", "no code runs in the sandbox.", ""},
	},
	"runs/cancel": {
		{"end the run with a state the sources do not give when one task run was cancelled and the others finished.", "ends the run TERMINATED/CANCELED (USER_CANCELED), unless a task failed, which wins as usual.", "only the task-level behaviour is documented.", srcAirflowCxl},
	},
	"runs/export": {
		{"export the notebook source and dashboards.", "exports a small generated HTML page and no dashboards.", "there are no notebooks behind the sandbox.", srcRef},
		{"refuse a job run's id with a message the sources do not give.", "refuses it with a 400 worded like get-output's.", "only get-output's message for a job run is known.", ""},
	},
	"runs/repair": {
		{"treat an exact set of results as \"failed\" for rerun_all_failed_tasks.", "reruns FAILED, TIMEDOUT, CANCELED, UPSTREAM_FAILED and UPSTREAM_CANCELED tasks.", "the exact set is not documented.", ""},
		{"refuse a run in progress with an error code the docs do not give.", "answers 400 INVALID_STATE.", "the docs say only \"The run must not be in progress.\"", srcRef + ", Repair"},
	},
	"permissions/get": {
		{"enforce permissions.", "records them but does not enforce them.", "a sandbox workspace has one user.", ""},
	},
	"scim/me": {
		{"return groups and entitlements.", "returns none.", "only userName is needed by the clients.", ""},
	},
	"telemetry": {
		{"record the CLI's usage logs.", "drops them.", "nobody reads them in the sandbox.", ""},
	},
	"workspace/mkdirs": {
		{"let admins write anywhere and honour folder permissions.", "lets every user write under their home folder and /Shared only.", "a sandbox workspace has one user, who is not an admin.", ""},
	},
	"workspace/get-status": {
		{"collapse duplicate slashes in a path.", "refuses empty, '.' and '..' segments with 400 INVALID_PARAMETER_VALUE.", "a path must name exactly one object; nothing is resolved behind the client's back.", srcCLIFakeWS},
	},
	"workspace-files/import-file": {
		{"take files up to 500 MB and recognise notebooks in more ways.", "takes files up to the per-file limit below and recognises only .ipynb and the source header.", "a bundle's files are small; the sandbox runs no notebooks.", "docs.databricks.com/aws/en/files/workspace (Limitations)"},
	},
	"workspace/export": {
		{"convert notebooks between formats (JUPYTER, HTML, DBC) and export folders as archives.", "exports the stored bytes only.", "no notebook conversion in the sandbox.", srcWSRef},
	},
}

// ledgerAfter are rows that are not one endpoint: each goes after the
// catalogue endpoint named by its key ("" = at the end).
var ledgerAfter = []struct {
	after string
	entry LedgerEntry
}{
	{"runs/repair", LedgerEntry{"*", "/api/2.1/jobs/*", Emulated,
		"Same verbs with 2.1 shapes: root has_more on lists, no page_token on jobs/get or runs/get (whole arrays up to 100 tasks; larger jobs and runs are refused or listed without tasks, see jobs/get and jobs/list), queue off by default on create.",
		srcUpdates22 + "; " + srcLargeJobs + "; " + srcOM, nil}},
	{"", LedgerEntry{"-", "schedules, triggers, continuous jobs", NotEmulated,
		"Stored, validated and echoed, PAUSED or UNPAUSED. Runs start only from run-now, submit and repair. The PERIODIC past runs of the nightly-etl fixture were seeded.",
		"", []Difference{{"fire schedules, file-arrival and table triggers, and keep continuous jobs running.", "never fires them: schedules never fire.", "a sandbox should not start runs on its own while nobody watches.", srcRef}}}},
	{"", LedgerEntry{"-", "for_each_task, run_job_task, sql/pipeline/dbt tasks", Partial,
		"Accepted; they run like a notebook task.",
		"", []Difference{{"run for_each iterations, start a child job run for run_job_task, and run SQL, pipelines and dbt.", "runs each like one notebook task (no iterations, no child job runs).", "nothing real runs behind the sandbox.", srcRef}}}},
	{"", LedgerEntry{"-", "run outcomes", Emulated,
		"A failed task makes the run INTERNAL_ERROR/FAILED (RUN_EXECUTION_ERROR, observed, not documented) unless every leaf succeeded (SUCCESS_WITH_FAILURES); max_concurrent_runs with queueing off SKIPS a run with the real message, and with queueing on (the 2.2 default) QUEUES it.",
		srcCLIFake + "; " + srcUpdates22, nil}},
	{"", LedgerEntry{"*", "/api/2.0/clusters, workspace/import, dbfs, pipelines, sql, repos, secrets, unity-catalog, jobs 2.0 ...", NotEmulated,
		"501 NOT_IMPLEMENTED. Any other /api path is 404 ENDPOINT_NOT_FOUND.",
		"", []Difference{{"serve these APIs.", "answers 501 NOT_IMPLEMENTED.", "the sandbox teaches the Jobs API only.", ""}}}},
	{"", LedgerEntry{"-", "limits", Partial,
		"Per-workspace caps on jobs, tasks, active runs, runs kept and stored bytes, and a per-token request rate (table below).",
		"", []Difference{{"have the limits in the table's \"Real workspace\" column, per endpoint for request rates.", "has lower limits and one request budget for every call.", "one script must not fill the server.", srcLimits}}}},
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
			out = append(out, LedgerEntry{e.Method, e.Path, string(e.Support), ledgerNotes[e.Name], ledgerSources[e.Name], ledgerDiffs[e.Name]})
		}
	}
	for _, e := range all {
		if e.Name == "workspace/config" {
			continue
		}
		out = append(out, LedgerEntry{e.Method, e.Path, string(e.Support), ledgerNotes[e.Name], ledgerSources[e.Name], ledgerDiffs[e.Name]})
		add(e.Name)
	}
	add("")
	return out
}
