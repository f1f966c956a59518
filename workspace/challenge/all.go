package challenge

import (
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/jobs-api-trainer/trainer/workspace"
)

// The fixture facts the challenges rely on (data/workspace/jobs.json).
const (
	etlJob       = "nightly-etl"
	bigJob       = "customer-360"
	reportJob    = "hourly-report"
	profileTask  = "build_profile"
	firstPageCut = 100 // jobs/get returns 100 tasks per page on 2.2
)

// etlDefaults are nightly-etl's job parameter defaults in the fixture.
var etlDefaults = map[string]string{"env": "prod", "run_date": "today"}

const curlAuth = `-H "Authorization: Bearer $DATABRICKS_TOKEN"`

// All returns the challenges in the order the page lists them.
func All() []Challenge {
	return append([]Challenge{
		{
			ID:    "two-task-job",
			Title: "Create a job with two dependent tasks",
			Goal: "Create a new job with two tasks whose task_keys are a and b, where b depends_on a, so b starts " +
				"only after a succeeds. Any name, notebook path and cluster will do. The console starts you off with " +
				"a one-task job: add the second task yourself.",
			Section: "job-endpoints", SectionTitle: "Verbs on the job",
			Hints: []string{
				"Creating a definition is a verb on the job: POST /api/2.2/jobs/create.",
				"The body holds a name and a tasks array; every task needs a unique task_key and something to run (notebook_task) on some compute (existing_cluster_id).",
				`The dependency lives on the second task: "depends_on": [{"task_key": "a"}].`,
			},
			Curl: `curl -X POST "$DATABRICKS_HOST/api/2.2/jobs/create" ` + curlAuth + ` \
  -d '{"name":"two-steps","tasks":[
    {"task_key":"a","notebook_task":{"notebook_path":"/Workspace/Shared/a"},"existing_cluster_id":"0101-120000-reports1"},
    {"task_key":"b","depends_on":[{"task_key":"a"}],"notebook_task":{"notebook_path":"/Workspace/Shared/b"},"existing_cluster_id":"0101-120000-reports1"}]}'`,
			CLI: `databricks jobs create --json '{"name":"two-steps","tasks":[
  {"task_key":"a","notebook_task":{"notebook_path":"/Workspace/Shared/a"},"existing_cluster_id":"0101-120000-reports1"},
  {"task_key":"b","depends_on":[{"task_key":"a"}],"notebook_task":{"notebook_path":"/Workspace/Shared/b"},"existing_cluster_id":"0101-120000-reports1"}]}'`,
			Start: `{
  "name": "two-steps",
  "tasks": [
    {
      "task_key": "a",
      "notebook_task": {"notebook_path": "/Workspace/Shared/a"},
      "existing_cluster_id": "0101-sandbox"
    }
  ]
}`,
			check: checkTwoTaskJob,
		},
		{
			ID:    "report-run-id",
			Title: "Trigger a job and report its run_id",
			Goal: "Trigger any job of your workspace once, then type the run_id the API gave back. " +
				"A run is one execution of the job: it gets its own id.",
			Section: "run-endpoints", SectionTitle: "Verbs on the run",
			AnswerLabel: "run_id",
			Hints: []string{
				"Starting a run of an existing job is POST /api/2.2/jobs/run-now with {\"job_id\": N}.",
				"The response is tiny: {\"run_id\": …, \"number_in_job\": …}. The run_id is the number to report.",
				"Do not report a job_id (the definition) or the run_id of a single task inside the run.",
			},
			Curl:  `curl -X POST "$DATABRICKS_HOST/api/2.2/jobs/run-now" ` + curlAuth + ` -d '{"job_id":{job:hourly-report}}'`,
			CLI:   `databricks jobs run-now {job:hourly-report} --no-wait`,
			check: checkReportRunID,
		},
		{
			ID:    "count-failed-runs",
			Title: "How many runs of nightly-etl failed?",
			Goal: "Use runs/list to find how many runs of nightly-etl ended with state.result_state FAILED, " +
				"and type the number. It is checked against your workspace as it is when you press Check.",
			Section: "run-endpoints", SectionTitle: "Verbs on the run",
			AnswerLabel: "Number of FAILED runs",
			Hints: []string{
				"Listing executions is a verb on the run: GET /api/2.2/jobs/runs/list?job_id=N.",
				"completed_only=true leaves out active runs; count the items whose state.result_state is FAILED.",
				"A run that was repaired to SUCCESS is no longer FAILED. If next_page_token comes back, fetch the next page too.",
			},
			Curl: `curl "$DATABRICKS_HOST/api/2.2/jobs/runs/list?job_id={job:nightly-etl}&completed_only=true" ` + curlAuth + ` \
  | jq '[.runs[]? | select(.state.result_state == "FAILED")] | length'`,
			CLI: `databricks jobs list-runs --job-id {job:nightly-etl} --completed-only -o json \
  | jq '[.[] | select(.state.result_state == "FAILED")] | length'`,
			check: checkCountFailed,
		},
		{
			ID:    "repair-failed-task",
			Title: "Repair only the failed task of nightly-etl",
			Goal: "Trigger nightly-etl. Its quality_check task fails on its first attempt (simulate=fail_once), so the " +
				"run fails. Repair that same run so that only the failed task (and anything downstream of it) runs " +
				"again, and the run ends SUCCESS with its original run_id.",
			Section: "repair", SectionTitle: "Repair versus run-now",
			Hints: []string{
				"run-now would start a brand-new run with a new run_id. Fixing a failed run in place is POST /api/2.2/jobs/runs/repair.",
				"Wait until the run is terminal (INTERNAL_ERROR/FAILED): repairing an active run is a 400.",
				`Name only the failed task: {"run_id": N, "rerun_tasks": ["quality_check"]}, or let the service pick with "rerun_all_failed_tasks": true.`,
			},
			Curl: `curl -X POST "$DATABRICKS_HOST/api/2.2/jobs/run-now" ` + curlAuth + ` -d '{"job_id":{job:nightly-etl}}'
# wait until runs/get shows result_state FAILED, then, with that run_id:
curl -X POST "$DATABRICKS_HOST/api/2.2/jobs/runs/repair" ` + curlAuth + ` \
  -d '{"run_id":RUN_ID,"rerun_tasks":["quality_check"],"rerun_dependent_tasks":true}'`,
			CLI: `databricks jobs run-now {job:nightly-etl}     # waits, then fails: quality_check failed
databricks jobs repair-run RUN_ID --rerun-all-failed-tasks
# or, naming the task (rerun_tasks has no flag):
databricks jobs repair-run --json '{"run_id":RUN_ID,"rerun_tasks":["quality_check"]}'`,
			Start: `{
  "run_id": {failed:nightly-etl}
}`,
			check: checkRepair,
		},
		{
			ID:    "page-150-tasks",
			Title: "Page through the 150-task job",
			Goal: "customer-360 has 150 tasks, and jobs/get on 2.2 returns them 100 at a time. Near the end of the " +
				"list is build_profile. How many tasks does build_profile depend on (the length of its depends_on)?",
			Section: "pagination", SectionTitle: "What changed in 2.2: paging",
			AnswerLabel: "Number of tasks in build_profile's depends_on",
			Hints: []string{
				"GET /api/2.2/jobs/get?job_id=N shows only the first 100 tasks; build_profile is not among them.",
				"When there is more, the response carries next_page_token. Send it back as page_token with the same job_id.",
				"Count the entries of build_profile's depends_on array on the second page. (The CLI and SDK merge the pages for you.)",
			},
			Curl: `curl "$DATABRICKS_HOST/api/2.2/jobs/get?job_id={job:customer-360}" ` + curlAuth + ` | jq -r .next_page_token
curl "$DATABRICKS_HOST/api/2.2/jobs/get?job_id={job:customer-360}&page_token=TOKEN" ` + curlAuth + ` \
  | jq '.settings.tasks[] | select(.task_key == "build_profile") | .depends_on | length'`,
			CLI: `databricks jobs get {job:customer-360} -o json \
  | jq '.settings.tasks[] | select(.task_key == "build_profile") | .depends_on | length'`,
			check: checkPaging,
		},
		{
			ID:    "cancel-slow-run",
			Title: "Cancel a slow run",
			Goal: "Start a run in which some task is slow (simulate=slow: it runs ten times longer), and cancel it " +
				"while it is still running, so the run ends TERMINATED/CANCELED.",
			Section: "run-endpoints", SectionTitle: "Verbs on the run",
			Hints: []string{
				`Make a task slow without editing the job: run-now nightly-etl with "job_parameters": {"simulate_ingest": "slow"}.`,
				"Stopping one execution is a verb on the run: POST /api/2.2/jobs/runs/cancel with {\"run_id\": N}.",
				"Cancel is asynchronous: the run goes TERMINATING, then TERMINATED with result_state CANCELED. Check after that.",
			},
			Curl: `curl -X POST "$DATABRICKS_HOST/api/2.2/jobs/run-now" ` + curlAuth + ` \
  -d '{"job_id":{job:nightly-etl},"job_parameters":{"simulate_ingest":"slow"}}'
curl -X POST "$DATABRICKS_HOST/api/2.2/jobs/runs/cancel" ` + curlAuth + ` -d '{"run_id":RUN_ID}'`,
			CLI: `databricks jobs run-now --no-wait --json '{"job_id":{job:nightly-etl},"job_parameters":{"simulate_ingest":"slow"}}'
databricks jobs cancel-run RUN_ID`,
			check: checkCancelSlow,
		},
		{
			ID:    "update-not-reset",
			Title: "Change max_concurrent_runs without losing the schedule",
			Goal: "Let hourly-report run up to 3 runs at once (any value other than its current one will do), " +
				"while keeping every other setting: its name, its task and its (paused) schedule.",
			Section: "job-endpoints", SectionTitle: "Verbs on the job",
			Hints: []string{
				"There are two ways to change a job: jobs/update and jobs/reset. Only one of them keeps what you leave out.",
				"jobs/reset replaces all settings with new_settings: anything not in it, like the schedule, is gone.",
				`jobs/update merges: {"job_id": N, "new_settings": {"max_concurrent_runs": 3}} changes only that field.`,
			},
			Curl: `curl -X POST "$DATABRICKS_HOST/api/2.2/jobs/update" ` + curlAuth + ` \
  -d '{"job_id":{job:hourly-report},"new_settings":{"max_concurrent_runs":3}}'`,
			CLI: `databricks jobs update --json '{"job_id":{job:hourly-report},"new_settings":{"max_concurrent_runs":3}}'`,
			Start: `{
  "job_id": {job:hourly-report},
  "new_settings": {}
}`,
			baseline: baselineReport,
			check:    checkUpdate,
		},
		{
			ID:    "submit-one-time",
			Title: "Submit a one-time run",
			Goal: "Run a task whose task_key is once one time without creating a job, using runs/submit, and let " +
				"the run finish (run_type SUBMIT_RUN, in a terminal state).",
			Section: "run-endpoints", SectionTitle: "Verbs on the run",
			Hints: []string{
				"A one-time run has no job behind it: POST /api/2.2/jobs/runs/submit.",
				"The body looks like a job's: a run_name and a tasks array, each task with a task_key, a notebook_task and compute.",
				"The CLI command is databricks jobs submit --json '{…}'. Wait for the run to end before you check.",
			},
			Curl: `curl -X POST "$DATABRICKS_HOST/api/2.2/jobs/runs/submit" ` + curlAuth + ` \
  -d '{"run_name":"one-off","tasks":[{"task_key":"once","notebook_task":{"notebook_path":"/Workspace/Shared/once"},"existing_cluster_id":"0101-120000-reports1"}]}'`,
			CLI: `databricks jobs submit --json '{"run_name":"one-off","tasks":[{"task_key":"once","notebook_task":{"notebook_path":"/Workspace/Shared/once"},"existing_cluster_id":"0101-120000-reports1"}]}'`,
			Start: `{
  "run_name": "one-off",
  "tasks": []
}`,
			check: checkSubmit,
		},
		{
			ID:    "job-params-override",
			Title: "Run nightly-etl with a job parameter override",
			Goal: "nightly-etl defines job parameters env (default prod) and run_date (default today). Trigger it " +
				"once with run_date set to a date of your choice (say 2024-01-31) for that run only.",
			Section: "run-endpoints", SectionTitle: "Verbs on the run",
			Hints: []string{
				"An override for one run is a run-now argument, not a change to the job.",
				`run-now takes "job_parameters": {"run_date": "2024-01-31"}; the names must match the job's parameters.`,
				"notebook_params is the legacy form: it does not change job parameters. In the CLI, job_parameters go only through --json.",
			},
			Curl: `curl -X POST "$DATABRICKS_HOST/api/2.2/jobs/run-now" ` + curlAuth + ` \
  -d '{"job_id":{job:nightly-etl},"job_parameters":{"run_date":"2024-01-31"}}'`,
			CLI: `databricks jobs run-now --no-wait --json '{"job_id":{job:nightly-etl},"job_parameters":{"run_date":"2024-01-31"}}'`,
			Start: `{
  "job_id": {job:nightly-etl}
}`,
			check: checkParams,
		},
	}, append(orchestration(), bundleChallenges()...)...)
}

