package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
)

// chLearner reads the learner's id back through the token the page shows.
func (a *app) chLearner(tok string) int64 {
	a.t.Helper()
	id, err := a.db.ResolveSandboxToken(context.Background(), tok)
	if err != nil {
		a.t.Fatal(err)
	}
	return id
}

func checkVerdict(t *testing.T, r resp, passed bool, reason string) {
	t.Helper()
	if r.status != 200 {
		t.Fatalf("check: status %d: %s", r.status, r.body)
	}
	res := r.doc().Find(`[data-testid="check-result"]`)
	if res.AttrOr("data-passed", "") != strconv.FormatBool(passed) || !strings.Contains(res.Text(), reason) {
		t.Fatalf("check: passed=%s %q, want %v with %q", res.AttrOr("data-passed", "?"), strings.TrimSpace(res.Text()), passed, reason)
	}
}

func TestChallengeListAndPages(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	r := a.get("/sandbox/challenges")
	if r.status != 200 {
		t.Fatalf("list: %d", r.status)
	}
	items := r.doc().Find(`[data-testid="challenge-list"] li`)
	if items.Length() < 9 {
		t.Fatalf("%d challenges listed", items.Length())
	}
	if got := r.text(`[data-testid="challenge-repair-failed-task"] [data-testid="challenge-status"]`); got != "not started" {
		t.Errorf("fresh status %q", got)
	}
	if href := r.doc().Find(`[data-testid="challenge-repair-failed-task"] a[href^="/lessons/jobs-api#"]`).AttrOr("href", ""); href != "/lessons/jobs-api#repair" {
		t.Errorf("lesson link %q", href)
	}
	if r := a.get("/sandbox/challenges/nope"); r.status != 404 {
		t.Errorf("unknown challenge: %d", r.status)
	}
	// A visitor who has not acted reads the challenge without starting it.
	if got := a.get("/sandbox/challenges/repair-failed-task").text(`[data-testid="challenge-status"]`); got != "not started" {
		t.Errorf("a visitor's challenge page: status %q", got)
	}
	a.act()
	page := a.get("/sandbox/challenges/repair-failed-task")
	if page.status != 200 || page.doc().Find("header.site-header").Length() != 1 || page.text(`[data-testid="challenge-status"]`) != "started" {
		t.Fatalf("challenge page: %d %q", page.status, page.text(`[data-testid="challenge-status"]`))
	}
	if got := a.get("/sandbox/challenges").text(`[data-testid="challenge-repair-failed-task"] [data-testid="challenge-status"]`); got != "started" {
		t.Errorf("status after opening %q", got)
	}
	// The fixture's failed run does not count.
	checkVerdict(t, a.hxPost("/sandbox/challenges/repair-failed-task/check", nil), false, "No nightly-etl run started")
	// A plain POST answers 303 back, with the verdict as a flash.
	p := a.postForm("/sandbox/challenges/repair-failed-task/check", nil)
	if p.status != http.StatusSeeOther || p.header.Get("Location") != "/sandbox/challenges/repair-failed-task" {
		t.Fatalf("plain check: %d %q", p.status, p.header.Get("Location"))
	}
	back := a.get("/sandbox/challenges/repair-failed-task")
	if !strings.Contains(back.text(`[data-testid="flash"]`), "Not yet") {
		t.Errorf("flash %q", back.text(`[data-testid="flash"]`))
	}
	// An answer challenge without an answer is a 400.
	a.get("/sandbox/challenges/report-run-id")
	if r := a.postForm("/sandbox/challenges/report-run-id/check", nil); r.status != 400 {
		t.Errorf("empty answer: %d", r.status)
	}
}

