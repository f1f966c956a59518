package web_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/jobs-api-trainer/trainer/workspace"
)

// tokenFromPage reads the learner's token out of the sandbox page snippet.
func tokenFromPage(t *testing.T, a *app) string {
	t.Helper()
	r := a.get("/sandbox")
	if r.status != 200 {
		t.Fatalf("sandbox: %d", r.status)
	}
	if r.doc().Find(`[data-testid="env-snippet"]`).Length() == 0 {
		// A visitor has no token until they ask for one.
		if c := a.postForm("/sandbox/token", nil); c.status != http.StatusSeeOther {
			t.Fatalf("create token: %d", c.status)
		}
		r = a.get("/sandbox")
	}
	snippet := r.text(`[data-testid="env-snippet"]`)
	_, tok, ok := strings.Cut(snippet, "DATABRICKS_TOKEN=")
	if !ok || !strings.HasPrefix(tok, "dapi") || len(tok) != 36 {
		t.Fatalf("snippet %q has no dapi token", snippet)
	}
	if !strings.Contains(snippet, "DATABRICKS_HOST="+a.srv.URL) {
		t.Fatalf("snippet %q lacks the host", snippet)
	}
	return tok
}

func (a *app) api(method, path, token string, body string) (int, map[string]any) {
	a.t.Helper()
	req, _ := http.NewRequest(method, a.srv.URL+path, strings.NewReader(body))
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		a.t.Fatal(err)
	}
	defer res.Body.Close()
	var m map[string]any
	_ = json.NewDecoder(res.Body).Decode(&m)
	return res.StatusCode, m
}

func jobNames(m map[string]any) []string {
	var out []string
	jobs, _ := m["jobs"].([]any)
	for _, j := range jobs {
		s, _ := j.(map[string]any)["settings"].(map[string]any)
		name, _ := s["name"].(string)
		out = append(out, name)
	}
	return out
}

func TestSandboxTokenDrivesTheLearnersWorkspace(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	tok := tokenFromPage(t, a)
	if again := tokenFromPage(t, a); again != tok {
		t.Fatalf("token changed between page views: %s then %s", tok, again)
	}
	status, body := a.api("GET", "/api/2.2/jobs/list", tok, "")
	if status != 200 || !strings.Contains(strings.Join(jobNames(body), ","), "nightly-etl") {
		t.Fatalf("jobs/list with the page's token: %d %v", status, body)
	}

	// A path that is not clean is a JSON error, not a redirect, through
	// the whole server (the router would redirect it).
	for _, p := range []string{"/api/2.2/jobs/../jobs/list", "/api//2.2/jobs/list", "/api/2.2/./jobs/list"} {
		if status, body := a.api("GET", p, tok, ""); status != http.StatusNotFound || body["error_code"] != "ENDPOINT_NOT_FOUND" {
			t.Errorf("GET %s: %d %v, want 404 ENDPOINT_NOT_FOUND", p, status, body)
		}
	}

	// Creating a token lands on it unfolded; any other view keeps it folded
	// (the page may be on a shared screen).
	newcomer := newApp(t)
	c := newcomer.postForm("/sandbox/token", nil)
	if c.status != http.StatusSeeOther {
		t.Fatalf("create token: %d", c.status)
	}
	landed := newcomer.get(c.header.Get("Location"))
	if _, open := landed.doc().Find(`details.token-reveal`).Attr("open"); !open {
		t.Errorf("after creating the token (%s) the snippet is folded", c.header.Get("Location"))
	}
	// Its message is in the token panel the page opens at, not at the top
	// of a long page, and the panel speaks only of buttons it has.
	if got := landed.text(`#token-panel [data-testid="token-flash"]`); !strings.Contains(got, "token is ready") || landed.text(`[data-testid="flash"]`) != "" {
		t.Errorf("the new token's message: in the panel %q, at the top %q", got, landed.text(`[data-testid="flash"]`))
	}
	visitor := newApp(t).get("/sandbox")
	if hint := visitor.text(`#token-panel .hint`); strings.Contains(hint, "Regenerating") {
		t.Errorf("a visitor's token panel explains buttons it does not have: %q", hint)
	}
	if _, open := newcomer.get("/sandbox").doc().Find(`details.token-reveal`).Attr("open"); open {
		t.Error("a later view of the sandbox shows the token unfolded")
	}

	// Another learner sees only their own workspace.
	b := newTestServer(t, testOpts{DB: a.db})
	other := tokenFromPage(t, b)
	_, mine := a.api("POST", "/api/2.2/jobs/create", tok, `{"name":"only-mine","tasks":[{"task_key":"a","notebook_task":{"notebook_path":"/x"},"existing_cluster_id":"c1"}]}`)
	id, _ := mine["job_id"].(float64)
	if id == 0 {
		t.Fatalf("create: %v", mine)
	}
	status, body = a.api("GET", "/api/2.2/jobs/get?job_id="+jsonNum(id), other, "")
	if status != 400 || body["error_code"] != "INVALID_PARAMETER_VALUE" {
		t.Fatalf("other learner's jobs/get of my job: %d %v", status, body)
	}

	// Regenerating needs confirmation, then stops the old token at once.
	if r := a.postForm("/sandbox/token", nil); r.status != http.StatusBadRequest {
		t.Fatalf("regenerate without confirm: %d", r.status)
	}
	if tokenFromPage(t, a) != tok {
		t.Fatal("an unconfirmed regenerate changed the token")
	}
	page := a.get("/sandbox")
	if f := page.doc().Find(`[data-testid="regenerate-form"]`); f.AttrOr("data-confirm", "") == "" || f.Find(`input[name="confirm"][value="yes"]`).Length() != 1 {
		t.Error("the regenerate form asks no confirmation")
	}
	r := a.postForm("/sandbox/token", url.Values{"confirm": {"yes"}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("regenerate: %d", r.status)
	}
	fresh := tokenFromPage(t, a)
	if fresh == tok {
		t.Fatal("regenerate kept the same token")
	}
	if status, body := a.api("GET", "/api/2.2/jobs/list", tok, ""); status != 403 || body["message"] != "Invalid access token." {
		t.Fatalf("old token: %d %v", status, body)
	}
	if status, _ := a.api("GET", "/api/2.2/jobs/list", fresh, ""); status != 200 {
		t.Fatalf("new token: %d", status)
	}

	// Reset needs confirmation, then brings back the fixtures only.
	if r := a.postForm("/sandbox/reset", nil); r.status != http.StatusBadRequest {
		t.Fatalf("reset without confirm: %d", r.status)
	}
	if r := a.postForm("/sandbox/reset", url.Values{"confirm": {"yes"}}); r.status != http.StatusSeeOther {
		t.Fatalf("reset: %d", r.status)
	}
	_, body = a.api("GET", "/api/2.2/jobs/list", fresh, "")
	names := strings.Join(jobNames(body), ",")
	if strings.Contains(names, "only-mine") || !strings.Contains(names, "customer-360") {
		t.Fatalf("after reset: %s", names)
	}
}

func jsonNum(f float64) string { b, _ := json.Marshal(int64(f)); return string(b) }

func TestEmulatorMountedAtRoot(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	tests := []struct {
		name, method, path, token string
		status                    int
		code                      string
	}{
		{"no token", "GET", "/api/2.2/jobs/list", "", 403, "403"},
		{"unknown token", "GET", "/api/2.2/jobs/list", "dapi00000000000000000000000000000000", 403, "403"},
		{"unknown api", "GET", "/api/2.0/clusters/list", "dapi00000000000000000000000000000000", 0, ""},
		{"bare /api", "GET", "/api", "", 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body := a.api(tt.method, tt.path, tt.token, "")
			if tt.status != 0 && status != tt.status {
				t.Fatalf("status %d, want %d (%v)", status, tt.status, body)
			}
			if status == 200 || body["message"] == nil {
				t.Fatalf("not a Databricks error body: %d %v", status, body)
			}
			if tt.code != "" && body["error_code"] != tt.code {
				t.Fatalf("error_code %v, want %s", body["error_code"], tt.code)
			}
		})
	}
	status, body := a.api("GET", "/.well-known/databricks-config", "", "")
	if status != 200 || body["workspace_id"] == nil {
		t.Fatalf("well-known: %d %v", status, body)
	}
}

