package challenge

import (
	"io/fs"
	"strings"
	"testing"
	"time"

	"github.com/jobs-api-trainer/trainer/data"
	"github.com/jobs-api-trainer/trainer/workspace"
)

var (
	start  = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	before = start.Add(-48 * time.Hour)
	after  = start.Add(time.Minute)
	later  = start.Add(5 * time.Minute)
)

// Builders for hand-made overviews.

func task(key string, deps ...string) workspace.TaskOverview {
	return workspace.TaskOverview{TaskKey: key, DependsOn: deps}
}

func etlTasks() []workspace.TaskOverview {
	qc := task("quality_check", "transform")
	qc.Simulate = "fail_once"
	return []workspace.TaskOverview{task("ingest"), task("transform", "ingest"), qc, task("publish", "transform")}
}

func taskRun(key string, result string, repair int64, deps ...string) workspace.TaskRunOverview {
	life := "TERMINATED"
	if result == "" {
		life = "RUNNING"
	}
	return workspace.TaskRunOverview{TaskKey: key, RunID: int64(len(key)) * 1000, LifeCycleState: life, ResultState: result, RepairID: repair, DependsOn: deps}
}

// etlRun is a nightly-etl run whose tasks ended with the given results
// (ingest, transform, quality_check, publish) and repair ids.
func etlRun(id int64, at time.Time, life, result string, repairs int, tasks ...workspace.TaskRunOverview) workspace.RunOverview {
	r := workspace.RunOverview{RunID: id, JobID: 101, RunType: "JOB_RUN", Trigger: "ONE_TIME", LifeCycleState: life, ResultState: result,
		Active: result == "", StartTime: at, RepairCount: repairs, JobParameters: map[string]string{"env": "prod", "run_date": "today"}, Tasks: tasks}
	if !r.Active {
		r.EndTime = at.Add(time.Minute)
	}
	return r
}

func failedEtl(id int64, at time.Time) workspace.RunOverview {
	return etlRun(id, at, "INTERNAL_ERROR", "FAILED", 0,
		taskRun("ingest", "SUCCESS", 0), taskRun("transform", "SUCCESS", 0, "ingest"),
		taskRun("quality_check", "FAILED", 0, "transform"), taskRun("publish", "SUCCESS", 0, "transform"))
}

func okEtl(id int64, at time.Time) workspace.RunOverview {
	return etlRun(id, at, "TERMINATED", "SUCCESS", 0,
		taskRun("ingest", "SUCCESS", 0), taskRun("transform", "SUCCESS", 0, "ingest"),
		taskRun("quality_check", "SUCCESS", 0, "transform"), taskRun("publish", "SUCCESS", 0, "transform"))
}

// overview is a workspace like the fixtures: nightly-etl with a failed and
// a successful past run, customer-360 (build_profile depends on every
// validate_ task), hourly-report with a paused schedule.
func overview(etlRuns ...workspace.RunOverview) workspace.Overview {
	past := []workspace.RunOverview{okEtl(2, before.Add(24*time.Hour)), failedEtl(1, before)}
	var c360 []workspace.TaskOverview
	var validates []string
	for i := range 37 {
		src := "s" + string(rune('a'+i%26)) + string(rune('a'+i/26))
		c360 = append(c360, task("ingest_"+src), task("clean_"+src, "ingest_"+src), task("enrich_"+src, "clean_"+src), task("validate_"+src, "enrich_"+src))
		validates = append(validates, "validate_"+src)
	}
	c360 = append(c360, task("build_profile", validates...), task("publish_360", "build_profile"))
	return workspace.Overview{
		Now: later,
		Jobs: []workspace.JobOverview{
			{JobID: 101, Name: "nightly-etl", Tasks: etlTasks(), MaxConcurrentRuns: 1, CreatedTime: before.Add(-7 * 24 * time.Hour),
				Runs: append(etlRuns, past...), TotalRuns: len(etlRuns) + 2},
			{JobID: 102, Name: "customer-360", Tasks: c360, MaxConcurrentRuns: 1, CreatedTime: before.Add(-7 * 24 * time.Hour)},
			{JobID: 103, Name: "hourly-report", Tasks: []workspace.TaskOverview{task("build_report")}, Schedule: "0 0 * * * ?", Paused: true,
				MaxConcurrentRuns: 1, CreatedTime: before.Add(-7 * 24 * time.Hour)},
		},
	}
}

