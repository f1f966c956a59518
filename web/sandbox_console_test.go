package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/jobs-api-trainer/trainer/quiz"
	"github.com/jobs-api-trainer/trainer/web"

	"github.com/jobs-api-trainer/trainer/jobsapi"
)

// send posts a console form without JavaScript and follows the 303.
func (a *app) send(path string, v url.Values) resp {
	a.t.Helper()
	r := a.postForm(path, v)
	if r.status != http.StatusSeeOther {
		a.t.Fatalf("POST %s %v: status %d, want 303\n%s", path, v, r.status, r.text(`[data-testid="result"]`))
	}
	loc := r.header.Get("Location")
	if !strings.HasPrefix(loc, "/sandbox?call=") {
		a.t.Fatalf("Location %q", loc)
	}
	return a.get(loc)
}

// consoleJobs returns the learner's job ids by name, through the API.
func consoleJobs(t *testing.T, a *app, tok string) map[string]int64 {
	t.Helper()
	status, body := a.api("GET", "/api/2.2/jobs/list", tok, "")
	if status != 200 {
		t.Fatalf("jobs/list: %d %v", status, body)
	}
	out := map[string]int64{}
	for _, j := range body["jobs"].([]any) {
		m := j.(map[string]any)
		out[m["settings"].(map[string]any)["name"].(string)] = int64(m["job_id"].(float64))
	}
	return out
}

func id(n int64) string { return strconv.FormatInt(n, 10) }

func TestConsolePageShowsPickerAndPanels(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	r := a.get("/sandbox")
	if r.status != 200 {
		t.Fatalf("status %d", r.status)
	}
	picker := r.text(`[data-testid="endpoint-picker"]`)
	for _, want := range []string{"On the job", "On runs", "Permissions", "jobs/get", "runs/repair", "runs/submit", "permissions/set"} {
		if !strings.Contains(picker, want) {
			t.Errorf("picker lacks %q", want)
		}
	}
	// Every Jobs API endpoint of the catalogue is in the picker, once.
	want := 0
	for _, e := range jobsapi.All() {
		if !e.Jobs() {
			continue
		}
		want++
		if !strings.Contains(picker, e.Name) {
			t.Errorf("picker lacks catalogue endpoint %s", e.Name)
		}
	}
	if n := r.doc().Find(`[data-testid^="ep-"]`).Length(); n != want || want != 20 {
		t.Errorf("picker has %d endpoints, the catalogue %d Jobs API endpoints (want 20)", n, want)
	}
	for _, sel := range []string{`[data-testid="token-panel"]`, `[data-testid="cli-box"]`, `[data-testid="history"]`, `[data-testid="live-panel"]`, `a[href="/sandbox/fidelity"]`, `a[href="/sandbox/challenges"]`, `#picture[hx-get="/sandbox/picture"][hx-trigger="load, picture-changed from:body"]`} {
		if r.doc().Find(sel).Length() == 0 {
			t.Errorf("page lacks %s", sel)
		}
	}
	if !strings.Contains(r.body, `<noscript><a href="/sandbox/picture">See your jobs and runs</a></noscript>`) {
		t.Error("no noscript link to the picture")
	}

	tests := []struct {
		try, ep string
	}{
		{"jobs-get", "jobs-get"}, {"jobs-list", "jobs-list"}, {"jobs-create", "jobs-create"}, {"run-now", "run-now"},
		{"runs-list", "runs-list"}, {"runs-get", "runs-get"}, {"runs-repair", "runs-repair"}, {"runs-submit", "runs-submit"},
		{"pagination", "jobs-get"}, {"repair", "runs-repair"}, {"job-vs-run", "jobs-get"}, {"cli", "runs-list"},
	}
	for _, tt := range tests {
		t.Run(tt.try, func(t *testing.T) {
			r := a.get("/sandbox?try=" + tt.try)
			got, _ := r.doc().Find(`#call-form input[name="ep"]`).Attr("value")
			if got != tt.ep {
				t.Fatalf("try=%s preselects %q, want %q", tt.try, got, tt.ep)
			}
		})
	}
	// The pagination link preselects the 150-task job.
	tok := tokenFromPage(t, a)
	jobs := consoleJobs(t, a, tok)
	r = a.get("/sandbox?try=pagination")
	if v, _ := r.doc().Find(`select[name="p_job_id"] option[selected]`).Attr("value"); v != id(jobs["customer-360"]) {
		t.Errorf("pagination: job %q selected, want customer-360 %d", v, jobs["customer-360"])
	}
	// A POST endpoint starts from a valid example with the learner's IDs.
	r = a.get("/sandbox?try=run-now")
	if body := r.text(`[data-testid="body-editor"]`); !strings.Contains(body, `"job_id": `+id(jobs["nightly-etl"])) {
		t.Errorf("run-now example: %s", body)
	}
	r = a.get("/sandbox?try=cli")
	if _, ok := r.doc().Find(`#cli-line`).Attr("autofocus"); !ok {
		t.Error("try=cli does not focus the CLI box")
	}
}