func TestFidelityPage(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	r := a.get("/sandbox/fidelity")
	if r.status != 200 {
		t.Fatalf("status %d", r.status)
	}
	text := r.text(`[data-testid="ledger"]`)
	for _, want := range []string{"/api/2.2/jobs/runs/repair", "/api/2.2/jobs/get", "emulated", "partial"} {
		if !strings.Contains(text, want) {
			t.Errorf("ledger lacks %q", want)
		}
	}
	// differences are listed as differences, each sourced or marked unsourced
	diffs := r.text(`[data-testid="difference"]`)
	for _, want := range []string{"Difference: real workspaces", "The sandbox", "Why:", "Source:", "Unsourced"} {
		if !strings.Contains(diffs, want) {
			t.Errorf("differences lack %q", want)
		}
	}
	if !strings.Contains(text, "a task run's id cancels only that task") || strings.Contains(text, "2.1: whole arrays") {
		t.Errorf("ledger still teaches the old runs/cancel or 2.1 behaviour")
	}
	limits := r.text(`[data-testid="limits"]`)
	for _, want := range []string{"Jobs per workspace", "1000", "10,000 saved jobs", "QUOTA_EXCEEDED",
		"Active runs at once", "Runs kept", "5000", "Requests per token on /api", "100 requests/s, bursts of 300", "REQUEST_LIMIT_EXCEEDED with Retry-After"} {
		if !strings.Contains(limits, want) {
			t.Errorf("limits table lacks %q: %s", want, limits)
		}
	}
}

// TestFidelityPageShowsConfiguredLimits: the table lists the limits the
// server was started with, not the defaults.
func TestFidelityPageShowsConfiguredLimits(t *testing.T) {
	t.Parallel()
	a := newTestServer(t, testOpts{Limits: workspace.Limits{MaxJobs: 7, APIRate: 5, MaxActiveRuns: -1}})
	limits := a.get("/sandbox/fidelity").text(`[data-testid="limits"]`)
	for _, want := range []string{"Jobs per workspace7", "5 requests/s, bursts of 15", "Active runs at oncenone"} {
		if !strings.Contains(strings.Join(strings.Fields(limits), ""), strings.Join(strings.Fields(want), "")) {
			t.Errorf("limits table lacks %q: %s", want, limits)
		}
	}
}