func withJob(ov workspace.Overview, j workspace.JobOverview) workspace.Overview {
	ov.Jobs = append(ov.Jobs, j)
	return ov
}

func mustByID(t *testing.T, id string) Challenge {
	t.Helper()
	c, ok := ByID(id)
	if !ok {
		t.Fatalf("no challenge %q", id)
	}
	return c
}

type checkCase struct {
	name     string
	ov       workspace.Overview
	answer   string
	baseline string
	pass     bool
	reason   string // substring of the reason
}

func runChecks(t *testing.T, id string, tests []checkCase) {
	t.Helper()
	c := mustByID(t, id)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := c.Check(Input{Overview: tt.ov, StartedAt: start, Answer: tt.answer, Baseline: tt.baseline})
			if got.Passed != tt.pass || !strings.Contains(strings.ToLower(got.Reason), strings.ToLower(tt.reason)) {
				t.Errorf("got passed=%v %q, want passed=%v containing %q", got.Passed, got.Reason, tt.pass, tt.reason)
			}
		})
	}
}

func TestCatalogue(t *testing.T) {
	t.Parallel()
	all := All()
	if len(all) < 9 {
		t.Fatalf("%d challenges, want at least 9", len(all))
	}
	seen := map[string]bool{}
	// Every challenge's section is a heading anchor of its lesson.
	hasSection := func(c Challenge) bool {
		lesson := c.Lesson
		if lesson == "" {
			lesson = "jobs-api"
		}
		md, err := fs.ReadFile(data.FS, "lessons/"+lesson+".md")
		return err == nil && strings.Contains(string(md), "{#"+c.Section+"}")
	}
	for _, c := range all {
		if seen[c.ID] || c.ID == "" {
			t.Errorf("duplicate or empty id %q", c.ID)
		}
		seen[c.ID] = true
		if c.Title == "" || c.Goal == "" || c.Curl == "" || c.CLI == "" || c.check == nil {
			t.Errorf("%s: incomplete", c.ID)
		}
		if !hasSection(c) {
			t.Errorf("%s: unknown lesson section %q", c.ID, c.Section)
		}
		if n := len(c.Hints); n < 1 || n > 3 {
			t.Errorf("%s: %d hints", c.ID, n)
		}
	}
	// The fresh fixtures solve nothing.
	ov := overview()
	for _, c := range all {
		in := Input{Overview: ov, StartedAt: start, Baseline: c.Baseline(ov)}
		if c.AnswerLabel == "" {
			if r := c.Check(in); r.Passed {
				t.Errorf("%s passes on the untouched fixtures: %s", c.ID, r.Reason)
			}
		}
	}
}

func TestScore(t *testing.T) {
	t.Parallel()
	tests := []struct {
		hints    int
		solution bool
		want     int
	}{{0, false, 100}, {1, false, 80}, {3, false, 40}, {6, false, 0}, {0, true, 0}, {2, true, 0}}
	for _, tt := range tests {
		if got := Score(tt.hints, tt.solution); got != tt.want {
			t.Errorf("Score(%d, %v) = %d, want %d", tt.hints, tt.solution, got, tt.want)
		}
	}
}

func TestFill(t *testing.T) {
	t.Parallel()
	got := Fill(`{"job_id":{job:nightly-etl}} {job:hourly-report} {job:nope}`, overview())
	if got != `{"job_id":101} 103 JOB_ID` {
		t.Errorf("Fill = %q", got)
	}
}

func TestTwoTaskJob(t *testing.T) {
	t.Parallel()
	newJob := func(tasks ...workspace.TaskOverview) workspace.JobOverview {
		return workspace.JobOverview{JobID: 200, Name: "mine", CreatedTime: after, Tasks: tasks}
	}
	old := newJob(task("a"), task("b", "a"))
	old.CreatedTime = before
	runChecks(t, "two-task-job", []checkCase{
		{"nothing created", overview(), "", "", false, "No job was created"},
		{"dependent job created before the start", withJob(overview(), old), "", "", false, "No job was created"},
		{"one task", withJob(overview(), newJob(task("a"))), "", "", false, "has only 1 task"},
		{"two tasks, no dependency", withJob(overview(), newJob(task("a"), task("b"))), "", "", false, "b has no depends_on on a"},
		{"the console's example, unchanged", withJob(overview(), newJob(task("extract"), task("load", "extract"))), "", "", false, "extract, load: the challenge asks for your own tasks"},
		{"a depends on b", withJob(overview(), newJob(task("a", "b"), task("b"))), "", "", false, "b has no depends_on on a"},
		{"b depends on a", withJob(overview(), newJob(task("a"), task("b", "a"))), "", "", true, "b depends on a"},
	})
}

