package web_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/jobs-api-trainer/trainer/store"
	"github.com/jobs-api-trainer/trainer/workspace"
)

// TestSandboxPagesStoreNoWorkspace: showing the sandbox page and the
// picture to a learner whose workspace was never used draws the fixtures
// but writes no workspace document; the first API call seeds it.
func TestSandboxPagesStoreNoWorkspace(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	tok := tokenFromPage(t, a)
	ctx := context.Background()
	id, err := a.db.ResolveSandboxToken(ctx, tok)
	if err != nil {
		t.Fatal(err)
	}
	ws := store.WorkspaceOf(id)
	for _, path := range []string{"/sandbox", "/sandbox?try=pagination", "/sandbox?ep=runs-get", "/sandbox/picture"} {
		r := a.get(path)
		if r.status != 200 {
			t.Fatalf("%s: %d", path, r.status)
		}
		if path == "/sandbox/picture" && r.doc().Find(`[data-testid="pic-job-nightly-etl"]`).Length() != 1 {
			t.Errorf("the picture of an unused workspace lacks the fixture job nightly-etl")
		}
	}
	if r := a.hxGet("/sandbox/picture"); r.doc().Find(`[data-testid="pic-job-customer-360"]`).Length() != 1 {
		t.Errorf("the picture fragment lacks the fixture job customer-360")
	}
	if ok, err := a.db.WorkspaceExists(ctx, ws); err != nil || ok {
		t.Fatalf("after showing the pages, workspace stored = %v (err %v), want nothing stored", ok, err)
	}
	if code, body := a.api("GET", "/api/2.2/jobs/list?name=nightly-etl", tok, ""); code != 200 || len(jobNames(body)) != 1 {
		t.Fatalf("first API call: %d %v", code, body)
	}
	if ok, err := a.db.WorkspaceExists(ctx, ws); err != nil || !ok {
		t.Fatalf("after the first API call, workspace stored = %v (err %v), want seeded", ok, err)
	}
}

// TestPictureBoundedForHugeWorkspace: with 2,000 jobs (200 without E2E=1:
// creating them is most of the test's time) the picture still draws only
// the 20 newest jobs, 5 runs each and the 10 newest one-time runs, and
// says how many there are with a link to the list call.
func TestPictureBoundedForHugeWorkspace(t *testing.T) {
	t.Parallel()
	a := newTestServer(t, testOpts{Limits: workspace.Limits{MaxJobs: 5000, APIRate: -1}})
	tok := tokenFromPage(t, a)
	n := 200
	if e2e() {
		n = 2000
	}
	var last int64
	for i := range n {
		code, body := a.api("POST", "/api/2.2/jobs/create", tok,
			fmt.Sprintf(`{"name":"bulk-%d","max_concurrent_runs":20,"tasks":[{"task_key":"a","notebook_task":{"notebook_path":"/x"}}]}`, i))
		if code != 200 {
			t.Fatalf("create %d: %d %v", i, code, body)
		}
		last = int64(body["job_id"].(float64))
	}
	for range 8 {
		if code, body := a.api("POST", "/api/2.2/jobs/run-now", tok, fmt.Sprintf(`{"job_id":%d}`, last)); code != 200 {
			t.Fatalf("run-now: %d %v", code, body)
		}
	}
	for range 12 {
		if code, body := a.api("POST", "/api/2.2/jobs/runs/submit", tok, `{"tasks":[{"task_key":"a","notebook_task":{"notebook_path":"/x"}}]}`); code != 200 {
			t.Fatalf("submit: %d %v", code, body)
		}
	}
	start := time.Now()
	r := a.hxGet("/sandbox/picture")
	took := time.Since(start)
	if r.status != 200 {
		t.Fatalf("picture: %d", r.status)
	}
	jobs := r.doc().Find(`section.pic-job[data-job-id]`)
	if jobs.Length() != 20 {
		t.Errorf("%d jobs drawn, want the 20 newest", jobs.Length())
	}
	if got := jobs.Last().AttrOr("data-job-id", ""); got != fmt.Sprint(last) {
		t.Errorf("last job drawn is %s, want the newest, %d", got, last)
	}
	if got := r.doc().Find(fmt.Sprintf(`[data-job-id="%d"] .pic-run`, last)).Length(); got != 5 {
		t.Errorf("%d runs of the newest job drawn, want 5", got)
	}
	if got := r.doc().Find(`[data-testid="pic-submit-runs"] .pic-run`).Length(); got != 10 {
		t.Errorf("%d one-time runs drawn, want 10", got)
	}
	more := r.doc().Find(`[data-testid="picture-more-jobs"]`)
	if !strings.Contains(more.Text(), fmt.Sprintf("Showing the 20 newest of %d jobs", n+3)) { // plus the 3 fixture jobs
		t.Errorf("more-jobs line: %q", more.Text())
	}
	if href := more.Find("a").AttrOr("href", ""); href != "/sandbox?ep=jobs-list#call-panel" {
		t.Errorf("more-jobs link %q", href)
	}
	if txt := r.doc().Find(`[data-testid="picture-more-submit-runs"]`).Text(); !strings.Contains(txt, "10 newest of 12 one-time runs") {
		t.Errorf("more-submit-runs line: %q", txt)
	}
	if all := r.doc().Find("*").Length(); all > 3000 {
		t.Errorf("picture has %d elements: not bounded", all)
	}
	if len(r.body) > 400_000 {
		t.Errorf("picture is %d bytes", len(r.body))
	}
	t.Logf("picture of %d jobs: %d bytes, %d elements, %v", n, len(r.body), r.doc().Find("*").Length(), took)
	if s := a.get("/sandbox?ep=run-now"); s.status != 200 || len(s.body) > 400_000 {
		t.Errorf("sandbox page: %d, %d bytes", s.status, len(s.body))
	}
}