func TestConsoleSendGetShowsRequestRenderingsAndLinkedResponse(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	tok := tokenFromPage(t, a)
	jobs := consoleJobs(t, a, tok)
	r := a.send("/sandbox/send", url.Values{"ep": {"runs-list"}, "p_job_id": {id(jobs["nightly-etl"])}, "p_limit": {"5"}})
	if got := r.text(`[data-testid="request-line"]`); got != "GET /api/2.2/jobs/runs/list?job_id="+id(jobs["nightly-etl"])+"&limit=5" {
		t.Fatalf("request line %q", got)
	}
	req := r.text(`[data-testid="request"]`)
	masked := "Bearer " + tok[:4] + "…" + tok[len(tok)-4:]
	if !strings.Contains(req, masked) {
		t.Errorf("request headers lack the masked token %q:\n%s", masked, req)
	}
	if strings.Contains(r.text(`[data-testid="console"]`), tok) || strings.Contains(r.text(`[data-testid="history"]`), tok) {
		t.Error("the full token is shown in the console")
	}
	if got := r.text(`[data-testid="response-status"]`); got != "200 OK" {
		t.Errorf("status %q", got)
	}
	for key, want := range map[string]string{
		"curl": "curl \"" + a.srv.URL + "/api/2.2/jobs/runs/list?job_id=" + id(jobs["nightly-etl"]) + "&limit=5\"",
		"cli":  "databricks jobs list-runs --job-id " + id(jobs["nightly-etl"]),
		"go":   "w.Jobs.ListRuns",
	} {
		if got := r.text(`[data-testid="render-` + key + `"]`); !strings.Contains(got, want) {
			t.Errorf("%s rendering %q lacks %q", key, got, want)
		}
	}
	if r.doc().Find(`[data-testid="renderings"] [data-copy]`).Length() < 3 {
		t.Error("renderings without copy buttons")
	}
	// run_id → runs/get, job_id → jobs/get, as links and as htmx sends.
	var runLink, jobLink string
	r.doc().Find(`[data-testid="id-link"]`).Each(func(_ int, s *goquery.Selection) {
		href, _ := s.Attr("href")
		switch {
		case strings.Contains(href, "ep=runs-get&"):
			runLink = href
		case strings.Contains(href, "ep=jobs-get&"):
			jobLink = href
		}
	})
	if runLink == "" || jobLink == "" {
		t.Fatalf("no run_id/job_id links (run %q job %q)", runLink, jobLink)
	}
	next := a.get(runLink)
	if v, _ := next.doc().Find(`#call-form input[name="ep"]`).Attr("value"); v != "runs-get" {
		t.Fatalf("run link opens %q", v)
	}
	runID := strings.TrimSuffix(runLink[strings.Index(runLink, "p_run_id=")+len("p_run_id="):], "#call-panel")
	if v, _ := next.doc().Find(`select[name="p_run_id"] option[selected]`).Attr("value"); v != runID {
		t.Errorf("run link prefills %q, want %s", v, runID)
	}
	vals, _ := r.doc().Find(`[data-testid="id-link"][href="` + runLink + `"]`).First().Attr("hx-vals")
	if !strings.Contains(vals, `"p_run_id":"`+runID+`"`) {
		t.Errorf("hx-vals %q", vals)
	}
}

