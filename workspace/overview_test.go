package workspace

import (
	"context"
	"slices"
	"testing"
	"time"
)

// overviewRun is run rid of the first job in learner-1's Overview.
func (e *env) overviewRun(rid int64) RunOverview {
	e.t.Helper()
	ov, err := e.m.Overview(context.Background(), "learner-1", 5)
	if err != nil {
		e.t.Fatal(err)
	}
	for _, j := range ov.Jobs {
		for _, r := range j.Runs {
			if r.RunID == rid {
				return r
			}
		}
	}
	e.t.Fatalf("run %d not in the overview", rid)
	return RunOverview{}
}

// checkEarlier checks Earlier against the API: its run ids are exactly the
// repair_history task_run_ids not among the run's tasks (of those started),
// and each one's key, attempt and state are what runs/get-output says.
func (e *env) checkEarlier(rid int64, run RunOverview) {
	e.t.Helper()
	h := e.ok(tokA, "GET", "/api/2.2/jobs/runs/get?include_history=true&run_id="+itoa(rid), nil)
	current := map[int64]bool{}
	for _, t := range run.Tasks {
		current[t.RunID] = true
	}
	var want []int64
	for i, seg := range h["repair_history"].([]any) {
		if i >= len(run.RepairHistory) || num(get(seg, "id")) != run.RepairHistory[i].RepairID ||
			str(get(seg, "state.result_state")) != run.RepairHistory[i].ResultState ||
			str(get(seg, "state.life_cycle_state")) != run.RepairHistory[i].LifeCycleState {
			e.t.Fatalf("repair_history[%d] = %v, RepairHistory %+v", i, seg, run.RepairHistory)
		}
		for _, id := range get(seg, "task_run_ids").([]any) {
			if !current[num(id)] {
				want = append(want, num(id))
			}
		}
	}
	var got []int64
	for _, a := range run.Earlier {
		got = append(got, a.RunID)
		out := e.ok(tokA, "GET", "/api/2.2/jobs/runs/get-output?run_id="+itoa(a.RunID), nil)
		if str(get(out, "metadata.task_key")) != a.TaskKey || num(get(out, "metadata.attempt_number")) != int64(a.AttemptNumber) ||
			str(get(out, "metadata.state.life_cycle_state")) != a.LifeCycleState ||
			str(get(out, "metadata.state.result_state")) != a.ResultState {
			e.t.Errorf("Earlier %+v, get-output %v", a, out["metadata"])
		}
	}
	for _, id := range got {
		if !slices.Contains(want, id) {
			e.t.Errorf("Earlier has %d, not a replaced task run of %v", id, want)
		}
	}
	if len(run.RepairHistory) != len(h["repair_history"].([]any)) {
		e.t.Errorf("RepairHistory %+v vs %v", run.RepairHistory, h["repair_history"])
	}
}

