//go:build sdk

// The real Go SDK against the emulator. These tests link the SDK (a large
// dependency: it doubles the package's test binary) and are built with the
// sdk tag, as .ci/run does: go test -tags browser,sdk ./...

package workspace

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/databricks/databricks-sdk-go"
	"github.com/databricks/databricks-sdk-go/apierr"
	"github.com/databricks/databricks-sdk-go/service/jobs"
)

// sdkEnv serves the emulator over HTTP and returns a real SDK client. The
// clock moves 2s per request so the SDK waiters finish after a few polls.
// The SDK reads no config file and no DATABRICKS_* variable (TestMain).
func sdkEnv(t *testing.T, tok string) (*env, *databricks.WorkspaceClient) {
	t.Helper()
	e := newEnv(t, openStore(t, ""), true)
	e.clk.step = 3 * time.Second
	srv := httptest.NewServer(e.h)
	t.Cleanup(srv.Close)
	// The SDK throttles itself to 15 requests a second by default; the
	// emulator needs no such care, and the tests would wait for it.
	w, err := databricks.NewWorkspaceClient(&databricks.Config{Host: srv.URL, Token: tok, RateLimitPerSecond: 10000})
	if err != nil {
		t.Fatal(err)
	}
	return e, w
}

func TestSDKConformance(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("SDK waiters take a few seconds")
	}
	ctx := context.Background()
	_, w := sdkEnv(t, tokA)

	t.Run("get merges 150 tasks", func(t *testing.T) {
		var tasks []jobs.Task
		for i := 0; i < 150; i++ {
			tasks = append(tasks, jobs.Task{TaskKey: fmt.Sprintf("t%03d", i), ExistingClusterId: "0101-abc",
				NotebookTask: &jobs.NotebookTask{NotebookPath: "/Users/t/a"}})
		}
		cr, err := w.Jobs.Create(ctx, jobs.CreateJob{Name: "big", Tasks: tasks})
		if err != nil {
			t.Fatal(err)
		}
		j, err := w.Jobs.Get(ctx, jobs.GetJobRequest{JobId: cr.JobId})
		if err != nil {
			t.Fatal(err)
		}
		if len(j.Settings.Tasks) != 150 || j.Settings.Tasks[149].TaskKey != "t149" {
			t.Fatalf("got %d tasks", len(j.Settings.Tasks))
		}
		if j.Settings.MaxConcurrentRuns != 1 || j.Settings.Tasks[0].RunIf != jobs.RunIfAllSuccess || j.CreatorUserName != "learner-1@sandbox.example" {
			t.Fatalf("defaults: %+v", j.Settings)
		}
		// the 150-task fixture too
		c, err := w.Jobs.GetBySettingsName(ctx, "customer-360")
		if err != nil {
			t.Fatal(err)
		}
		// GetByJobId skips the SDK's page merge; Get follows next_page_token.
		full, err := w.Jobs.Get(ctx, jobs.GetJobRequest{JobId: c.JobId})
		if err != nil || len(full.Settings.Tasks) != 150 {
			t.Fatalf("customer-360: %v, %v", err, full)
		}
	})

	t.Run("ListAll 45 jobs page 20", func(t *testing.T) {
		for i := 0; i < 41; i++ {
			if _, err := w.Jobs.Create(ctx, jobs.CreateJob{Name: fmt.Sprintf("bulk-%d", i),
				Tasks: []jobs.Task{{TaskKey: "a", ExistingClusterId: "x", NotebookTask: &jobs.NotebookTask{NotebookPath: "/a"}}}}); err != nil {
				t.Fatal(err)
			}
		}
		all, err := w.Jobs.ListAll(ctx, jobs.ListJobsRequest{Limit: 20})
		if err != nil {
			t.Fatal(err)
		}
		if len(all) != 45 {
			t.Fatalf("ListAll = %d jobs, want 45 (3 fixtures + big + 41)", len(all))
		}
		seen := map[int64]bool{}
		for _, j := range all {
			if seen[j.JobId] {
				t.Fatalf("job %d listed twice", j.JobId)
			}
			seen[j.JobId] = true
		}
	})

	t.Run("run-now reaches SUCCESS", func(t *testing.T) {
		cr, err := w.Jobs.Create(ctx, jobs.CreateJob{Name: "ok", Tasks: []jobs.Task{
			{TaskKey: "a", ExistingClusterId: "x", NotebookTask: &jobs.NotebookTask{NotebookPath: "/a"}},
			{TaskKey: "b", DependsOn: []jobs.TaskDependency{{TaskKey: "a"}}, ExistingClusterId: "x", NotebookTask: &jobs.NotebookTask{NotebookPath: "/b"}},
		}})
		if err != nil {
			t.Fatal(err)
		}
		wait, err := w.Jobs.RunNow(ctx, jobs.RunNow{JobId: cr.JobId, JobParameters: map[string]string{"env": "dev"}})
		if err != nil {
			t.Fatal(err)
		}
		run, err := wait.GetWithTimeout(time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		if run.State.LifeCycleState != jobs.RunLifeCycleStateTerminated || run.State.ResultState != jobs.RunResultStateSuccess {
			t.Fatalf("state %+v", run.State)
		}
		if run.Status == nil || run.Status.State != jobs.RunLifecycleStateV2StateTerminated || len(run.Tasks) != 2 {
			t.Fatalf("status %+v tasks %d", run.Status, len(run.Tasks))
		}
	})

	t.Run("fail_once then repair", func(t *testing.T) {
		nightly, err := w.Jobs.GetBySettingsName(ctx, "nightly-etl")
		if err != nil {
			t.Fatal(err)
		}
		wait, err := w.Jobs.RunNow(ctx, jobs.RunNow{JobId: nightly.JobId})
		if err != nil {
			t.Fatal(err)
		}
		_, err = wait.GetWithTimeout(time.Minute)
		if err == nil {
			t.Fatal("fail_once run: want the waiter to fail on INTERNAL_ERROR")
		}
		run, err := w.Jobs.GetRun(ctx, jobs.GetRunRequest{RunId: wait.RunId})
		if err != nil {
			t.Fatal(err)
		}
		if run.State.ResultState != jobs.RunResultStateFailed || run.State.LifeCycleState != jobs.RunLifeCycleStateInternalError {
			t.Fatalf("state %+v", run.State)
		}
		rw, err := w.Jobs.RepairRun(ctx, jobs.RepairRun{RunId: wait.RunId, RerunAllFailedTasks: true})
		if err != nil {
			t.Fatal(err)
		}
		repaired, err := rw.GetWithTimeout(time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		if repaired.State.ResultState != jobs.RunResultStateSuccess {
			t.Fatalf("after repair: %+v", repaired.State)
		}
		h, err := w.Jobs.GetRun(ctx, jobs.GetRunRequest{RunId: wait.RunId, IncludeHistory: true})
		if err != nil {
			t.Fatal(err)
		}
		if len(h.RepairHistory) != 2 || h.RepairHistory[0].Type != jobs.RepairHistoryItemTypeOriginal ||
			h.RepairHistory[1].Type != jobs.RepairHistoryItemTypeRepair || h.RepairHistory[1].Id != rw.Response.RepairId {
			t.Fatalf("history %+v", h.RepairHistory)
		}
		// a second repair without latest_repair_id is refused
		_, err = w.Jobs.RepairRun(ctx, jobs.RepairRun{RunId: wait.RunId, RerunTasks: []string{"publish"}})
		if err == nil || !errors.Is(err, apierr.ErrInvalidParameterValue) {
			t.Fatalf("second repair without latest_repair_id: %v", err)
		}
		// output of the publish task run
		for _, tr := range h.Tasks {
			if tr.TaskKey == "publish" {
				out, err := w.Jobs.GetRunOutput(ctx, jobs.GetRunOutputRequest{RunId: tr.RunId})
				if err != nil || out.NotebookOutput == nil || out.NotebookOutput.Result == "" {
					t.Fatalf("output: %v %+v", err, out)
				}
			}
		}
		if _, err := w.Jobs.GetRunOutput(ctx, jobs.GetRunOutputRequest{RunId: wait.RunId}); err == nil {
			t.Fatal("get-output of a multi-task run: want 400")
		}
	})

	t.Run("missing job", func(t *testing.T) {
		_, err := w.Jobs.Get(ctx, jobs.GetJobRequest{JobId: 999999})
		if !apierr.IsMissing(err) {
			t.Fatalf("err = %v, want IsMissing", err)
		}
		_, err = w.Jobs.GetRun(ctx, jobs.GetRunRequest{RunId: 999999})
		if !apierr.IsMissing(err) {
			t.Fatalf("run err = %v, want IsMissing", err)
		}
	})

	t.Run("update reset delete", func(t *testing.T) {
		cr, err := w.Jobs.Create(ctx, jobs.CreateJob{Name: "u", Schedule: &jobs.CronSchedule{QuartzCronExpression: "0 0 * * * ?", TimezoneId: "UTC"},
			Tasks: []jobs.Task{{TaskKey: "a", ExistingClusterId: "x", NotebookTask: &jobs.NotebookTask{NotebookPath: "/a"}}}})
		if err != nil {
			t.Fatal(err)
		}
		if err := w.Jobs.Update(ctx, jobs.UpdateJob{JobId: cr.JobId, NewSettings: &jobs.JobSettings{Name: "y",
			Tasks: []jobs.Task{{TaskKey: "b", ExistingClusterId: "x", NotebookTask: &jobs.NotebookTask{NotebookPath: "/b"}}}},
			FieldsToRemove: []string{"schedule"}}); err != nil {
			t.Fatal(err)
		}
		j, _ := w.Jobs.GetByJobId(ctx, cr.JobId)
		if j.Settings.Name != "y" || j.Settings.Schedule != nil || len(j.Settings.Tasks) != 2 {
			t.Fatalf("after update: %+v", j.Settings)
		}
		if err := w.Jobs.Reset(ctx, jobs.ResetJob{JobId: cr.JobId, NewSettings: jobs.JobSettings{Name: "z"}}); err != nil {
			t.Fatal(err)
		}
		j, _ = w.Jobs.GetByJobId(ctx, cr.JobId)
		if j.Settings.Name != "z" || len(j.Settings.Tasks) != 0 {
			t.Fatalf("after reset: %+v", j.Settings)
		}
		if err := w.Jobs.DeleteByJobId(ctx, cr.JobId); err != nil {
			t.Fatal(err)
		}
		if _, err := w.Jobs.GetByJobId(ctx, cr.JobId); !apierr.IsMissing(err) {
			t.Fatalf("after delete: %v", err)
		}
	})

	t.Run("cancel", func(t *testing.T) {
		cr, _ := w.Jobs.Create(ctx, jobs.CreateJob{Name: "slow", Tasks: []jobs.Task{{TaskKey: "a", ExistingClusterId: "x",
			NotebookTask: &jobs.NotebookTask{NotebookPath: "/a", BaseParameters: map[string]string{"simulate": "slow"}}}}})
		wait, err := w.Jobs.RunNow(ctx, jobs.RunNow{JobId: cr.JobId})
		if err != nil {
			t.Fatal(err)
		}
		cancel, err := w.Jobs.CancelRun(ctx, jobs.CancelRun{RunId: wait.RunId})
		if err != nil {
			t.Fatal(err)
		}
		run, err := cancel.Get()
		if err != nil {
			t.Fatal(err)
		}
		if run.State.ResultState != jobs.RunResultStateCanceled {
			t.Fatalf("cancel: %+v", run.State)
		}
	})

	t.Run("submit", func(t *testing.T) {
		submitted, err := w.Jobs.Submit(ctx, jobs.SubmitRun{RunName: "one-off", Tasks: []jobs.SubmitTask{{TaskKey: "a",
			ExistingClusterId: "x", NotebookTask: &jobs.NotebookTask{NotebookPath: "/Users/t/a"}}}})
		if err != nil {
			t.Fatal(err)
		}
		run, err := submitted.Get()
		if err != nil {
			t.Fatal(err)
		}
		// a one-time run belongs to a hidden job with its own id (flytekit#1935)
		if run.RunType != jobs.RunTypeSubmitRun || run.JobId == 0 || run.JobId == run.RunId || run.State.ResultState != jobs.RunResultStateSuccess {
			t.Fatalf("submit: %+v job %d run %d %+v", run.RunType, run.JobId, run.RunId, run.State)
		}
		// serverless-enabled workspace: a notebook task needs no cluster...
		if _, err := w.Jobs.Submit(ctx, jobs.SubmitRun{Tasks: []jobs.SubmitTask{{TaskKey: "a", NotebookTask: &jobs.NotebookTask{NotebookPath: "/a"}}}}); err != nil {
			t.Fatalf("serverless notebook submit: %v", err)
		}
		// ...a JAR task does
		_, err = w.Jobs.Submit(ctx, jobs.SubmitRun{Tasks: []jobs.SubmitTask{{TaskKey: "a", SparkJarTask: &jobs.SparkJarTask{MainClassName: "com.example.Main"}}}})
		if !errors.Is(err, apierr.ErrInvalidParameterValue) || err.Error() != "One of job_cluster_key, new_cluster, or existing_cluster_id must be specified." {
			t.Fatalf("jar submit without compute: %v", err)
		}
	})

	t.Run("runs/get of a task run", func(t *testing.T) {
		run, err := w.Jobs.GetRun(ctx, jobs.GetRunRequest{RunId: 1001})
		if err != nil || len(run.Tasks) == 0 {
			t.Fatalf("fixture run 1001: %v", err)
		}
		taskRunID := run.Tasks[0].RunId
		_, err = w.Jobs.GetRun(ctx, jobs.GetRunRequest{RunId: taskRunID})
		if !errors.Is(err, apierr.ErrInvalidParameterValue) || apierr.IsMissing(err) {
			t.Fatalf("task run id: %v (want ErrInvalidParameterValue, not IsMissing)", err)
		}
		want := fmt.Sprintf("Run %d is a task run of run 1001; runs/get takes the run_id of a job run or submit run (use runs/get-output for a task run).", taskRunID)
		if err.Error() != want {
			t.Fatalf("message %q, want %q", err.Error(), want)
		}
		if _, err := w.Jobs.GetRunOutput(ctx, jobs.GetRunOutputRequest{RunId: taskRunID}); err != nil {
			t.Fatalf("get-output of the task run: %v", err)
		}
	})

	t.Run("iterators re-send filters with page_token", func(t *testing.T) {
		var pagerID int64
		for i := 0; i < 5; i++ {
			cr, err := w.Jobs.Create(ctx, jobs.CreateJob{Name: "same-name", MaxConcurrentRuns: 100,
				Tasks: []jobs.Task{{TaskKey: "a", NotebookTask: &jobs.NotebookTask{NotebookPath: "/a"}}}})
			if err != nil {
				t.Fatal(err)
			}
			pagerID = cr.JobId
		}
		named, err := w.Jobs.ListAll(ctx, jobs.ListJobsRequest{Name: "SAME-name", Limit: 2})
		if err != nil || len(named) != 5 {
			t.Fatalf("ListAll name filter, 3 pages: %d jobs, %v", len(named), err)
		}
		var expanded int
		it := w.Jobs.List(ctx, jobs.ListJobsRequest{Name: "same-name", Limit: 2, ExpandTasks: true})
		for it.HasNext(ctx) {
			j, err := it.Next(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if len(j.Settings.Tasks) != 1 {
				t.Fatalf("expanded job %d has %d tasks", j.JobId, len(j.Settings.Tasks))
			}
			expanded++
		}
		if expanded != 5 {
			t.Fatalf("List(expand) = %d jobs", expanded)
		}
		for i := 0; i < 7; i++ {
			if _, err := w.Jobs.RunNow(ctx, jobs.RunNow{JobId: pagerID}); err != nil {
				t.Fatal(err)
			}
		}
		runs, err := w.Jobs.ListRunsAll(ctx, jobs.ListRunsRequest{JobId: pagerID, RunType: jobs.RunTypeJobRun, Limit: 3})
		if err != nil || len(runs) != 7 {
			t.Fatalf("ListRunsAll job_id filter, 3 pages: %d runs, %v", len(runs), err)
		}
		for i, r := range runs {
			if r.JobId != pagerID || (i > 0 && r.RunId >= runs[i-1].RunId) {
				t.Fatalf("run %d: %+v", i, r)
			}
		}
	})

	t.Run("permissions", func(t *testing.T) {
		nightly, _ := w.Jobs.GetBySettingsName(ctx, "nightly-etl")
		id := fmt.Sprint(nightly.JobId)
		p, err := w.Jobs.GetPermissionsByJobId(ctx, id)
		if err != nil || p.ObjectId != "/jobs/"+id || p.AccessControlList[0].AllPermissions[0].PermissionLevel != jobs.JobPermissionLevelIsOwner {
			t.Fatalf("get perms: %v %+v", err, p)
		}
		p, err = w.Jobs.UpdatePermissions(ctx, jobs.JobPermissionsRequest{JobId: id, AccessControlList: []jobs.JobAccessControlRequest{
			{UserName: "ana@example.com", PermissionLevel: jobs.JobPermissionLevelCanManageRun}}})
		if err != nil || len(p.AccessControlList) != 3 {
			t.Fatalf("patch: %v %+v", err, p)
		}
		p, err = w.Jobs.SetPermissions(ctx, jobs.JobPermissionsRequest{JobId: id, AccessControlList: []jobs.JobAccessControlRequest{
			{GroupName: "analysts", PermissionLevel: jobs.JobPermissionLevelCanView}}})
		if err != nil || len(p.AccessControlList) != 3 || p.AccessControlList[1].GroupName != "analysts" {
			t.Fatalf("put: %v %+v", err, p)
		}
		lv, err := w.Jobs.GetPermissionLevelsByJobId(ctx, id)
		if err != nil || len(lv.PermissionLevels) != 4 {
			t.Fatalf("levels: %v %+v", err, lv)
		}
	})

	t.Run("wrong token", func(t *testing.T) {
		_, bad := sdkEnv(t, "dapi-wrong")
		_, err := bad.Jobs.ListAll(ctx, jobs.ListJobsRequest{})
		if err == nil || !errors.Is(err, apierr.ErrPermissionDenied) {
			t.Fatalf("err = %v, want permission denied", err)
		}
	})
}

// TestSDKWaitsOutTheBudget: the real Go SDK meets a 429 from the request
// budget, waits for its Retry-After and retries, and the call succeeds.
func TestSDKWaitsOutTheBudget(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("waits a second in real time, as the SDK does")
	}
	e := newLimitEnv(t, openStore(t, ""), Limits{APIRate: 1, APIBurst: 1})
	var refused []string
	srv := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		rec := httptest.NewRecorder()
		e.h.ServeHTTP(rec, r)
		if rec.Code == http.StatusTooManyRequests {
			refused = append(refused, rec.Header().Get("Retry-After"))
			e.clk.Add(time.Second) // the wait the client is told to make passes
		}
		for k, v := range rec.Header() {
			rw.Header()[k] = v
		}
		rw.WriteHeader(rec.Code)
		rw.Write(rec.Body.Bytes())
	}))
	t.Cleanup(srv.Close)
	w, err := databricks.NewWorkspaceClient(&databricks.Config{Host: srv.URL, Token: tokA})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := w.Jobs.ListAll(ctx, jobs.ListJobsRequest{}); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	if _, err := w.Jobs.ListAll(ctx, jobs.ListJobsRequest{}); err != nil {
		t.Fatalf("second call, over the budget: %v", err)
	}
	if len(refused) != 1 || refused[0] != "1" {
		t.Fatalf("429s seen with Retry-After %v, want one of 1", refused)
	}
	t.Logf("the SDK retried after %v", time.Since(start))
}

// TestMain gives the package's real-SDK tests (sdk_test.go, limits_test.go)
// a clean environment once for the whole process, so that they can run in
// parallel (t.Setenv cannot): a throwaway HOME with no config file, and no
// DATABRICKS_* variable from the developer's shell.
func TestMain(m *testing.M) {
	home, err := os.MkdirTemp("", "workspace-test-home-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	for _, kv := range os.Environ() {
		if k, _, _ := strings.Cut(kv, "="); strings.HasPrefix(k, "DATABRICKS_") {
			os.Unsetenv(k)
		}
	}
	os.Setenv("HOME", home)
	os.Setenv("DATABRICKS_CONFIG_FILE", filepath.Join(home, "missing.cfg"))
	code := m.Run()
	os.RemoveAll(home)
	os.Exit(code)
}