func TestConsoleSendPostWithHTMXSwapsResultFormAndHistory(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	tok := tokenFromPage(t, a)
	jobs := consoleJobs(t, a, tok)
	body := fmt.Sprintf(`{"job_id": %d, "job_parameters": {"env": "dev"}}`, jobs["hourly-report"])
	r := a.hxPost("/sandbox/send", url.Values{"ep": {"run-now"}, "body": {body}})
	if r.status != 200 {
		t.Fatalf("status %d: %s", r.status, r.body)
	}
	if r.doc().Find(`section#result`).Length() != 1 || r.doc().Find(`#call-panel[hx-swap-oob]`).Length() != 1 || r.doc().Find(`#history[hx-swap-oob]`).Length() != 1 {
		t.Fatalf("fragment lacks result, oob form or oob history:\n%s", r.body)
	}
	if r.doc().Find(`header.site-header`).Length() != 0 {
		t.Error("htmx answer rendered the whole page")
	}
	if got := r.text(`[data-testid="request-line"]`); got != "POST /api/2.2/jobs/run-now" {
		t.Errorf("request line %q", got)
	}
	if !strings.Contains(r.text(`[data-testid="request"]`), "Content-Type: application/json") {
		t.Error("no Content-Type on a POST")
	}
	if got := r.text(`[data-testid="render-cli"]`); !strings.Contains(got, "databricks jobs run-now --json") {
		t.Errorf("cli rendering %q", got)
	}
	if got := r.text(`[data-testid="render-curl"]`); !strings.Contains(got, "-X POST") || !strings.Contains(got, `"job_parameters"`) {
		t.Errorf("curl rendering %q", got)
	}
	link, _ := r.doc().Find(`[data-testid="response-body"] [data-testid="id-link"]`).First().Attr("href")
	if !strings.Contains(link, "ep=runs-get&p_run_id=") {
		t.Errorf("run_id of run-now not linked: %q", link)
	}
	if n := r.doc().Find(`[data-testid="history-row"]`).Length(); n != 1 {
		t.Errorf("history rows %d, want 1", n)
	}
	// The run picture on the page reloads itself on this event.
	if got := r.header.Get("HX-Trigger"); got != "picture-changed" {
		t.Errorf("HX-Trigger %q after run-now, want picture-changed", got)
	}
	// A job_id the CLI renders as legacy --job-id too.
	r = a.hxPost("/sandbox/send", url.Values{"ep": {"jobs-get"}, "p_job_id": {id(jobs["nightly-etl"])}})
	if got := r.header.Get("HX-Trigger"); got != "" {
		t.Errorf("HX-Trigger %q after a read, want none", got)
	}
	// The picker comes along out of band, marking the form's endpoint.
	if p := r.doc().Find(`#ep-picker[hx-swap-oob="true"]`); p.Length() != 1 || p.Find(`a[aria-current="true"]`).AttrOr("data-testid", "") != "ep-jobs-get" {
		t.Errorf("picker in the htmx answer: %d, current %q", p.Length(), p.Find(`a[aria-current="true"]`).AttrOr("data-testid", ""))
	}
	if got := r.text(`[data-testid="render-cli-legacy"]`); !strings.Contains(got, "--job-id "+id(jobs["nightly-etl"])) {
		t.Errorf("legacy rendering %q", got)
	}
}

func TestConsoleNextPageOnTheBigJob(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	tok := tokenFromPage(t, a)
	jobs := consoleJobs(t, a, tok)
	r := a.send("/sandbox/send", url.Values{"ep": {"jobs-get"}, "p_job_id_other": {id(jobs["customer-360"])}})
	form := r.doc().Find(`[data-testid="next-page-form"]`)
	if form.Length() != 1 {
		t.Fatalf("no next page button on customer-360:\n%s", r.text(`[data-testid="result"]`))
	}
	q, _ := form.Find(`input[name="query"]`).Attr("value")
	pq, _ := url.ParseQuery(q)
	if pq.Get("page_token") == "" || pq.Get("job_id") != id(jobs["customer-360"]) {
		t.Fatalf("next page query %q", q)
	}
	v := url.Values{}
	form.Find("input").Each(func(_ int, s *goquery.Selection) {
		n, _ := s.Attr("name")
		val, _ := s.Attr("value")
		v.Set(n, val)
	})
	r = a.send("/sandbox/send", v)
	if got := r.text(`[data-testid="request-line"]`); !strings.Contains(got, "page_token=") {
		t.Errorf("page 2 request %q", got)
	}
	if r.doc().Find(`[data-testid="next-page-form"]`).Length() != 0 {
		t.Error("page 2 of 150 tasks still offers a next page")
	}
	// Tasks' own fields sit at 8 spaces (root, settings, tasks, task).
	if got := strings.Count(r.text(`[data-testid="response-body"]`), "\n        \"task_key\""); got != 50 {
		t.Errorf("page 2 has %d tasks, want 50", got)
	}
}