func TestChallengeFlowScoresAndStores(t *testing.T) {
	t.Parallel()
	clk := newFakeClock()
	a := newTestServer(t, testOpts{Now: clk.Now, TaskDuration: time.Second})
	tok := tokenFromPage(t, a)
	me := a.chLearner(tok)

	// 1. Two dependent tasks, without help: 100.
	a.get("/sandbox/challenges/two-task-job")
	checkVerdict(t, a.hxPost("/sandbox/challenges/two-task-job/check", nil), false, "No job was created")
	clk.Advance(time.Second)
	if st, body := a.api("POST", "/api/2.2/jobs/create", tok, `{"name":"flat","tasks":[
		{"task_key":"a","notebook_task":{"notebook_path":"/a"},"existing_cluster_id":"c1"},
		{"task_key":"b","notebook_task":{"notebook_path":"/b"},"existing_cluster_id":"c1"}]}`); st != 200 {
		t.Fatalf("create: %d %v", st, body)
	}
	checkVerdict(t, a.hxPost("/sandbox/challenges/two-task-job/check", nil), false, "b has no depends_on on a")
	a.api("POST", "/api/2.2/jobs/create", tok, `{"name":"chain","tasks":[
		{"task_key":"a","notebook_task":{"notebook_path":"/a"},"existing_cluster_id":"c1"},
		{"task_key":"b","depends_on":[{"task_key":"a"}],"notebook_task":{"notebook_path":"/b"},"existing_cluster_id":"c1"}]}`)
	r := a.hxPost("/sandbox/challenges/two-task-job/check", nil)
	checkVerdict(t, r, true, "b depends on a")
	if got := r.text(`[data-testid="challenge-score"]`); got != "100" {
		t.Errorf("score shown %q", got)
	}
	// Solved: the page says so, and checking again is no longer the
	// primary action nor promises points.
	if got := strings.Join(strings.Fields(r.text(`[data-testid="solved-note"]`)), " "); got != "Solved · best score 100" {
		t.Errorf("solved note %q", got)
	}
	if b := r.doc().Find(`[data-testid="check"]`); b.HasClass("primary") || strings.Contains(r.text(`[data-testid="check-form"]`), "A pass now earns") {
		t.Errorf("a solved challenge still pushes the check: %q", r.text(`[data-testid="check-form"]`))
	}
	res, err := a.db.ChallengeResult(context.Background(), me, "two-task-job")
	if err != nil || res.Status != "solved" || res.Score != 100 || res.Checks != 3 || res.SolvedAt.IsZero() {
		t.Fatalf("stored: %+v %v", res, err)
	}

	// 2. Repair with one hint: 80. run-now first, fail, then repair.
	a.get("/sandbox/challenges/repair-failed-task")
	r = a.hxPost("/sandbox/challenges/repair-failed-task/hint", nil)
	if r.doc().Find(`[data-testid="hints"] li`).Length() != 1 || !strings.Contains(r.body, "earns 80 points") {
		t.Fatalf("after one hint: %s", r.text(`[data-testid="hints"]`))
	}
	etl := strconv.FormatInt(a.picJobID(tok, "nightly-etl"), 10)
	clk.Advance(time.Second)
	_, body := a.api("POST", "/api/2.2/jobs/run-now", tok, `{"job_id":`+etl+`}`)
	run := strconv.FormatInt(picRunID(t, body), 10)
	checkVerdict(t, a.hxPost("/sandbox/challenges/repair-failed-task/check", nil), false, "still")
	clk.Advance(time.Minute)
	checkVerdict(t, a.hxPost("/sandbox/challenges/repair-failed-task/check", nil), false, "Now repair that run")
	// Repairing everything is not what was asked.
	if st, body := a.api("POST", "/api/2.2/jobs/runs/repair", tok, `{"run_id":`+run+`,"rerun_tasks":["ingest"],"rerun_dependent_tasks":true}`); st != 200 {
		t.Fatalf("repair: %d %v", st, body)
	}
	clk.Advance(time.Minute)
	checkVerdict(t, a.hxPost("/sandbox/challenges/repair-failed-task/check", nil), false, "The repair of run "+run+" re-ran every task")
	checkVerdict(t, a.hxPost("/sandbox/challenges/repair-failed-task/check", nil), false, "start a new run of nightly-etl with run-now, let it fail, then repair only quality_check (and its dependents)")

	// A fresh run, as the reason says (no restart needed), repaired properly.
	clk.Advance(time.Second)
	_, body = a.api("POST", "/api/2.2/jobs/run-now", tok, `{"job_id":`+etl+`}`)
	run = strconv.FormatInt(picRunID(t, body), 10)
	checkVerdict(t, a.hxPost("/sandbox/challenges/repair-failed-task/check", nil), false, "Run "+run+" is still")
	clk.Advance(time.Minute)
	checkVerdict(t, a.hxPost("/sandbox/challenges/repair-failed-task/check", nil), false, "Run "+run+" failed, as planned")
	if st, body := a.api("POST", "/api/2.2/jobs/runs/repair", tok, `{"run_id":`+run+`,"rerun_tasks":["quality_check"]}`); st != 200 {
		t.Fatalf("repair: %d %v", st, body)
	}
	clk.Advance(time.Minute)
	checkVerdict(t, a.hxPost("/sandbox/challenges/repair-failed-task/check", nil), true, "only quality_check")
	if res, _ := a.db.ChallengeResult(context.Background(), me, "repair-failed-task"); res.Score != 80 || res.HintsUsed != 1 {
		t.Fatalf("repair stored: %+v", res)
	}

	// 3. Solution first: solving scores 0; the solution names the real job id.
	a.get("/sandbox/challenges/job-params-override")
	r = a.hxPost("/sandbox/challenges/job-params-override/solution", nil)
	if sol := r.text(`[data-testid="solution"]`); !strings.Contains(sol, `"job_id":`+etl) || !strings.Contains(sol, "databricks jobs run-now") {
		t.Fatalf("solution: %q", sol)
	}
	clk.Advance(time.Second)
	a.api("POST", "/api/2.2/jobs/run-now", tok, `{"job_id":`+etl+`,"job_parameters":{"run_date":"2024-01-31"}}`)
	checkVerdict(t, a.hxPost("/sandbox/challenges/job-params-override/check", nil), true, `run_date="2024-01-31"`)
	if res, _ := a.db.ChallengeResult(context.Background(), me, "job-params-override"); res.Status != "solved" || res.Score != 0 {
		t.Fatalf("params stored: %+v", res)
	}

	// 4. An answer challenge: the run_id of a run started after the start.
	a.get("/sandbox/challenges/report-run-id")
	checkVerdict(t, a.hxPost("/sandbox/challenges/report-run-id/check", url.Values{"answer": {etl}}), false, "is the job_id of")
	checkVerdict(t, a.hxPost("/sandbox/challenges/report-run-id/check", url.Values{"answer": {run}}), false, "started before you began")
	clk.Advance(time.Second)
	_, body = a.api("POST", "/api/2.2/jobs/run-now", tok, `{"job_id":`+etl+`}`)
	fresh := strconv.FormatInt(picRunID(t, body), 10)
	checkVerdict(t, a.hxPost("/sandbox/challenges/report-run-id/check", url.Values{"answer": {fresh}}), true, "Run "+fresh)

	// The list sums it up.
	list := a.get("/sandbox/challenges")
	if got := list.text(`[data-testid="challenge-two-task-job"] [data-testid="challenge-status"]`); !strings.Contains(got, "solved") || !strings.Contains(got, "100 points") {
		t.Errorf("list status %q", got)
	}
	if got := list.text(`[data-testid="challenge-total"]`); !strings.Contains(got, "Solved 4 of") || !strings.Contains(got, "280") {
		t.Errorf("total %q", got)
	}
}

