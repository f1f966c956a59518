package web_test

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
)

func picRunID(t *testing.T, m map[string]any) int64 {
	t.Helper()
	id, _ := m["run_id"].(float64)
	if id == 0 {
		t.Fatalf("no run_id in %v", m)
	}
	return int64(id)
}

// jobID finds a job's id by name through jobs/list.
func (a *app) picJobID(tok, name string) int64 {
	a.t.Helper()
	_, body := a.api("GET", "/api/2.2/jobs/list?name="+name, tok, "")
	jobs, _ := body["jobs"].([]any)
	if len(jobs) != 1 {
		a.t.Fatalf("jobs/list name=%s: %v", name, body)
	}
	return int64(jobs[0].(map[string]any)["job_id"].(float64))
}

func TestPictureFreshLearner(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	r := a.hxGet("/sandbox/picture")
	if r.status != 200 {
		t.Fatalf("status %d", r.status)
	}
	if r.doc().Find("html").Length() != 0 && strings.Contains(r.body, "<html") {
		t.Fatal("htmx request got a whole page")
	}
	root := r.doc().Find(`[data-testid="run-picture"]`)
	if root.Length() != 1 {
		t.Fatalf("no picture root: %s", r.body)
	}
	if root.AttrOr("data-polling", "") != "false" || root.AttrOr("hx-trigger", "") == "every 2s" {
		t.Error("fresh workspace (all runs finished) still redraws every 2s")
	}
	etl := r.doc().Find(`[data-testid="pic-job-nightly-etl"]`)
	if etl.Length() != 1 {
		t.Fatal("no nightly-etl in the picture")
	}
	runs := etl.Find(".pic-run")
	if runs.Length() != 2 {
		t.Fatalf("nightly-etl shows %d runs, want its 2 past runs", runs.Length())
	}
	// Newest first: the successful run, then the one whose quality_check failed.
	if !runs.Eq(0).HasClass("st-succeeded") || !runs.Eq(1).HasClass("st-failed") {
		t.Errorf("run classes: %q, %q", runs.Eq(0).AttrOr("class", ""), runs.Eq(1).AttrOr("class", ""))
	}
	failed := runs.Eq(1)
	qc := failed.Find(`[data-task="quality_check"]`)
	if !qc.HasClass("st-failed") || !strings.Contains(qc.Text(), "failed") {
		t.Errorf("quality_check node: class %q text %q", qc.AttrOr("class", ""), qc.Text())
	}
	if pub := failed.Find(`[data-task="publish"]`); !pub.HasClass("st-succeeded") {
		t.Errorf("publish node: %q", pub.AttrOr("class", ""))
	}
	id := failed.AttrOr("data-run-id", "")
	href, _ := failed.Find("a.pic-run-id").Attr("href")
	if href != "/sandbox?ep=runs-get&p_run_id="+id+"#call-panel" {
		t.Errorf("run link %q", href)
	}
	// The link opens runs/get with that run (not some other) filled in.
	page := a.get(strings.TrimSuffix(href, "#call-panel"))
	if got := page.doc().Find(`[data-testid="param-run_id"] option[selected]`).AttrOr("value", "") + page.doc().Find(`[data-testid="param-run_id-other"]`).AttrOr("value", ""); got != id {
		t.Errorf("the run link prefills run_id %q, want %s", got, id)
	}
	if got := page.text(`[data-testid="call-panel"] h2`); !strings.Contains(got, "/api/2.2/jobs/runs/get") {
		t.Errorf("the run link opens %q", got)
	}
	jhref, _ := etl.Find(`[data-testid="job-link"]`).Attr("href")
	if jhref != "/sandbox?ep=jobs-get&p_job_id="+etl.AttrOr("data-job-id", "")+"#call-panel" {
		t.Errorf("job link %q", jhref)
	}
	// A task node opens the call that shows that task run.
	qcRun := failed.Find(`[data-task="quality_check"]`)
	if h := qcRun.AttrOr("href", ""); !strings.HasPrefix(h, "/sandbox?ep=runs-get-output&p_run_id=") {
		t.Errorf("task node link %q", h)
	}
	// No badges on first attempts that no repair touched.
	if n := failed.Find(`[data-testid="node-badge"]`).Length(); n != 0 {
		t.Errorf("%d badges on a run without retries or repairs", n)
	}
	if failed.Find(`[data-testid="earlier-attempts"]`).Length() != 0 {
		t.Error("earlier attempts on a run never repaired")
	}
	// A group (its task links stay reachable, not hidden in an image),
	// named, with a text alternative listing each task and its state.
	svg := failed.Find(`svg[role="group"]`)
	if label, _ := svg.Attr("aria-label"); !strings.Contains(label, "4 tasks") || !strings.Contains(label, "1 failed") {
		t.Errorf("svg aria-label %q", label)
	}
	if desc := svg.ChildrenFiltered("desc").Text(); !strings.Contains(desc, "quality_check failed (after transform)") || !strings.Contains(desc, "ingest succeeded") {
		t.Errorf("svg desc %q", desc)
	}
	if failed.Find(`svg[role="img"]`).Length() != 0 {
		t.Error("a task graph with links is still role=img (nested-interactive)")
	}
	// Transform runs after ingest: a later column.
	in := failed.Find(`[data-task="ingest"] rect`).AttrOr("x", "")
	tr := failed.Find(`[data-task="transform"] rect`).AttrOr("x", "")
	if xi, _ := strconv.Atoi(in); xi >= func() int { x, _ := strconv.Atoi(tr); return x }() {
		t.Errorf("ingest x=%s, transform x=%s: not in dependency order", in, tr)
	}
	// The phone layout: the same columns as stages, top to bottom, the
	// failed task in the last one, each task saying what it waits for.
	stages := failed.Find(`[data-testid="dag-stack"] > li`)
	var got []string
	stages.Each(func(_ int, st *goquery.Selection) {
		var keys []string
		st.Find(`[data-stack-task]`).Each(func(_ int, n *goquery.Selection) { keys = append(keys, n.AttrOr("data-stack-task", "")) })
		got = append(got, strings.Join(keys, "+"))
	})
	if strings.Join(got, " / ") != "ingest / transform / quality_check+publish" {
		t.Errorf("stages %q", got)
	}
	if qs := failed.Find(`[data-stack-task="quality_check"]`); qs.AttrOr("data-state", "") != "failed" || !strings.Contains(qs.Text(), "after transform") || qs.AttrOr("href", "") != qcRun.AttrOr("href", "") {
		t.Errorf("stacked quality_check: state %q text %q href %q", qs.AttrOr("data-state", ""), qs.Text(), qs.AttrOr("href", ""))
	}
	// 150 tasks stay one SVG (the stack would be 150 boxes long).
	if n := r.doc().Find(`[data-testid="pic-job-customer-360"] [data-testid="dag-stack"]`).Length(); n != 0 {
		t.Errorf("customer-360's graph has %d stacks", n)
	}
	for _, want := range []string{"queued", "pending", "running", "succeeded", "failed", "skipped", "excluded", "upstream failed", "canceled", "timed out", "waiting for retry"} {
		if !strings.Contains(r.text(`[data-testid="picture-legend"]`), want) {
			t.Errorf("legend lacks %q", want)
		}
	}
	if r.doc().Find(`[data-testid="pic-job-customer-360"]`).Length() != 1 || r.doc().Find(`[data-testid="pic-job-hourly-report"]`).Length() != 1 {
		t.Error("customer-360 or hourly-report missing")
	}

	// Without htmx: the whole page with the layout.
	full := a.get("/sandbox/picture")
	if full.status != 200 || full.doc().Find("header.site-header").Length() != 1 || full.doc().Find(`[data-testid="run-picture"]`).Length() != 1 {
		t.Fatalf("full page: %d", full.status)
	}
}

