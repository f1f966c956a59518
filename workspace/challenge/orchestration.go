package challenge

import (
	"encoding/json"

	"github.com/jobs-api-trainer/trainer/workspace"
)

// The challenges of the orchestration lesson (/lessons/jobs-orchestration):
// run_if, retries, and a schedule paused without losing it.

func orchestration() []Challenge {
	return []Challenge{
		{
			ID:    "cleanup-all-done",
			Title: "A cleanup task that runs even when the work fails",
			Goal: "Create a job with three tasks: extract, then transform (make it fail: base_parameters " +
				`{"simulate": "fail"}), then cleanup, which depends on transform and must run whatever ` +
				"happened upstream. Run it: the run fails, but cleanup runs and succeeds.",
			Section: "dependencies", SectionTitle: "Dependencies and run_if", Lesson: "jobs-orchestration",
			Hints: []string{
				"A task's run_if decides whether it runs after its dependencies end. The default, ALL_SUCCESS, skips it when one failed (UPSTREAM_FAILED).",
				`"run_if": "ALL_DONE" runs the task once every dependency has finished, however it ended.`,
				"Create the job with jobs/create, then start it with run-now and watch runs/get until it is terminal.",
			},
			Curl: `curl -X POST "$DATABRICKS_HOST/api/2.2/jobs/create" ` + curlAuth + ` \
  -d '{"name":"with-cleanup","tasks":[
    {"task_key":"extract","notebook_task":{"notebook_path":"/Workspace/Shared/extract"}},
    {"task_key":"transform","depends_on":[{"task_key":"extract"}],"notebook_task":{"notebook_path":"/Workspace/Shared/transform","base_parameters":{"simulate":"fail"}}},
    {"task_key":"cleanup","depends_on":[{"task_key":"transform"}],"run_if":"ALL_DONE","notebook_task":{"notebook_path":"/Workspace/Shared/cleanup"}}]}'
curl -X POST "$DATABRICKS_HOST/api/2.2/jobs/run-now" ` + curlAuth + ` -d '{"job_id":JOB_ID}'`,
			CLI: `databricks jobs create --json @with-cleanup.json   # the body above
databricks jobs run-now JOB_ID`,
			check: checkCleanupAllDone,
		},
		{
			ID:    "retry-flaky-task",
			Title: "Let a retry absorb a flaky failure",
			Goal: "Create a job whose only task fails on its first attempt (base_parameters " +
				`{"simulate": "fail_once"}) and give that task a retry, so one run of the job ends SUCCESS ` +
				"on its own: no repair, no second run-now.",
			Section: "retries", SectionTitle: "Retries and timeouts", Lesson: "jobs-orchestration",
			Hints: []string{
				"Retries are a task setting: max_retries (how many more attempts), min_retry_interval_millis (the wait between them).",
				"While a retry waits, the task run shows WAITING_FOR_RETRY; the next attempt has attempt_number 1.",
				"Repair is for a run that already ended failed; a retry happens inside the run, before it ends.",
			},
			Curl: `curl -X POST "$DATABRICKS_HOST/api/2.2/jobs/create" ` + curlAuth + ` \
  -d '{"name":"flaky","tasks":[{"task_key":"load","max_retries":2,"min_retry_interval_millis":1000,
    "notebook_task":{"notebook_path":"/Workspace/Shared/load","base_parameters":{"simulate":"fail_once"}}}]}'
curl -X POST "$DATABRICKS_HOST/api/2.2/jobs/run-now" ` + curlAuth + ` -d '{"job_id":JOB_ID}'`,
			CLI: `databricks jobs create --json @flaky.json   # the body above
databricks jobs run-now JOB_ID`,
			check: checkRetryFlaky,
		},
		{
			ID:    "pause-schedule",
			Title: "Pause nightly-etl's schedule without losing it",
			Goal: "nightly-etl runs on a cron schedule. Pause it so that it stops firing, keeping its " +
				"quartz_cron_expression and timezone as they are, so unpausing later restores the same schedule.",
			Section: "triggers", SectionTitle: "Triggers and notifications", Lesson: "jobs-orchestration",
			Hints: []string{
				"The schedule is a top-level field of the job's settings: change it with jobs/update.",
				"update replaces a top-level field whole: send the whole schedule object, not only pause_status.",
				`Read the current schedule with jobs/get first, then send it back with "pause_status": "PAUSED".`,
			},
			Curl: `curl -X POST "$DATABRICKS_HOST/api/2.2/jobs/update" ` + curlAuth + ` \
  -d '{"job_id":{job:nightly-etl},"new_settings":{"schedule":{"quartz_cron_expression":"0 0 2 * * ?","timezone_id":"UTC","pause_status":"PAUSED"}}}'`,
			CLI: `databricks jobs update {job:nightly-etl} --json '{"new_settings":{"schedule":
  {"quartz_cron_expression":"0 0 2 * * ?","timezone_id":"UTC","pause_status":"PAUSED"}}}'`,
			baseline: scheduleBaseline,
			check:    checkPauseSchedule,
		},
	}
}

