package web_test

import (
	"bytes"
	"context"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jobs-api-trainer/trainer/data"
	"github.com/jobs-api-trainer/trainer/web"
	"github.com/jobs-api-trainer/trainer/workspace"
)

const livePAT = "dapi0123456789abcdef0123456789live"

// newLiveWorkspace starts a second emulator, standing in for a real
// workspace, that accepts only livePAT.
func newLiveWorkspace(t *testing.T) *httptest.Server {
	t.Helper()
	fixtures, err := fs.Sub(data.FS, "workspace")
	if err != nil {
		t.Fatal(err)
	}
	mgr, err := workspace.NewManager(workspace.Options{
		TaskDuration: time.Second,
		Fixtures:     fixtures,
		Resolve: func(_ context.Context, token string) (workspace.Identity, error) {
			if token != livePAT {
				return workspace.Identity{}, workspace.ErrUnknownToken
			}
			return workspace.Identity{WorkspaceID: "live", UserName: "me@company.example"}, nil
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(mgr.Handler())
	t.Cleanup(srv.Close)
	return srv
}

func TestLiveModeAgainstASecondEmulator(t *testing.T) {
	t.Parallel()
	remote := newLiveWorkspace(t)
	hostPort := strings.TrimPrefix(remote.URL, "http://")
	a := newTestServer(t, testOpts{Web: web.Options{LiveAllowHosts: []string{hostPort}}})
	tokenFromPage(t, a)
	// A job only the "real" workspace has.
	req, _ := http.NewRequest("POST", remote.URL+"/api/2.2/jobs/create", strings.NewReader(`{"name":"only-on-live","tasks":[{"task_key":"a","notebook_task":{"notebook_path":"/x"},"existing_cluster_id":"c1"}]}`))
	req.Header.Set("Authorization", "Bearer "+livePAT)
	if res, err := http.DefaultClient.Do(req); err != nil || res.StatusCode != 200 {
		t.Fatalf("create on live: %v %v", res, err)
	}

	r := a.postForm("/sandbox/live", url.Values{"host": {remote.URL}, "token": {livePAT}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("switch: %d %s", r.status, r.text(`[data-testid="live-error"]`))
	}
	page := a.get("/sandbox")
	masked := "dapi…live"
	if got := page.text(`[data-testid="live-token"]`); got != masked {
		t.Errorf("live token shown as %q, want %q", got, masked)
	}
	if !strings.Contains(page.text(`[data-testid="target"]`), remote.URL) {
		t.Errorf("target bar %q", page.text(`[data-testid="target"]`))
	}

	r = a.send("/sandbox/send", url.Values{"ep": {"jobs-list"}})
	if got := r.text(`[data-testid="response-status"]`); got != "200 OK" {
		t.Fatalf("live jobs/list: %q %s", got, r.text(`[data-testid="result"]`))
	}
	if !strings.Contains(r.text(`[data-testid="request"]`), "live: "+remote.URL) || !strings.Contains(r.text(`[data-testid="request"]`), "Bearer "+masked) {
		t.Errorf("request panel: %s", r.text(`[data-testid="request"]`))
	}
	if !strings.Contains(r.text(`[data-testid="render-curl"]`), remote.URL+"/api/2.2/jobs/list") {
		t.Errorf("curl for live: %s", r.text(`[data-testid="render-curl"]`))
	}
	if !strings.Contains(r.text(`[data-testid="response-body"]`), "only-on-live") {
		t.Error("the response did not come from the live workspace")
	}
	if strings.Contains(r.body, livePAT) {
		t.Error("the PAT is in the HTML in full")
	}
	row := r.doc().Find(`[data-testid="history-row"]`).First()
	if !strings.Contains(row.Text(), "live") {
		t.Errorf("history row not marked live: %q", row.Text())
	}

	// Destructive verbs need the confirmation box in live mode.
	del := url.Values{"ep": {"jobs-delete"}, "body": {`{"job_id": 101}`}}
	if r := a.postForm("/sandbox/send", del); r.status != http.StatusBadRequest || !strings.Contains(r.text(`[data-testid="problem"]`), "confirmation") {
		t.Errorf("unconfirmed delete: %d %q", r.status, r.text(`[data-testid="problem"]`))
	}
	if f := a.get("/sandbox?ep=jobs-delete"); f.doc().Find(`[data-testid="confirm-destructive"]`).Length() != 1 {
		t.Error("no confirmation box on jobs/delete in live mode")
	}
	del.Set("confirm", "yes")
	if r := a.send("/sandbox/send", del); r.text(`[data-testid="response-status"]`) == "" {
		t.Error("confirmed delete got no response")
	}

	// The PAT is nowhere in SQLite.
	for _, f := range []string{"", "-wal"} {
		b, err := os.ReadFile(a.db.Path() + f)
		if err != nil && f == "" {
			t.Fatal(err)
		}
		if bytes.Contains(b, []byte(livePAT)) || bytes.Contains(b, []byte(livePAT[4:20])) {
			t.Errorf("the PAT is in %s", filepath.Base(a.db.Path()+f))
		}
	}

	// Back to sandbox: calls go to the learner's own workspace again.
	if r := a.postForm("/sandbox/live/off", nil); r.status != http.StatusSeeOther {
		t.Fatalf("live off: %d", r.status)
	}
	r = a.send("/sandbox/send", url.Values{"ep": {"jobs-list"}})
	if strings.Contains(r.text(`[data-testid="request"]`), "live:") || strings.Contains(r.text(`[data-testid="response-body"]`), "only-on-live") {
		t.Error("still live after back to sandbox")
	}
	if a.get("/sandbox").doc().Find(`[data-testid="live-off"]`).Length() != 0 {
		t.Error("page still in live mode")
	}
}

func TestLiveModeRefusesOtherHostsWithoutConnecting(t *testing.T) {
	t.Parallel()
	var hits atomic.Int64
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits.Add(1) }))
	t.Cleanup(other.Close)
	a := newApp(t)
	tokenFromPage(t, a)
	tests := []struct{ name, host, want string }{
		{"loopback not allowed", other.URL, "Not switched"},
		{"not a Databricks domain", "https://example.com", "Databricks workspace hosts"},
		{"IP literal", "https://10.0.0.1", "IP address"},
		{"plain http", "http://dbc-1.cloud.databricks.com", "https"},
		{"empty", "", "Not switched"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := a.postForm("/sandbox/live", url.Values{"host": {tt.host}, "token": {livePAT}})
			if r.status != http.StatusBadRequest {
				t.Fatalf("status %d, want 400", r.status)
			}
			if got := r.text(`[data-testid="live-error"]`); !strings.Contains(got, tt.want) {
				t.Errorf("refusal %q lacks %q", got, tt.want)
			}
			if strings.Contains(r.body, livePAT) {
				t.Error("the PAT is echoed back")
			}
		})
	}
	if hits.Load() != 0 {
		t.Errorf("the refused host was contacted %d times", hits.Load())
	}
	if a.get("/sandbox").doc().Find(`[data-testid="live-off"]`).Length() != 0 {
		t.Error("live mode switched on after a refusal")
	}
}

