package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/jobs-api-trainer/trainer/store/storetest"
)

func TestPages(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	tests := []struct {
		path   string
		status int
		sel    string
	}{
		{"/", 200, `[data-testid="start-lesson"]`},
		{"/lessons/jobs-api", 200, `[data-testid="lesson"] #pagination`},
		{"/lessons/nope", 404, `[data-testid="error"]`},
		{"/no/such/page", 404, `[data-testid="error"]`},
		{"/me", 200, `[data-testid="profile-form"]`},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			r := a.get(tt.path)
			if r.status != tt.status {
				t.Fatalf("status %d, want %d", r.status, tt.status)
			}
			if r.doc().Find(tt.sel).Length() == 0 {
				t.Fatalf("no %s in page", tt.sel)
			}
			if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
				t.Fatalf("content type %q", ct)
			}
		})
	}
}

func TestHealthz(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	r := a.get("/healthz")
	if r.status != 200 || strings.TrimSpace(r.body) != "ok" {
		t.Fatalf("healthz = %d %q", r.status, r.body)
	}
	a.db.Close()
	if r := a.get("/healthz"); r.status != http.StatusServiceUnavailable {
		t.Fatalf("healthz with closed db = %d, want 503", r.status)
	}
}

func TestStaticAssetsAreVersionedAndCached(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	home := a.get("/")
	href, ok := home.doc().Find(`link[rel="stylesheet"]`).First().Attr("href")
	if !ok || !strings.HasPrefix(href, "/static/") {
		t.Fatalf("stylesheet href %q", href)
	}
	r := a.get(href)
	if r.status != 200 || !strings.Contains(r.header.Get("Cache-Control"), "immutable") {
		t.Fatalf("asset %s: %d %q", href, r.status, r.header.Get("Cache-Control"))
	}
	if !strings.HasPrefix(r.header.Get("Content-Type"), "text/css") {
		t.Fatalf("asset content type %q", r.header.Get("Content-Type"))
	}
	for _, sel := range []string{`script[src*="htmx.min.js"]`, `link[href*="highlight.css"]`} {
		if home.doc().Find(sel).Length() != 1 {
			t.Errorf("layout lacks %s", sel)
		}
	}
	if r := a.get("/static/old/app.css"); r.status != 200 || r.header.Get("Cache-Control") != "no-cache" {
		t.Fatalf("stale version: %d %q", r.status, r.header.Get("Cache-Control"))
	}
	if r := a.get("/static/x/nope.js"); r.status != 404 {
		t.Fatalf("missing asset: %d", r.status)
	}
}

func TestDisplayName(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	a.act()
	r := a.postForm("/me", url.Values{"display_name": {"  Ada   Lovelace "}})
	if r.status != http.StatusSeeOther || r.header.Get("Location") != "/me" {
		t.Fatalf("save: %d %q", r.status, r.header.Get("Location"))
	}
	page := a.get("/me")
	if got := page.text(`[data-testid="flash"]`); !strings.Contains(got, "Ada Lovelace") {
		t.Fatalf("flash %q", got)
	}
	if got := page.text(`[data-testid="nav-me"]`); got != "Ada Lovelace" {
		t.Fatalf("header name %q", got)
	}
	if got := a.get("/me").text(`[data-testid="flash"]`); got != "" {
		t.Fatalf("flash shown twice: %q", got)
	}

	bad := []struct{ name, value, msg string }{
		{"empty", "   ", "1 to 40"},
		{"too long", strings.Repeat("x", 41), "longer than 40"},
		{"control char", "a\x07b", "visible characters"},
		{"not UTF-8", "Ada\xff", "visible characters"},
		{"right-to-left override", "Ada\u202e", "visible characters"},
		{"zero-width space", "A\u200bda", "visible characters"},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			r := a.postForm("/me", url.Values{"display_name": {tt.value}})
			if r.status != http.StatusBadRequest {
				t.Fatalf("status %d", r.status)
			}
			if got := r.text(`[data-testid="field-error"]`); !strings.Contains(got, tt.msg) {
				t.Fatalf("field error %q, want %q", got, tt.msg)
			}
			if !utf8.ValidString(r.body) {
				t.Error("the page shows the typed bytes back as they came: not UTF-8")
			}
		})
	}
	if got := a.get("/me").text(`[data-testid="nav-me"]`); got != "Ada Lovelace" {
		t.Fatalf("a bad post changed the name to %q", got)
	}
}