func TestChallengeUpdateVersusReset(t *testing.T) {
	t.Parallel()
	clk := newFakeClock()
	a := newTestServer(t, testOpts{Now: clk.Now, TaskDuration: time.Second})
	tok := tokenFromPage(t, a)
	rep := strconv.FormatInt(a.picJobID(tok, "hourly-report"), 10)
	a.get("/sandbox/challenges/update-not-reset")
	// The reason says what is wrong; the body that fixes it is the
	// solution's, not the reason's.
	r := a.hxPost("/sandbox/challenges/update-not-reset/check", nil)
	checkVerdict(t, r, false, "hourly-report's max_concurrent_runs is still 1")
	if reason := r.text(`[data-testid="check-reason"]`); strings.ContainsAny(reason, "{}") || strings.Contains(reason, "jobs/update") {
		t.Errorf("the reason gives the answer away: %q", reason)
	}
	clk.Advance(time.Second)
	if st, body := a.api("POST", "/api/2.2/jobs/reset", tok, `{"job_id":`+rep+`,"new_settings":{"name":"hourly-report","max_concurrent_runs":3,
		"tasks":[{"task_key":"build_report","existing_cluster_id":"c1","notebook_task":{"notebook_path":"/r"}}]}}`); st != 200 {
		t.Fatalf("reset: %d %v", st, body)
	}
	checkVerdict(t, a.hxPost("/sandbox/challenges/update-not-reset/check", nil), false, "lost its schedule")
	a.api("POST", "/api/2.2/jobs/update", tok, `{"job_id":`+rep+`,"new_settings":{"schedule":{"quartz_cron_expression":"0 0 * * * ?","timezone_id":"UTC","pause_status":"PAUSED"}}}`)
	checkVerdict(t, a.hxPost("/sandbox/challenges/update-not-reset/check", nil), true, "allows 3 concurrent runs")
}