// A refused host gets every reason at once, not only the first the guard
// stops at: http://10.0.0.1 is plain http, an IP literal and private.
func TestLiveModeRefusalGivesEveryReason(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	tokenFromPage(t, a)
	tests := []struct {
		host string
		want []string
	}{
		{"http://10.0.0.1", []string{"uses http", "IP address", "private"}},
		{"https://192.168.1.5:8443", []string{"port 443", "IP address", "private"}},
		{"http://user:pw@example.com", []string{"user name", "uses http", "not one"}},
		{"https://10.0.0.1", []string{"IP address", "private"}},
	}
	for _, tt := range tests {
		t.Run(tt.host, func(t *testing.T) {
			r := a.postForm("/sandbox/live", url.Values{"host": {tt.host}, "token": {livePAT}})
			if r.status != http.StatusBadRequest {
				t.Fatalf("status %d, want 400", r.status)
			}
			reasons := r.doc().Find(`[data-testid="live-error"] [data-testid="live-reason"]`)
			if reasons.Length() != len(tt.want) {
				t.Fatalf("%d reasons, want %d: %q", reasons.Length(), len(tt.want), r.text(`[data-testid="live-error"]`))
			}
			for i, want := range tt.want {
				if got := reasons.Eq(i).Text(); !strings.Contains(got, want) {
					t.Errorf("reason %d %q lacks %q", i+1, got, want)
				}
			}
			if got := r.text(`[data-testid="live-error"]`); !strings.Contains(got, "Not switched") || !strings.Contains(got, "Nothing was sent") {
				t.Errorf("refusal %q", got)
			}
		})
	}
	// One reason stays one sentence.
	r := a.postForm("/sandbox/live", url.Values{"host": {"https://example.com"}, "token": {livePAT}})
	if r.doc().Find(`[data-testid="live-reason"]`).Length() != 0 || !strings.Contains(r.text(`[data-testid="live-error"]`), "Not switched: live mode only talks to Databricks workspace hosts") {
		t.Errorf("single refusal %q", r.text(`[data-testid="live-error"]`))
	}
}

