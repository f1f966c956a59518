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
	remote := newLiveWorkspace(t)
	hostPort := strings.TrimPrefix(remote.URL, "http://")
	a := newConsoleApp(t, func(o *web.Options) { o.LiveAllowHosts = []string{hostPort} })
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
	row := r.doc.Find(`[data-testid="history-row"]`).First()
	if !strings.Contains(row.Text(), "live") {
		t.Errorf("history row not marked live: %q", row.Text())
	}

	// Destructive verbs need the confirmation box in live mode.
	del := url.Values{"ep": {"jobs-delete"}, "body": {`{"job_id": 101}`}}
	if r := a.postForm("/sandbox/send", del); r.status != http.StatusBadRequest || !strings.Contains(r.text(`[data-testid="problem"]`), "confirmation") {
		t.Errorf("unconfirmed delete: %d %q", r.status, r.text(`[data-testid="problem"]`))
	}
	if f := a.get("/sandbox?ep=jobs-delete"); f.doc.Find(`[data-testid="confirm-destructive"]`).Length() != 1 {
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
	if a.get("/sandbox").doc.Find(`[data-testid="live-off"]`).Length() != 0 {
		t.Error("page still in live mode")
	}
}

func TestLiveModeRefusesOtherHostsWithoutConnecting(t *testing.T) {
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
	if a.get("/sandbox").doc.Find(`[data-testid="live-off"]`).Length() != 0 {
		t.Error("live mode switched on after a refusal")
	}
}