func TestConsoleCLIBox(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	tok := tokenFromPage(t, a)
	jobs := consoleJobs(t, a, tok)
	nightly := id(jobs["nightly-etl"])

	r := a.send("/sandbox/cli", url.Values{"line": {"databricks jobs list-runs --job-id " + nightly + " --active-only"}})
	if got := r.text(`[data-testid="request-line"]`); got != "GET /api/2.2/jobs/runs/list?active_only=true&job_id="+nightly {
		t.Errorf("request line %q", got)
	}
	if !strings.Contains(r.text(`[data-testid="cli-parsed"]`), "list-runs") {
		t.Error("the typed line is not shown")
	}
	if v, _ := r.doc().Find(`#cli-line`).Attr("value"); !strings.Contains(v, "list-runs") {
		t.Errorf("CLI box not kept: %q", v)
	}

	r = a.send("/sandbox/cli", url.Values{"line": {"databricks jobs get --job-id " + nightly}})
	if !strings.Contains(r.text(`[data-testid="cli-note"]`), "legacy") {
		t.Errorf("no legacy note: %q", r.text(`[data-testid="cli-parsed"]`))
	}

	before := a.get("/sandbox").doc().Find(`[data-testid="history-row"]`).Length()
	tests := []struct {
		name, line, want string
	}{
		{"wrong arg count", "databricks jobs get", "accepts 1 arg(s), received 0"},
		{"unknown flag", "databricks jobs repair-run 5 --rerun-tasks a", "unknown flag: --rerun-tasks"},
		{"json file", "databricks jobs create --json @job.json", "@"},
		{"bundle run", "databricks bundle run nightly", "bundle"},
		{"not a command", "ls -la", "not a databricks command"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := a.postForm("/sandbox/cli", url.Values{"line": {tt.line}})
			if r.status != http.StatusBadRequest {
				t.Fatalf("status %d, want 400", r.status)
			}
			if got := r.text(`[data-testid="problem"]`); !strings.Contains(got, tt.want) {
				t.Errorf("problem %q lacks %q", got, tt.want)
			}
			if r.doc().Find(`[data-testid="request-line"]`).Length() != 0 {
				t.Error("a call was shown for a bad line")
			}
			h := a.hxPost("/sandbox/cli", url.Values{"line": {tt.line}})
			if h.status != http.StatusBadRequest || h.doc().Find(`section#result [data-testid="problem"]`).Length() != 1 {
				t.Errorf("htmx: %d %s", h.status, h.body)
			}
		})
	}
	if r := a.hxPost("/sandbox/cli", url.Values{"line": {"databricks jobs repair-run 5 --rerun-tasks a"}}); r.text(`[data-testid="problem-hint"]`) == "" {
		t.Error("unknown flag without a hint")
	}
	if after := a.get("/sandbox").doc().Find(`[data-testid="history-row"]`).Length(); after != before {
		t.Errorf("bad lines made calls: history %d → %d", before, after)
	}
}

func TestConsoleHistoryAndReplay(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	tok := tokenFromPage(t, a)
	jobs := consoleJobs(t, a, tok)
	a.send("/sandbox/send", url.Values{"ep": {"jobs-list"}})
	a.send("/sandbox/send", url.Values{"ep": {"jobs-get"}, "p_job_id": {id(jobs["nightly-etl"])}})
	r := a.get("/sandbox")
	rows := r.doc().Find(`[data-testid="history-row"]`)
	if rows.Length() != 2 {
		t.Fatalf("history rows %d, want 2", rows.Length())
	}
	if !strings.Contains(rows.First().Text(), "/api/2.2/jobs/get?job_id="+id(jobs["nightly-etl"])) {
		t.Errorf("newest row %q", rows.First().Text())
	}
	// Opening a row shows its result and prefills the form with it.
	href, _ := rows.First().Find(`[data-testid="history-open"]`).Attr("href")
	open := a.get(href)
	if v, _ := open.doc().Find(`#call-form input[name="ep"]`).Attr("value"); v != "jobs-get" {
		t.Errorf("opened row prefills %q", v)
	}
	if open.text(`[data-testid="response-status"]`) != "200 OK" {
		t.Error("opened row has no response")
	}
	// Resending makes a new call.
	v := url.Values{}
	rows.Last().Find(`input`).Each(func(_ int, s *goquery.Selection) {
		n, _ := s.Attr("name")
		val, _ := s.Attr("value")
		v.Set(n, val)
	})
	r = a.send("/sandbox/send", v)
	if got := r.text(`[data-testid="request-line"]`); got != "GET /api/2.2/jobs/list" {
		t.Errorf("replayed %q", got)
	}
	if n := r.doc().Find(`[data-testid="history-row"]`).Length(); n != 3 {
		t.Errorf("history after replay %d, want 3", n)
	}
	// Another learner cannot open it.
	b := newTestServer(t, testOpts{DB: a.db})
	if r := b.get(href); r.status != http.StatusNotFound {
		t.Errorf("another learner's call: %d", r.status)
	}
	// A raw call outside the Jobs API is refused.
	if r := a.postForm("/sandbox/send", url.Values{"method": {"GET"}, "path": {"/api/2.0/clusters/list"}}); r.status != http.StatusBadRequest {
		t.Errorf("non-Jobs path: %d", r.status)
	}
}