// Live mode sends only /api/2.2/jobs/... (issue 5): the permissions API and
// the 2.1 paths, which the sandbox serves, are refused before any
// connection, from the form, the CLI box and a replayed call alike.
func TestLiveModeSendsOnlyJobs22(t *testing.T) {
	t.Parallel()
	remote := newLiveWorkspace(t)
	var mu sync.Mutex
	var paths []string
	counting := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		paths = append(paths, r.URL.Path)
		mu.Unlock()
		remote.Config.Handler.ServeHTTP(w, r)
	}))
	t.Cleanup(counting.Close)
	seen := func() []string {
		mu.Lock()
		defer mu.Unlock()
		return append([]string(nil), paths...)
	}
	hostPort := strings.TrimPrefix(counting.URL, "http://")
	a := newTestServer(t, testOpts{Web: web.Options{LiveAllowHosts: []string{hostPort}}})
	tokenFromPage(t, a)
	if r := a.postForm("/sandbox/live", url.Values{"host": {counting.URL}, "token": {livePAT}}); r.status != http.StatusSeeOther {
		t.Fatalf("switch: %d %s", r.status, r.text(`[data-testid="live-error"]`))
	}
	// A 2.2 call goes through.
	if r := a.send("/sandbox/send", url.Values{"ep": {"jobs-list"}}); r.text(`[data-testid="response-status"]`) != "200 OK" {
		t.Fatalf("live jobs/list: %s", r.text(`[data-testid="result"]`))
	}
	before := len(seen())

	tests := []struct {
		name, url string
		form      url.Values
		want      string
	}{
		{"permissions form", "/sandbox/send", url.Values{"ep": {"permissions-get"}, "p_job_id_other": {"101"}}, "/api/2.0/permissions/jobs/101 is the permissions API"},
		{"permission levels form", "/sandbox/send", url.Values{"ep": {"permissions-levels"}, "p_job_id_other": {"101"}}, "permissions API"},
		{"set permissions form", "/sandbox/send", url.Values{"ep": {"permissions-set"}, "p_job_id_other": {"101"}, "body": {`{"access_control_list":[]}`}}, "permissions API"},
		{"permissions CLI", "/sandbox/cli", url.Values{"line": {"databricks jobs get-permissions 101"}}, "permissions API"},
		{"2.1 replay", "/sandbox/send", url.Values{"method": {"GET"}, "path": {"/api/2.1/jobs/list"}}, "not the 2.1 path /api/2.1/jobs/list"},
		{"2.1 destructive replay", "/sandbox/send", url.Values{"method": {"POST"}, "path": {"/api/2.1/jobs/delete"}, "body": {`{"job_id":1}`}, "confirm": {"yes"}}, "2.1 path"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := a.postForm(tt.url, tt.form)
			if r.status != http.StatusBadRequest {
				t.Errorf("status %d, want 400", r.status)
			}
			p := r.text(`[data-testid="problem"]`)
			if !strings.Contains(p, tt.want) || !strings.Contains(p, "Nothing was sent to "+counting.URL) {
				t.Errorf("problem %q lacks %q", p, tt.want)
			}
			if strings.Contains(r.body, livePAT) {
				t.Error("the PAT is in the page")
			}
		})
	}
	if got := seen(); len(got) != before {
		t.Errorf("the live host was called for refused paths: %q", got[before:])
	}
	// The form says so up front.
	if got := a.get("/sandbox?ep=permissions-get").text(`[data-testid="live-refused"]`); !strings.Contains(got, "/api/2.2/jobs/") {
		t.Errorf("permissions form in live mode: %q", got)
	}
	if n := a.get("/sandbox?ep=jobs-get").doc().Find(`[data-testid="live-refused"]`).Length(); n != 0 {
		t.Error("a 2.2 endpoint marked as refused in live mode")
	}
	// In the sandbox, permissions work as before.
	a.postForm("/sandbox/live/off", nil)
	if r := a.send("/sandbox/cli", url.Values{"line": {"databricks jobs get-permissions " + id(consoleJobs(t, a, tokenFromPage(t, a))["nightly-etl"])}}); r.text(`[data-testid="response-status"]`) != "200 OK" {
		t.Errorf("sandbox permissions: %s", r.text(`[data-testid="result"]`))
	}
}