// Each challenge's "Open the sandbox" link opens the console on the
// endpoint it practises; a bundle challenge's opens the Bundles panel.
func TestChallengeSandboxLinkPreselectsItsEndpoint(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	list := a.get("/sandbox/challenges")
	list.doc().Find(`[data-testid="challenge-list"] li`).Each(func(_ int, li *goquery.Selection) {
		id := strings.TrimPrefix(li.AttrOr("data-testid", ""), "challenge-")
		href := a.get("/sandbox/challenges/"+id).doc().Find(`[data-testid="sandbox-link"]`).AttrOr("href", "")
		if strings.HasPrefix(id, "bundle-") {
			if href != "/sandbox#bundles-panel" || a.get("/sandbox").doc().Find(`#bundles-panel`).Length() != 1 {
				t.Errorf("%s: sandbox link %q, want the Bundles panel", id, href)
			}
			return
		}
		u, err := url.Parse(href)
		ep := u.Query().Get("ep")
		if err != nil || u.Path != "/sandbox" || ep == "" {
			t.Errorf("%s: sandbox link %q preselects no endpoint", id, href)
			return
		}
		page := a.get(href)
		if got := page.doc().Find(`#call-form input[name="ep"]`).AttrOr("value", ""); got != ep {
			t.Errorf("%s: %s opens the form on %q", id, href, got)
		}
	})
}

func TestChallengePagingAnswerMatchesTheAPI(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	tok := tokenFromPage(t, a)
	id := strconv.FormatInt(a.picJobID(tok, "customer-360"), 10)
	// The learner's way: page 1 lacks build_profile, page 2 has it.
	_, p1 := a.api("GET", "/api/2.2/jobs/get?job_id="+id, tok, "")
	next, _ := p1["next_page_token"].(string)
	if next == "" || strings.Contains(chTaskKeys(p1), "build_profile") {
		t.Fatalf("page 1: token %q", next)
	}
	_, p2 := a.api("GET", "/api/2.2/jobs/get?job_id="+id+"&page_token="+url.QueryEscape(next), tok, "")
	deps := -1
	for _, x := range chTasksOf(p2) {
		if x["task_key"] == "build_profile" {
			d, _ := x["depends_on"].([]any)
			deps = len(d)
		}
	}
	if deps <= 0 {
		t.Fatalf("build_profile not on page 2")
	}
	a.get("/sandbox/challenges/page-150-tasks")
	checkVerdict(t, a.hxPost("/sandbox/challenges/page-150-tasks/check", url.Values{"answer": {"150"}}), false, "count of tasks in the job")
	checkVerdict(t, a.hxPost("/sandbox/challenges/page-150-tasks/check", url.Values{"answer": {strconv.Itoa(deps)}}), true, "second page")
}

func chTasksOf(job map[string]any) []map[string]any {
	s, _ := job["settings"].(map[string]any)
	ts, _ := s["tasks"].([]any)
	var out []map[string]any
	for _, x := range ts {
		out = append(out, x.(map[string]any))
	}
	return out
}

func chTaskKeys(job map[string]any) string {
	var keys []string
	for _, x := range chTasksOf(job) {
		k, _ := x["task_key"].(string)
		keys = append(keys, k)
	}
	return strings.Join(keys, ",")
}