func TestPicturePollsWhileActiveAndStops(t *testing.T) {
	t.Parallel()
	clk := newFakeClock()
	a := newTestServer(t, testOpts{Now: clk.Now, TaskDuration: time.Second})
	tok := tokenFromPage(t, a)
	etl := a.picJobID(tok, "nightly-etl")
	status, body := a.api("POST", "/api/2.2/jobs/run-now", tok, `{"job_id":`+strconv.FormatInt(etl, 10)+`}`)
	if status != 200 {
		t.Fatalf("run-now: %d %v", status, body)
	}
	run := picRunID(t, body)
	sel := `[data-testid="pic-run-` + strconv.FormatInt(run, 10) + `"]`

	r := a.hxGet("/sandbox/picture")
	root := r.doc().Find(`[data-testid="run-picture"]`)
	if root.AttrOr("hx-trigger", "") != "every 2s" || root.AttrOr("hx-get", "") != "/sandbox/picture" || root.AttrOr("hx-swap", "") != "outerHTML" {
		t.Fatalf("active run but root attrs: %v", root.Nodes[0].Attr)
	}
	if got := r.doc().Find(sel).AttrOr("data-state", ""); got != "pending" && got != "queued" && got != "running" {
		t.Errorf("new run state %q", got)
	}

	clk.Advance(time.Second) // PENDING lasts a third of a task: ingest runs from 0.33s to 1.33s
	r = a.hxGet("/sandbox/picture")
	if got := r.doc().Find(sel+` [data-task="ingest"]`).AttrOr("data-state", ""); got != "running" {
		t.Errorf("ingest mid-run: %q", got)
	}
	if got := r.doc().Find(sel+` [data-task="publish"]`).AttrOr("data-state", ""); got != "blocked" && got != "pending" {
		t.Errorf("publish before its upstream ends: %q", got)
	}

	clk.Advance(time.Minute)
	r = a.hxGet("/sandbox/picture")
	root = r.doc().Find(`[data-testid="run-picture"]`)
	if root.AttrOr("data-polling", "") != "false" || root.AttrOr("hx-trigger", "") == "every 2s" {
		t.Fatal("still redrawing every 2s after the run ended")
	}
	if got := r.doc().Find(sel).AttrOr("data-state", ""); got != "failed" {
		t.Errorf("run after the end: %q", got)
	}

	// Repair quality_check: the same run, with a repair badge on that task only.
	status, body = a.api("POST", "/api/2.2/jobs/runs/repair", tok, `{"run_id":`+strconv.FormatInt(run, 10)+`,"rerun_tasks":["quality_check"]}`)
	if status != 200 {
		t.Fatalf("repair: %d %v", status, body)
	}
	if root := a.hxGet("/sandbox/picture").doc().Find(`[data-testid="run-picture"]`); root.AttrOr("hx-trigger", "") != "every 2s" {
		t.Error("repair in progress but no polling")
	}
	clk.Advance(time.Minute)
	r = a.hxGet("/sandbox/picture")
	node := r.doc().Find(sel + ` [data-task="quality_check"]`)
	if node.AttrOr("data-state", "") != "succeeded" || node.Find(`[data-testid="node-badge"]`).Text() != "repair 1 · before: failed" {
		t.Errorf("repaired quality_check: %q %q", node.AttrOr("data-state", ""), node.Text())
	}
	// attempt_number is 0 for a repaired (not retried) task run: no "attempt".
	if strings.Contains(node.Find(`[data-testid="node-badge"]`).Text(), "attempt") || strings.Contains(node.Find("title").Text(), "attempt_number") {
		t.Errorf("repaired quality_check shows an attempt: %q", node.Text())
	}
	if title := node.Find("title").Text(); !strings.Contains(title, "rerun in repair 1; earlier attempt: failed in the original run (task run ") {
		t.Errorf("quality_check title %q", title)
	}
	// The attempt the repair replaced: quality_check, failed, in the original run.
	earlier := r.doc().Find(sel + ` [data-testid="earlier-attempts"]`)
	if g := earlier.Find(`[data-testid="earlier-group"]`); g.Length() != 1 || !strings.Contains(g.Text(), "original run") || !strings.Contains(g.Text(), "failed") {
		t.Errorf("earlier groups: %q", earlier.Text())
	}
	att := earlier.Find(`[data-testid="earlier-attempt"]`)
	if att.Length() != 1 || att.AttrOr("data-earlier-task", "") != "quality_check" || att.AttrOr("data-earlier-state", "") != "failed" {
		t.Fatalf("earlier attempts: %q", earlier.Text())
	}
	if h := att.Find("a").AttrOr("href", ""); !strings.HasPrefix(h, "/sandbox?ep=runs-get-output&p_run_id=") {
		t.Errorf("earlier attempt link %q", h)
	}
	// It is the task run the original attempt listed in repair_history.
	_, got := a.api("GET", "/api/2.2/jobs/runs/get?include_history=true&run_id="+strconv.FormatInt(run, 10), tok, "")
	orig := got["repair_history"].([]any)[0].(map[string]any)["task_run_ids"].([]any)
	found := false
	for _, x := range orig {
		found = found || strings.Contains(att.Text(), "task run "+strconv.FormatInt(int64(x.(float64)), 10))
	}
	if !found {
		t.Errorf("earlier attempt %q is not among the original task runs %v", att.Text(), orig)
	}
	if h := earlier.Find(`[data-testid="history-link"]`).AttrOr("href", ""); h != "/sandbox?ep=runs-get&p_include_history=true&p_run_id="+strconv.FormatInt(run, 10)+"#call-panel" {
		t.Errorf("history link %q", h)
	}
	if strings.Contains(r.doc().Find(sel+` [data-task="ingest"]`).Text(), "repair") {
		t.Error("ingest shows a repair badge but was not rerun")
	}
	if got := r.text(sel + ` [data-testid="repairs"]`); got != "1 repair" {
		t.Errorf("repairs in the header: %q", got)
	}
	if got := r.doc().Find(sel).AttrOr("data-state", ""); got != "succeeded" {
		t.Errorf("run after repair: %q", got)
	}
}

