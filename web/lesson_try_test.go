package web_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
)

// consoleFormValues reads the console form as a browser would submit it.
func consoleFormValues(doc *goquery.Document) url.Values {
	v := url.Values{}
	form := doc.Find("#call-form")
	form.Find("input[name]").Each(func(_ int, in *goquery.Selection) {
		typ := in.AttrOr("type", "text")
		if (typ == "checkbox" || typ == "radio") && in.AttrOr("checked", "-") == "-" {
			return
		}
		v.Add(in.AttrOr("name", ""), in.AttrOr("value", ""))
	})
	form.Find("select[name]").Each(func(_ int, sel *goquery.Selection) {
		opt := sel.Find("option[selected]")
		if opt.Length() == 0 {
			opt = sel.Find("option").First()
		}
		v.Add(sel.AttrOr("name", ""), opt.AttrOr("value", ""))
	})
	form.Find("textarea[name]").Each(func(_ int, ta *goquery.Selection) {
		v.Add(ta.AttrOr("name", ""), ta.Text())
	})
	return v
}

// TestLessonTryLinksShowTheirPoint: every "Try it" link of every lesson
// opens the call that shows its section's point, and that call, sent as it
// comes, does show it (the paging section's opens the 150-task job, whose
// first page carries a next_page_token).
func TestLessonTryLinksShowTheirPoint(t *testing.T) {
	t.Parallel()
	clk := newFakeClock()
	a := newTestServer(t, testOpts{Now: clk.Now, TaskDuration: time.Second})
	tok := tokenFromPage(t, a)
	jobs := consoleJobs(t, a, tok)
	type want struct {
		ep, job  string // endpoint; job whose id is selected ("" = none)
		cli      string // the CLI line starts with this
		response string // the response to the call as it comes contains this
		// states: for a call that starts a run, each task's result_state/
		// attempt_number once it ended
		states map[string]string
	}
	wants := map[string]want{
		"job-vs-run":    {ep: "jobs-get", job: "nightly-etl", response: `"settings"`},
		"job-endpoints": {ep: "jobs-list", response: `"jobs"`},
		"run-endpoints": {ep: "runs-list", job: "nightly-etl", response: `"runs"`},
		"repair":        {ep: "runs-repair"},
		"pagination":    {ep: "jobs-get", job: "customer-360", response: `"next_page_token"`},
		"four-ways":     {ep: "runs-list", cli: "databricks jobs run-now"},
		"cli":           {ep: "runs-list", cli: "databricks jobs get"},
		"dependencies": {ep: "runs-submit", response: `"run_id"`,
			states: map[string]string{"ingest": "SUCCESS/0", "transform": "FAILED/0", "report": "UPSTREAM_FAILED/0", "cleanup": "SUCCESS/0"}},
		"retries":     {ep: "runs-submit", response: `"run_id"`, states: map[string]string{"flaky": "SUCCESS/1"}},
		"parameters":  {ep: "run-now", response: `"run_id"`},
		"triggers":    {ep: "jobs-get", job: "hourly-report", response: `"pause_status"`},
		"permissions": {ep: "permissions-get", job: "nightly-etl", response: `"access_control_list"`},
		"compute":     {ep: "jobs-get", job: "nightly-etl", response: `"job_clusters"`},
		"run-history": {ep: "runs-list", job: "nightly-etl", response: `"runs"`},
	}
	seen := map[string]bool{}
	for _, slug := range []string{"jobs-api", "jobs-orchestration"} {
		page := a.get("/lessons/" + slug)
		links := page.doc().Find(`a[href^="/sandbox?try="]`)
		if links.Length() < 6 {
			t.Fatalf("%s: %d try links", slug, links.Length())
		}
		links.Each(func(_ int, l *goquery.Selection) {
			href := l.AttrOr("href", "")
			try := strings.TrimPrefix(href, "/sandbox?try=")
			seen[try] = true
			w, ok := wants[try]
			if !ok {
				t.Errorf("%s: try link %q has no expected call in this test", slug, href)
				return
			}
			r := a.get(href)
			form := consoleFormValues(r.doc())
			if form.Get("ep") != w.ep {
				t.Errorf("%s: opens %q, want %q", href, form.Get("ep"), w.ep)
				return
			}
			if w.job != "" && form.Get("p_job_id") != id(jobs[w.job]) && !strings.Contains(form.Get("body"), id(jobs[w.job])) {
				t.Errorf("%s: job_id %q, want %s's %d", href, form.Get("p_job_id"), w.job, jobs[w.job])
			}
			if w.cli != "" {
				if got := r.doc().Find(`[data-testid="cli-line"]`).AttrOr("value", ""); !strings.HasPrefix(got, w.cli) {
					t.Errorf("%s: CLI line %q, want %q…", href, got, w.cli)
				}
			}
			if w.response == "" {
				return
			}
			clk.Advance(time.Second) // the console sends at most 10 calls a second
			res := a.postForm("/sandbox/send", form)
			if res.status != http.StatusSeeOther {
				t.Errorf("%s: send as it comes: %d %s", href, res.status, res.text(`[data-testid="result"]`))
				return
			}
			shown := a.get(res.header.Get("Location"))
			if got := shown.text(`[data-testid="response-status"]`); !strings.HasPrefix(got, "200") {
				t.Errorf("%s: status %q: %s", href, got, shown.text(`[data-testid="response-body"]`))
			}
			body := shown.text(`[data-testid="response-body"]`)
			if !strings.Contains(body, w.response) {
				t.Errorf("%s: response lacks %s: %.300s", href, w.response, body)
			}
			if w.states == nil {
				return
			}
			var started struct {
				RunID int64 `json:"run_id"`
			}
			if err := json.Unmarshal([]byte(body), &started); err != nil || started.RunID == 0 {
				t.Errorf("%s: no run_id in %q", href, body)
				return
			}
			clk.Advance(time.Minute)
			_, run := a.api("GET", "/api/2.2/jobs/runs/get?run_id="+strconv.FormatInt(started.RunID, 10), tok, "")
			got := map[string]string{}
			tasks, _ := run["tasks"].([]any)
			for _, tk := range tasks {
				m := tk.(map[string]any)
				st, _ := m["state"].(map[string]any)
				rs, _ := st["result_state"].(string)
				got[m["task_key"].(string)] = rs + "/" + strconv.Itoa(int(m["attempt_number"].(float64)))
			}
			for k, v := range w.states {
				if got[k] != v {
					t.Errorf("%s: task %s ended %q, want %q (all: %v)", href, k, got[k], v, got)
				}
			}
		})
	}
	for try := range wants {
		if !seen[try] {
			t.Errorf("no lesson links try=%s", try)
		}
	}
	// The bundles section's point is the lifecycle, practised from the
	// Bundles panel with the real CLI.
	if page := a.get("/lessons/jobs-api"); page.doc().Find(`#bundles ~ p a[href="/sandbox#bundles-panel"], a[href="/sandbox#bundles-panel"]`).Length() == 0 {
		t.Error("the bundles section does not open the Bundles panel")
	}
	if a.get("/sandbox").doc().Find(`#bundles-panel`).Length() != 1 {
		t.Error("the sandbox has no Bundles panel")
	}
}