func TestOverviewEarlierAfterRepair(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil, false)
	id := e.createJob(tokA, map[string]any{"name": "etl", "tasks": []any{
		nb("ingest", nil, nil),
		nb("quality_check", []string{"ingest"}, sim("fail_once")),
		nb("publish", []string{"quality_check"}, nil)}})
	rid, t0 := e.runNow(tokA, map[string]any{"job_id": id})
	e.runAt(tokA, rid, t0, time.Hour)
	if run := e.overviewRun(rid); len(run.Earlier) != 0 || len(run.RepairHistory) != 1 || run.RepairHistory[0].ResultState != "FAILED" {
		t.Fatalf("never repaired: Earlier %+v, RepairHistory %+v", run.Earlier, run.RepairHistory)
	}
	before := map[string]int64{}
	for _, tr := range e.overviewRun(rid).Tasks {
		before[tr.TaskKey] = tr.RunID
	}
	rep := e.ok(tokA, "POST", "/api/2.2/jobs/runs/repair", map[string]any{"run_id": rid, "rerun_tasks": []string{"quality_check"}, "rerun_dependent_tasks": true})
	repID := num(rep["repair_id"])
	e.runAt(tokA, rid, e.clk.Now(), time.Hour)
	run := e.overviewRun(rid)
	if run.ResultState != "SUCCESS" || len(run.RepairHistory) != 2 || run.RepairHistory[0] != (RepairOverview{0, "INTERNAL_ERROR", "FAILED"}) ||
		run.RepairHistory[1] != (RepairOverview{repID, "TERMINATED", "SUCCESS"}) {
		t.Fatalf("after repair: %s, RepairHistory %+v", run.ResultState, run.RepairHistory)
	}
	want := []TaskRunOverview{
		{TaskKey: "quality_check", RunID: before["quality_check"], LifeCycleState: "TERMINATED", ResultState: "FAILED"},
		{TaskKey: "publish", RunID: before["publish"], LifeCycleState: "SKIPPED", ResultState: "UPSTREAM_FAILED"},
	}
	if len(run.Earlier) != len(want) {
		t.Fatalf("Earlier = %+v, want %+v", run.Earlier, want)
	}
	for i, w := range want {
		g := run.Earlier[i]
		if g.TaskKey != w.TaskKey || g.RunID != w.RunID || g.AttemptNumber != 0 || g.RepairID != 0 ||
			g.LifeCycleState != w.LifeCycleState || g.ResultState != w.ResultState {
			t.Errorf("Earlier[%d] = %+v, want %+v", i, g, w)
		}
	}
	e.checkEarlier(rid, run)
}

// A retry replaces the attempt before it, in the original run and in a
// repair alike; a retry planned but not started yet is not an earlier
// attempt.
func TestOverviewEarlierRetries(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil, false)
	id := e.createJob(tokA, map[string]any{"name": "retry", "tasks": []any{
		nb("quality_check", nil, map[string]any{"max_retries": 1, "min_retry_interval_millis": 2000,
			"notebook_task": map[string]any{"notebook_path": "/x", "base_parameters": map[string]any{"simulate": "fail"}}})}})
	rid, t0 := e.runNow(tokA, map[string]any{"job_id": id})
	// attempt 0 runs 0.333..1.333: its planned retry is not earlier yet
	e.runAt(tokA, rid, t0, 800*time.Millisecond)
	if run := e.overviewRun(rid); len(run.Earlier) != 0 {
		t.Fatalf("Earlier during the first attempt: %+v", run.Earlier)
	}
	e.runAt(tokA, rid, t0, time.Hour)
	run := e.overviewRun(rid)
	if len(run.Earlier) != 1 || run.Earlier[0].AttemptNumber != 0 || run.Earlier[0].ResultState != "FAILED" || run.Tasks[0].AttemptNumber != 1 {
		t.Fatalf("after the retry: Earlier %+v, Tasks %+v", run.Earlier, run.Tasks)
	}
	e.checkEarlier(rid, run)
	rep := e.ok(tokA, "POST", "/api/2.2/jobs/runs/repair", map[string]any{"run_id": rid, "rerun_all_failed_tasks": true})
	repID := num(rep["repair_id"])
	t1 := e.clk.Now()
	e.runAt(tokA, rid, t1, 800*time.Millisecond)
	run = e.overviewRun(rid)
	if len(run.Earlier) != 2 || run.Earlier[0].RepairID != 0 || run.Earlier[1].RepairID != 0 || run.Earlier[1].AttemptNumber != 1 {
		t.Fatalf("repair's first attempt running: Earlier %+v", run.Earlier)
	}
	e.checkEarlier(rid, run)
	e.runAt(tokA, rid, t1, time.Hour)
	run = e.overviewRun(rid)
	var got []struct {
		repair  int64
		attempt int
	}
	for _, a := range run.Earlier {
		if a.TaskKey != "quality_check" || a.ResultState != "FAILED" {
			t.Errorf("Earlier %+v", a)
		}
		got = append(got, struct {
			repair  int64
			attempt int
		}{a.RepairID, a.AttemptNumber})
	}
	if len(got) != 3 || got[0].repair != 0 || got[0].attempt != 0 || got[1].repair != 0 || got[1].attempt != 1 ||
		got[2].repair != repID || got[2].attempt != 0 {
		t.Fatalf("Earlier after the repair = %+v", got)
	}
	e.checkEarlier(rid, run)
}