func checkTwoTaskJob(in Input) Result {
	var fresh []workspace.JobOverview
	for _, j := range in.Overview.Jobs {
		if since(j.CreatedTime, in.StartedAt) && !j.CreatedTime.IsZero() {
			fresh = append(fresh, j)
		}
	}
	if len(fresh) == 0 {
		return fail("No job was created since you started this challenge.")
	}
	var verdict Result
	for _, j := range fresh {
		keys := map[string][]string{}
		var order []string
		for _, t := range j.Tasks {
			keys[t.TaskKey] = t.DependsOn
			order = append(order, t.TaskKey)
		}
		deps, hasB := keys["b"]
		_, hasA := keys["a"]
		switch {
		case hasA && hasB && slices.Contains(deps, "a"):
			return pass("Job %q (job_id %d): task b depends on a, so it waits for it.", j.Name, j.JobID)
		case hasA && hasB:
			verdict = fail("Job %q (job_id %d) has tasks a and b, but b has no depends_on on a: they would both start at once.", j.Name, j.JobID)
		case len(j.Tasks) < 2:
			verdict = fail("Job %q (job_id %d) has only %d task. The challenge needs two tasks in the job's tasks array, b depending on a.", j.Name, j.JobID, len(j.Tasks))
		default:
			verdict = fail("Job %q (job_id %d) has tasks %s: the challenge asks for your own tasks with task_keys a and b, b depending on a.",
				j.Name, j.JobID, quoteList(order))
		}
	}
	return verdict
}