func TestReportRunID(t *testing.T) {
	t.Parallel()
	ov := overview(failedEtl(500, after))
	sub := overview()
	sub.SubmitRuns = []workspace.RunOverview{{RunID: 600, RunType: "SUBMIT_RUN", StartTime: after, LifeCycleState: "TERMINATED", ResultState: "SUCCESS"}}
	runChecks(t, "report-run-id", []checkCase{
		{"not a number", ov, "abc", "", false, "not a run_id"},
		{"unknown", ov, "999", "", false, "no run 999"},
		{"past fixture run", ov, "1", "", false, "started before you began"},
		{"a job id", ov, "101", "", false, "job_id of \"nightly-etl\""},
		{"a task run id", ov, "13000", "", false, "task \"quality_check\" inside run 500"},
		{"a submit run", sub, "600", "", false, "runs/submit"},
		{"new run", ov, " 500 ", "", true, "Run 500"},
	})
}

func TestCountFailed(t *testing.T) {
	t.Parallel()
	repaired := etlRun(700, after, "TERMINATED", "SUCCESS", 1)
	runChecks(t, "count-failed-runs", []checkCase{
		{"not a number", overview(), "one", "", false, "not a number"},
		{"fixtures: one failed", overview(), "1", "", true, "1 of nightly-etl's 2 runs"},
		{"all runs", overview(failedEtl(500, after)), "3", "", false, "how many runs nightly-etl has in all"},
		{"the successes", overview(failedEtl(500, after), okEtl(501, after), okEtl(502, after)), "3", "", false, "Too many"},
		{"too few", overview(failedEtl(500, after)), "1", "", false, "Too few"},
		{"too many: repaired run counted", overview(repaired), "2", "", false, "Too many"},
		{"no job", workspace.Overview{}, "1", "", false, "no job called nightly-etl"},
	})
}