func TestConsoleInvalidJSONShowsTheRealErrorAndWhereItBroke(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	tokenFromPage(t, a)
	r := a.send("/sandbox/send", url.Values{"ep": {"run-now"}, "body": {"{\n  \"job_id\": 1,\n  \"job_parameters\": {\"env\": \"dev\",}\n}"}})
	if got := r.text(`[data-testid="response-status"]`); got != "400 Bad Request" {
		t.Errorf("status %q", got)
	}
	if !strings.Contains(r.text(`[data-testid="response-body"]`), "MALFORMED_REQUEST") {
		t.Errorf("not the emulator's error: %s", r.text(`[data-testid="response-body"]`))
	}
	got := r.text(`[data-testid="json-error"]`)
	if !strings.Contains(got, "line 3, column 35") || !strings.Contains(got, "^") {
		t.Errorf("json pointer %q", got)
	}
}

func TestConsoleBadInput(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	tokenFromPage(t, a)
	big := strings.Repeat("x", 600<<10)
	if r := a.postForm("/sandbox/send", url.Values{"ep": {"run-now"}, "body": {big}}); r.status != http.StatusBadRequest {
		t.Errorf("oversized form: %d", r.status)
	}
	if r := a.hxPost("/sandbox/send", url.Values{"ep": {"nope"}}); r.status != http.StatusBadRequest || r.text(`[data-testid="problem"]`) == "" {
		t.Errorf("unknown endpoint: %d", r.status)
	}
	if r := a.postForm("/sandbox/send", url.Values{"ep": {"permissions-get"}, "p_job_id_other": {"../../clusters"}}); r.status != http.StatusBadRequest {
		t.Errorf("path injection: %d", r.status)
	}
	if r := a.postForm("/sandbox/send", url.Values{"ep": {"jobs-list"}, "extra": {"%zz"}}); r.status != http.StatusBadRequest {
		t.Errorf("bad extra query: %d", r.status)
	}
	if r := a.get("/sandbox?call=999999"); r.status != http.StatusNotFound {
		t.Errorf("unknown call: %d", r.status)
	}
}

func TestConsoleRateLimit(t *testing.T) {
	t.Parallel()
	clk := newFakeClock()
	a := newTestServer(t, testOpts{Web: web.Options{Now: clk.Now}})
	tok := tokenFromPage(t, a)
	for i := 1; i <= 10; i++ {
		if r := a.hxPost("/sandbox/send", url.Values{"ep": {"jobs-list"}}); r.status != 200 {
			t.Fatalf("send %d: %d", i, r.status)
		}
	}
	r := a.hxPost("/sandbox/send", url.Values{"ep": {"jobs-list"}})
	if r.status != http.StatusTooManyRequests || !strings.Contains(r.text(`[data-testid="problem"]`), "10 calls a second") {
		t.Fatalf("11th send: %d %q", r.status, r.text(`[data-testid="problem"]`))
	}
	if r := a.postForm("/sandbox/cli", url.Values{"line": {"databricks jobs list"}}); r.status != http.StatusTooManyRequests {
		t.Errorf("CLI box over the limit: %d", r.status)
	}
	// The API the CLI and SDK use is never limited.
	for i := 0; i < 30; i++ {
		if status, _ := a.api("GET", "/api/2.2/jobs/list", tok, ""); status != 200 {
			t.Fatalf("api call %d: %d", i, status)
		}
	}
	clk.Advance(200 * time.Millisecond) // two tokens back
	for i := 0; i < 2; i++ {
		if r := a.hxPost("/sandbox/send", url.Values{"ep": {"jobs-list"}}); r.status != 200 {
			t.Fatalf("after refill, send %d: %d", i, r.status)
		}
	}
	if r := a.hxPost("/sandbox/send", url.Values{"ep": {"jobs-list"}}); r.status != http.StatusTooManyRequests {
		t.Errorf("third send after 200ms: %d", r.status)
	}
}