func checkReportRunID(in Input) Result {
	id, err := strconv.ParseInt(strings.TrimSpace(in.Answer), 10, 64)
	if err != nil || id <= 0 {
		return fail("%q is not a run_id: run ids are whole numbers.", in.Answer)
	}
	for _, o := range allRuns(in.Overview) {
		if o.run.RunID == id {
			if !since(o.run.StartTime, in.StartedAt) {
				return fail("Run %d started before you began this challenge. Trigger a new run and report its run_id.", id)
			}
			if o.job == nil {
				return fail("Run %d is a one-time runs/submit run, not a run of one of your jobs.", id)
			}
			return pass("Run %d of %q exists and started after you began: that is the run_id run-now returned.", id, o.job.Name)
		}
		for _, t := range o.run.Tasks {
			if t.RunID == id {
				return fail("%d is the run_id of task %q inside run %d, not the run_id of the whole run.", id, t.TaskKey, o.run.RunID)
			}
		}
	}
	for _, j := range in.Overview.Jobs {
		if j.JobID == id {
			return fail("%d is the job_id of %q: that is the definition, not one of its runs.", id, j.Name)
		}
	}
	return fail("There is no run %d in your workspace.", id)
}

func checkCountFailed(in Input) Result {
	n, err := strconv.Atoi(strings.TrimSpace(in.Answer))
	if err != nil || n < 0 {
		return fail("%q is not a number. Type how many runs of nightly-etl have result_state FAILED.", in.Answer)
	}
	j, ok := firstJob(in.Overview, etlJob)
	if !ok {
		return fail("There is no job called nightly-etl in your workspace. Reset the workspace from the sandbox page to get it back.")
	}
	failed := 0
	for _, r := range j.Runs {
		if r.ResultState == "FAILED" {
			failed++
		}
	}
	switch {
	case n == failed:
		return pass("Right: %d of nightly-etl's %d runs ended with result_state FAILED.", failed, len(j.Runs))
	case n == len(j.Runs) && n != failed:
		return fail("%d is how many runs nightly-etl has in all, not how many ended FAILED.", n)
	case n > failed:
		return fail("Too many: fewer than %d of nightly-etl's runs have state.result_state FAILED now.", n)
	default:
		return fail("Too few: more than %d of nightly-etl's runs have state.result_state FAILED.", n)
	}
}

