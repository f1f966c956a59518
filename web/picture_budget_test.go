package web_test

import (
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/jobs-api-trainer/trainer/workspace"
)

// denseJobBody is a jobs/create body of n tasks, each depending on the
// previous deps tasks (fewer near the start): the densest DAG the emulator
// takes in one call. Task keys are padded to keyLen characters.
func denseJobBody(name string, n, deps, keyLen int) string {
	key := func(i int) string { return fmt.Sprintf("t%0*d", max(keyLen, 5)-1, i) }
	var b strings.Builder
	fmt.Fprintf(&b, `{"name":%q,"max_concurrent_runs":5,"tasks":[`, name)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"task_key":%q,"notebook_task":{"notebook_path":"/x"}`, key(i))
		if i > 0 {
			b.WriteString(`,"depends_on":[`)
			for d := max(0, i-deps); d < i; d++ {
				if d > max(0, i-deps) {
					b.WriteByte(',')
				}
				fmt.Fprintf(&b, `{"task_key":%q}`, key(d))
			}
			b.WriteByte(']')
		}
		b.WriteByte('}')
	}
	b.WriteString(`]}`)
	return b.String()
}

// budgetWorkspace creates jobs of n tasks (each after the previous deps,
// keys of keyLen characters) with runs finished runs each, through the
// real emulator API, and returns the app, the token and the newest run's id.
func budgetWorkspace(t *testing.T, jobs, n, deps, keyLen, runs int) (*app, string, int64) {
	t.Helper()
	clk := newFakeClock()
	a := newTestServer(t, testOpts{Now: clk.Now, TaskDuration: time.Second, Limits: workspace.Limits{APIRate: -1}})
	tok := tokenFromPage(t, a)
	var last int64
	for j := range jobs {
		code, body := a.api("POST", "/api/2.2/jobs/create", tok, denseJobBody(fmt.Sprintf("dense-%d", j), n, deps, keyLen))
		if code != 200 {
			t.Fatalf("create: %d %v", code, body)
		}
		id := int64(body["job_id"].(float64))
		for range runs {
			code, body := a.api("POST", "/api/2.2/jobs/run-now", tok, fmt.Sprintf(`{"job_id":%d}`, id))
			if code != 200 {
				t.Fatalf("run-now: %d %v", code, body)
			}
			last = picRunID(t, body)
		}
	}
	clk.Advance(24 * time.Hour) // every run has finished
	return a, tok, last
}

// pictureMaxBytes is what the tests allow one picture (page or fragment)
// or one console answer about a run: well under 1 MB however the
// workspace is built.
const pictureMaxBytes = 700_000

// TestPictureFoldsDenseDAGs: jobs of 1,000 tasks, each depending on the
// previous 40 (the emulator's maximum, in one jobs/create each), and a run
// of each: the picture page, its polled fragment and the console's answer
// to runs/get stay under pictureMaxBytes, and each DAG is a summary with
// its counts and a link to the call that shows it all, not a drawing.
func TestPictureFoldsDenseDAGs(t *testing.T) {
	t.Parallel()
	a, _, run := budgetWorkspace(t, 2, 1000, 40, 5, 1)
	for _, tt := range []struct {
		name string
		get  func(string) resp
	}{{"page", a.get}, {"fragment", a.hxGet}} {
		start := time.Now()
		r := tt.get("/sandbox/picture")
		took := time.Since(start)
		t.Logf("%s: %d bytes in %v", tt.name, len(r.body), took)
		if r.status != 200 {
			t.Fatalf("%s: %d", tt.name, r.status)
		}
		if len(r.body) > pictureMaxBytes {
			t.Fatalf("%s: %d bytes, want at most %d", tt.name, len(r.body), pictureMaxBytes)
		}
		job := r.doc().Find(`[data-testid="pic-job-dense-1"]`)
		if job.Length() != 1 {
			t.Fatalf("%s: no dense-1 job", tt.name)
		}
		if n := job.Find(".dag-node").Length(); n != 0 {
			t.Errorf("%s: %d task nodes drawn for a 1,000-task job", tt.name, n)
		}
		folded := job.Find(`[data-testid="dag-folded"]`)
		if folded.Length() != 2 { // the job's graph and its run
			t.Fatalf("%s: %d folded DAGs in dense-1, want 2", tt.name, folded.Length())
		}
		if got := folded.First().Text(); !strings.Contains(got, "1,000 tasks, 39,180 dependencies") {
			t.Errorf("%s: job summary %q", tt.name, got)
		}
		if href := folded.First().Find("a").AttrOr("href", ""); !strings.Contains(href, "ep=jobs-get") {
			t.Errorf("%s: job summary links %q", tt.name, href)
		}
		runEl := job.Find(fmt.Sprintf(`[data-run-id="%d"]`, run))
		if got := runEl.AttrOr("data-state", ""); got != "succeeded" {
			t.Errorf("%s: run state %q", tt.name, got)
		}
		if got := runEl.Find(`[data-testid="dag-folded"]`).Text(); !strings.Contains(got, "1,000 tasks, 39,180 dependencies: too large to draw here") {
			t.Errorf("%s: run summary %q", tt.name, got)
		}
		if href := runEl.Find(`[data-testid="dag-folded"] a`).AttrOr("href", ""); !strings.Contains(href, "ep=runs-get") {
			t.Errorf("%s: run summary links %q", tt.name, href)
		}
	}
	// The console's answer to runs/get of that run.
	r := a.hxPost("/sandbox/send", url.Values{"ep": {"runs-get"}, "p_run_id": {fmt.Sprint(run)}})
	t.Logf("console runs/get: %d bytes", len(r.body))
	if r.status != 200 || len(r.body) > pictureMaxBytes {
		t.Fatalf("console runs/get: %d, %d bytes, want at most %d", r.status, len(r.body), pictureMaxBytes)
	}
	if got := r.text(`[data-testid="response-cut"]`); !strings.Contains(got, "JSON tokens") {
		t.Errorf("console runs/get does not say it was cut: %q", got)
	}
}

// TestPictureDrawsNormalWorkspace: the fixtures with customer-360 (150
// tasks) run five times draw every DAG as before, none folded, and the
// console shows a page of that run's runs/get whole.
func TestPictureDrawsNormalWorkspace(t *testing.T) {
	t.Parallel()
	clk := newFakeClock()
	a := newTestServer(t, testOpts{Now: clk.Now, TaskDuration: time.Second})
	tok := tokenFromPage(t, a)
	id := a.picJobID(tok, "customer-360")
	var run int64
	for range 5 {
		code, body := a.api("POST", "/api/2.2/jobs/run-now", tok, fmt.Sprintf(`{"job_id":%d}`, id))
		if code != 200 {
			t.Fatalf("run-now: %d %v", code, body)
		}
		run = picRunID(t, body)
		clk.Advance(time.Hour)
	}
	r := a.get("/sandbox/picture")
	t.Logf("picture: %d bytes", len(r.body))
	if n := r.doc().Find(`[data-testid="dag-folded"]`).Length(); n != 0 {
		t.Errorf("%d DAGs folded in a normal workspace", n)
	}
	job := r.doc().Find(`[data-testid="pic-job-customer-360"]`)
	if n := job.Find(".dag-node").Length(); n != 6*150 {
		t.Errorf("customer-360 draws %d task nodes, want 900 (its graph and 5 runs)", n)
	}
	c := a.hxPost("/sandbox/send", url.Values{"ep": {"runs-get"}, "p_run_id": {fmt.Sprint(run)}})
	t.Logf("console runs/get: %d bytes", len(c.body))
	if c.status != 200 || c.doc().Find(`[data-testid="response-cut"]`).Length() != 0 {
		t.Errorf("console runs/get of customer-360: %d, cut %q", c.status, c.text(`[data-testid="response-cut"]`))
	}
}

// TestPictureDrawingBudget: DAGs each small enough to draw (200 tasks, two
// dependencies each) but too many for one page: the newest job's are
// drawn in full, the oldest's folded with the reason, and the fixtures'
// small graphs drawn while budget is left.
func TestPictureDrawingBudget(t *testing.T) {
	t.Parallel()
	a, _, _ := budgetWorkspace(t, 3, 200, 2, 5, 1)
	r := a.get("/sandbox/picture")
	t.Logf("picture: %d bytes", len(r.body))
	if r.status != 200 || len(r.body) > pictureMaxBytes {
		t.Fatalf("picture: %d, %d bytes, want at most %d", r.status, len(r.body), pictureMaxBytes)
	}
	if n := r.doc().Find(`[data-testid="pic-job-dense-2"] .dag-node`).Length(); n != 2*200 {
		t.Errorf("the newest job draws %d task nodes, want 400 (its graph and its run)", n)
	}
	folded := r.doc().Find(`[data-testid="pic-job-dense-0"] [data-testid="dag-folded"]`)
	if folded.Length() != 2 {
		t.Fatalf("the oldest dense job folds %d DAGs, want 2", folded.Length())
	}
	if got := folded.First().Text(); !strings.Contains(got, "200 tasks, 397 dependencies: not drawn: this page draws at most 1,000 tasks") {
		t.Errorf("folded graph says %q", got)
	}
	if got := r.doc().Find(`[data-testid="pic-job-dense-0"] [data-testid="run-summary"] .pic-counts`).Text(); !strings.Contains(got, "200 succeeded") {
		t.Errorf("the folded run's counts: %q", got)
	}
	if n := r.doc().Find(`[data-testid="pic-job-nightly-etl"] .dag-node`).Length(); n == 0 {
		t.Error("the fixture nightly-etl is not drawn")
	}
}

// TestPictureDrawingBudgetLongKeys: small graphs (24 tasks, every task
// after all before it) with 100-character task keys cost the most bytes
// per task, since the phone-sized list and the text alternative repeat
// every key a task depends on; the page still stays under the bound.
func TestPictureDrawingBudgetLongKeys(t *testing.T) {
	t.Parallel()
	a, _, _ := budgetWorkspace(t, 8, 24, 24, 100, 2)
	r := a.get("/sandbox/picture")
	t.Logf("picture: %d bytes", len(r.body))
	if r.status != 200 || len(r.body) > pictureMaxBytes {
		t.Fatalf("picture: %d, %d bytes, want at most %d", r.status, len(r.body), pictureMaxBytes)
	}
	if n := r.doc().Find(`[data-testid="pic-job-dense-7"] .dag-node`).Length(); n != 3*24 {
		t.Errorf("the newest job draws %d task nodes, want 72 (its graph and two runs)", n)
	}
	if n := r.doc().Find(`[data-testid="dag-folded"]`).Length(); n == 0 {
		t.Error("no graph folded")
	}
}