func TestConsoleMistakesMoveDrillsUp(t *testing.T) {
	t.Parallel()
	// One fake clock for the server (which stamps the due times) and the
	// emulator, so "due now" below means the server's now.
	clk := newFakeClock()
	a := newTestServer(t, testOpts{Now: clk.Now, TaskDuration: time.Second})
	tok := tokenFromPage(t, a)
	jobs := consoleJobs(t, a, tok)
	bank := testBank(t)
	learner := learnerOf(t, a)
	topicItems := func(topic string) []string {
		var ids []string
		for _, it := range bank.Items() {
			if it.Topic == topic && len(ids) < 3 {
				ids = append(ids, it.ID)
			}
		}
		return ids
	}
	tests := []struct {
		name   string
		form   url.Values
		path   string
		anchor string
		topic  string
		note   string
	}{
		{"runs/get with a job_id", url.Values{"ep": {"runs-get"}, "p_run_id_other": {id(jobs["nightly-etl"])}}, "/sandbox/send", "#run-endpoints", "run-endpoints", "is a job_id"},
		{"has_more on 2.2", url.Values{"ep": {"jobs-list"}, "extra": {"has_more=true"}}, "/sandbox/send", "#pagination", "pagination", "has_more"},
		{"CLI --has-more", url.Values{"line": {"databricks jobs list --has-more"}}, "/sandbox/cli", "#pagination", "pagination", "has_more"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := a.hxPost(tt.path, tt.form)
			lp := r.doc().Find(`[data-testid="lesson-pointer"]`)
			if lp.Length() != 1 {
				t.Fatalf("no lesson pointer (%d):\n%s", r.status, r.text(`[data-testid="result"]`))
			}
			if href, _ := lp.Find(`[data-testid="lesson-link"]`).Attr("href"); href != "/lessons/jobs-api"+tt.anchor {
				t.Errorf("lesson link %q", href)
			}
			if !strings.Contains(lp.Text(), tt.note) {
				t.Errorf("note %q lacks %q", lp.Text(), tt.note)
			}
			cards, err := a.db.Cards(context.Background(), learner)
			if err != nil {
				t.Fatal(err)
			}
			want := topicItems(tt.topic)
			if len(want) == 0 {
				t.Fatalf("bank has no %s items", tt.topic)
			}
			for _, it := range want {
				c, ok := cards[it]
				if !ok || c.Due.After(clk.Now()) || !c.Seen() {
					t.Errorf("item %s not due now: %+v (ok %v)", it, c, ok)
				}
			}
			// The due cards come before any item never seen.
			q := quiz.Queue(bank, cards, clk.Now(), quiz.QueueOptions{Size: 40})
			var carded []string
			for it := range cards {
				carded = append(carded, it)
			}
			pairs := pairOf(bank, carded)
			found := 0
			for _, it := range q {
				if _, ok := cards[it]; !ok && !contains(pairs, it) {
					break
				}
				if contains(want, it) {
					found++
				}
			}
			if found != len(want) {
				t.Errorf("queue %v: only %d of %v before the unseen items", q, found, want)
			}
		})
	}
	// A plain call with no misunderstanding has no pointer.
	r := a.hxPost("/sandbox/send", url.Values{"ep": {"jobs-list"}})
	if r.doc().Find(`[data-testid="lesson-pointer"]`).Length() != 0 {
		t.Error("a fine call got a lesson pointer")
	}
}

func contains(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}

// pairOf adds each item's classify/endpoint partner (the queue keeps a
// pair together, classify first).
func pairOf(b *quiz.Bank, ids []string) []string {
	out := append([]string(nil), ids...)
	for _, it := range b.Items() {
		for _, id := range ids {
			other, _ := b.Item(id)
			if other.Scenario != "" && it.Scenario == other.Scenario {
				out = append(out, it.ID)
			}
		}
	}
	return out
}

