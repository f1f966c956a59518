package web

import (
	"strings"

	"github.com/jobs-api-trainer/trainer/jobsapi"
	"github.com/jobs-api-trainer/trainer/templates"
	"github.com/jobs-api-trainer/trainer/workspace/cli"
)

// The form's field list: each request field of an endpoint with its SDK
// type, whether it is required, one line on what it does and, where it
// matters, what API 2.2 changed. Names come from the catalogue (package
// jobsapi), types from the SDK schema (package cli), required fields from
// the shared reference, section 3.

// fieldHelp is one line per field; "endpoint name|field" overrides "field".
var fieldHelp = map[string]string{
	"access_control_list":                    "Who may view, run or manage the job: user, group or service principal with a permission level.",
	"active_only":                            "Only runs still queued, pending or running.",
	"all_queued_runs":                        "Cancel queued runs only; without job_id, every queued run in the workspace.",
	"budget_policy_id":                       "Budget policy to bill serverless usage to.",
	"completed_only":                         "Only runs that have finished.",
	"continuous":                             "Keep one run always going; a new one starts when the last ends.",
	"dbt_commands":                           "Legacy task parameters: dbt commands to run.",
	"deployment":                             "Marks the job as deployed by a bundle.",
	"description":                            "Free-text description of the job.",
	"edit_mode":                              "UI_LOCKED or EDITABLE: whether the job may be edited in the UI.",
	"email_notifications":                    "Addresses to mail on start, success, failure or duration warnings.",
	"environments":                           "Serverless environments (dependencies) that tasks refer to by key.",
	"expand_tasks":                           "Include each job's or run's tasks and clusters in the list.",
	"fields_to_remove":                       "Top-level settings to delete, e.g. [\"schedule\"] or [\"tasks/old\"].",
	"format":                                 "MULTI_TASK (the only format new jobs use).",
	"git_source":                             "Repository and ref that task sources are read from.",
	"health":                                 "Health rules, such as a run-duration threshold that triggers warnings.",
	"idempotency_token":                      "Sending the same token again returns the run already started instead of a new one.",
	"include_history":                        "Add the run's repair history.",
	"include_resolved_values":                "Add the parameter values after references were resolved.",
	"include_trigger_state":                  "Add the state of the job's file-arrival or table trigger.",
	"jar_params":                             "Legacy task parameters: arguments for JAR tasks.",
	"job_clusters":                           "Clusters that tasks share, referred to by job_cluster_key.",
	"job_id":                                 "The job's ID, as jobs/create or jobs/list returned it.",
	"job_parameters":                         "Values for the job's parameters, by name; they override the defaults.",
	"latest_repair_id":                       "repair_id of the previous repair; required from the second repair on.",
	"limit":                                  "How many items per page.",
	"max_concurrent_runs":                    "How many runs of the job may be active at once (default 1).",
	"name":                                   "The job's name (not unique).",
	"new_settings":                           "The job settings to write.",
	"notebook_params":                        "Legacy task parameters: widget values for notebook tasks.",
	"notification_settings":                  "Whether to skip notifications for cancelled or skipped runs.",
	"offset":                                 "Deprecated: skip this many items. Use page_token instead.",
	"only":                                   "Run only these task keys of the job.",
	"page_token":                             "The next_page_token of the previous response, to get the next page.",
	"parameters":                             "The job's parameters with their default values.",
	"parent_path":                            "Workspace folder that holds the job's files (bundles).",
	"performance_target":                     "Serverless only: PERFORMANCE_OPTIMIZED or STANDARD.",
	"pipeline_params":                        "Legacy task parameters: full_refresh for pipeline tasks.",
	"python_named_params":                    "Legacy task parameters: named arguments for Python wheel tasks.",
	"python_params":                          "Legacy task parameters: arguments for Python tasks.",
	"queue":                                  "Whether a run waits in a queue when the concurrency limit is reached.",
	"rerun_all_failed_tasks":                 "Repair every failed or skipped task.",
	"rerun_dependent_tasks":                  "Also rerun tasks that depend on those in rerun_tasks.",
	"rerun_tasks":                            "Task keys to run again.",
	"run_as":                                 "The user or service principal the runs execute as.",
	"run_id":                                 "The run's ID, as run-now, submit or runs/list returned it.",
	"run_name":                               "A name for the one-time run.",
	"run_type":                               "JOB_RUN, SUBMIT_RUN or WORKFLOW_RUN.",
	"schedule":                               "Quartz cron schedule; send it whole (cron expression and timezone_id).",
	"spark_submit_params":                    "Legacy task parameters: arguments for spark-submit tasks.",
	"sql_params":                             "Legacy task parameters: values for SQL tasks.",
	"start_time_from":                        "Only runs started at or after this time (epoch milliseconds).",
	"start_time_to":                          "Only runs started at or before this time (epoch milliseconds).",
	"tags":                                   "Key-value tags, copied to the job's clusters.",
	"tasks":                                  "The tasks, each with a task_key, what it runs, its compute and depends_on.",
	"timeout_seconds":                        "Cancel a run after this many seconds (0: no timeout).",
	"trigger":                                "File-arrival, table-update or periodic trigger that starts runs.",
	"triggers":                               "Deprecated alias of trigger; the SDK still has it.",
	"usage_policy_id":                        "Usage policy to attribute the job's usage to.",
	"views_to_export":                        "CODE (default), DASHBOARDS or ALL.",
	"webhook_notifications":                  "Notification destinations to call on start, success or failure.",
	"jobs/list|name":                         "Only jobs with exactly this name (case-insensitive).",
	"jobs/list|limit":                        "Jobs per page, 1 to 100 (default 20).",
	"runs/list|limit":                        "Runs per page, 1 to 25 (default 20).",
	"runs/list|job_id":                       "Only runs of this job.",
	"runs/cancel-all|job_id":                 "The job whose active runs to cancel.",
	"runs/get-output|run_id":                 "A task run's ID: a multi-task run has no output of its own.",
	"runs/repair|run_id":                     "The job run to repair.",
	"jobs/reset|new_settings":                "The whole new settings: what you leave out is removed.",
	"jobs/update|new_settings":               "Settings to change: top-level fields sent replace the old ones, the rest stay.",
	"permissions/get|job_id":                 "The job's ID, in the path.",
	"permissions/levels|job_id":              "The job's ID, in the path.",
	"permissions/set|job_id":                 "The job's ID, in the path.",
	"permissions/update|job_id":              "The job's ID, in the path.",
	"permissions/set|access_control_list":    "The whole list: it replaces every direct permission.",
	"permissions/update|access_control_list": "Entries to add or change: the others stay.",
}