// failingTasks are the tasks of run r designed to fail: simulate fail or
// fail_once on the job's task, or a simulate_<key> job parameter.
func failingTasks(j workspace.JobOverview, r workspace.RunOverview) map[string]bool {
	set := map[string]bool{}
	for _, t := range j.Tasks {
		if t.Simulate == "fail" || t.Simulate == "fail_once" {
			set[t.TaskKey] = true
		}
	}
	for k, v := range r.JobParameters {
		if key, ok := strings.CutPrefix(k, "simulate_"); ok {
			set[key] = v == "fail" || v == "fail_once"
		}
	}
	for k, v := range set {
		if !v {
			delete(set, k)
		}
	}
	return set
}

// startOver is how to recover from a repair that re-ran too much: a repair
// cannot be undone, so that run can never show a clean repair.
const startOver = "A repair cannot be undone, so this run will not count: start a new run of nightly-etl with run-now, let it fail, " +
	"then repair only quality_check (and its dependents)."

func checkRepair(in Input) Result {
	j, ok := firstJob(in.Overview, etlJob)
	if !ok {
		return fail("There is no job called nightly-etl in your workspace. Reset the workspace from the sandbox page to get it back.")
	}
	runs := newRuns(j, in.StartedAt)
	if len(runs) == 0 {
		return fail("No nightly-etl run started since you began this challenge.")
	}
	var repaired []workspace.RunOverview
	for _, r := range runs {
		if r.RepairCount > 0 {
			repaired = append(repaired, r)
		}
	}
	if len(repaired) == 0 {
		oldest := runs[len(runs)-1]
		if len(runs) > 1 && (oldest.ResultState == "FAILED" || runs[0].ResultState == "SUCCESS") {
			return fail("You started a new run with run-now instead of repairing: run %d has a new run_id, and the failed run %d was never repaired.",
				runs[0].RunID, oldest.RunID)
		}
		return unrepaired(runs[0])
	}
	// Any repaired run that meets the goal passes; otherwise the newest
	// repaired run says what went wrong.
	verdicts := make([]Result, len(repaired))
	for i, r := range repaired {
		verdicts[i] = judgeRepair(j, r)
		if verdicts[i].Passed {
			return verdicts[i]
		}
	}
	// A newer run, not repaired yet: the learner is starting over, as a
	// failed repair tells them to.
	if runs[0].RepairCount == 0 && !repaired[0].Active {
		return unrepaired(runs[0])
	}
	return verdicts[0]
}