// Opening a challenge starts it once: viewing it again (or the list) keeps
// the start time and the baseline; only the restart button moves them.
func TestChallengeViewDoesNotRestart(t *testing.T) {
	t.Parallel()
	clk := newFakeClock()
	a := newTestServer(t, testOpts{Now: clk.Now, TaskDuration: time.Second})
	tok := tokenFromPage(t, a)
	me := a.chLearner(tok)
	const ch = "/sandbox/challenges/report-run-id"

	first := a.get(ch)
	started := first.text(`[data-testid="challenge-started"]`)
	res0, err := a.db.ChallengeResult(context.Background(), me, "report-run-id")
	if err != nil || res0.StartedAt.IsZero() {
		t.Fatalf("after the first view: %+v %v", res0, err)
	}
	clk.Advance(time.Minute)
	etl := strconv.FormatInt(a.picJobID(tok, "nightly-etl"), 10)
	_, body := a.api("POST", "/api/2.2/jobs/run-now", tok, `{"job_id":`+etl+`}`)
	run := strconv.FormatInt(picRunID(t, body), 10)
	clk.Advance(time.Minute)

	// Viewing again, as a page, as htmx, and the list: nothing moves.
	again := a.get(ch)
	a.hxGet(ch)
	a.get("/sandbox/challenges")
	if got := again.text(`[data-testid="challenge-started"]`); started == "" || got != started {
		t.Errorf("start shown as %q after a second view, was %q", got, started)
	}
	res1, _ := a.db.ChallengeResult(context.Background(), me, "report-run-id")
	if !res1.StartedAt.Equal(res0.StartedAt) || res1.Baseline != res0.Baseline {
		t.Fatalf("a second view moved the start: %v -> %v", res0.StartedAt, res1.StartedAt)
	}
	// So the run made between the two views counts.
	checkVerdict(t, a.hxPost(ch+"/check", url.Values{"answer": {run}}), true, "Run "+run)

	// The restart button does move it: that run is now from before.
	if r := a.postForm(ch+"/restart", nil); r.status != http.StatusSeeOther {
		t.Fatalf("restart: %d", r.status)
	}
	res2, _ := a.db.ChallengeResult(context.Background(), me, "report-run-id")
	if !res2.StartedAt.After(res0.StartedAt) {
		t.Fatalf("restart kept the start: %v -> %v", res0.StartedAt, res2.StartedAt)
	}
	checkVerdict(t, a.hxPost(ch+"/check", url.Values{"answer": {run}}), false, "started before you began")
	// From the page (htmx, after a confirm), restart answers the new body.
	clk.Advance(time.Hour)
	r := a.hxPost(ch+"/restart", nil)
	if r.status != 200 || r.doc().Find(`#challenge`).Length() != 1 || r.text(`[data-testid="challenge-started"]`) == again.text(`[data-testid="challenge-started"]`) {
		t.Errorf("htmx restart: %d %q", r.status, r.text(`[data-testid="challenge-started"]`))
	}
}