// learnerOf finds the learner the app's cookie names, through its token.
func learnerOf(t *testing.T, a *app) int64 {
	t.Helper()
	tok := tokenFromPage(t, a)
	id, err := a.db.ResolveSandboxToken(context.Background(), tok)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// The legacy rendering shows only commands databricks-cli 0.x had, in its
// syntax, labelled as rejected by the current CLI; a CLI line's --limit note
// appears once.
func TestConsoleLegacyRenderingAndNotes(t *testing.T) {
	t.Parallel()
	// The console sends at most 10 calls a second per learner: a web clock
	// that moves a second per send keeps this test from depending on how
	// fast the machine runs it (the emulator keeps real time).
	clk := newFakeClock()
	a := newTestServer(t, testOpts{Web: web.Options{Now: clk.Now}})
	send := func(path string, v url.Values) resp {
		t.Helper()
		clk.Advance(time.Second)
		return a.send(path, v)
	}
	tok := tokenFromPage(t, a)
	jobs := consoleJobs(t, a, tok)
	nightly := id(jobs["nightly-etl"])

	r := send("/sandbox/send", url.Values{"ep": {"jobs-get"}, "p_job_id_other": {nightly}})
	if got := r.text(`[data-testid="render-cli-legacy"]`); got != "databricks jobs get --job-id "+nightly {
		t.Errorf("legacy jobs/get = %q", got)
	}
	label := r.doc().Find(`[data-testid="render-cli-legacy"]`).Parent().Find(".rendering-head span").Text()
	if label != "Legacy databricks-cli 0.x form (seen in older material; the current CLI rejects it)" {
		t.Errorf("legacy label %q", label)
	}
	if strings.Contains(r.body, "still accepted") {
		t.Error("the page still calls the legacy form accepted")
	}
	r = send("/sandbox/cli", url.Values{"line": {"databricks jobs run-now " + nightly}})
	if got := r.text(`[data-testid="render-cli-legacy"]`); got != "databricks jobs run-now --job-id "+nightly {
		t.Errorf("legacy run-now = %q", got)
	}
	run := gjsonInt(t, r.text(`[data-testid="response-body"]`), "run_id")
	r = send("/sandbox/send", url.Values{"ep": {"runs-get"}, "p_run_id_other": {id(run)}})
	if got := r.text(`[data-testid="render-cli-legacy"]`); got != "databricks runs get --run-id "+id(run) {
		t.Errorf("legacy runs/get = %q", got)
	}
	// No legacy form for what 0.x never had.
	for _, v := range []url.Values{
		{"ep": {"permissions-get"}, "p_job_id_other": {nightly}},
		{"ep": {"runs-repair"}, "body": {fmt.Sprintf(`{"run_id":%d,"rerun_all_failed_tasks":true}`, run)}},
		{"ep": {"jobs-update"}, "body": {`{"job_id":` + nightly + `,"new_settings":{"max_concurrent_runs":2}}`}},
		{"ep": {"runs-get"}, "p_run_id_other": {id(run)}, "p_include_history": {"true"}},
	} {
		r := send("/sandbox/send", v)
		if n := r.doc().Find(`[data-testid="render-cli-legacy"]`).Length(); n != 0 {
			t.Errorf("%s: legacy rendering %q", v.Get("ep"), r.text(`[data-testid="render-cli-legacy"]`))
		}
		if r.text(`[data-testid="render-cli"]`) == "" {
			t.Errorf("%s: no CLI rendering", v.Get("ep"))
		}
	}

	// The legacy --job-id on jobs get runs, with a truthful note.
	// --no-wait changes what the CLI does, not the call: the CLI form of a
	// typed line keeps it, a form-sent call is shown without it.
	r = send("/sandbox/cli", url.Values{"line": {"databricks jobs run-now " + nightly + " --no-wait"}})
	if got := r.text(`[data-testid="render-cli"]`); got != "databricks jobs run-now "+nightly+" --no-wait" {
		t.Errorf("CLI form of a typed run-now --no-wait: %q", got)
	}
	r = send("/sandbox/send", url.Values{"endpoint": {"run-now"}, "method": {"POST"}, "path": {"/api/2.2/jobs/run-now"}, "body": {`{"job_id":` + nightly + `}`}})
	if got := r.text(`[data-testid="render-cli"]`); strings.Contains(got, "--no-wait") || !strings.Contains(got, "run-now "+nightly) {
		t.Errorf("CLI form of a form-sent run-now: %q", got)
	}

	r = send("/sandbox/cli", url.Values{"line": {"databricks jobs get --job-id " + nightly}})
	want := "`--job-id` is the legacy CLI's spelling; CLI v1.12 takes the job ID positionally (`databricks jobs get " + nightly + "`) and would reject this flag. Run here as `databricks jobs get " + nightly + "`."
	if got := r.text(`[data-testid="cli-note"]`); got != want {
		t.Errorf("legacy note %q\nwant %q", got, want)
	}
	// ... but not on repair-run: the real CLI's error, with the fix.
	clk.Advance(time.Second)
	r = a.postForm("/sandbox/cli", url.Values{"line": {fmt.Sprintf("databricks jobs repair-run --run-id %d --rerun-all-failed-tasks", run)}})
	if got := r.text(`[data-testid="problem"]`); !strings.Contains(got, "unknown flag: --run-id") || !strings.Contains(got, fmt.Sprintf("databricks jobs repair-run %d", run)) {
		t.Errorf("repair-run --run-id: %q", got)
	}

	// --limit is explained once.
	r = send("/sandbox/cli", url.Values{"line": {"databricks jobs list-runs --job-id " + nightly + " --limit 3"}})
	n := 0
	r.doc().Find(`[data-testid="cli-note"]`).Each(func(_ int, s *goquery.Selection) {
		if strings.Contains(s.Text(), "--limit") {
			n++
		}
	})
	if n != 1 {
		t.Errorf("%d --limit notes, want 1: %q", n, r.text(`[data-testid="cli-parsed"]`))
	}
}

// gjsonInt reads a top-level integer field from a JSON text.
func gjsonInt(t *testing.T, body, key string) int64 {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(body), &m); err != nil {
		t.Fatalf("response %q: %v", body, err)
	}
	f, ok := m[key].(float64)
	if !ok {
		t.Fatalf("no %s in %q", key, body)
	}
	return int64(f)
}