func TestPictureCollapsesBigRunsAndListsSubmitRuns(t *testing.T) {
	t.Parallel()
	clk := newFakeClock()
	a := newTestServer(t, testOpts{Now: clk.Now, TaskDuration: time.Second})
	tok := tokenFromPage(t, a)
	c360 := a.picJobID(tok, "customer-360")
	_, body := a.api("POST", "/api/2.2/jobs/run-now", tok, `{"job_id":`+strconv.FormatInt(c360, 10)+`}`)
	big := picRunID(t, body)
	status, body := a.api("POST", "/api/2.2/jobs/runs/submit", tok,
		`{"run_name":"one-off","tasks":[{"task_key":"only","notebook_task":{"notebook_path":"/x"},"existing_cluster_id":"c1"}]}`)
	if status != 200 {
		t.Fatalf("submit: %d %v", status, body)
	}
	sub := picRunID(t, body)
	clk.Advance(3 * time.Second)

	r := a.hxGet("/sandbox/picture")
	run := r.doc().Find(`[data-testid="pic-run-` + strconv.FormatInt(big, 10) + `"]`)
	summary := run.Find(`[data-testid="run-summary"]`)
	if summary.Length() != 1 {
		t.Fatal("150-task run not summarised")
	}
	if run.Find("details.pic-graph").Length() != 1 || run.Find(`[data-task]`).Length() != 150 {
		t.Errorf("expand holds %d task nodes", run.Find(`[data-task]`).Length())
	}
	if txt := summary.Find(".pic-counts").Text(); !strings.Contains(txt, "running") || !strings.Contains(txt, "blocked") && !strings.Contains(txt, "pending") {
		t.Errorf("summary counts %q", txt)
	}
	subs := r.doc().Find(`[data-testid="pic-submit-runs"]`)
	if subs.Find(`[data-testid="pic-run-`+strconv.FormatInt(sub, 10)+`"]`).Length() != 1 || !strings.Contains(subs.Text(), "one-off") {
		t.Errorf("submit run missing: %q", subs.Text())
	}
}