// TestOrchestrationChallenges solves the orchestration lesson's three
// challenges through the real API after a first check fails each.
func TestOrchestrationChallenges(t *testing.T) {
	t.Parallel()
	clk := newFakeClock()
	a := newTestServer(t, testOpts{Now: clk.Now, TaskDuration: time.Second})
	tok := tokenFromPage(t, a)
	for _, id := range []string{"cleanup-all-done", "retry-flaky-task", "pause-schedule"} {
		r := a.hxPost("/sandbox/challenges/"+id+"/check", nil)
		checkVerdict(t, r, false, "")
		if !strings.Contains(a.get("/sandbox/challenges/"+id).body, "/lessons/jobs-orchestration#") {
			t.Errorf("%s does not link to the orchestration lesson", id)
		}
	}
	clk.Advance(time.Second)
	create := func(body string) string {
		t.Helper()
		st, out := a.api("POST", "/api/2.2/jobs/create", tok, body)
		if st != 200 {
			t.Fatalf("create: %d %v", st, out)
		}
		id := strconv.FormatInt(int64(out["job_id"].(float64)), 10)
		if st, out := a.api("POST", "/api/2.2/jobs/run-now", tok, `{"job_id":`+id+`}`); st != 200 {
			t.Fatalf("run-now: %d %v", st, out)
		}
		return id
	}
	// Cleanup with the default run_if is skipped: not yet.
	create(`{"name":"no-cleanup","tasks":[{"task_key":"t","notebook_task":{"notebook_path":"/a","base_parameters":{"simulate":"fail"}}},
		{"task_key":"c","depends_on":[{"task_key":"t"}],"notebook_task":{"notebook_path":"/c"}}]}`)
	clk.Advance(time.Minute)
	checkVerdict(t, a.hxPost("/sandbox/challenges/cleanup-all-done/check", nil), false, "ALL_DONE")
	create(`{"name":"with-cleanup","tasks":[{"task_key":"e","notebook_task":{"notebook_path":"/e"}},
		{"task_key":"t","depends_on":[{"task_key":"e"}],"notebook_task":{"notebook_path":"/a","base_parameters":{"simulate":"fail"}}},
		{"task_key":"c","depends_on":[{"task_key":"t"}],"run_if":"ALL_DONE","notebook_task":{"notebook_path":"/c"}}]}`)
	clk.Advance(time.Minute)
	checkVerdict(t, a.hxPost("/sandbox/challenges/cleanup-all-done/check", nil), true, "run_if ALL_DONE")

	create(`{"name":"flaky","tasks":[{"task_key":"load","max_retries":2,"min_retry_interval_millis":100,
		"notebook_task":{"notebook_path":"/l","base_parameters":{"simulate":"fail_once"}}}]}`)
	clk.Advance(time.Minute)
	checkVerdict(t, a.hxPost("/sandbox/challenges/retry-flaky-task/check", nil), true, "attempt_number 1")

	etl := strconv.FormatInt(a.picJobID(tok, "nightly-etl"), 10)
	a.api("POST", "/api/2.2/jobs/update", tok, `{"job_id":`+etl+`,"new_settings":{"schedule":{"pause_status":"PAUSED"}}}`)
	checkVerdict(t, a.hxPost("/sandbox/challenges/pause-schedule/check", nil), false, "")
	a.api("POST", "/api/2.2/jobs/update", tok, `{"job_id":`+etl+`,"new_settings":{"schedule":{"quartz_cron_expression":"0 0 2 * * ?","timezone_id":"UTC","pause_status":"PAUSED"}}}`)
	checkVerdict(t, a.hxPost("/sandbox/challenges/pause-schedule/check", nil), true, "PAUSED and kept")
}

// TestChallengeStartIsNotTheAnswer: a challenge's "Open the sandbox" link
// prefills the endpoint and IDs, not the solution, and neither that body
// nor the console's own example, sent as it comes, solves the challenge:
// the grade is for what the learner wrote.
func TestChallengeStartIsNotTheAnswer(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct{ id, reason string }{
		{"two-task-job", "has only 1 task"},
		{"submit-one-time", "No runs/submit run"},
		{"job-params-override", "used the defaults"},
		{"update-not-reset", "max_concurrent_runs is still"},
	} {
		t.Run(tt.id, func(t *testing.T) {
			t.Parallel()
			clk := newFakeClock()
			a := newTestServer(t, testOpts{Now: clk.Now, TaskDuration: time.Second})
			a.act()
			sendAsItComes := func(href string) {
				t.Helper()
				page := a.get(href)
				form := page.doc().Find("#call-form")
				v := url.Values{"ep": {form.Find(`input[name="ep"]`).AttrOr("value", "")}}
				body := form.Find(`textarea[name="body"]`).Text()
				v.Set("body", body)
				if r := a.postForm("/sandbox/send", v); r.status != http.StatusSeeOther && r.status != http.StatusBadRequest {
					t.Fatalf("send %s: %d", href, r.status)
				}
				clk.Advance(time.Minute) // whatever it started has ended
			}
			a.get("/sandbox/challenges/" + tt.id)
			clk.Advance(time.Second)
			href := a.get("/sandbox/challenges/"+tt.id).doc().Find(`[data-testid="sandbox-link"]`).AttrOr("href", "")
			u, _ := url.Parse(href)
			if u.Query().Get("p_body") == "" {
				t.Fatalf("link %q starts from no body of its own", href)
			}
			sendAsItComes(href)
			checkVerdict(t, a.hxPost("/sandbox/challenges/"+tt.id+"/check", nil), false, tt.reason)
			// The console's own example for the endpoint does not solve it either.
			sendAsItComes("/sandbox?ep=" + u.Query().Get("ep"))
			r := a.hxPost("/sandbox/challenges/"+tt.id+"/check", nil)
			if r.doc().Find(`[data-testid="check-result"]`).AttrOr("data-passed", "") != "false" {
				t.Fatalf("the console's example solves %s: %q", tt.id, r.text(`[data-testid="check-result"]`))
			}
		})
	}
}