func checkCleanupAllDone(in Input) Result {
	sawRun := false
	for _, o := range allRuns(in.Overview) {
		if !since(o.run.StartTime, in.StartedAt) || o.run.Active {
			continue
		}
		sawRun = true
		defs := map[string]workspace.TaskOverview{}
		for _, t := range o.job.Tasks {
			defs[t.TaskKey] = t
		}
		failed := map[string]bool{}
		for _, tr := range o.run.Tasks {
			if tr.ResultState == "FAILED" || tr.ResultState == "TIMEDOUT" {
				failed[tr.TaskKey] = true
			}
		}
		if len(failed) == 0 {
			continue
		}
		for _, tr := range o.run.Tasks {
			d := defs[tr.TaskKey]
			if tr.ResultState != "SUCCESS" || d.RunIf != "ALL_DONE" {
				continue
			}
			for _, dep := range d.DependsOn {
				if failed[dep] {
					return pass("Run %d of %q failed in %s, and %s (run_if ALL_DONE) still ran and succeeded.", o.run.RunID, o.job.Name, dep, tr.TaskKey)
				}
			}
		}
	}
	if !sawRun {
		return fail("No finished run since you started this challenge: create the job, run it, and wait until the run is terminal.")
	}
	return fail("No finished run has a task that failed followed by a task with run_if ALL_DONE that depends on it and succeeded. With the default run_if (ALL_SUCCESS) the cleanup is skipped as UPSTREAM_FAILED.")
}

func checkRetryFlaky(in Input) Result {
	for _, o := range allRuns(in.Overview) {
		r := o.run
		if !since(r.StartTime, in.StartedAt) || r.Active || r.ResultState != "SUCCESS" || r.RepairCount > 0 {
			continue
		}
		for _, tr := range r.Tasks {
			if tr.AttemptNumber >= 1 && tr.ResultState == "SUCCESS" {
				return pass("Run %d of %q ended SUCCESS: task %s failed, and its retry (attempt_number %d) succeeded inside the same run.", r.RunID, o.job.Name, tr.TaskKey, tr.AttemptNumber)
			}
		}
	}
	return fail("No run since you started ends SUCCESS thanks to a retry (a task run with attempt_number 1 or more, and no repair). Give the failing task max_retries and run the job once.")
}

// scheduleBaseline records nightly-etl's cron expression at the start.
func scheduleBaseline(ov workspace.Overview) string {
	j, ok := firstJob(ov, "nightly-etl")
	if !ok {
		return ""
	}
	b, _ := json.Marshal(j.Schedule)
	return string(b)
}

func checkPauseSchedule(in Input) Result {
	j, ok := firstJob(in.Overview, "nightly-etl")
	if !ok {
		return fail("There is no job named nightly-etl any more: reset the workspace from the sandbox page and try again.")
	}
	var cron string
	_ = json.Unmarshal([]byte(in.Baseline), &cron)
	switch {
	case j.Schedule == "":
		return fail("nightly-etl has no schedule now: update replaced the schedule object with one that lacks its cron expression (or removed it). Send the whole schedule object.")
	case cron != "" && j.Schedule != cron:
		return fail("nightly-etl's cron expression changed from %q to %q: pausing should keep it.", cron, j.Schedule)
	case !j.Paused:
		return fail("nightly-etl's schedule is still UNPAUSED.")
	}
	return pass("nightly-etl's schedule %q is PAUSED and kept: set pause_status back to UNPAUSED to resume it.", j.Schedule)
}