// unrepaired guides the learner on their newest run, not repaired yet.
func unrepaired(r workspace.RunOverview) Result {
	switch {
	case r.Active:
		return fail("Run %d is still %s. Wait until it ends (it will fail at quality_check), then repair it.", r.RunID, strings.ToLower(r.LifeCycleState))
	case r.ResultState == "FAILED":
		return fail("Run %d failed, as planned. Now repair that run: it has not been repaired yet.", r.RunID)
	default:
		return fail("Run %d ended %s without failing, so there was nothing to repair. Keep quality_check's simulate=fail_once and trigger nightly-etl again.", r.RunID, r.ResultState)
	}
}

// judgeRepair grades one repaired run of nightly-etl.
func judgeRepair(j workspace.JobOverview, r workspace.RunOverview) Result {
	if r.Active {
		return fail("The repair of run %d is still running. Check again when the run is terminal.", r.RunID)
	}
	var rerun []string
	for _, t := range r.Tasks {
		if t.RepairID > 0 {
			rerun = append(rerun, t.TaskKey)
		}
	}
	allowed := failingTasks(j, r)
	downstream(r.Tasks, allowed)
	var extra []string
	for _, k := range rerun {
		if !allowed[k] {
			extra = append(extra, k)
		}
	}
	switch {
	case len(rerun) == len(r.Tasks) && len(extra) > 0:
		return fail("The repair of run %d re-ran every task (%s), not only what failed. %s", r.RunID, quoteList(rerun), startOver)
	case len(extra) > 0:
		return fail("The repair of run %d re-ran %s, which had not failed. %s", r.RunID, quoteList(extra), startOver)
	case r.ResultState != "SUCCESS":
		return fail("The run is still failed: run %d was repaired but ended %s.", r.RunID, r.ResultState)
	}
	return pass("Run %d failed, then a repair re-ran only %s and the same run_id ended SUCCESS.", r.RunID, quoteList(rerun))
}