// fieldNote is what API 2.2 changed, by field or "endpoint|field".
var fieldNote = map[string]string{
	"jobs/get|page_token":  "tasks, job_clusters, environments and parameters hold at most 100 items per page; while more remain, the response has next_page_token.",
	"runs/get|page_token":  "tasks, job_clusters, job_parameters and repair_history hold at most 100 items per page; while more remain, the response has next_page_token.",
	"jobs/list|page_token": "pages carry next_page_token and prev_page_token; offset is deprecated and capped at 1000.",
	"runs/list|page_token": "pages carry next_page_token and prev_page_token; offset is deprecated.",
	"jobs/list|limit":      "more than 100 is an error; the CLI's --limit is a client-side cap, not this.",
	"runs/list|limit":      "more than 25 is an error; the CLI's --limit is a client-side cap, not this.",
	"jobs/create|queue":    "jobs created with 2.2 queue by default; send {\"enabled\": false} to skip runs at the limit instead.",
	"jobs/create|tasks":    "jobs/get returns at most 100 tasks per page (follow next_page_token).",
	"jobs/run-now|queue":   "overrides the job's queue setting for this run; 2.2 jobs queue by default.",
	"runs/submit|queue":    "2.2 queues by default; {\"enabled\": false} turns it off.",
	"runs/submit|tasks":    "runs/get returns at most 100 tasks per page (follow next_page_token).",
}

// requiredFields are the fields the reference marks required, by endpoint.
var requiredFields = map[string][]string{
	"jobs/get":           {"job_id"},
	"jobs/update":        {"job_id"},
	"jobs/reset":         {"job_id", "new_settings"},
	"jobs/delete":        {"job_id"},
	"jobs/run-now":       {"job_id"},
	"runs/get":           {"run_id"},
	"runs/get-output":    {"run_id"},
	"runs/cancel":        {"run_id"},
	"runs/delete":        {"run_id"},
	"runs/export":        {"run_id"},
	"runs/repair":        {"run_id"},
	"permissions/get":    {"job_id"},
	"permissions/set":    {"job_id"},
	"permissions/update": {"job_id"},
	"permissions/levels": {"job_id"},
}

func lookupHelp(m map[string]string, ep, field string) string {
	if s, ok := m[ep+"|"+field]; ok {
		return s
	}
	return m[field]
}

// endpointFields lists the catalogue fields of the endpoint called name
// (a path's job_id first), with type, required mark, help and 2.2 note.
func endpointFields(name string) []templates.FieldHelp {
	e, ok := jobsapi.Lookup(name)
	if !ok {
		return nil
	}
	var names []string
	if pathHasJobID(e.Path) {
		names = append(names, "job_id")
	}
	names = append(names, e.Fields...)
	out := make([]templates.FieldHelp, 0, len(names))
	for _, f := range names {
		typ := cli.RequestFieldType(e.SDKRequest, f)
		if typ == "" && f == "job_id" {
			typ = "int64" // a path parameter
		}
		req := false
		for _, r := range requiredFields[name] {
			req = req || r == f
		}
		out = append(out, templates.FieldHelp{Name: f, Type: typ, Required: req,
			Help: lookupHelp(fieldHelp, name, f), Note: lookupHelp(fieldNote, name, f)})
	}
	return out
}

func pathHasJobID(p string) bool { return strings.Contains(p, "{job_id}") }
