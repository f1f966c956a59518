package workspace

import (
	"context"
	"testing"
)

// TestPeekStoresNothing: Peek of a workspace never used shows the
// fixtures without seeding, storing or keeping it; once an API call has
// seeded it, Peek shows the stored workspace.
func TestPeekStoresNothing(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := openStore(t, "")
	e := newEnv(t, st, true)
	ov, err := e.m.Peek(ctx, "learner-1", Window{Jobs: 20, RunsPerJob: 5, SubmitRuns: 10})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, j := range ov.Jobs {
		names = append(names, j.Name)
	}
	if !ov.Unused || len(ov.Jobs) != 3 || ov.TotalJobs != 3 || names[0] != "nightly-etl" || len(ov.Jobs[0].Runs) != 2 {
		t.Fatalf("peek of an unused workspace: unused=%v jobs=%v total=%d", ov.Unused, names, ov.TotalJobs)
	}
	if ok, err := st.WorkspaceExists(ctx, "learner-1"); err != nil || ok {
		t.Fatalf("peek stored the workspace (%v, %v)", ok, err)
	}
	if len(e.m.spaces) != 0 {
		t.Fatalf("peek kept %d workspaces in memory", len(e.m.spaces))
	}
	e.ok(tokA, "GET", "/api/2.2/jobs/list", nil)
	if ok, _ := st.WorkspaceExists(ctx, "learner-1"); !ok {
		t.Fatal("the first API call did not seed the workspace")
	}
	after, err := e.m.Peek(ctx, "learner-1", Window{Jobs: 20, RunsPerJob: 5})
	if err != nil {
		t.Fatal(err)
	}
	if after.Unused || len(after.Jobs) != 3 || after.Jobs[0].JobID != ov.Jobs[0].JobID || after.Jobs[0].Runs[0].RunID != ov.Jobs[0].Runs[0].RunID {
		t.Fatalf("peek after seeding: unused=%v, jobs %d, ids differ from the fixture view", after.Unused, len(after.Jobs))
	}
}

// TestPeekWithoutExistsMethod: a Store without WorkspaceExists is asked
// with LoadWorkspace, and still nothing is seeded.
func TestPeekWithoutExistsMethod(t *testing.T) {
	t.Parallel()
	st := newMemStore()
	e := newEnv(t, st, true)
	ov, err := e.m.Peek(context.Background(), "learner-1", Window{RunsPerJob: 1})
	if err != nil || !ov.Unused || len(ov.Jobs) != 3 {
		t.Fatalf("peek: %v, unused=%v, %d jobs", err, ov.Unused, len(ov.Jobs))
	}
	if loads, seeds := st.counts("learner-1"); loads != 1 || seeds != 0 {
		t.Fatalf("loads = %d, seeds = %d, want 1 and 0", loads, seeds)
	}
}

// TestPeekWindow: Peek shows the newest jobs (oldest of them first), each
// with its newest runs, and the newest one-time runs, and counts them all.
func TestPeekWindow(t *testing.T) {
	t.Parallel()
	e := newEnv(t, openStore(t, ""), true)
	var ids []int64
	for range 30 {
		ids = append(ids, e.createJob(tokA, oneTask("bulk")))
	}
	newest := ids[len(ids)-1]
	var runs []int64
	for range 3 {
		runs = append(runs, num(e.ok(tokA, "POST", "/api/2.2/jobs/run-now", map[string]any{"job_id": newest})["run_id"]))
	}
	var submits []int64
	for range 4 {
		submits = append(submits, num(e.ok(tokA, "POST", "/api/2.2/jobs/runs/submit", map[string]any{"tasks": []any{nb("a", nil, nil)}})["run_id"]))
	}
	ov, err := e.m.Peek(context.Background(), "learner-1", Window{Jobs: 5, RunsPerJob: 2, SubmitRuns: 3})
	if err != nil {
		t.Fatal(err)
	}
	if ov.Unused || len(ov.Jobs) != 5 || ov.TotalJobs != 33 || ov.Jobs[0].JobID != ids[25] || ov.Jobs[4].JobID != newest {
		t.Fatalf("jobs: %d of %d, first %d, last %d", len(ov.Jobs), ov.TotalJobs, ov.Jobs[0].JobID, ov.Jobs[4].JobID)
	}
	j := ov.Jobs[4]
	if j.TotalRuns != 3 || len(j.Runs) != 2 || j.Runs[0].RunID != runs[2] || j.Runs[1].RunID != runs[1] {
		t.Fatalf("runs of the newest job: %d of %d", len(j.Runs), j.TotalRuns)
	}
	if ov.TotalSubmitRuns != 4 || len(ov.SubmitRuns) != 3 || ov.SubmitRuns[0].RunID != submits[3] {
		t.Fatalf("submit runs: %d of %d", len(ov.SubmitRuns), ov.TotalSubmitRuns)
	}
	full, _ := e.m.Overview(context.Background(), "learner-1", 1)
	if len(full.Jobs) != 33 || len(full.SubmitRuns) != 4 {
		t.Fatalf("Overview is no longer whole: %d jobs, %d submit runs", len(full.Jobs), len(full.SubmitRuns))
	}
}