// A non-numeric ID is a form error, caught before anything is sent: the
// renderings could not show run_id=abc truthfully.
func TestConsoleRefusesNonNumericIDs(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	tokenFromPage(t, a)
	history := func() int { return a.get("/sandbox").doc().Find(`[data-testid="history-row"]`).Length() }
	before := history()

	form := url.Values{"ep": {"runs-get"}, "p_run_id": {""}, "p_run_id_other": {"abc"}}
	for _, htmx := range []bool{false, true} {
		t.Run(fmt.Sprintf("htmx=%v", htmx), func(t *testing.T) {
			r := a.postForm("/sandbox/send", form)
			if htmx {
				r = a.hxPost("/sandbox/send", form)
			}
			if r.status != http.StatusBadRequest {
				t.Fatalf("status %d, want 400", r.status)
			}
			if got := r.text(`[data-testid="problem"]`); !strings.Contains(got, `run_id must be a whole number: "abc"`) || !strings.Contains(got, "Nothing was sent") {
				t.Errorf("problem %q", got)
			}
			panel := r.doc().Find(`#call-panel`)
			if htmx && panel.AttrOr("hx-swap-oob", "") != "true" {
				t.Error("the form with its field error is not swapped in")
			}
			if got := panel.Find(`[data-testid="param-error-run_id"]`).Text(); !strings.Contains(got, "whole number") {
				t.Errorf("field error %q", got)
			}
			typed := panel.Find(`[data-testid="param-run_id-other"]`)
			if typed.AttrOr("value", "") != "abc" || typed.AttrOr("aria-invalid", "") != "true" {
				t.Errorf("typed ID not kept and marked: value %q aria-invalid %q", typed.AttrOr("value", ""), typed.AttrOr("aria-invalid", ""))
			}
			for _, bad := range []string{"not settable", "Not a field of"} {
				if strings.Contains(r.body, bad) {
					t.Errorf("the page claims %q", bad)
				}
			}
			if r.doc().Find(`[data-testid="request-line"]`).Length() != 0 {
				t.Error("a request was shown")
			}
		})
	}
	tests := []struct {
		name string
		v    url.Values
		want string
	}{
		{"limit", url.Values{"ep": {"runs-list"}, "p_limit": {"ten"}}, "limit must be a whole number"},
		{"job_id in the list filter", url.Values{"ep": {"runs-list"}, "p_job_id_other": {"1e3"}}, "job_id must be a whole number"},
		{"extra query", url.Values{"ep": {"runs-get"}, "p_run_id_other": {"1"}, "extra": {"run_id=abc"}}, "run_id must be a whole number"},
		{"replay", url.Values{"method": {"GET"}, "path": {"/api/2.2/jobs/runs/get"}, "query": {"run_id=abc"}}, "run_id must be a whole number"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := a.hxPost("/sandbox/send", tt.v)
			if r.status != http.StatusBadRequest || !strings.Contains(r.text(`[data-testid="problem"]`), tt.want) {
				t.Errorf("%d %q, want 400 with %q", r.status, r.text(`[data-testid="problem"]`), tt.want)
			}
		})
	}
	if after := history(); after != before {
		t.Errorf("history went from %d to %d rows: something was sent", before, after)
	}
}

// TestConsoleCLIFormKeepsNoWait: --no-wait changes what the CLI does, not
// the call: the CLI form of a typed line keeps it, a form-sent call is
// shown without it.
func TestConsoleCLIFormKeepsNoWait(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	a.act()
	nightly := "101"
	var r resp
	// --no-wait changes what the CLI does, not the call: the CLI form of a
	// typed line keeps it, a form-sent call is shown without it.
	r = a.send("/sandbox/cli", url.Values{"line": {"databricks jobs run-now " + nightly + " --no-wait"}})
	if got := r.text(`[data-testid="render-cli"]`); got != "databricks jobs run-now "+nightly+" --no-wait" {
		t.Errorf("CLI form of a typed run-now --no-wait: %q", got)
	}
	r = a.send("/sandbox/send", url.Values{"endpoint": {"run-now"}, "method": {"POST"}, "path": {"/api/2.2/jobs/run-now"}, "body": {`{"job_id":` + nightly + `}`}})
	if got := r.text(`[data-testid="render-cli"]`); strings.Contains(got, "--no-wait") || !strings.Contains(got, "run-now "+nightly) {
		t.Errorf("CLI form of a form-sent run-now: %q", got)
	}

}