func checkPaging(in Input) Result {
	n, err := strconv.Atoi(strings.TrimSpace(in.Answer))
	if err != nil || n < 0 {
		return fail("%q is not a number. Type how many task_keys build_profile's depends_on lists.", in.Answer)
	}
	j, ok := firstJob(in.Overview, bigJob)
	if !ok {
		return fail("There is no job called customer-360 in your workspace. Reset the workspace from the sandbox page to get it back.")
	}
	idx := slices.IndexFunc(j.Tasks, func(t workspace.TaskOverview) bool { return t.TaskKey == profileTask })
	if idx < 0 {
		return fail("customer-360 no longer has a build_profile task. Reset the workspace from the sandbox page to get it back.")
	}
	want := len(j.Tasks[idx].DependsOn)
	onFirst := 0
	for _, d := range j.Tasks[idx].DependsOn {
		if k := slices.IndexFunc(j.Tasks, func(t workspace.TaskOverview) bool { return t.TaskKey == d }); k >= 0 && k < firstPageCut {
			onFirst++
		}
	}
	switch {
	case n == want:
		return pass("Right: build_profile (task %d of %d, on the second page) depends on %d tasks.", idx+1, len(j.Tasks), want)
	case n == len(j.Tasks) || n == firstPageCut:
		return fail("%d is a count of tasks in the job (or in one page), not of build_profile's depends_on.", n)
	case n == onFirst:
		return fail("%d is how many of build_profile's upstream tasks appear on the first page, not the length of build_profile's own depends_on.", n)
	default:
		return fail("%d is not the length of build_profile's depends_on (build_profile is past the first 100 tasks).", n)
	}
}

// slowTasks names the tasks of r that ran with simulate=slow.
func slowTasks(j *workspace.JobOverview, r workspace.RunOverview) []string {
	set := map[string]bool{}
	if j != nil {
		for _, t := range j.Tasks {
			if t.Simulate == "slow" {
				set[t.TaskKey] = true
			}
		}
	}
	for k, v := range r.JobParameters {
		if key, ok := strings.CutPrefix(k, "simulate_"); ok {
			set[key] = v == "slow"
		}
	}
	var out []string
	for _, t := range r.Tasks {
		if set[t.TaskKey] {
			out = append(out, t.TaskKey)
		}
	}
	sort.Strings(out)
	return out
}

func checkCancelSlow(in Input) Result {
	var fresh []ownedRun
	for _, o := range allRuns(in.Overview) {
		if since(o.run.StartTime, in.StartedAt) {
			fresh = append(fresh, o)
		}
	}
	if len(fresh) == 0 {
		return fail("No run started since you began this challenge.")
	}
	var canceledFast, activeSlow, finishedSlow *ownedRun
	for i, o := range fresh {
		slow := slowTasks(o.job, o.run)
		submit := o.job == nil
		switch {
		case o.run.ResultState == "CANCELED" && (len(slow) > 0 || submit):
			what := "its slow task " + quoteList(slow)
			if submit {
				what = "a one-time run"
			}
			return pass("Run %d (%s) was canceled while running and ended TERMINATED/CANCELED.", o.run.RunID, what)
		case o.run.ResultState == "CANCELED" && canceledFast == nil:
			canceledFast = &fresh[i]
		case o.run.Active && len(slow) > 0 && activeSlow == nil:
			activeSlow = &fresh[i]
		case !o.run.Active && len(slow) > 0 && finishedSlow == nil:
			finishedSlow = &fresh[i]
		}
	}
	switch {
	case activeSlow != nil:
		return fail("Run %d is still %s: it has not been canceled, or the cancel has not finished yet.", activeSlow.run.RunID, strings.ToLower(activeSlow.run.LifeCycleState))
	case canceledFast != nil:
		return fail("Run %d was canceled, but none of its tasks was slow (simulate=slow).", canceledFast.run.RunID)
	case finishedSlow != nil:
		return fail("Run %d had a slow task but ended %s before you canceled it. Cancel while it is still running.", finishedSlow.run.RunID, finishedSlow.run.ResultState)
	}
	return fail("None of your new runs had a slow task (simulate=slow).")
}

// baselineReport remembers hourly-report's job_id and max_concurrent_runs.
func baselineReport(ov workspace.Overview) string {
	j, ok := firstJob(ov, reportJob)
	if !ok {
		return ""
	}
	return fmt.Sprintf("%d:%d", j.JobID, j.MaxConcurrentRuns)
}