func TestRepair(t *testing.T) {
	t.Parallel()
	repairedRun := func(life, result string, rerun map[string]string) workspace.RunOverview {
		var ts []workspace.TaskRunOverview
		deps := map[string][]string{"transform": {"ingest"}, "quality_check": {"transform"}, "publish": {"transform"}}
		for _, k := range []string{"ingest", "transform", "quality_check", "publish"} {
			res, rep := "SUCCESS", int64(0)
			if r, ok := rerun[k]; ok {
				res, rep = r, 9
			}
			ts = append(ts, taskRun(k, res, rep, deps[k]...))
		}
		return etlRun(500, after, life, result, 1, ts...)
	}
	running := failedEtl(500, after)
	running.Active, running.LifeCycleState, running.ResultState = true, "RUNNING", ""
	skipped := okEtl(500, after)
	everything := repairedRun("TERMINATED", "SUCCESS", map[string]string{"ingest": "SUCCESS", "transform": "SUCCESS", "quality_check": "SUCCESS", "publish": "SUCCESS"})
	newRunning := failedEtl(600, later)
	newRunning.Active, newRunning.LifeCycleState, newRunning.ResultState = true, "RUNNING", ""
	goodRepair := repairedRun("TERMINATED", "SUCCESS", map[string]string{"quality_check": "SUCCESS"})
	goodRepair.RunID, goodRepair.StartTime = 600, later
	secondBad := repairedRun("TERMINATED", "SUCCESS", map[string]string{"ingest": "SUCCESS", "quality_check": "SUCCESS"})
	secondBad.RunID, secondBad.StartTime = 600, later
	runChecks(t, "repair-failed-task", []checkCase{
		{"no new run (fixture failure does not count)", overview(), "", "", false, "No nightly-etl run started"},
		{"still running", overview(running), "", "", false, "still running"},
		{"failed, not repaired yet", overview(failedEtl(500, after)), "", "", false, "Now repair that run"},
		{"run-now instead of repair", overview(okEtl(501, later), failedEtl(500, after)), "", "", false, "you started a new run with run-now instead of repairing"},
		{"run-now twice, both failed", overview(failedEtl(501, later), failedEtl(500, after)), "", "", false, "instead of repairing"},
		{"never failed", overview(skipped), "", "", false, "without failing"},
		{"repair still running", overview(repairedRun("RUNNING", "", map[string]string{"quality_check": ""})), "", "", false, "still running"},
		{"repair re-ran everything", overview(repairedRun("TERMINATED", "SUCCESS", map[string]string{"ingest": "SUCCESS", "transform": "SUCCESS", "quality_check": "SUCCESS", "publish": "SUCCESS"})), "", "", false, "the repair of run 500 re-ran every task"},
		{"re-ran everything: how to recover", overview(everything), "", "", false,
			"start a new run of nightly-etl with run-now, let it fail, then repair only quality_check (and its dependents)"},
		{"repair re-ran a succeeded task", overview(repairedRun("TERMINATED", "SUCCESS", map[string]string{"quality_check": "SUCCESS", "publish": "SUCCESS"})), "", "", false, "re-ran publish, which had not failed"},
		{"re-ran a succeeded task: how to recover", overview(repairedRun("TERMINATED", "SUCCESS", map[string]string{"quality_check": "SUCCESS", "publish": "SUCCESS"})), "", "", false,
			"start a new run of nightly-etl with run-now, let it fail, then repair only quality_check (and its dependents)"},
		// Starting over after a bad repair, as the reason says.
		{"start over: new run active", overview(newRunning, everything), "", "", false, "Run 600 is still running"},
		{"start over: new run failed", overview(failedEtl(600, later), everything), "", "", false, "Run 600 failed, as planned. Now repair that run"},
		{"start over: repaired right", overview(goodRepair, everything), "", "", true, "Run 600 failed, then a repair re-ran only quality_check"},
		{"an older good repair still counts", overview(failedEtl(700, later.Add(time.Minute)), goodRepair, everything), "", "", true, "Run 600"},
		{"start over: bad again", overview(secondBad, everything), "", "", false, "The repair of run 600 re-ran ingest"},
		{"still failed", overview(repairedRun("INTERNAL_ERROR", "FAILED", map[string]string{"quality_check": "FAILED"})), "", "", false, "The run is still failed"},
		{"repaired only quality_check", overview(repairedRun("TERMINATED", "SUCCESS", map[string]string{"quality_check": "SUCCESS"})), "", "", true, "only quality_check"},
	})
}

func TestPaging(t *testing.T) {
	t.Parallel()
	runChecks(t, "page-150-tasks", []checkCase{
		{"not a number", overview(), "many", "", false, "not a number"},
		{"task count", overview(), "150", "", false, "count of tasks in the job"},
		{"only first page counted", overview(), "25", "", false, "first page"},
		{"wrong", overview(), "12", "", false, "past the first 100 tasks"},
		{"right", overview(), "37", "", true, "depends on 37 tasks"},
		{"job deleted", workspace.Overview{}, "37", "", false, "no job called customer-360"},
	})
}

func TestCancelSlow(t *testing.T) {
	t.Parallel()
	slow := func(r workspace.RunOverview) workspace.RunOverview {
		r.JobParameters = map[string]string{"env": "prod", "run_date": "today", "simulate_ingest": "slow"}
		return r
	}
	canceled := func(r workspace.RunOverview) workspace.RunOverview {
		r.Active, r.LifeCycleState, r.ResultState = false, "TERMINATED", "CANCELED"
		return r
	}
	active := failedEtl(500, after)
	active.Active, active.LifeCycleState, active.ResultState = true, "RUNNING", ""
	oldCanceled := canceled(slow(failedEtl(3, before)))
	subCanceled := overview()
	subCanceled.SubmitRuns = []workspace.RunOverview{canceled(workspace.RunOverview{RunID: 600, RunType: "SUBMIT_RUN", StartTime: after})}
	runChecks(t, "cancel-slow-run", []checkCase{
		{"nothing new", overview(oldCanceled), "", "", false, "No run started since"},
		{"slow, still running", overview(slow(active)), "", "", false, "still running"},
		{"canceled a normal run", overview(canceled(failedEtl(500, after))), "", "", false, "none of its tasks was slow"},
		{"slow run finished", overview(slow(okEtl(500, after))), "", "", false, "before you canceled it"},
		{"no slow task anywhere", overview(okEtl(500, after)), "", "", false, "None of your new runs had a slow task"},
		{"canceled slow run", overview(canceled(slow(active))), "", "", true, "slow task ingest"},
		{"canceled submit run", subCanceled, "", "", true, "one-time run"},
	})
}