// A retried task shows the API's attempt_number (1 for the first retry);
// first attempts show none.
func TestPictureShowsRetries(t *testing.T) {
	t.Parallel()
	clk := newFakeClock()
	a := newTestServer(t, testOpts{Now: clk.Now, TaskDuration: time.Second})
	tok := tokenFromPage(t, a)
	etl := a.picJobID(tok, "nightly-etl")
	// transform has max_retries 1: failing once, it is retried and succeeds.
	_, body := a.api("POST", "/api/2.2/jobs/run-now", tok, `{"job_id":`+strconv.FormatInt(etl, 10)+`,"job_parameters":{"simulate_transform":"fail_once"}}`)
	run := picRunID(t, body)
	clk.Advance(time.Hour)
	r := a.hxGet("/sandbox/picture")
	sel := `[data-testid="pic-run-` + strconv.FormatInt(run, 10) + `"]`
	tr := r.doc().Find(sel + ` [data-task="transform"]`)
	if got := tr.Find(`[data-testid="node-badge"]`).Text(); got != "attempt_number 1" {
		t.Errorf("retried transform badge %q (%q)", got, tr.Text())
	}
	if title := tr.Find("title").Text(); !strings.Contains(title, "attempt_number 1 (retry 1)") {
		t.Errorf("retried transform title %q", title)
	}
	if got := r.doc().Find(sel + ` [data-task="ingest"] [data-testid="node-badge"]`).Length(); got != 0 {
		t.Error("ingest (first attempt) has a badge")
	}
	// A badge line makes every node of that run taller, not just one.
	if h := tr.Find("rect").AttrOr("height", ""); h != "58" {
		t.Errorf("node height %s with a badge line", h)
	}
	if h := r.doc().Find(sel+` [data-task="ingest"] rect`).AttrOr("height", ""); h != "58" {
		t.Errorf("ingest height %s", h)
	}
}

