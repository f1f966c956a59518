package workspace

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// TestPreviewStoresNothingAndMatchesANewWorkspace: Preview shows what a
// new workspace holds, without saving or loading any workspace.
func TestPreviewStoresNothingAndMatchesANewWorkspace(t *testing.T) {
	t.Parallel()
	db := openStore(t, "")
	e := newEnv(t, db, true)
	pv, err := e.m.Preview(Window{RunsPerJob: 5})
	if err != nil {
		t.Fatal(err)
	}
	if docs, err := db.LoadWorkspace(context.Background(), "learner-1"); err != nil || len(docs) != 0 {
		t.Fatalf("Preview saved %d documents (%v)", len(docs), err)
	}
	e.m.mu.Lock()
	loaded := len(e.m.spaces)
	e.m.mu.Unlock()
	if loaded != 0 {
		t.Fatalf("Preview loaded %d workspaces", loaded)
	}
	ov, err := e.m.Overview(context.Background(), "learner-1", 5)
	if err != nil {
		t.Fatal(err)
	}
	if len(pv.Jobs) == 0 || len(pv.Jobs) != len(ov.Jobs) {
		t.Fatalf("preview has %d jobs, a new workspace %d", len(pv.Jobs), len(ov.Jobs))
	}
	for i := range ov.Jobs {
		if pv.Jobs[i].Name != ov.Jobs[i].Name || pv.Jobs[i].JobID != ov.Jobs[i].JobID || len(pv.Jobs[i].Runs) != len(ov.Jobs[i].Runs) {
			t.Errorf("job %d: preview %s/%d/%d runs, workspace %s/%d/%d runs", i,
				pv.Jobs[i].Name, pv.Jobs[i].JobID, len(pv.Jobs[i].Runs), ov.Jobs[i].Name, ov.Jobs[i].JobID, len(ov.Jobs[i].Runs))
		}
	}
	// Reused for a while, then reseeded at the clock's time.
	e.clk.Add(2 * time.Minute)
	later, err := e.m.Preview(Window{RunsPerJob: 5})
	if err != nil {
		t.Fatal(err)
	}
	if !later.Now.Equal(e.clk.Now()) || !later.Jobs[0].CreatedTime.After(pv.Jobs[0].CreatedTime) {
		t.Errorf("the preview was not reseeded: now %v, created %v (was %v)", later.Now, later.Jobs[0].CreatedTime, pv.Jobs[0].CreatedTime)
	}
}

// TestRequestSchemeTrustsProxyOnlyWhenTold: X-Forwarded-Proto counts only
// with trustProxy; TLS always does. The emulator's links follow it.
func TestRequestSchemeTrustsProxyOnlyWhenTold(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		tls   bool
		xfp   string
		trust bool
		want  string
	}{
		{"plain", false, "", false, "http"},
		{"forged header, not trusted", false, "https", false, "http"},
		{"proxy header, trusted", false, "https", true, "https"},
		{"proxy says http, trusted", false, "http", true, "http"},
		{"tls", true, "", false, "https"},
		{"tls, header says http, not trusted", true, "http", false, "https"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			scheme := map[bool]string{false: "http", true: "https"}[tt.tls]
			r := httptest.NewRequest(http.MethodGet, scheme+"://trainer.example/api/2.2/jobs/list", nil) // https sets r.TLS
			if tt.xfp != "" {
				r.Header.Set("X-Forwarded-Proto", tt.xfp)
			}
			if got := RequestScheme(r, tt.trust); got != tt.want {
				t.Errorf("RequestScheme = %q, want %q", got, tt.want)
			}
		})
	}
	for _, trust := range []bool{false, true} {
		m, err := NewManager(Options{Resolve: resolver, TrustProxy: trust})
		if err != nil {
			t.Fatal(err)
		}
		r := httptest.NewRequest(http.MethodGet, "http://trainer.example/.well-known/databricks-config", nil)
		r.Header.Set("X-Forwarded-Proto", "https")
		w := httptest.NewRecorder()
		m.Handler().ServeHTTP(w, r)
		want := map[bool]string{false: `"http://trainer.example/oidc"`, true: `"https://trainer.example/oidc"`}[trust]
		if !strings.Contains(w.Body.String(), want) {
			t.Errorf("trust=%v: %s lacks %s", trust, w.Body.String(), want)
		}
	}
}