func TestOversizedAndMalformedForms(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	a.act()
	big := "display_name=" + strings.Repeat("a", 100<<10)
	req, _ := http.NewRequest(http.MethodPost, a.srv.URL+"/me", strings.NewReader(big))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if r := a.do(req); r.status != http.StatusBadRequest {
		t.Fatalf("oversized form: %d", r.status)
	}
	req, _ = http.NewRequest(http.MethodPost, a.srv.URL+"/me", strings.NewReader("display_name=%zz"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if r := a.do(req); r.status != http.StatusBadRequest {
		t.Fatalf("malformed form: %d", r.status)
	}
}

func TestCrossOriginPostIsRefused(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	a.act()
	req, _ := http.NewRequest(http.MethodPost, a.srv.URL+"/me", strings.NewReader("display_name=Eve"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	if r := a.do(req); r.status != http.StatusForbidden {
		t.Fatalf("cross-site post: %d, want 403", r.status)
	}
}

func TestSessionSurvivesRestart(t *testing.T) {
	t.Parallel()
	first := newApp(t)
	first.act()
	first.postForm("/me", url.Values{"display_name": {"Grace"}})
	u, _ := url.Parse(first.srv.URL)
	cookies := first.c.Jar.Cookies(u)
	if len(cookies) == 0 {
		t.Fatal("no session cookie")
	}
	c := cookies[0]
	first.srv.Close()

	second := newTestServer(t, testOpts{DB: first.db}) // same database and keys, new server
	u2, _ := url.Parse(second.srv.URL)
	second.c.Jar.SetCookies(u2, []*http.Cookie{{Name: c.Name, Value: c.Value, Path: "/"}})
	if got := second.get("/me").text(`[data-testid="nav-me"]`); got != "Grace" {
		t.Fatalf("after restart the learner is %q, want Grace", got)
	}
}

func TestSessionCookieFlags(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	res, err := a.c.PostForm(a.srv.URL+"/sandbox/live/off", nil) // a first action: the cookie is set
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	sc := res.Header.Get("Set-Cookie")
	for _, want := range []string{"HttpOnly", "SameSite=Lax", "Path=/"} {
		if !strings.Contains(sc, want) {
			t.Errorf("Set-Cookie %q lacks %s", sc, want)
		}
	}
	if strings.Contains(sc, "Secure") {
		t.Errorf("Secure set on plain HTTP: %q", sc)
	}
}

func TestHTMXErrorsAreFragmentsWithATarget(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	a.act()
	req, _ := http.NewRequest(http.MethodGet, a.srv.URL+"/no/such/page", nil)
	req.Header.Set("HX-Request", "true")
	r := a.do(req)
	if r.status != 404 || r.header.Get("HX-Retarget") != "#main" {
		t.Fatalf("htmx 404: %d retarget=%q", r.status, r.header.Get("HX-Retarget"))
	}
	if r.doc().Find("header.site-header").Length() != 0 || r.doc().Find(`[data-testid="error"]`).Length() != 1 {
		t.Fatalf("htmx error is not a bare fragment:\n%s", r.body)
	}
}

func TestWrongMethodIs405WithAllow(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	tests := []struct {
		method, path, allow string
		status              int
	}{
		{http.MethodGet, "/drill/s/1/answer", "POST", 405},
		{http.MethodPut, "/drill/sessions", "POST", 405},
		{http.MethodDelete, "/me", "GET, POST", 405},
		{http.MethodPost, "/lessons/jobs-api", "GET", 405},
		{http.MethodDelete, "/nowhere", "", 404},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.path, func(t *testing.T) {
			req, _ := http.NewRequest(tt.method, a.srv.URL+tt.path, nil)
			r := a.do(req)
			if r.status != tt.status || r.header.Get("Allow") != tt.allow {
				t.Fatalf("got %d Allow=%q, want %d Allow=%q", r.status, r.header.Get("Allow"), tt.status, tt.allow)
			}
			if r.doc().Find(`[data-testid="error"]`).Length() != 1 {
				t.Fatal("not the styled error page")
			}
		})
	}
}

func TestUnknownPathsCreateNoLearner(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	for range 5 {
		if r := a.get("/wp-login.php"); r.status != 404 {
			t.Fatalf("probe: %d", r.status)
		}
	}
	if _, err := a.db.Learner(context.Background(), 1); err == nil {
		t.Fatal("a 404 probe created a learner")
	}
	a.get("/")
	if _, err := a.db.Learner(context.Background(), 1); err == nil {
		t.Fatal("looking at the home page created a learner")
	}
	a.act()
	if _, err := a.db.Learner(context.Background(), 1); err != nil {
		t.Fatalf("the first action did not create the learner: %v", err)
	}
}

// TestStoreErrorIsA500PageLoggedOnce: a failing database gives the styled
// 500 page with a request id, and exactly one log line naming that id.
func TestStoreErrorIsA500PageLoggedOnce(t *testing.T) {
	t.Parallel()
	var logs strings.Builder
	db := storetest.New(t)
	a := newTestServer(t, testOpts{DB: db, LogOut: &logs})
	a.get("/") // a learner and a cookie
	db.Close()
	r := a.get("/progress")
	if r.status != http.StatusInternalServerError {
		t.Fatalf("status %d, want 500", r.status)
	}
	id := r.text(`[data-testid="request-id"]`)
	if id == "" || r.doc().Find(`[data-testid="error"]`).Length() != 1 {
		t.Fatalf("no styled 500 page with a request id:\n%.400s", r.body)
	}
	if strings.Contains(r.body, "sql") || strings.Contains(r.body, "database is closed") {
		t.Fatal("the page leaks the internal error")
	}
	lines := 0
	for _, l := range strings.Split(logs.String(), "\n") {
		if strings.Contains(l, "request_id="+id) {
			lines++
		}
	}
	if lines != 1 {
		t.Fatalf("%d log lines with request_id=%s, want 1:\n%s", lines, id, logs.String())
	}
}