// TestPictureFollowsCallsFromOutside: an idle picture (nothing running)
// still learns of calls made from a terminal or another tab: it polls
// with the workspace version it shows, gets an empty 204 while nothing
// changed, and the new picture once a call changed the workspace.
func TestPictureFollowsCallsFromOutside(t *testing.T) {
	t.Parallel()
	clk := newFakeClock()
	a := newTestServer(t, testOpts{Now: clk.Now, TaskDuration: time.Second})
	tok := tokenFromPage(t, a)
	etl := a.picJobID(tok, "nightly-etl")

	watch := func() string {
		t.Helper()
		r := a.hxGet("/sandbox/picture")
		root := r.doc().Find(`[data-testid="run-picture"]`)
		href := root.AttrOr("hx-get", "")
		if root.AttrOr("data-watching", "") != "true" || !strings.HasPrefix(href, "/sandbox/picture?since=") ||
			root.AttrOr("hx-trigger", "") != "every 1500ms" || root.AttrOr("hx-swap", "") != "outerHTML" {
			t.Fatalf("idle picture does not watch for changes: %v", root.Nodes[0].Attr)
		}
		return href
	}
	href := watch()
	if r := a.hxGet(href); r.status != 204 || r.body != "" {
		t.Fatalf("unchanged workspace: %d %q, want an empty 204", r.status, r.body)
	}

	// A run started from a terminal appears on the next poll.
	status, body := a.api("POST", "/api/2.2/jobs/run-now", tok, `{"job_id":`+strconv.FormatInt(etl, 10)+`}`)
	if status != 200 {
		t.Fatalf("run-now: %d %v", status, body)
	}
	run := strconv.FormatInt(picRunID(t, body), 10)
	r := a.hxGet(href)
	if r.status != 200 || r.doc().Find(`[data-testid="pic-run-`+run+`"]`).Length() != 1 {
		t.Fatalf("after run-now from curl the poll answers %d without run %s", r.status, run)
	}

	// Finished; then a repair from another tab shows up too.
	clk.Advance(time.Minute)
	href = watch()
	if r := a.hxGet(href); r.status != 204 {
		t.Fatalf("idle again: %d", r.status)
	}
	status, body = a.api("POST", "/api/2.2/jobs/runs/repair", tok, `{"run_id":`+run+`,"rerun_tasks":["quality_check"]}`)
	if status != 200 {
		t.Fatalf("repair: %d %v", status, body)
	}
	r = a.hxGet(href)
	if r.status != 200 || r.doc().Find(`[data-testid="pic-run-`+run+`"]`).AttrOr("data-state", "") == "failed" {
		t.Fatalf("after a repair elsewhere: %d, run state %q", r.status, r.doc().Find(`[data-testid="pic-run-`+run+`"]`).AttrOr("data-state", ""))
	}
}