func checkUpdate(in Input) Result {
	var id int64
	start := -1
	if a, b, ok := strings.Cut(in.Baseline, ":"); ok {
		id, _ = strconv.ParseInt(a, 10, 64)
		start, _ = strconv.Atoi(b)
	}
	var j workspace.JobOverview
	found := false
	for _, x := range in.Overview.Jobs {
		if (id != 0 && x.JobID == id) || (id == 0 && x.Name == reportJob) {
			j, found = x, true
			break
		}
	}
	if !found {
		return fail("hourly-report is gone from your workspace. Reset the workspace from the sandbox page, then start this challenge again.")
	}
	switch {
	case j.Name != reportJob:
		return fail("Job %d is now called %q instead of hourly-report: jobs/reset replaced every setting, the name too.", j.JobID, j.Name)
	case j.Schedule == "":
		return fail("hourly-report lost its schedule: every setting that was not sent is gone.")
	case len(j.Tasks) == 0:
		return fail("hourly-report lost its task: every setting that was not sent is gone.")
	case j.MaxConcurrentRuns == start:
		return fail("hourly-report's max_concurrent_runs is still %d.", start)
	}
	return pass("hourly-report now allows %d concurrent runs and kept its name, task and schedule (%s).", j.MaxConcurrentRuns, j.Schedule)
}

func checkSubmit(in Input) Result {
	var other *workspace.RunOverview
	for i, r := range in.Overview.SubmitRuns {
		if !since(r.StartTime, in.StartedAt) {
			continue
		}
		if !slices.ContainsFunc(r.Tasks, func(t workspace.TaskRunOverview) bool { return t.TaskKey == "once" }) {
			if other == nil {
				other = &in.Overview.SubmitRuns[i]
			}
			continue
		}
		if r.Active {
			return fail("Submit run %d is still %s. Check again when it is terminal.", r.RunID, strings.ToLower(r.LifeCycleState))
		}
		return pass("Run %d (%q) is a SUBMIT_RUN with no job behind it, and it ended %s/%s.", r.RunID, r.RunName, r.LifeCycleState, r.ResultState)
	}
	if other != nil {
		var keys []string
		for _, t := range other.Tasks {
			keys = append(keys, t.TaskKey)
		}
		return fail("Submit run %d ran %s: the challenge asks for your own task with task_key once.", other.RunID, quoteList(keys))
	}
	for _, o := range allRuns(in.Overview) {
		if o.job != nil && since(o.run.StartTime, in.StartedAt) {
			return fail("Run %d is a run of job %q (run-now, run_type JOB_RUN), not a one-time run without a job.", o.run.RunID, o.job.Name)
		}
	}
	return fail("No runs/submit run since you started this challenge.")
}

func checkParams(in Input) Result {
	j, ok := firstJob(in.Overview, etlJob)
	if !ok {
		return fail("There is no job called nightly-etl in your workspace. Reset the workspace from the sandbox page to get it back.")
	}
	runs := newRuns(j, in.StartedAt)
	if len(runs) == 0 {
		return fail("No nightly-etl run started since you began this challenge.")
	}
	var unknown []string
	var other string
	for _, r := range runs {
		for name, v := range r.JobParameters {
			if def, known := etlDefaults[name]; known && v != def && name == "run_date" {
				return pass("Run %d ran with %s=%q instead of the default %q, for that run only.", r.RunID, name, v, def)
			}
			if def, known := etlDefaults[name]; known && v != def && other == "" {
				other = fmt.Sprintf("Run %d overrode %s (%q), but the challenge asks you to set run_date.", r.RunID, name, v)
			}
			if _, known := etlDefaults[name]; !known && !strings.HasPrefix(name, "simulate_") && !slices.Contains(unknown, name) {
				unknown = append(unknown, name)
			}
		}
	}
	if len(unknown) > 0 {
		sort.Strings(unknown)
		return fail("Run %d got job parameter %s, which nightly-etl does not define (it defines env and run_date).", runs[0].RunID, quoteList(unknown))
	}
	if other != "" {
		return fail("%s", other)
	}
	return fail("Run %d used the defaults (env=prod, run_date=today): no job parameter was overridden.", runs[0].RunID)
}