func TestUpdateNotReset(t *testing.T) {
	t.Parallel()
	base := overview()
	baseline := mustByID(t, "update-not-reset").Baseline(base)
	if baseline != "103:1" {
		t.Fatalf("baseline %q", baseline)
	}
	change := func(f func(j *workspace.JobOverview)) workspace.Overview {
		ov := overview()
		f(&ov.Jobs[2])
		return ov
	}
	runChecks(t, "update-not-reset", []checkCase{
		{"unchanged", base, "", baseline, false, "still 1"},
		{"reset dropped the schedule", change(func(j *workspace.JobOverview) { j.MaxConcurrentRuns, j.Schedule = 3, "" }), "", baseline, false, "lost its schedule"},
		{"reset renamed it", change(func(j *workspace.JobOverview) { j.MaxConcurrentRuns, j.Name = 3, "Untitled" }), "", baseline, false, "jobs/reset replaced every setting"},
		{"task lost", change(func(j *workspace.JobOverview) { j.MaxConcurrentRuns, j.Tasks = 3, nil }), "", baseline, false, "lost its task"},
		{"deleted", workspace.Overview{Jobs: overview().Jobs[:2]}, "", baseline, false, "gone"},
		{"updated", change(func(j *workspace.JobOverview) { j.MaxConcurrentRuns = 3 }), "", baseline, true, "allows 3 concurrent runs"},
		{"already changed before the start", change(func(j *workspace.JobOverview) { j.MaxConcurrentRuns = 3 }), "", "103:3", false, "still 3"},
	})
}

func TestSubmit(t *testing.T) {
	t.Parallel()
	sub := func(at time.Time, active bool) workspace.Overview {
		ov := overview()
		r := workspace.RunOverview{RunID: 600, RunName: "one-off", RunType: "SUBMIT_RUN", StartTime: at, Active: active,
			LifeCycleState: "TERMINATED", ResultState: "SUCCESS", Tasks: []workspace.TaskRunOverview{{TaskKey: "once"}}}
		if active {
			r.LifeCycleState, r.ResultState = "RUNNING", ""
		}
		ov.SubmitRuns = []workspace.RunOverview{r}
		return ov
	}
	runChecks(t, "submit-one-time", []checkCase{
		{"nothing", overview(), "", "", false, "No runs/submit run"},
		{"old submit run", sub(before, false), "", "", false, "No runs/submit run"},
		{"run-now instead", overview(okEtl(500, after)), "", "", false, "run-now, run_type JOB_RUN"},
		{"still running", sub(after, true), "", "", false, "still running"},
		{"done", sub(after, false), "", "", true, "SUBMIT_RUN"},
		{"the console's example, unchanged", func() workspace.Overview {
			ov := sub(after, false)
			ov.SubmitRuns[0].Tasks = []workspace.TaskRunOverview{{TaskKey: "backfill"}}
			return ov
		}(), "", "", false, "ran backfill: the challenge asks for your own task with task_key once"},
	})
}

func TestParams(t *testing.T) {
	t.Parallel()
	with := func(p map[string]string) workspace.RunOverview {
		r := okEtl(500, after)
		r.JobParameters = p
		return r
	}
	old := with(map[string]string{"env": "dev", "run_date": "today"})
	old.StartTime = before
	runChecks(t, "job-params-override", []checkCase{
		{"no run", overview(), "", "", false, "No nightly-etl run started"},
		{"old run with an override", overview(old), "", "", false, "No nightly-etl run started"},
		{"defaults", overview(okEtl(500, after)), "", "", false, "used the defaults"},
		{"unknown name", overview(with(map[string]string{"env": "prod", "run_date": "today", "rundate": "x"})), "", "", false, "rundate, which nightly-etl does not define"},
		{"override", overview(with(map[string]string{"env": "prod", "run_date": "2024-01-31"})), "", "", true, `run_date="2024-01-31"`},
		{"the console's example (env=dev), unchanged", overview(with(map[string]string{"env": "dev", "run_date": "today"})), "", "", false, "overrode env"},
	})
}
