package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jobs-api-trainer/trainer/data"
	"github.com/jobs-api-trainer/trainer/web"
)

// cliVersion is the databricks CLI the tests run: the version the lesson,
// the bank and the shared reference describe.
const cliVersion = "v1.12.1"

// realCLI returns the path of the real databricks CLI, built once from the
// Go module proxy through a throwaway wrapper module (shared TOOLING.md,
// "The real databricks CLI": `go install` of the CLI itself is refused)
// into os.UserCacheDir()/jobs-api-trainer/databricks-cli-<version>, and
// reused from there by every later run. When it cannot be built (no
// network, no proxy) that is a failure. The tests that use it are
// end-to-end: they run only with E2E=1 (as in .ci/run).
func realCLI(t *testing.T) string {
	t.Helper()
	e2eOnly(t, "the real databricks CLI "+cliVersion)
	bin, err := buildCLI()
	if err != nil {
		t.Fatalf("E2E=1 but the databricks CLI %s could not be built: %v", cliVersion, err)
	}
	return bin
}

var (
	cliOnce sync.Once
	cliPath string
	cliErr  error
)

func buildCLI() (string, error) {
	cliOnce.Do(func() { cliPath, cliErr = buildCLIOnce() })
	return cliPath, cliErr
}

func buildCLIOnce() (string, error) {
	cache, err := os.UserCacheDir()
	if err != nil {
		return "", err
	}
	dir := filepath.Join(cache, "jobs-api-trainer", "databricks-cli-"+cliVersion)
	bin := filepath.Join(dir, "databricks")
	if fi, err := os.Stat(bin); err == nil && fi.Mode().IsRegular() && fi.Size() > 0 {
		return bin, nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	wrap, err := os.MkdirTemp("", "databricks-cli-wrap-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(wrap)
	tmp := filepath.Join(dir, fmt.Sprintf("databricks.%d.tmp", os.Getpid()))
	steps := [][]string{
		{"go", "mod", "init", "wrap"},
		{"go", "get", "github.com/databricks/cli@" + cliVersion},
		{"go", "build", "-o", tmp, "github.com/databricks/cli"},
	}
	for _, s := range steps {
		cmd := exec.Command(s[0], s[1:]...)
		cmd.Dir = wrap
		cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOWORK=off")
		if out, err := cmd.CombinedOutput(); err != nil {
			os.Remove(tmp)
			return "", fmt.Errorf("%s: %v\n%s", strings.Join(s, " "), err, lastLines(out, 15))
		}
	}
	// Renamed into place only when complete, so a build cut short is never
	// taken for the binary.
	return bin, os.Rename(tmp, bin)
}

func lastLines(b []byte, n int) string {
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}

// cliEnv runs the real CLI against the trainer: a throwaway HOME (the CLI
// reads ~/.databrickscfg and writes $HOME/.cache/databricks), the host and
// the sandbox token.
type cliEnv struct {
	t         *testing.T
	bin, home string
	base, tok string
	dir       string // the working directory (the bundle)
}

// run runs the CLI with args and returns its stdout and stderr; it fails
// the test when the exit code is not 0.
func (c *cliEnv) run(args ...string) (string, string) {
	c.t.Helper()
	out, errOut, err := c.try(args...)
	if err != nil {
		c.t.Fatalf("databricks %s: %v\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), err, out, errOut)
	}
	return out, errOut
}

func (c *cliEnv) try(args ...string) (string, string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, c.bin, args...)
	cmd.Dir = c.dir
	cmd.Env = []string{
		"HOME=" + c.home, "PATH=" + os.Getenv("PATH"), "TMPDIR=" + os.TempDir(),
		"DATABRICKS_HOST=" + c.base, "DATABRICKS_TOKEN=" + c.tok,
	}
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	return out.String(), errOut.String(), err
}

// writeTestBundle writes the sandbox's example bundle (data/bundle: what
// the Bundles panel offers, one job of two notebook tasks with a dev and a
// prod target) into dir, with host filled in as the panel does, plus a
// plain Python file and a README that deploy uploads as files.
func writeTestBundle(t *testing.T, dir, host string) {
	t.Helper()
	files := map[string]string{"src/lib/helper.py": "def helper():\n    return 1\n", "README.md": "A bundle for the trainer's sandbox.\n"}
	for _, name := range []string{"databricks.yml", "src/ingest.py", "src/report.py"} {
		b, err := fs.ReadFile(data.FS, "bundle/"+name)
		if err != nil {
			t.Fatal(err)
		}
		files[name] = web.BundleFile(string(b), host)
	}
	for name, body := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// TestRealCLIBundleLifecycle runs the real databricks CLI v1.12.1 against
// the trainer (its direct deployment engine; no Terraform): bundle
// validate, deploy, run and summary for the dev target, then deploy and run
// for prod, destroy dev (prod must survive), destroy prod, asserting the
// sandbox workspace's files and jobs after each step (issue 15).
func TestRealCLIBundleLifecycle(t *testing.T) {
	t.Parallel()
	bin := realCLI(t)
	const tok = "dapi0123456789abcdef0123456789abcdef"
	db := filepath.Join(t.TempDir(), "cli.db")
	base, cancel, _, _ := startRun(t, "-addr", "127.0.0.1:0", "-db", db, "-sandbox-token", tok, "-sandbox-task-duration", "100ms")
	defer cancel()
	dir := t.TempDir()
	writeTestBundle(t, dir, base)
	c := &cliEnv{t: t, bin: bin, home: t.TempDir(), base: base, tok: tok, dir: dir}
	api := newAPIClient(base, tok)
	const user = "sandbox@example.com"
	devRoot := "/Workspace/Users/" + user + "/.bundle/trainer_demo/dev"
	prodRoot := "/Workspace/Users/" + user + "/.bundle/trainer_demo/prod"
	const devName, prodName = "[dev sandbox] nightly-etl-bundle", "nightly-etl-bundle"

	status := func(p string) (int, map[string]any) {
		t.Helper()
		code, out, err := api.call("GET", "/api/2.0/workspace/get-status?path="+url.QueryEscape(p), nil)
		if err != nil {
			t.Fatal(err)
		}
		return code, out
	}
	wantObject := func(p, typ string) {
		t.Helper()
		if code, out := status(p); code != 200 || out["object_type"] != typ {
			t.Errorf("%s: %d %v, want a %s", p, code, out, typ)
		}
	}
	wantGone := func(p string) {
		t.Helper()
		if code, out := status(p); code != 404 || out["error_code"] != "RESOURCE_DOES_NOT_EXIST" {
			t.Errorf("%s: %d %v, want 404 RESOURCE_DOES_NOT_EXIST", p, code, out)
		}
	}
	jobsNamed := func(name string) []map[string]any {
		t.Helper()
		out, err := api.ok("GET", "/api/2.2/jobs/list?name="+url.QueryEscape(name), nil)
		if err != nil {
			t.Fatal(err)
		}
		var js []map[string]any
		for _, j := range asSlice(out["jobs"]) {
			js = append(js, j.(map[string]any))
		}
		return js
	}
	oneJob := func(name string) map[string]any {
		t.Helper()
		js := jobsNamed(name)
		if len(js) != 1 {
			t.Fatalf("%d jobs named %q, want 1", len(js), name)
		}
		out, err := api.ok("GET", "/api/2.2/jobs/get?job_id="+itoa(jsonInt(js[0]["job_id"])), nil)
		if err != nil {
			t.Fatal(err)
		}
		return out
	}

	// validate: reads the workspace (current user, no state yet); creates
	// no job and uploads nothing, but CLI v1.12.1 makes the empty files
	// folder while checking what it would sync (libs/sync/path.go).
	out, _ := c.run("bundle", "validate", "-t", "dev")
	if !strings.Contains(out, "trainer_demo") || !strings.Contains(out, "Validation OK!") || !strings.Contains(out, devRoot) {
		t.Errorf("validate printed:\n%s", out)
	}
	wantObject(devRoot+"/files", "DIRECTORY")
	wantGone(devRoot + "/state")
	wantGone(devRoot + "/files/databricks.yml")
	if js := jobsNamed(devName); len(js) != 0 {
		t.Errorf("validate created a job: %v", js)
	}

	// deploy dev: files, state and a job named with the [dev <user>] prefix, schedule paused.
	c.run("bundle", "deploy", "-t", "dev")
	wantObject(devRoot, "DIRECTORY")
	wantObject(devRoot+"/state", "DIRECTORY")
	wantObject(devRoot+"/files/databricks.yml", "FILE")
	wantObject(devRoot+"/files/src/ingest", "NOTEBOOK")
	wantObject(devRoot+"/files/src/lib/helper.py", "FILE")
	wantGone(devRoot + "/state/deploy.lock") // released
	dev := oneJob(devName)
	devID := jsonInt(dev["job_id"])
	if get(dev, "settings.schedule.pause_status") != "PAUSED" {
		t.Errorf("dev schedule: %v, want PAUSED in development mode", get(dev, "settings.schedule"))
	}
	if p := get(dev, "settings.tasks.0.notebook_task.notebook_path"); p != devRoot+"/files/src/ingest" {
		t.Errorf("dev task 0 notebook_path %v", p)
	}

	// run dev by key: one run of the dev job, succeeded.
	out, errOut := c.run("bundle", "run", "nightly_etl", "-t", "dev")
	if !strings.Contains(out, "Task ingest finished successfully.") || !strings.Contains(out, "Task report finished successfully.") {
		t.Errorf("bundle run printed:\n%s\n%s", out, errOut)
	}
	runs, err := api.ok("GET", "/api/2.2/jobs/runs/list?job_id="+itoa(devID), nil)
	if err != nil {
		t.Fatal(err)
	}
	if rs := asSlice(runs["runs"]); len(rs) != 1 || get(rs[0], "state.result_state") != "SUCCESS" {
		t.Errorf("dev runs after bundle run: %v", runs)
	}

	// summary: names the job and its URL.
	out, _ = c.run("bundle", "summary", "-t", "dev")
	if !strings.Contains(out, devName) || !strings.Contains(out, base+"/jobs/"+itoa(devID)) {
		t.Errorf("summary printed:\n%s", out)
	}

	// deploy and run prod: a second job, without the prefix, schedule as written.
	c.run("bundle", "deploy", "-t", "prod")
	wantObject(prodRoot+"/state", "DIRECTORY")
	prod := oneJob(prodName)
	prodID := jsonInt(prod["job_id"])
	if prodID == devID || get(prod, "settings.schedule.pause_status") == "PAUSED" {
		t.Errorf("prod job %d: schedule %v", prodID, get(prod, "settings.schedule"))
	}
	c.run("bundle", "run", "nightly_etl", "-t", "prod")
	runs, _ = api.ok("GET", "/api/2.2/jobs/runs/list?job_id="+itoa(prodID), nil)
	if rs := asSlice(runs["runs"]); len(rs) != 1 {
		t.Errorf("prod runs after bundle run: %v", runs)
	}

	// destroy dev: the dev job and root go, prod survives.
	c.run("bundle", "destroy", "-t", "dev", "--auto-approve")
	wantGone(devRoot)
	if js := jobsNamed(devName); len(js) != 0 {
		t.Errorf("dev job survived destroy: %v", js)
	}
	oneJob(prodName)
	wantObject(prodRoot+"/state", "DIRECTORY")

	// destroy prod.
	c.run("bundle", "destroy", "-t", "prod", "--auto-approve")
	wantGone(prodRoot)
	if js := jobsNamed(prodName); len(js) != 0 {
		t.Errorf("prod job survived destroy: %v", js)
	}
}

// TestRealCLIJobsCommands runs the `databricks jobs` commands the lesson
// teaches with the real CLI v1.12.1 against the sandbox's fixtures: list,
// get, run-now, list-runs, get-run and repair-run (nightly-etl's
// quality_check fails its first attempt, so the repair is what makes the
// run succeed).
func TestRealCLIJobsCommands(t *testing.T) {
	t.Parallel()
	bin := realCLI(t)
	const tok = "dapifedcba9876543210fedcba9876543210"
	db := filepath.Join(t.TempDir(), "cli.db")
	base, cancel, _, _ := startRun(t, "-addr", "127.0.0.1:0", "-db", db, "-sandbox-token", tok, "-sandbox-task-duration", "100ms")
	defer cancel()
	c := &cliEnv{t: t, bin: bin, home: t.TempDir(), base: base, tok: tok, dir: t.TempDir()}
	api := newAPIClient(base, tok)

	out, _ := c.run("jobs", "list")
	for _, want := range []string{"101", "nightly-etl", "102", "customer-360", "103", "hourly-report"} {
		if !strings.Contains(out, want) {
			t.Errorf("jobs list lacks %q:\n%s", want, out)
		}
	}
	out, _ = c.run("jobs", "get", "101")
	if !strings.Contains(out, `"job_id": 101`) || !strings.Contains(out, `"name": "nightly-etl"`) {
		t.Errorf("jobs get 101:\n%s", out)
	}
	_, errOut, err := c.try("jobs", "get", "999")
	if err == nil || !strings.Contains(errOut, "Job 999 does not exist.") {
		t.Errorf("jobs get 999: %v %s", err, errOut)
	}

	out, _ = c.run("jobs", "run-now", "101", "--no-wait")
	m := regexp.MustCompile(`"run_id":\s*(\d+)`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("run-now --no-wait printed:\n%s", out)
	}
	runID := m[1]
	// Wait until it ends (it fails: quality_check fails its first attempt).
	deadline := time.Now().Add(time.Minute)
	for {
		r, err := api.ok("GET", "/api/2.2/jobs/runs/get?run_id="+runID, nil)
		if err != nil {
			t.Fatal(err)
		}
		if get(r, "state.life_cycle_state") == "TERMINATED" || get(r, "state.life_cycle_state") == "INTERNAL_ERROR" {
			if get(r, "state.result_state") != "FAILED" {
				t.Fatalf("run %s ended %v, want FAILED", runID, get(r, "state"))
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("run %s never ended", runID)
		}
		time.Sleep(100 * time.Millisecond)
	}
	out, _ = c.run("jobs", "list-runs", "--job-id", "101")
	if !strings.Contains(out, runID) || !strings.Contains(out, "FAILED") {
		t.Errorf("list-runs lacks run %s FAILED:\n%s", runID, out)
	}
	out, _ = c.run("jobs", "get-run", runID)
	if !strings.Contains(out, `"run_id": `+runID) || !strings.Contains(out, `"result_state": "FAILED"`) {
		t.Errorf("get-run %s:\n%s", runID, out)
	}
	out, _ = c.run("jobs", "repair-run", runID, "--rerun-all-failed-tasks")
	if !strings.Contains(out, `"result_state": "SUCCESS"`) {
		t.Errorf("repair-run printed:\n%s", out)
	}
	r, err := api.ok("GET", "/api/2.2/jobs/runs/get?include_history=true&run_id="+runID, nil)
	if err != nil {
		t.Fatal(err)
	}
	if get(r, "state.result_state") != "SUCCESS" || len(asSlice(r["repair_history"])) != 2 {
		t.Errorf("after repair-run: state %v, repair_history %v", get(r, "state"), r["repair_history"])
	}
	// The same run again: the second repair needs latest_repair_id, which
	// the CLI does not guess.
	_, errOut, err = c.try("jobs", "repair-run", runID, "--rerun-all-failed-tasks", "--no-wait")
	if err == nil || errOut == "" {
		t.Errorf("a second repair without --latest-repair-id succeeded")
	}
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		t.Errorf("second repair: %v", err)
	}
}

func asSlice(v any) []any { s, _ := v.([]any); return s }

// get walks a decoded JSON value by keys and indexes ("state.result_state",
// "tasks.0.run_id").
func get(v any, path string) any {
	for _, p := range strings.Split(path, ".") {
		switch x := v.(type) {
		case map[string]any:
			v = x[p]
		case []any:
			i := 0
			for _, ch := range p {
				i = i*10 + int(ch-'0')
			}
			if i >= len(x) {
				return nil
			}
			v = x[i]
		default:
			return nil
		}
	}
	return v
}
